package cli

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// btcli runs the real command tree against one dev node, with wallets in a
// temporary directory (BT_WALLET_PATH) and the node's endpoint in
// BT_SUBTENSOR_CHAIN_ENDPOINT, as a user's shell would.
type btcli struct {
	t   *testing.T
	env map[string]string
}

func (b *btcli) run(args ...string) (int, string, string) {
	b.t.Helper()
	return b.runAt(false, "", args...)
}

// runAt runs btcli, at a terminal (where the user types input) or not.
func (b *btcli) runAt(tty bool, input string, args ...string) (int, string, string) {
	b.t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	in.WriteString(input)
	ios.SetStdinTTY(tty)
	ios.SetStderrTTY(tty)
	f := &cmdutil.Factory{IOStreams: ios, AppVersion: "test", Getenv: func(k string) string { return b.env[k] }}
	code := Main(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

// ok runs a command that must succeed and returns its standard output.
func (b *btcli) ok(args ...string) string {
	b.t.Helper()
	code, out, errOut := b.run(args...)
	if code != 0 {
		b.t.Fatalf("btcli %s: exit %d\nstdout %s\nstderr %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// json runs a command with --json that must succeed and decodes its output.
func (b *btcli) json(v any, args ...string) {
	b.t.Helper()
	out := b.ok(append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		b.t.Fatalf("btcli %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// fail runs a command that must fail with code and an error containing
// each of want.
func (b *btcli) fail(code int, want []string, args ...string) {
	b.t.Helper()
	got, out, errOut := b.run(args...)
	if got != code {
		b.t.Errorf("btcli %s: exit %d, want %d\nstdout %s\nstderr %s", strings.Join(args, " "), got, code, out, errOut)
		return
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			b.t.Errorf("btcli %s: stderr lacks %q:\n%s", strings.Join(args, " "), w, errOut)
		}
	}
	if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 1 {
		b.t.Errorf("btcli %s: error is more than a line and a hint:\n%s", strings.Join(args, " "), errOut)
	}
}

func devKey(t *testing.T, uri string) *wallet.Keypair {
	t.Helper()
	k, err := wallet.KeypairFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A subnet's life on a dev node, through btcli: create a subnet,
// register three hotkeys (burn and proof of work), stake, become a
// delegate, nominate, set weights, serve an axon, and read it all back with
// `subnets metagraph --json` and metagraph.Sync at the latest block and an
// earlier one; then the other read commands, changes by sudo, unstaking, a
// hotkey swap, and bad input that must change nothing.
func TestScenarioOnDevNode(t *testing.T) {
	// Subnet 3 exists from genesis with a validator holding a permit, so that
	// weights on other neurons can be set. Subnets keep a long tempo here so
	// that no epoch (which grants and revokes permits and moves every score)
	// runs while the scenario checks exact values.
	val := devKey(t, "//Alice/v")
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		// Prices stay put (burn 1 TAO, difficulty 1,000,000) however long
		// the test takes.
		g.Params.Subtensor.SubnetDefaults.AdjustmentInterval = 10_000
		g.Params.Subtensor.SubnetDefaults.Tempo = 10_000
		aliceAcc := g.Balances[0].Address
		var m1, m2 types.AccountID
		copy(m1[:], "scenario-miner-1")
		copy(m2[:], "scenario-miner-2")
		g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: 3, Owner: aliceAcc, Lock: 10 * balance.RAOPerTAO, Neurons: []chain.GenesisNeuron{
			{Hotkey: types.AccountID(val.PublicKey()), Coldkey: aliceAcc, Stake: 100 * balance.RAOPerTAO, ValidatorPermit: true},
			{Hotkey: m1, Coldkey: m1}, {Hotkey: m2, Coldkey: m2},
		}})
	}})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Setenv("HOME", t.TempDir())
	mgDir := t.TempDir()
	b := &btcli{t: t, env: map[string]string{"BT_WALLET_PATH": t.TempDir(), "BT_SUBTENSOR_CHAIN_ENDPOINT": dev.RPC}}

	// Wallets: alice owns the subnet and h1; bob owns h2, h3 (and h4, unused).
	b.ok("wallet", "regen_coldkey", "--wallet.name", "alice", "--uri", "//Alice", "--no_password", "--no_prompt")
	b.ok("wallet", "regen_coldkey", "--wallet.name", "bob", "--uri", "//Bob", "--no_password", "--no_prompt")
	for _, hk := range []struct{ w, name, uri string }{{"alice", "h1", "//Alice/h1"}, {"alice", "v", "//Alice/v"}, {"bob", "h2", "//Bob/h2"}, {"bob", "h3", "//Bob/h3"}, {"bob", "h4", "//Bob/h4"}} {
		b.ok("wallet", "regen_hotkey", "--wallet.name", hk.w, "--wallet.hotkey", hk.name, "--uri", hk.uri, "--no_prompt")
	}
	alice, bob := devKey(t, "//Alice"), devKey(t, "//Bob")
	aliceID, bobID := types.AccountID(alice.PublicKey()), types.AccountID(bob.PublicKey())
	h1 := devKey(t, "//Alice/h1")
	h1ID := types.AccountID(h1.PublicKey())
	h2ID, h3ID, h4ID := types.AccountID(devKey(t, "//Bob/h2").PublicKey()), types.AccountID(devKey(t, "//Bob/h3").PublicKey()), types.AccountID(devKey(t, "//Bob/h4").PublicKey())

	// Create the subnet.
	var lock types.LockCostInfo
	b.json(&lock, "subnets", "lock_cost")
	if lock.LockCost != 10*balance.RAOPerTAO {
		t.Errorf("lock cost %+v", lock)
	}
	var created struct {
		Netuid uint16          `json:"netuid"`
		Owner  types.AccountID `json:"owner"`
		Lock   uint64          `json:"lock"`
	}
	b.json(&created, "subnets", "create", "--wallet.name", "alice", "--no_prompt")
	if created.Netuid != 1 || created.Owner != aliceID || created.Lock != lock.LockCost {
		t.Fatalf("create: %+v", created)
	}
	var subnets []types.SubnetInfo
	b.json(&subnets, "subnets", "list")
	if len(subnets) != 3 || subnets[1].Netuid != 1 || subnets[1].Owner != aliceID || subnets[1].Lock != lock.LockCost {
		t.Errorf("subnets list: %+v", subnets)
	}

	// Register three hotkeys: two by burn, one by proof of work.
	type reg struct {
		Netuid            uint16          `json:"netuid"`
		UID               uint16          `json:"uid"`
		Hotkey            types.AccountID `json:"hotkey"`
		AlreadyRegistered bool            `json:"already_registered"`
		Burn              uint64          `json:"burn"`
		Block             uint64          `json:"block"`
	}
	var r1, r2, r3, again reg
	b.json(&r1, "subnets", "register", "--netuid", "1", "--wallet.name", "alice", "--wallet.hotkey", "h1", "--no_prompt")
	b.json(&r2, "subnets", "register", "--netuid", "1", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--no_prompt")
	if r1.UID != 0 || r1.Hotkey != h1ID || r1.Burn != balance.RAOPerTAO || r2.UID != 1 || r2.AlreadyRegistered {
		t.Fatalf("burn registrations: %+v %+v", r1, r2)
	}
	code, out, errOut := b.run("subnets", "pow_register", "--netuid", "1", "--wallet.name", "bob", "--wallet.hotkey", "h3",
		"-n", "2", "--pow_register.update_interval", "20000", "--max_allowed_attempts", "10", "--no_prompt", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &r3) != nil || r3.UID != 2 || r3.Hotkey != h3ID {
		t.Fatalf("pow_register: exit %d %s %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "Registering bob:h3 on subnet 1: difficulty 1000000, 2 threads") {
		t.Errorf("pow_register stderr %q", errOut)
	}
	b.json(&again, "subnets", "register", "--netuid", "1", "--wallet.name", "bob", "--wallet.hotkey", "h3", "--no_prompt")
	if !again.AlreadyRegistered || again.UID != 2 {
		t.Errorf("registering h3 again: %+v", again)
	}
	earlier := r3.Block // three neurons, nothing staked or served yet

	// Stake, become a delegate (SDK: `root nominate` is the root group's),
	// nominate by staking to the delegate.
	type stakeOut struct {
		Steps []struct {
			Hotkey types.AccountID `json:"hotkey"`
			Amount uint64          `json:"amount"`
			Stake  uint64          `json:"stake"`
		} `json:"steps"`
		BalanceBefore uint64 `json:"balance_before"`
		BalanceAfter  uint64 `json:"balance_after"`
	}
	var st stakeOut
	b.json(&st, "stake", "add", "--wallet.name", "alice", "--wallet.hotkey", "h1", "--amount", "10", "--no_prompt")
	if len(st.Steps) != 1 || st.Steps[0].Hotkey != h1ID || st.Steps[0].Stake != 10*balance.RAOPerTAO {
		t.Fatalf("stake add: %+v", st)
	}
	b.fail(1, []string{"not sent: NonAssociatedColdKey: hotkey " + h1ID.String() + " is owned by " + aliceID.String() + " and is not a delegate"},
		"stake", "add", "--wallet.name", "bob", "--hotkeys", h1ID.String(), "--amount", "5", "--no_prompt")
	if _, err := c.BecomeDelegate(ctx, alice, h1ID, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	b.json(&st, "stake", "add", "--wallet.name", "bob", "--hotkeys", h1ID.String(), "--amount", "5", "--no_prompt")
	if st.Steps[0].Stake != 5*balance.RAOPerTAO {
		t.Fatalf("nominate: %+v", st)
	}

	// Weights: bob's h2 has no permit, so it may only weigh itself.
	var ws struct {
		UID     uint16   `json:"uid"`
		UIDs    []uint16 `json:"uids"`
		Weights []uint16 `json:"weights"`
		Block   uint64   `json:"block"`
	}
	b.fail(1, []string{"weights not sent: NoValidatorPermit: uid 1 on subnet 1 has no validator permit: it may only set a weight on itself (uid 1)", "--uids with that uid alone"},
		"weights", "set", "--netuid", "1", "--uids", "0,2", "--weights", "0.5,0.5", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--no_prompt")
	b.json(&ws, "wt", "set", "--netuid", "1", "--uids", "1", "--weights", "0.7", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--no_prompt")
	if ws.UID != 1 || !reflect.DeepEqual(ws.UIDs, []uint16{1}) || !reflect.DeepEqual(ws.Weights, []uint16{65535}) {
		t.Fatalf("weights set: %+v", ws)
	}
	selfWeightsAt := ws.Block
	// alice's validator on subnet 3 holds a permit: it weighs the others.
	b.json(&ws, "weights", "set", "--netuid", "3", "--uids", "0,1,2", "--weights", "0.2,0.3,0.5", "--wallet.name", "alice", "--wallet.hotkey", "v", "--no_prompt")
	if ws.UID != 0 || !reflect.DeepEqual(ws.UIDs, []uint16{0, 1, 2}) || !reflect.DeepEqual(ws.Weights, []uint16{26214, 39321, 65535}) {
		t.Fatalf("validator's weights: %+v", ws)
	}
	b.fail(1, []string{"weights not sent: InvalidUid: uid 7 is not a neuron of subnet 3 (uids 0 to 2)", "btcli subnets metagraph lists"},
		"weights", "set", "--netuid", "3", "--uids", "1,7", "--weights", "1,1", "--wallet.name", "alice", "--wallet.hotkey", "v", "--no_prompt")
	v3 := metagraph.New(3, c)
	v3.Lite = false
	if err := v3.Sync(ctx, 0); err != nil || !reflect.DeepEqual(v3.W[0], []float64{26214.0 / 131070, 39321.0 / 131070, 65535.0 / 131070}) || v3.LastUpdate[0] != ws.Block {
		t.Errorf("subnet 3's W: %v (%v)", v3.W, err)
	}

	// The owner raises the weights rate limit; setting again is too soon.
	var set struct {
		Param    string `json:"param"`
		Previous uint64 `json:"previous"`
		Value    uint64 `json:"value"`
	}
	b.json(&set, "sudo", "set", "--netuid", "1", "--param", "weights_rate_limit", "--value", "100", "--wallet.name", "alice", "--no_prompt")
	if set.Param != "weights_set_rate_limit" || set.Previous != 1 || set.Value != 100 {
		t.Errorf("sudo set: %+v", set)
	}
	b.fail(1, []string{"weights not sent: SettingWeightsTooFast: weights set too soon: wait", "more blocks (rate limit 100, last update at block"},
		"weights", "set", "--netuid", "1", "--uids", "1", "--weights", "1", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--no_prompt")
	// Only Root may set the tempo: bob is refused (nothing charged), and
	// before his coldkey is unlocked: carol's encrypted coldkey is never
	// asked for, at a terminal where no password would be typed.
	before, _ := c.GetAccount(ctx, bobID, 0)
	b.fail(1, []string{"setting tempo not sent: BadOrigin", "only the subnet's owner"},
		"sudo", "set", "--netuid", "1", "--param", "tempo", "--value", "20", "--wallet.name", "bob", "--no_prompt")
	if after, _ := c.GetAccount(ctx, bobID, 0); after.Free != before.Free || after.Nonce != before.Nonce {
		t.Errorf("a refused sudo set changed bob's account: %+v → %+v", before, after)
	}
	t.Setenv("BT_COLD_PW_CAROL", "carol's strong password 1")
	carolPath := t.TempDir()
	b.ok("wallet", "regen_coldkey", "--wallet.name", "carol", "--wallet.path", carolPath, "--uri", "//Charlie", "--no_prompt")
	os.Unsetenv("BT_COLD_PW_CAROL")
	if code, _, errOut := b.runAt(true, "", "sudo", "set", "--netuid", "1", "--param", "weights_rate_limit", "--value", "5", "--wallet.name", "carol", "--wallet.path", carolPath); code != 1 ||
		!strings.Contains(errOut, "setting weights_set_rate_limit not sent: BadOrigin: only subnet 1's owner") || strings.Contains(errOut, "password") {
		t.Errorf("sudo set by a non-owner: exit %d: %s", code, errOut)
	}

	// Serve an axon (SDK: the axon serves itself).
	if _, err := c.ServeAxon(ctx, h1, 1, subtensor.AxonEndpoint{IP: "203.0.113.9", Port: 8091, Protocol: 4, Version: 650}, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}

	// Read it all back: subnets metagraph --json (full), and metagraph.Sync.
	var mg struct {
		Network    string             `json:"network"`
		Netuid     uint16             `json:"netuid"`
		Block      uint64             `json:"block"`
		N          int                `json:"n"`
		TotalStake uint64             `json:"total_stake"`
		Difficulty uint64             `json:"difficulty"`
		Neurons    []types.NeuronInfo `json:"neurons"`
		SavedTo    string             `json:"saved_to"`
	}
	b.json(&mg, "subnets", "metagraph", "--netuid", "1", "--full", "--metagraph.path", mgDir)
	if mg.N != 3 || len(mg.Neurons) != 3 || mg.TotalStake != 15*balance.RAOPerTAO || mg.Difficulty != 1_000_000 {
		t.Fatalf("metagraph: %+v", mg)
	}
	n0, n1, n2 := mg.Neurons[0], mg.Neurons[1], mg.Neurons[2]
	if n0.Hotkey != h1ID || n0.Coldkey != aliceID || n0.TotalStake != 15*balance.RAOPerTAO || len(n0.Stake) != 2 ||
		n0.Axon.IP != "203.0.113.9" || n0.Axon.Port != 8091 {
		t.Errorf("uid 0: %+v", n0)
	}
	if n1.Hotkey != h2ID || n1.Coldkey != bobID || !reflect.DeepEqual(n1.Weights, types.Row{{1, 65535}}) || n1.LastUpdate != selfWeightsAt {
		t.Errorf("uid 1: %+v", n1)
	}
	if n2.Hotkey != h3ID || n2.Coldkey != bobID {
		t.Errorf("uid 2: %+v", n2)
	}
	m := metagraph.New(1, c)
	m.Lite = false
	if err := m.Sync(ctx, mg.Block); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Neurons, mg.Neurons) || m.S[0] != 15 || m.W[1][1] != 1 || !m.Axons[0].IsServing() {
		t.Errorf("metagraph.Sync at %d differs from btcli's: %+v", mg.Block, m.Neurons)
	}
	saved, err := metagraph.Load(mgDir, mg.Network, 1)
	if err != nil || saved.Block != mg.Block || !reflect.DeepEqual(saved.Neurons, mg.Neurons) || saved.Path(mgDir) != mg.SavedTo {
		t.Errorf("saved metagraph: %v, %v", saved, err)
	}
	// At the earlier block: registered, nothing staked, served or weighed.
	mg.Neurons, mg.SavedTo = nil, ""
	b.json(&mg, "subnets", "metagraph", "--netuid", "1", "--block", strconv.FormatUint(earlier, 10), "--no_save")
	if mg.Block != earlier || mg.N != 3 || mg.TotalStake != 0 || mg.Neurons[0].Axon.IP != "0.0.0.0" || mg.Neurons[1].Weights != nil || mg.SavedTo != "" {
		t.Errorf("metagraph at block %d: %+v", earlier, mg)
	}
	if err := m.Sync(ctx, earlier); err != nil || m.Block != earlier || m.TotalStake() != 0 || m.Axons[0].IsServing() || m.W[1][1] != 0 {
		t.Errorf("metagraph.Sync at block %d: %v %v", earlier, m, err)
	}
	if blocks, _ := metagraph.SavedBlocks(mgDir, mg.Network, 1); len(blocks) != 1 {
		t.Errorf("--no_save saved: %v", blocks)
	}

	// The tables (not a terminal: tab-separated, header first).
	tables := []struct {
		args   []string
		header string
		row    string
	}{
		{[]string{"subnets", "list"}, "NETUID\tN\tMAX_N\tEMISSION\tTEMPO\tBURN\tPOW\tSUDO", "1\t3\t256\t0.00%\t10000\tτ1.00000\t1 M\t" + aliceID.String()},
		{[]string{"subnets", "metagraph", "--netuid", "1", "--no_save"}, "UID\tSTAKE(τ)\tRANK\tTRUST\tCONSENSUS\tINCENTIVE\tDIVIDENDS\tEMISSION(ρ)\tVTRUST\tVAL\tUPDATED\tACTIVE\tAXON\tHOTKEY\tCOLDKEY",
			"0\t15.00000\t0.00000\t0.00000\t0.00000\t0.00000\t0.00000\t0\t0.00000\t\t"},
		{[]string{"subnets", "hyperparameters", "--netuid", "1"}, "HYPERPARAMETER\tVALUE", "weights_set_rate_limit\t100"},
		{[]string{"sudo", "get", "--netuid", "1"}, "HYPERPARAMETER\tVALUE", "network_pow_registration_allowed\ttrue"},
		{[]string{"wallet", "overview", "--wallet.name", "bob"}, "COLDKEY\tHOTKEY\tUID\tACTIVE\tSTAKE(τ)\tRANK\tTRUST\tCONSENSUS\tINCENTIVE\tDIVIDENDS\tEMISSION(ρ)\tVTRUST\tVPERMIT\tUPDATED\tAXON\tHOTKEY_SS58",
			"bob\th3\t2\t1\t0.00000"},
		{[]string{"wallet", "inspect", "--wallet.name", "bob"}, "Coldkey\tBalance\tDelegate\tStake\tEmission\tNetuid\tHotkey\tStake\tEmission", "\t\t" + h1ID.String() + "\tτ5.000000000\tτ0.000000000\t\t\t\t"},
		{[]string{"stake", "show", "--wallet.name", "bob"}, "Coldkey\tBalance\tAccount\tStake\tRate", "\t\t" + h1ID.String() + "\tτ5.000000000\tτ0.000000000/epoch"},
		{[]string{"wallet", "balance", "--all"}, "Wallet Name\tColdkey Address\tFree Balance\tStaked Balance\tTotal Balance", "bob\t" + bobID.String() + "\t"},
	}
	for _, tt := range tables {
		out := b.ok(tt.args...)
		if !strings.HasPrefix(out, tt.header+"\n") && !strings.Contains(out, "\n"+tt.header+"\n") {
			t.Errorf("btcli %s: no header %q:\n%s", strings.Join(tt.args, " "), tt.header, out)
		}
		if !strings.Contains(out, tt.row) {
			t.Errorf("btcli %s: no row %q:\n%s", strings.Join(tt.args, " "), tt.row, out)
		}
	}
	// Subnets 1 and 3 have no root weight, so no emission: both views say why.
	for _, args := range [][]string{{"subnets", "list"}, {"subnets", "metagraph", "--netuid", "1", "--no_save"}} {
		_, _, errOut := b.run(args...)
		if !strings.Contains(errOut, "no emission yet: each subnet's share is set by the root network's weights") || !strings.Contains(errOut, "btcli root weights --netuids 1") {
			t.Errorf("btcli %s: no note on the missing emission: %q", strings.Join(args, " "), errOut)
		}
	}

	// The read commands' JSON: chain integers.
	var hp types.Hyperparams
	b.json(&hp, "sudo", "get", "--netuid", "1")
	if hp.WeightsSetRateLimit != 100 || hp.Burn == 0 {
		t.Errorf("sudo get --json: %+v", hp)
	}
	var shown []struct {
		Wallet  string `json:"wallet"`
		Stake   uint64 `json:"stake"`
		Hotkeys []struct {
			Hotkey types.AccountID `json:"hotkey"`
			Owned  bool            `json:"owned"`
			Stake  uint64          `json:"stake"`
		} `json:"hotkeys"`
	}
	b.json(&shown, "stake", "show", "--wallet.name", "bob")
	if len(shown) != 1 || shown[0].Stake != 5*balance.RAOPerTAO || len(shown[0].Hotkeys) != 1 || shown[0].Hotkeys[0].Owned || shown[0].Hotkeys[0].Hotkey != h1ID {
		t.Errorf("stake show --json: %+v", shown)
	}
	shown = nil
	b.json(&shown, "stake", "show", "--wallet.name", "alice")
	if len(shown[0].Hotkeys) != 2 || !shown[0].Hotkeys[0].Owned || shown[0].Stake != 110*balance.RAOPerTAO {
		t.Errorf("alice's stake show --json: %+v", shown)
	}
	var ov struct {
		Block   uint64 `json:"block"`
		Wallets []struct {
			Neurons []struct {
				Netuid     int    `json:"netuid"`
				UID        uint16 `json:"uid"`
				HotkeyName string `json:"hotkey_name"`
				Stake      uint64 `json:"stake"`
			} `json:"neurons"`
		} `json:"wallets"`
	}
	b.json(&ov, "wallet", "overview", "--all")
	if len(ov.Wallets) != 2 || len(ov.Wallets[0].Neurons) != 2 || ov.Wallets[0].Neurons[0].Stake != 15*balance.RAOPerTAO ||
		len(ov.Wallets[1].Neurons) != 2 || ov.Wallets[1].Neurons[1].HotkeyName != "h3" {
		t.Errorf("overview --all --json: %+v", ov)
	}
	b.json(&ov, "wallet", "overview", "--wallet.name", "bob", "--hotkeys", "h3", "--all_hotkeys")
	if len(ov.Wallets[0].Neurons) != 1 || ov.Wallets[0].Neurons[0].HotkeyName != "h2" {
		t.Errorf("overview excluding h3: %+v", ov)
	}
	var ins []struct {
		Delegated []struct {
			Delegate types.AccountID `json:"delegate"`
			Stake    uint64          `json:"stake"`
		} `json:"delegated"`
		Neurons []struct {
			Netuid uint16 `json:"netuid"`
			UID    uint16 `json:"uid"`
		} `json:"neurons"`
	}
	b.json(&ins, "wallet", "inspect", "--wallet.name", "bob")
	if len(ins) != 1 || len(ins[0].Delegated) != 1 || ins[0].Delegated[0].Delegate != h1ID || ins[0].Delegated[0].Stake != 5*balance.RAOPerTAO || len(ins[0].Neurons) != 2 {
		t.Errorf("inspect --json: %+v", ins)
	}
	var bal []struct {
		Wallet  string          `json:"wallet"`
		Address types.AccountID `json:"address"`
		Free    uint64          `json:"free"`
		Staked  uint64          `json:"staked"`
		Total   uint64          `json:"total"`
	}
	b.json(&bal, "wallet", "balance", "--wallet.name", "bob")
	bobFree, _ := c.GetBalance(ctx, bobID, 0)
	if len(bal) != 1 || bal[0].Address != bobID || bal[0].Staked != 5*balance.RAOPerTAO || bal[0].Free != bobFree.RAO() || bal[0].Total != bal[0].Free+bal[0].Staked {
		t.Errorf("balance --json: %+v (free %s)", bal, bobFree)
	}
	bal = nil
	b.json(&bal, "wallet", "balance", "--ss58", aliceID.String()+","+bobID.String())
	if len(bal) != 2 || bal[0].Staked != 110*balance.RAOPerTAO || bal[0].Wallet != "" {
		t.Errorf("balance --ss58 --json: %+v", bal)
	}

	// Unstake part of the nomination, then swap h3 for h4.
	b.json(&st, "stake", "remove", "--wallet.name", "bob", "--hotkey_ss58address", h1ID.String(), "--amount", "2", "--no_prompt")
	if len(st.Steps) != 1 || st.Steps[0].Stake != 3*balance.RAOPerTAO || st.BalanceAfter != st.BalanceBefore+2*balance.RAOPerTAO {
		t.Errorf("stake remove: %+v", st)
	}
	b.fail(1, []string{"unstake from " + h1ID.String() + " not sent: NotEnoughStaketoWithdraw", "less than τ4.000000000"},
		"stake", "remove", "--wallet.name", "bob", "--hotkey_ss58address", h1ID.String(), "--amount", "4", "--no_prompt")
	var sw struct {
		Hotkey    types.AccountID `json:"hotkey"`
		NewHotkey types.AccountID `json:"new_hotkey"`
		Cost      uint64          `json:"cost"`
	}
	b.json(&sw, "wallet", "swap_hotkey", "--wallet.name", "bob", "--wallet.hotkey", "h3", "--wallet.hotkey_b", "h4", "--no_prompt")
	if sw.Hotkey != h3ID || sw.NewHotkey != h4ID {
		t.Errorf("swap_hotkey: %+v", sw)
	}
	if err := m.Sync(ctx, 0); err != nil || m.Hotkeys[2] != h4ID.String() {
		t.Errorf("after the swap uid 2 is %v (%v)", m.Hotkeys, err)
	}
	b.fail(1, []string{"hotkey swap not sent: AlreadyRegistered: the new hotkey " + h4ID.String() + " is already registered"},
		"wallet", "swap_hotkey", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--wallet.hotkey_b", "h4", "--no_prompt")

	// Bad input is refused before anything is sent, naming what was wrong.
	bobBefore, _ := c.GetAccount(ctx, bobID, 0)
	for _, tt := range []struct {
		code int
		want []string
		args []string
	}{
		{1, []string{"not sent: NotEnoughBalanceToStake: staking τ1000000.000000000 needs that much free balance"}, []string{"stake", "add", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--amount", "1000000"}},
		{2, []string{"--amount must be more than 0"}, []string{"stake", "add", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--amount", "0"}},
		{2, []string{"--amount", "decimal"}, []string{"stake", "add", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--amount", "0.0000000001"}},
		{2, []string{`--hotkeys "5GrwvaEF5`}, []string{"stake", "add", "--wallet.name", "bob", "--hotkeys", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ", "--amount", "1"}},
		{1, []string{"NetworkDoesNotExist: subnet 9 does not exist"}, []string{"subnets", "register", "--netuid", "9", "--wallet.name", "bob", "--wallet.hotkey", "h2"}},
		{1, []string{"NotRegistered"}, []string{"weights", "set", "--netuid", "1", "--uids", "0", "--weights", "1", "--wallet.name", "bob", "--wallet.hotkey", "h3"}},
		{2, []string{"--netuid is required"}, []string{"subnets", "metagraph"}},
		{1, []string{"metagraph: NetworkDoesNotExist"}, []string{"subnets", "metagraph", "--netuid", "9"}},
		{1, []string{"metagraph: HeightUnavailable: height 99999999 is not committed"}, []string{"subnets", "metagraph", "--netuid", "1", "--block", "99999999"}},
		{2, []string{"uid 1 is named twice"}, []string{"weights", "set", "--netuid", "1", "--uids", "1,1", "--weights", "1,2", "--wallet.name", "bob"}},
		{2, []string{"--weights: \"-1\""}, []string{"weights", "set", "--netuid", "1", "--uids", "1", "--weights", "-1", "--wallet.name", "bob"}},
		{2, []string{"--value \"x\": max_allowed_uids is an integer from 0 to 65535"}, []string{"sudo", "set", "--netuid", "1", "--param", "max_allowed_uids", "--value", "x", "--wallet.name", "alice"}},
		// What only Bittensor's dynamic-TAO networks have, named.
		{1, []string{"child hotkeys (get) is not available on local"}, []string{"stake", "child", "get", "--netuid", "1", "--wallet.name", "bob", "--wallet.hotkey", "h2"}},
		{1, []string{"stake move (stake per subnet) is not available on local"}, []string{"stake", "move", "--origin_netuid", "1", "--dest_netuid", "1", "--amount", "1", "--wallet.name", "bob", "--wallet.hotkey", "h2"}},
	} {
		b.fail(tt.code, tt.want, append(tt.args, "--no_prompt")...)
	}
	if after, _ := c.GetAccount(ctx, bobID, 0); after.Free != bobBefore.Free || after.Nonce != bobBefore.Nonce {
		t.Errorf("bad input changed bob's account: %+v → %+v", bobBefore, after)
	}
	// Without --no_prompt and without a terminal nothing is sent, unless
	// the answer comes down a pipe.
	if code, _, errOut := b.run("stake", "add", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--amount", "1"); code != cmdutil.ExitCancel ||
		!strings.Contains(errOut, "btcli: cancelled: Do you want to stake to the following keys from bob? no answer on standard input; pass --no_prompt to proceed") {
		t.Errorf("stake add without an answer: exit %d: %s", code, errOut)
	}

	// At a terminal btcli asks for what is missing, and "n" sends nothing.
	prompts := []string{"Enter hotkey name or ss58_address to stake to", "Enter Tao amount to stake",
		"Do you want to stake to the following keys from bob:\n    - h2:" + h2ID.String() + ": τ0.500000000"}
	code, out, errOut = b.runAt(true, "h2\n0.5\nn\n", "stake", "add", "--wallet.name", "bob")
	for _, p := range prompts {
		if !strings.Contains(errOut, p) {
			t.Errorf("stake add at a terminal: no prompt %q in %q", p, errOut)
		}
	}
	if code != cmdutil.ExitCancel || out != "" {
		t.Errorf("declined stake add: exit %d, stdout %q", code, out)
	}
	if strings.Contains(errOut, "fee") {
		t.Errorf("staking is free, yet the question mentions a fee: %q", errOut)
	}
	if after, _ := c.GetAccount(ctx, bobID, 0); after.Free != bobBefore.Free || after.Nonce != bobBefore.Nonce {
		t.Errorf("a declined stake changed bob's account: %+v → %+v", bobBefore, after)
	}
	code, out, errOut = b.runAt(true, "h2\n0.5\ny\n", "stake", "add", "--wallet.name", "bob")
	if s, _ := c.GetStake(ctx, bobID, h2ID, 0); code != 0 || s != balance.RAOPerTAO/2 || !strings.Contains(out, "Staked τ0.500000000 on h2:") {
		t.Errorf("accepted stake add: exit %d, stake %s\n%s%s", code, s, out, errOut)
	}
	// A piped answer is an answer: `echo y | btcli stake add …`.
	code, _, errOut = b.runAt(false, "y\n", "stake", "add", "--wallet.name", "bob", "--wallet.hotkey", "h2", "--amount", "0.25")
	if s, _ := c.GetStake(ctx, bobID, h2ID, 0); code != 0 || s != balance.RAOPerTAO*3/4 || !strings.Contains(errOut, "[y/n]: y\n") {
		t.Errorf("echo y | btcli stake add: exit %d, stake %s: %s", code, s, errOut)
	}
	// And for the netuid.
	code, out, errOut = b.runAt(true, "3\n", "subnets", "hyperparameters", "--json")
	if code != 0 || !strings.Contains(errOut, "Enter netuid") || !strings.Contains(out, `"tempo": 10`) {
		t.Errorf("hyperparameters asking for the netuid: exit %d\n%s%s", code, out, errOut)
	}
}
