package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// NetuidFlag is --netuid, the subnet a command is about.
type NetuidFlag struct {
	// Value is the flag's value; -1 when it was not given.
	Value int

	cmd *cobra.Command
}

// AddNetuidFlag registers --netuid on cmd.
func AddNetuidFlag(cmd *cobra.Command, n *NetuidFlag) {
	n.Value = -1
	cmd.Flags().Var(netuidValue{n}, "netuid", "The subnet's netuid (asked for when not given)")
	n.cmd = cmd
}

// netuidValue is --netuid's pflag.Value: an integer, shown empty (no
// default in help) until set.
type netuidValue struct{ n *NetuidFlag }

func (v netuidValue) String() string {
	if v.n.Value < 0 {
		return ""
	}
	return strconv.Itoa(v.n.Value)
}

func (v netuidValue) Set(s string) error {
	x, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a netuid (a number from 0 to 65535)")
	}
	v.n.Value = x
	return nil
}

func (v netuidValue) Type() string { return "int" }

// Given reports whether --netuid was set (by flag, environment or config).
func (n *NetuidFlag) Given() bool {
	return n.Value >= 0 || n.cmd != nil && n.cmd.Flags().Changed("netuid")
}

// Check rejects a --netuid outside 0 … 65535. Commands call it while
// validating flags.
func (n *NetuidFlag) Check() error {
	if n.Given() && (n.Value < 0 || n.Value > math.MaxUint16) {
		return FlagErrorf("--netuid %d: a netuid is from 0 to 65535", n.Value)
	}
	return nil
}

// Resolve returns the netuid: the flag's, or, when it was not given and
// the user can be asked, the answer to Bittensor's "Enter netuid" (default
// def). Without a terminal or with --no_prompt a missing --netuid is a
// FlagError.
func (n *NetuidFlag) Resolve(f *Factory, def uint16) (uint16, error) {
	if err := n.Check(); err != nil {
		return 0, err
	}
	if n.Given() {
		return uint16(n.Value), nil
	}
	if !f.CanPrompt() {
		return 0, FlagErrorf("--netuid is required")
	}
	s, err := f.Prompter().Input("Enter netuid", strconv.Itoa(int(def)))
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 16)
	if err != nil {
		return 0, FlagErrorf("netuid %q: a netuid is a number from 0 to 65535", s)
	}
	return uint16(v), nil
}

// RequireSubnet returns the subnet netuid at the latest block, or an error
// matching types.ErrNetworkDoesNotExist that says how to find the subnets.
func RequireSubnet(ctx context.Context, c subtensor.Chain, netuid uint16) (types.SubnetInfo, error) {
	info, err := c.GetSubnet(ctx, netuid, 0)
	if errors.Is(err, types.ErrNetworkDoesNotExist) {
		return info, types.Errorf(types.ErrNetworkDoesNotExist, "subnet %d does not exist (btcli subnets list shows the subnets)", netuid)
	}
	return info, err
}
