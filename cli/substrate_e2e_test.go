package cli

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/substrate/substratetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// substrateChain is one chopsticks chain running Bittensor's dynamic-TAO
// runtime (spec 218) for this package, started by the first test that
// needs it.
var substrateChain = substratetest.NewShared(substratetest.Options{})

func TestMain(m *testing.M) { os.Exit(substrateChain.Run(m)) }

// onSubstrate is btcli against the chopsticks chain, with wallets in a
// temporary directory, and a Go client for reading the chain back.
type onSubstrate struct {
	*btcli
	ch *substratetest.Chain
	c  *subtensor.SubstrateClient
}

func startSubstrate(t *testing.T) *onSubstrate {
	t.Helper()
	ch := substrateChain.Chain(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := subtensor.ConnectSubstrate(ctx, ch.URL, subtensor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// chopsticks cannot dry-run on its genesis block.
	if n, err := c.GetCurrentBlock(ctx); err == nil && n == 0 {
		if _, err := ch.NewBlocks(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", t.TempDir())
	return &onSubstrate{btcli: &btcli{t: t, env: map[string]string{"BT_WALLET_PATH": t.TempDir(), "BT_SUBTENSOR_CHAIN_ENDPOINT": ch.URL}}, ch: ch, c: c}
}

// oracle reads with polkadot-js, the independent client, an account's free
// balance and a coldkey's alpha on a hotkey in a subnet: the coldkey's
// shares (Alpha) of the hotkey's alpha (TotalHotkeyAlpha over
// TotalHotkeyShares), in the runtime's I96F32 arithmetic.
func (s *onSubstrate) oracle(addr, hot, cold types.AccountID, netuid uint16) (free, alpha uint64) {
	s.t.Helper()
	var v [2]string
	if err := s.ch.PolkadotJS(context.Background(), `const api = await env.api();
		const q = api.query.subtensorModule, a = env.args;
		const free = (await api.query.system.account(a.addr)).data.free.toString();
		const shares = BigInt((await q.alpha(a.hot, a.cold, a.netuid)).toString());
		const total = BigInt((await q.totalHotkeyAlpha(a.hot, a.netuid)).toString());
		const totalShares = BigInt((await q.totalHotkeyShares(a.hot, a.netuid)).toString());
		if (shares === 0n || total === 0n || totalShares === 0n) return [free, '0'];
		const perShare = (total << 32n) / totalShares;
		return [free, ((perShare * shares) >> 32n).toString()];`,
		map[string]any{"addr": addr.String(), "hot": hot.String(), "cold": cold.String(), "netuid": netuid}, &v); err != nil {
		s.t.Fatal(err)
	}
	var out [2]uint64
	for i := range v {
		n, err := strconv.ParseUint(v[i], 10, 64)
		if err != nil {
			s.t.Fatal(err)
		}
		out[i] = n
	}
	return out[0], out[1]
}

// alphaOf reads a coldkey's alpha on a hotkey in a subnet with the Go
// client.
func (s *onSubstrate) alphaOf(hot, cold types.AccountID, netuid uint16) uint64 {
	s.t.Helper()
	stakes, err := s.c.AlphaStakes(context.Background(), cold, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, x := range stakes {
		if x.Hotkey == hot && x.Netuid == netuid {
			return x.Alpha
		}
	}
	return 0
}

// setPool gives a subnet's pool reserves (the runtime seeds a new pool
// with one RAO of each, where any stake buys nothing), as a test arranges
// state.
func (s *onSubstrate) setPool(netuid uint16, tao, alpha uint64) {
	s.t.Helper()
	n := strconv.Itoa(int(netuid))
	storage := map[string]any{"SubtensorModule": map[string]any{
		"SubnetTAO":     []any{[]any{[]any{n}, strconv.FormatUint(tao, 10)}},
		"SubnetAlphaIn": []any{[]any{[]any{n}, strconv.FormatUint(alpha, 10)}},
	}}
	if err := s.ch.Call(context.Background(), nil, "dev_setStorage", storage); err != nil {
		s.t.Fatal(err)
	}
}

// balance reads an account's free balance with the Go client (quick, for
// the checks that nothing was paid).
func (s *onSubstrate) balance(addr types.AccountID) balance.Balance {
	s.t.Helper()
	b, err := s.c.GetBalance(context.Background(), addr, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

func (s *onSubstrate) newBlocks(n int) {
	s.t.Helper()
	if _, err := s.ch.NewBlocks(context.Background(), n); err != nil {
		s.t.Fatal(err)
	}
}

// btcli's daily commands on Bittensor's dynamic-TAO runtime: create a
// subnet, register, stake and unstake per subnet through the pool with a
// tolerance, show it all, and refuse bad input with nothing sent;
// balances and stakes are read back with polkadot-js.
func TestBtcliOnSubstrate(t *testing.T) {
	s := startSubstrate(t)
	ctx := context.Background()

	s.ok("wallet", "regen_coldkey", "--wallet.name", "alice", "--uri", "//Alice", "--no_password", "--no_prompt")
	s.ok("wallet", "regen_hotkey", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--uri", "//Alice//owner", "--no_password", "--no_prompt")
	s.ok("wallet", "regen_coldkey", "--wallet.name", "miner", "--uri", "//Btcli//Miner", "--no_password", "--no_prompt")
	s.ok("wallet", "regen_hotkey", "--wallet.name", "miner", "--wallet.hotkey", "m1", "--uri", "//Btcli//Miner//m1", "--no_password", "--no_prompt")
	aliceID := types.AccountID(substratetest.Alice(t).PublicKey())
	minerID := types.AccountID(substratetest.Keypair(t, "//Btcli//Miner").PublicKey())
	ownerHot := types.AccountID(substratetest.Keypair(t, "//Alice//owner").PublicKey())
	m1 := types.AccountID(substratetest.Keypair(t, "//Btcli//Miner//m1").PublicKey())

	// Fund the miner with a transfer; polkadot-js sees it arrive.
	var tr struct {
		Amount uint64 `json:"amount"`
		Block  uint64 `json:"block"`
	}
	s.json(&tr, "wallet", "transfer", "--wallet.name", "alice", "--dest", minerID.String(), "--amount", "200", "--no_prompt")
	if got, _ := s.oracle(minerID, minerID, minerID, 0); got != 200*balance.RAOPerTAO || tr.Amount != got {
		t.Fatalf("the miner holds %d after a transfer of %+v", got, tr)
	}

	// Create a subnet, after the network rate limit.
	var lc types.LockCostInfo
	s.json(&lc, "subnets", "lock_cost")
	if cur, _ := s.c.GetCurrentBlock(ctx); cur < lc.NextAllowedBlock {
		s.newBlocks(int(lc.NextAllowedBlock-cur) + 1)
	}
	var created struct {
		Netuid uint16          `json:"netuid"`
		Owner  types.AccountID `json:"owner"`
	}
	s.json(&created, "subnets", "create", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--no_prompt")
	netuid := created.Netuid
	if netuid == 0 || created.Owner != aliceID {
		t.Fatalf("subnets create: %+v", created)
	}
	net := strconv.Itoa(int(netuid))

	// Register the miner's hotkey by burn; the burn is quoted and paid.
	var reg struct {
		UID  uint16 `json:"uid"`
		Burn uint64 `json:"burn"`
	}
	before := s.balance(minerID).RAO()
	s.json(&reg, "subnets", "register", "--netuid", net, "--wallet.name", "miner", "--wallet.hotkey", "m1", "--no_prompt")
	if paid := before - s.balance(minerID).RAO(); reg.Burn == 0 || paid < reg.Burn {
		t.Errorf("register: %+v, paid %d", reg, paid)
	}
	if ok, _ := s.c.IsHotkeyRegistered(ctx, netuid, m1, 0); !ok {
		t.Fatalf("m1 is not registered on subnet %d", netuid)
	}

	// A hotkey another coldkey owns (alice's subnet owner hotkey, on
	// subnet 1): the chain's refusal, nothing paid.
	s.ok("wallet", "regen_hotkey", "--wallet.name", "miner", "--wallet.hotkey", "alices", "--uri", "//Alice//owner", "--no_password", "--no_prompt")
	was := s.balance(minerID)
	s.fail(1, []string{"NonAssociatedColdKey"}, "subnets", "register", "--netuid", "1", "--wallet.name", "miner", "--wallet.hotkey", "alices", "--no_prompt")
	if s.balance(minerID) != was {
		t.Errorf("a refused registration changed the miner's balance")
	}

	// The new pool holds one RAO of alpha: any stake would buy nothing,
	// which the tolerance refuses before anything is sent.
	was = s.balance(aliceID)
	s.fail(1, []string{"beyond --tolerance 0.50%", "nothing was sent"},
		"stake", "add", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--netuid", net, "--amount", "10", "--no_prompt")
	if s.balance(aliceID) != was {
		t.Errorf("a refused stake changed alice's balance")
	}
	// An unknown subnet.
	s.fail(1, []string{"subnet 999 does not exist"},
		"stake", "add", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--netuid", "999", "--amount", "10", "--no_prompt")

	// A pool of 1,000 TAO and 1,000 alpha: 10 TAO moves the price by 2%,
	// beyond the default tolerance but within 5%.
	s.setPool(netuid, 1000*balance.RAOPerTAO, 1000*balance.RAOPerTAO)
	s.fail(1, []string{"beyond --tolerance 0.50%"},
		"stake", "add", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--netuid", net, "--amount", "10", "--no_prompt")
	// Asked at the terminal, the question shows the quote and says the
	// chain cannot enforce the limit; "n" sends nothing.
	code, _, errOut := s.runAt(true, "n\n", "stake", "add", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--netuid", net, "--amount", "10", "--tolerance", "0.05")
	for _, want := range []string{"for about α9.90", "slippage 0.99%", "This runtime has no SubtensorModule.add_stake_limit", "cannot enforce"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the stake question lacks %q:\n%s", want, errOut)
		}
	}
	if code == 0 {
		t.Errorf("answering n: exit 0")
	}
	// A hotkey with no uid on the subnet: the question says its stake
	// there earns nothing.
	stranger := types.AccountID(substratetest.Keypair(t, "//Btcli//Stranger").PublicKey())
	_, _, errOut = s.runAt(true, "n\n", "stake", "add", "--wallet.name", "alice", "--hotkeys", stranger.String(), "--netuid", net, "--amount", "1", "--tolerance", "0.05")
	if !strings.Contains(errOut, "not registered on subnet "+net+", so this stake earns no dividends") {
		t.Errorf("the question for an unregistered hotkey:\n%s", errOut)
	}
	var staked struct {
		Steps []struct {
			Tao        uint64 `json:"tao"`
			Alpha      uint64 `json:"alpha"`
			StakeAfter uint64 `json:"stake_after"`
			Block      uint64 `json:"block"`
		} `json:"steps"`
	}
	before = s.balance(aliceID).RAO()
	alphaBefore := s.alphaOf(ownerHot, aliceID, netuid)
	s.json(&staked, "stake", "add", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--netuid", net, "--amount", "10", "--tolerance", "0.05", "--no_prompt")
	if len(staked.Steps) != 1 || staked.Steps[0].Tao != 10*balance.RAOPerTAO {
		t.Fatalf("stake add: %+v", staked)
	}
	st := staked.Steps[0]
	// The owner's hotkey also earns the block's emission: the stake after
	// is at least what it was plus what was bought.
	free, got := s.oracle(aliceID, ownerHot, aliceID, netuid)
	if got != st.StakeAfter || got < alphaBefore+st.Alpha {
		t.Errorf("polkadot-js reads alice's alpha %d; btcli says %d, at least %d + %d", got, st.StakeAfter, alphaBefore, st.Alpha)
	}
	if paid := before - free; paid != 10*balance.RAOPerTAO {
		t.Errorf("staking 10 TAO took %d RAO", paid)
	}
	// The runtime's swap is the one btcli quotes: the pool just before the
	// extrinsic (after this block's emission) gives exactly the alpha paid.
	pool, err := s.c.SubnetPool(ctx, netuid, st.Block)
	if err != nil {
		t.Fatal(err)
	}
	pre := pool
	pre.TaoIn, pre.AlphaIn = pool.TaoIn-st.Tao, pool.AlphaIn+st.Alpha
	if got := pre.SwapTaoForAlpha(st.Tao); got != st.Alpha {
		t.Errorf("the quote's swap gives %d alpha for %d TAO; the runtime gave %d", got, st.Tao, st.Alpha)
	}

	// stake show and wallet balance agree with the chain.
	var shown []struct {
		Balance uint64                `json:"balance"`
		Stake   uint64                `json:"stake"`
		Stakes  []cmdutil.SubnetStake `json:"stakes"`
	}
	s.json(&shown, "stake", "show", "--wallet.name", "alice")
	var mine *cmdutil.SubnetStake
	for i, x := range shown[0].Stakes {
		if x.Hotkey == ownerHot && x.Netuid == netuid {
			mine = &shown[0].Stakes[i]
		}
	}
	if mine == nil || mine.Name != "owner" || mine.Alpha != st.StakeAfter || mine.Price == 0 || mine.Value == 0 {
		t.Fatalf("stake show: %+v", shown)
	}
	var bal []struct {
		Free, Staked uint64
		Stakes       []cmdutil.SubnetStake
	}
	s.json(&bal, "wallet", "balance", "--wallet.name", "alice")
	if len(bal) != 1 || bal[0].Free != s.balance(aliceID).RAO() || bal[0].Staked < mine.Swap || mine.Swap > mine.Value || len(bal[0].Stakes) == 0 {
		t.Errorf("wallet balance: %+v", bal)
	}

	// overview and inspect show the owner hotkey's alpha on the subnet.
	var ov struct {
		Dynamic bool `json:"dynamic_tao"`
		Wallets []struct {
			Neurons []struct {
				Netuid   int    `json:"netuid"`
				Stake    uint64 `json:"stake"`
				TaoValue uint64 `json:"tao_value"`
			} `json:"neurons"`
		} `json:"wallets"`
	}
	s.json(&ov, "wallet", "overview", "--wallet.name", "alice")
	if !ov.Dynamic || len(ov.Wallets) != 1 || len(ov.Wallets[0].Neurons) != 1 || ov.Wallets[0].Neurons[0].Netuid != int(netuid) ||
		ov.Wallets[0].Neurons[0].Stake < mine.Alpha || ov.Wallets[0].Neurons[0].TaoValue == 0 {
		t.Errorf("wallet overview: %+v", ov)
	}
	var insp []struct {
		Stakes []cmdutil.SubnetStake `json:"stakes"`
	}
	s.json(&insp, "wallet", "inspect", "--wallet.name", "alice")
	if len(insp) != 1 || len(insp[0].Stakes) != len(shown[0].Stakes) {
		t.Errorf("wallet inspect: %+v, stake show: %+v", insp, shown)
	}

	// Unstake half of it, in alpha.
	half := mine.Alpha / 2
	var unstaked = staked
	before = s.balance(aliceID).RAO()
	s.json(&unstaked, "stake", "remove", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--netuid", net,
		"--amount", balance.Balance(half).TAOString(), "--tolerance", "0.05", "--no_prompt")
	if len(unstaked.Steps) != 1 || unstaked.Steps[0].Alpha != half || unstaked.Steps[0].Tao == 0 {
		t.Fatalf("stake remove: %+v", unstaked)
	}
	free, got = s.oracle(aliceID, ownerHot, aliceID, netuid)
	if free-before != unstaked.Steps[0].Tao {
		t.Errorf("unstaking paid %d, the event says %d", free-before, unstaked.Steps[0].Tao)
	}
	if got != unstaked.Steps[0].StakeAfter {
		t.Errorf("alpha after unstaking: polkadot-js %d, btcli %d", got, unstaked.Steps[0].StakeAfter)
	}
	// More than is staked: refused by btcli, nothing sent.
	s.fail(1, []string{"less than the", "nothing was sent"}, "stake", "remove", "--wallet.name", "alice", "--wallet.hotkey", "owner",
		"--netuid", net, "--amount", "100000", "--no_prompt")

	// Root (netuid 0) is a stable pool: one TAO is one alpha.
	s.json(&staked, "stake", "add", "--wallet.name", "miner", "--wallet.hotkey", "m1", "--netuid", "0", "--amount", "5", "--no_prompt")
	if len(staked.Steps) != 1 || staked.Steps[0].Alpha != 5*balance.RAOPerTAO {
		t.Errorf("root stake: %+v", staked)
	}
	if _, got := s.oracle(minerID, m1, minerID, 0); got != 5*balance.RAOPerTAO {
		t.Errorf("polkadot-js reads root stake %d", got)
	}

	// Move stake: 1 alpha of alice's out of the subnet's pool into root.
	var moved struct {
		Alpha     uint64 `json:"alpha"`
		FromAfter uint64 `json:"origin_stake_after"`
		ToAfter   uint64 `json:"dest_stake_after"`
		Sell      subtensor.StakeQuote
	}
	s.json(&moved, "stake", "move", "--wallet.name", "alice", "--wallet.hotkey", "owner", "--origin_netuid", net, "--dest_netuid", "0",
		"--amount", "1", "--no_prompt")
	if moved.Alpha != balance.RAOPerTAO || moved.ToAfter == 0 || moved.Sell.Out == 0 {
		t.Errorf("stake move: %+v", moved)
	}
	if got := s.alphaOf(ownerHot, aliceID, 0); got != moved.ToAfter {
		t.Errorf("root stake after the move: %d, btcli says %d", got, moved.ToAfter)
	}

	// subnets list shows the pool's price.
	var listed []struct {
		Netuid uint16                `json:"netuid"`
		Pool   *subtensor.SubnetPool `json:"pool"`
	}
	s.json(&listed, "subnets", "list")
	found := false
	for _, l := range listed {
		if l.Netuid == netuid {
			found = l.Pool != nil && l.Pool.Dynamic() && l.Pool.TaoIn > 0 && l.Pool.AlphaIn > 0
		}
	}
	if !found {
		t.Errorf("subnets list lacks subnet %d's pool: %+v", netuid, listed)
	}
	if out := s.ok("subnets", "list"); !strings.Contains(out, "PRICE") || !strings.Contains(out, "/α") {
		t.Errorf("subnets list table:\n%s", out)
	}

	// Hyperparameters: the owner sets an owner parameter, //Alice (the
	// sudo key) a root one; a miner may not; sudo get reads them back.
	s.ok("sudo", "set", "--netuid", net, "--param", "weights_rate_limit", "--value", "0", "--wallet.name", "alice", "--no_prompt")
	s.fail(1, []string{"BadOrigin"}, "sudo", "set", "--netuid", net, "--param", "tempo", "--value", "9", "--wallet.name", "miner", "--no_prompt")
	s.ok("sudo", "set", "--netuid", net, "--param", "tempo", "--value", "9", "--wallet.name", "alice", "--no_prompt")
	var hp types.Hyperparams
	s.json(&hp, "sudo", "get", "--netuid", net)
	if hp.Tempo != 9 || hp.WeightsSetRateLimit != 0 {
		t.Errorf("sudo get: tempo %d, weights rate limit %d", hp.Tempo, hp.WeightsSetRateLimit)
	}
	s.fail(1, []string{"subnet 999 does not exist"}, "subnets", "hyperparameters", "--netuid", "999")

	// The metagraph lists both neurons, their stake counted in alpha, and
	// its JSON the per-uid stakes and the pool.
	if out := s.ok("subnets", "metagraph", "--netuid", net); !strings.Contains(out, m1.String()[:10]) || !strings.Contains(out, "STAKE(α)") {
		t.Errorf("subnets metagraph lacks m1 or its alpha stake column:\n%s", out)
	}
	var mg struct {
		N       int
		Dynamic *struct {
			AlphaStake  []uint64 `json:"alpha_stake"`
			StakeWeight []uint64 `json:"stake_weight"`
			Price       float64
			Pool        struct{ Netuid uint16 }
		}
	}
	s.json(&mg, "subnets", "metagraph", "--netuid", net, "--no_save")
	if mg.Dynamic == nil || len(mg.Dynamic.AlphaStake) != mg.N || len(mg.Dynamic.StakeWeight) != mg.N ||
		mg.Dynamic.Price <= 0 || strconv.Itoa(int(mg.Dynamic.Pool.Netuid)) != net {
		t.Errorf("subnets metagraph --json: n %d, dynamic %+v", mg.N, mg.Dynamic)
	}

	// Child hotkeys: alice's owner hotkey lends half its weight to m1's
	// hotkey, sets its take, and revokes.
	s.ok("wallet", "regen_hotkey", "--wallet.name", "alice", "--wallet.hotkey", "kid", "--uri", "//Btcli//Miner//m1", "--no_password", "--no_prompt")
	type childInfo struct {
		Children []subtensor.Child `json:"children"`
		Take     uint16            `json:"childkey_take"`
	}
	var kids childInfo
	s.json(&kids, "stake", "child", "set", "--netuid", net, "--wallet.name", "alice", "--wallet.hotkey", "owner", "--children", "kid",
		"--proportions", "0.5", "--no_prompt")
	if len(kids.Children) != 1 || kids.Children[0].Hotkey != m1 || kids.Children[0].Proportion != subtensor.MaxProportion/2 {
		t.Errorf("stake child set: %+v", kids)
	}
	var viaJS []any
	if err := s.ch.PolkadotJS(ctx, `const api = await env.api();
		return (await api.query.subtensorModule.childKeys(env.args.hot, env.args.netuid)).toJSON();`,
		map[string]any{"hot": ownerHot.String(), "netuid": netuid}, &viaJS); err != nil {
		t.Fatal(err)
	}
	if len(viaJS) != 1 {
		t.Errorf("polkadot-js reads the children %v", viaJS)
	}
	var take struct {
		Take uint16 `json:"childkey_take"`
	}
	s.json(&take, "stake", "childkey_take", "--netuid", net, "--wallet.name", "alice", "--wallet.hotkey", "owner", "--take", "0.1", "--no_prompt")
	if take.Take != 6554 {
		t.Errorf("childkey take %d, want 6554 (10%%)", take.Take)
	}
	s.fail(2, []string{"more than 100%"}, "stake", "child", "set", "--netuid", net, "--wallet.name", "alice", "--wallet.hotkey", "owner",
		"--children", "kid,"+minerID.String(), "--proportions", "0.7,0.6", "--no_prompt")
	// The runtime lets a hotkey set its children once per two default
	// tempos: revoking at once is refused by name, nothing sent.
	s.fail(1, []string{"TxRateLimitExceeded", "not sent"}, "stake", "child", "revoke", "--netuid", net, "--wallet.name", "alice",
		"--wallet.hotkey", "owner", "--no_prompt")
	s.json(&kids, "stake", "child", "get", "--netuid", net, "--hotkey", ownerHot.String())
	if len(kids.Children) != 1 || kids.Take != 6554 {
		t.Errorf("stake child get: %+v", kids)
	}

	// Root: the root network's validators, and weights the runtime refuses
	// by name (dynamic TAO has no root weights).
	s.ok("root", "list")
	// A Substrate chain checks only signed transactions, so the preview
	// comes before the chain's refusal.
	if code, _, errOut := s.run("root", "weights", "--netuids", net, "--weights", "1", "--wallet.name", "alice",
		"--wallet.hotkey", "owner", "--no_prompt"); code != 1 || !strings.Contains(errOut, "not sent: CanNotSetRootNetworkWeights") {
		t.Errorf("root weights: exit %d\n%s", code, errOut)
	}
}
