package sudo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/spf13/cobra"
)

// bittensorNames are Bittensor's btcli sudo set names that differ from the
// chain's parameter names (types.ParamSetters).
var bittensorNames = map[string]string{
	"weights_version":    "weights_version_key",
	"weights_rate_limit": "weights_set_rate_limit",
	"max_weight_limit":   "max_weights_limit",
}

// ParamNames lists every name --param accepts: the chain's parameters in
// the setters' order, then Bittensor's other spellings.
func ParamNames() []string {
	var out []string
	for _, s := range types.ParamSetters() {
		out = append(out, s.Param)
	}
	extra := make([]string, 0, len(bittensorNames))
	for k := range bittensorNames {
		extra = append(extra, k)
	}
	slices.Sort(extra)
	return append(out, extra...)
}

// setterFor finds the setter of a --param name.
func setterFor(name string) (*types.ParamSetter, bool) {
	if n, ok := bittensorNames[name]; ok {
		name = n
	}
	return types.SetterForParam(name)
}

// SetOptions are the options of `sudo set`.
type SetOptions struct {
	Factory   *cmdutil.Factory
	Wallet    cmdutil.WalletFlags
	Subtensor cmdutil.SubtensorFlags
	Netuid    cmdutil.NetuidFlag
	Param     string
	Value     string
	JSON      bool

	setter *types.ParamSetter
	value  uint64
}

// NewCmdSet returns `sudo set`.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "set --netuid <netuid> --param <name> --value <value>",
		Short: "Set a subnet hyperparameter (or a chain parameter)",
		Long: `Set a hyperparameter of a subnet, signed by the wallet's coldkey. The subnet's
owner may set some of them; the others, and the chain-wide parameters, need
the chain's sudo key (//Alice on a dev chain).

--param takes the chain's names (those btcli subnets hyperparameters shows,
and the chain-wide ones) and Bittensor's: ` + strings.Join(ParamNames(), ", ") + `.

--value is an integer as the chain stores it (u16 proportions out of 65535,
burns in RAO, periods in blocks), or true/false for switches.`,
		Example: `  btcli sudo set --netuid 1 --param weights_rate_limit --value 10 --wallet.name owner
  btcli sudo set --param tx_rate_limit --value 0 --wallet.name sudo`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Netuid.Check(); err != nil {
				return err
			}
			if opts.Param != "" {
				if err := opts.parseParam(opts.Param); err != nil {
					return err
				}
			}
			if opts.Param != "" && opts.Value != "" {
				if err := opts.parseValue(opts.Value); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddWalletFlags(cmd, &opts.Wallet)
	cmdutil.AddSubtensorFlags(cmd, &opts.Subtensor)
	cmdutil.AddNetuidFlag(cmd, &opts.Netuid)
	cmd.Flags().StringVar(&opts.Param, "param", "", "The parameter to set (asked for when not given)")
	cmd.Flags().StringVar(&opts.Value, "value", "", "Its new value (asked for when not given)")
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

func (o *SetOptions) parseParam(name string) error {
	s, ok := setterFor(strings.TrimSpace(name))
	if !ok {
		return cmdutil.FlagErrorf("--param %q: not a parameter; choose one of %s", name, strings.Join(ParamNames(), ", "))
	}
	o.setter = s
	return nil
}

func (o *SetOptions) parseValue(v string) error {
	v = strings.TrimSpace(v)
	if o.setter.Max == 1 {
		switch strings.ToLower(v) {
		case "true", "1", "yes", "on":
			o.value = 1
			return nil
		case "false", "0", "no", "off":
			o.value = 0
			return nil
		}
		return cmdutil.FlagErrorf("--value %q: %s is a switch: true or false", v, o.setter.Param)
	}
	n, err := strconv.ParseUint(strings.ReplaceAll(v, "_", ""), 10, 64)
	if err != nil || n > o.setter.Max {
		return cmdutil.FlagErrorf("--value %q: %s is an integer from 0 to %d", v, o.setter.Param, o.setter.Max)
	}
	o.value = n
	return nil
}

// setResult is the --json output.
type setResult struct {
	Param    string `json:"param"`
	Call     string `json:"call"`
	Netuid   uint16 `json:"netuid,omitempty"`
	Previous uint64 `json:"previous"`
	Value    uint64 `json:"value"`
	Block    uint64 `json:"block"`
	Tx       string `json:"tx"`
}

func setRun(ctx context.Context, opts *SetOptions) error {
	f := opts.Factory
	w, err := opts.Wallet.Resolve(f, cmdutil.PromptName)
	if err != nil {
		return err
	}
	if opts.setter == nil {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("--param is required; choose one of %s", strings.Join(ParamNames(), ", "))
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "Parameters: %s\n", strings.Join(ParamNames(), ", "))
		name, err := f.Prompter().Input("Enter hyperparameter", "")
		if err != nil {
			return err
		}
		if err := opts.parseParam(name); err != nil {
			return err
		}
		opts.Param = name
	}
	s := opts.setter
	var netuid uint16
	if s.Subnet {
		if netuid, err = opts.Netuid.Resolve(f, 1); err != nil {
			return err
		}
	}
	if opts.Value != "" {
		if err := opts.parseValue(opts.Value); err != nil {
			return err
		}
	} else {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("--value is required")
		}
		v, err := f.Prompter().Input("Enter new value", "")
		if err != nil {
			return err
		}
		if err := opts.parseValue(v); err != nil {
			return err
		}
		opts.Value = v
	}
	c, err := f.Connect(ctx, opts.Subtensor)
	if err != nil {
		return err
	}
	where := "the chain"
	var previous uint64
	var known bool
	if s.Subnet {
		info, err := cmdutil.RequireSubnet(ctx, c, netuid)
		if err != nil {
			return err
		}
		previous, known = s.Get(&info.Hyperparameters, nil)
		where = fmt.Sprintf("subnet %d", netuid)
	} else {
		p, err := c.Params(ctx)
		if err != nil {
			return err
		}
		previous, known = s.Get(nil, &p.Subtensor)
	}
	from := "?"
	if known {
		from = strconv.FormatUint(previous, 10)
	}
	// The chain checks the change (who may make it, the value's range)
	// before anything is asked: a key that may not set it is refused now,
	// not after its password.
	pub, err := w.ColdkeyPub()
	if err != nil {
		return err
	}
	res, err := cmdutil.Write(ctx, f, cmdutil.Tx{What: "setting " + s.Param, Signer: types.AccountID(pub.PublicKey()),
		Call: func(ctx context.Context, k subtensor.Signer, wait subtensor.Wait) (*subtensor.TxResult, error) {
			return c.SetHyperparameter(ctx, k, netuid, s.Param, opts.value, wait)
		}},
		func(fee balance.Balance) string {
			return fmt.Sprintf("Set %s of %s from %s to %d (%s)%s? [y/n]: ", s.Param, where, from, opts.value, s.Call, cmdutil.FeeClause(", for a fee of %s", fee))
		},
		cmdutil.UnlockColdkey(f, w))
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.PrintJSON(f.IOStreams.Out, setResult{Param: s.Param, Call: s.Call, Netuid: netuid, Previous: previous, Value: opts.value, Block: res.Height, Tx: res.Hash})
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Included in block %d (tx %s)\n", res.Height, res.Hash)
	fmt.Fprintf(f.IOStreams.Out, "Set %s of %s to %d\n", s.Param, where, opts.value)
	return nil
}
