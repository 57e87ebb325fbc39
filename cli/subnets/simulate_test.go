package subnets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/chain/yuma"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// harness runs a command with in-memory streams.
type harness struct {
	f               *cmdutil.Factory
	in, out, errOut *bytes.Buffer
}

func newHarness() *harness {
	ios, in, out, errOut := cmdutil.Test()
	return &harness{f: &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}, in: in, out: out, errOut: errOut}
}

func (h *harness) run(newCmd func(*cmdutil.Factory) *cobra.Command, args ...string) error {
	h.out.Reset()
	h.errOut.Reset()
	cmd := newCmd(h.f)
	cmd.SetArgs(args)
	cmd.SetOut(h.out)
	cmd.SetErr(h.errOut)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	return cmd.Execute()
}

func simulateCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdSimulate(f, nil) }

func TestNewCmdSimulate(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    SimulateOptions // Factory and Subtensor not compared
		wantErr string
	}{
		{args: []string{"--input", "e.json"}, want: SimulateOptions{Input: "e.json"}},
		{args: []string{"--input", "-", "--root"}, want: SimulateOptions{Input: "-", Root: true}},
		{args: []string{"--netuid", "3"}, want: SimulateOptions{Netuid: 3, HasNetuid: true}},
		{args: []string{"--netuid", "0"}, want: SimulateOptions{HasNetuid: true, Root: true}},
		{args: []string{"--root"}, want: SimulateOptions{HasNetuid: true, Root: true}},
		{args: []string{"--netuid", "2", "--print_input"}, want: SimulateOptions{Netuid: 2, HasNetuid: true, PrintInput: true}},
		{args: []string{}, wantErr: "give --input FILE"},
		{args: []string{"--input", "e.json", "--netuid", "1"}, wantErr: "not both"},
		{args: []string{"--root", "--netuid", "1"}, wantErr: "not subnet 1"},
		{args: []string{"--input", "e.json", "--print_input"}, wantErr: "needs --netuid"},
		{args: []string{"--netuid", "65536"}, wantErr: "netuid"},
		{args: []string{"extra"}, wantErr: "no arguments"},
	} {
		h := newHarness()
		var got *SimulateOptions
		err := h.run(func(f *cmdutil.Factory) *cobra.Command {
			return NewCmdSimulate(f, func(o *SimulateOptions) error { got = o; return nil })
		}, tt.args...)
		if tt.wantErr != "" {
			var fe *cmdutil.FlagError
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			} else if !errors.As(err, &fe) && !strings.Contains(err.Error(), "invalid argument") {
				t.Errorf("%v: %v is not a usage error", tt.args, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		got.Factory, got.Subtensor = nil, cmdutil.SubtensorFlags{}
		if *got != tt.want {
			t.Errorf("%v: options %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

// The first weighted epoch of the reference's test_active_stake
// (pallets/subtensor/tests/epoch.rs): four neurons of stake 1
// with permits, uids 0 and 1 weighting uids 2 and 3 since block 1.
const tv2Input = `{"block": 1, "emission": 1000000000, "kappa": 32767, "activity_cutoff": 5000,
 "max_allowed_validators": 4, "bonds_moving_average": 900000, "neurons": [
  {"stake": 1, "last_update": 1, "registered_at": 0, "validator_permit": true, "weights": [[2, 65535], [3, 65535]]},
  {"stake": 1, "last_update": 1, "registered_at": 0, "validator_permit": true, "weights": [[3, 65535], [2, 65535]]},
  {"stake": 1, "last_update": 0, "registered_at": 0, "validator_permit": true},
  {"stake": 1, "last_update": 0, "registered_at": 0, "validator_permit": true, "weights": [], "bonds": []}]}`

// The reference's test_root_set_weights: ten root validators, validator i
// weighting netuid i.
func tv5Input() string {
	var vs []string
	for i := 0; i < 10; i++ {
		vs = append(vs, fmt.Sprintf(`{"stake": 1000000000, "weights": [[%d, 65535]]}`, i))
	}
	return `{"block_emission": 1000000000, "kappa": 32767, "rho": 30, "netuids": [0,1,2,3,4,5,6,7,8,9], "validators": [` + strings.Join(vs, ",") + `]}`
}

func TestSimulateFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	h := newHarness()
	if err := h.run(simulateCmd, "--input", write("tv2.json", tv2Input)); err != nil {
		t.Fatal(err)
	}
	var out yuma.SimOutput
	if err := json.Unmarshal(h.out.Bytes(), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, h.out)
	}
	if len(out.Neurons) != 4 {
		t.Fatalf("output %s", h.out)
	}
	for i, n := range out.Neurons {
		wantD := map[bool]uint16{true: 32767, false: 0}[i < 2]
		if n.Emission != 250_000_000 || n.Dividends != wantD || !n.ValidatorPermit {
			t.Errorf("uid %d: %+v", i, n)
		}
		if i < 2 && fmt.Sprint(n.Bonds) != "[[2 65535] [3 65535]]" {
			t.Errorf("uid %d: bonds %v", i, n.Bonds)
		}
	}

	// From standard input, the root epoch.
	h.in.WriteString(tv5Input())
	if err := h.run(simulateCmd, "--input", "-", "--root"); err != nil {
		t.Fatal(err)
	}
	var root yuma.SimRootOutput
	if err := json.Unmarshal(h.out.Bytes(), &root); err != nil || len(root.EmissionValues) != 10 {
		t.Fatalf("root output %s (%v)", h.out, err)
	}
	for j, ev := range root.EmissionValues {
		if ev != [2]uint64{uint64(j), 99_999_999} {
			t.Errorf("emission value %v", ev)
		}
	}

	// Bad input is refused with the neuron and field named, and nothing is
	// printed.
	for _, tt := range []struct {
		name, input string
		root        bool
		want        []string
	}{
		{"malformed", `{"block": 1,`, false, []string{"malformed JSON"}},
		{"trailing", tv2Input + " {}", false, []string{"malformed JSON"}},
		{"missing uid", strings.Replace(tv2Input, "[[2, 65535], [3, 65535]]", "[[2, 65535], [4, 65535]]", 1), false, []string{"neuron 0", "weights", "uid 4"}},
		{"duplicate uid", strings.Replace(tv2Input, "[[3, 65535], [2, 65535]]", "[[3, 65535], [3, 1]]", 1), false, []string{"neuron 1", "weights", "duplicate uid 3"}},
		{"weight out of range", strings.Replace(tv2Input, "[[3, 65535], [2, 65535]]", "[[3, 65536]]", 1), false, []string{"neuron 1", "weights", "65536", "out of range"}},
		{"kappa out of range", strings.Replace(tv2Input, `"kappa": 32767`, `"kappa": 70000`, 1), false, []string{"kappa", "70000"}},
		{"negative stake", strings.Replace(tv2Input, `"stake": 1, "last_update": 0, "registered_at": 0, "validator_permit": true}`, `"stake": -1, "last_update": 0, "registered_at": 0, "validator_permit": true}`, 1), false, []string{"neuron 2", "stake"}},
		{"unknown field", strings.Replace(tv2Input, `"block": 1`, `"blok": 1`, 1), false, []string{"unknown field", "blok"}},
		{"missing field", strings.Replace(tv2Input, `"emission": 1000000000, `, "", 1), false, []string{"missing field", "emission"}},
		{"root weight on unlisted netuid", strings.Replace(tv5Input(), "[[9, 65535]]", "[[10, 65535]]", 1), true, []string{"validator 9", "netuid 10"}},
		{"subnet input as root", tv2Input, true, []string{"unknown field"}},
	} {
		args := []string{"--input", write(tt.name+".json", tt.input)}
		if tt.root {
			args = append(args, "--root")
		}
		err := h.run(simulateCmd, args...)
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		if !errors.Is(err, yuma.ErrInvalidInput) {
			t.Errorf("%s: %v does not wrap yuma.ErrInvalidInput", tt.name, err)
		}
		for _, w := range append(tt.want, tt.name+".json") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tt.name, err, w)
			}
		}
		if h.out.Len() != 0 {
			t.Errorf("%s: printed %s", tt.name, h.out)
		}
	}
	if err := h.run(simulateCmd, "--input", filepath.Join(dir, "absent.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

var simulatingAt = regexp.MustCompile(`at block (\d+) from the chain's state at block (\d+)`)

// The simulation of a subnet's next epoch from a real node's state is what
// the node then computes, and so is the root epoch's. A validator and two
// miners on subnet 1 (permits from genesis) get emission from a root
// validator's weight; the validator has set weights since genesis.
func TestSimulateNextEpochOnDevNode(t *testing.T) {
	alice := mustKey(t, "//Alice")
	v, m1, m2, rootHot := mustKey(t, "//Alice/v"), mustKey(t, "//Bob/m1"), mustKey(t, "//Bob/m2"), mustKey(t, "//Alice/root")
	id := func(k *wallet.Keypair) types.AccountID { return types.AccountID(k.PublicKey()) }
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		bob := id(mustKey(t, "//Bob"))
		g.Root.Tempo = 1 // root epochs from block 2: the subnet earns from then on
		g.Subnets = append(g.Subnets,
			chain.GenesisSubnet{Netuid: chain.RootNetuid, Neurons: []chain.GenesisNeuron{
				{Hotkey: id(rootHot), Coldkey: id(alice), Stake: 100 * balance.RAOPerTAO, Weights: [][2]uint16{{1, 65535}}}}},
			chain.GenesisSubnet{Netuid: 1, Owner: id(alice), Lock: 10 * balance.RAOPerTAO, Neurons: []chain.GenesisNeuron{
				{Hotkey: id(v), Coldkey: id(alice), Stake: 500 * balance.RAOPerTAO, ValidatorPermit: true, Delegate: true},
				{Hotkey: id(m1), Coldkey: bob, Stake: 20 * balance.RAOPerTAO, ValidatorPermit: true},
				{Hotkey: id(m2), Coldkey: bob}}})
	}})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, w := range []struct {
		k       *wallet.Keypair
		uids, w []uint16
	}{{v, []uint16{1, 2}, []uint16{3, 1}}, {m1, []uint16{2}, []uint16{1}}} {
		if _, err := c.SetWeights(ctx, w.k, 1, w.uids, w.w, 0, subtensor.WaitInclusion); err != nil {
			t.Fatal(err)
		}
	}
	ep := []string{"--subtensor.chain_endpoint", dev.RPC}
	h := newHarness()

	// The subnet's next epoch.
	if err := h.run(simulateCmd, append(ep, "--netuid", "1")...); err != nil {
		t.Fatalf("%v: %s", err, h.errOut)
	}
	var sim yuma.SimOutput
	if err := json.Unmarshal(h.out.Bytes(), &sim); err != nil || len(sim.Neurons) != 3 {
		t.Fatalf("output %s (%v)", h.out, err)
	}
	epoch, stateAt := parseNotice(t, h.errOut.String())
	// The same input, printed and simulated from standard input.
	if err := h.run(simulateCmd, append(ep, "--netuid", "1", "--print_input")...); err != nil {
		t.Fatal(err)
	}
	var in yuma.SimInput
	if err := json.Unmarshal(h.out.Bytes(), &in); err != nil {
		t.Fatal(err)
	}
	if e, _ := parseNotice(t, h.errOut.String()); e == epoch {
		printed := h.out.String()
		h.in.WriteString(printed)
		if err := h.run(simulateCmd, "--input", "-"); err != nil {
			t.Fatal(err)
		}
		var again yuma.SimOutput
		if err := json.Unmarshal(h.out.Bytes(), &again); err != nil || fmt.Sprint(again) != fmt.Sprint(sim) {
			t.Errorf("simulating the printed input gave %s", h.out)
		}
	}
	if in.Block != epoch || stateAt >= epoch || in.Emission == 0 {
		t.Errorf("input block %d, notice: epoch at %d from state at %d", in.Block, epoch, stateAt)
	}

	// The root epoch.
	if err := h.run(simulateCmd, append(ep, "--root")...); err != nil {
		t.Fatal(err)
	}
	var rootSim yuma.SimRootOutput
	if err := json.Unmarshal(h.out.Bytes(), &rootSim); err != nil {
		t.Fatal(err)
	}
	rootEpoch, _ := parseNotice(t, h.errOut.String())

	waitBlock(t, c, max(epoch, rootEpoch))
	got, err := c.Neurons(ctx, 1, epoch)
	if err != nil {
		t.Fatal(err)
	}
	var loaded types.EmissionInfo
	if err := c.Query(ctx, types.QueryEmission, nil, epoch, &loaded); err != nil {
		t.Fatal(err)
	}
	payouts := map[types.AccountID][2]uint64{}
	for _, s := range loaded.Subnets {
		if s.Netuid == 1 {
			if s.LastStepBlock != epoch {
				t.Fatalf("no epoch at block %d: %+v", epoch, s)
			}
			for _, l := range s.Loaded {
				payouts[l.Hotkey] = [2]uint64{l.Server, l.Validator}
			}
		}
	}
	for i, n := range got.Neurons {
		s := sim.Neurons[i]
		chainSide := fmt.Sprint(n.Active, n.Rank, n.Trust, n.Consensus, n.Incentive, n.Dividends, n.ValidatorTrust, n.PruningScore, n.Emission, n.ValidatorPermit, n.Bonds, payouts[n.Hotkey])
		simSide := fmt.Sprint(s.Active, s.Rank, s.Trust, s.Consensus, s.Incentive, s.Dividends, s.ValidatorTrust, s.PruningScore, s.Emission, s.ValidatorPermit, s.Bonds, [2]uint64{s.ServerEmission, s.ValidatorEmission})
		if chainSide != simSide {
			t.Errorf("uid %d at block %d:\nchain     %s\nsimulated %s", i, epoch, chainSide, simSide)
		}
	}
	if sim.Neurons[1].Incentive == 0 || sim.Neurons[0].Dividends == 0 || sim.Neurons[0].ValidatorEmission == 0 || sim.Neurons[2].ServerEmission == 0 {
		t.Errorf("the weights did not count: %+v", sim.Neurons)
	}
	for _, ev := range rootSim.EmissionValues {
		var s types.SubnetInfo
		if err := c.Query(ctx, fmt.Sprintf("%s/%d", types.QuerySubnet, ev[0]), nil, rootEpoch, &s); err != nil {
			t.Fatal(err)
		}
		if s.EmissionValue != ev[1] {
			t.Errorf("subnet %d: emission value %d at block %d, simulated %d", ev[0], s.EmissionValue, rootEpoch, ev[1])
		}
	}

	// A subnet that does not exist.
	if err := h.run(simulateCmd, append(ep, "--netuid", "7")...); !errors.Is(err, types.ErrNetworkDoesNotExist) {
		t.Errorf("simulating subnet 7: %v", err)
	}
}

func parseNotice(t *testing.T, s string) (epoch, stateAt uint64) {
	t.Helper()
	m := simulatingAt.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no notice of the epoch's block in %q", s)
	}
	epoch, _ = strconv.ParseUint(m[1], 10, 64)
	stateAt, _ = strconv.ParseUint(m[2], 10, 64)
	return epoch, stateAt
}

func waitBlock(t *testing.T, c *subtensor.CometBFTClient, h uint64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cur, err := c.GetCurrentBlock(context.Background()); err == nil && cur >= h {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the chain did not reach block %d", h)
}

func mustKey(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
