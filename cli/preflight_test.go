package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// lockKeyfile replaces a wallet's secret keyfile with one that claims to
// be encrypted ($NACL) under a password nobody knows: reading the key
// would have to ask for it. The public file beside it stays.
func lockKeyfile(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, append([]byte("$NACL"), make([]byte, 72)...), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Every btcli command that writes asks the chain first, with a dry run of
// the transaction it means to send: the chain's refusal, in its words,
// comes before any question or password (a non-owner `sudo set` must not
// wait for key decryption to learn BadOrigin), and nothing is
// sent. Each command runs at a terminal where nothing is typed, with
// keyfiles whose password is never given: a question would fail, and
// would show on standard error.
func TestRefusalsComeBeforeTheKey(t *testing.T) {
	val, miner, senator := devKey(t, "//Alice/v"), devKey(t, "//Dave/m"), devKey(t, "//Alice/r")
	poor := devKey(t, "//Poor")
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		alice, dave := g.Balances[0].Address, g.Balances[3].Address
		g.Balances = append(g.Balances, chain.GenesisBalance{Address: types.AccountID(poor.PublicKey()), Free: balance.RAOPerTAO / 2})
		g.Subnets = append(g.Subnets,
			chain.GenesisSubnet{Netuid: 1, Owner: alice, Lock: 10 * balance.RAOPerTAO, Neurons: []chain.GenesisNeuron{
				{Hotkey: types.AccountID(val.PublicKey()), Coldkey: alice, Stake: 100 * balance.RAOPerTAO, ValidatorPermit: true},
				{Hotkey: types.AccountID(miner.PublicKey()), Coldkey: dave},
			}},
			chain.GenesisSubnet{Netuid: 0, Neurons: []chain.GenesisNeuron{{Hotkey: types.AccountID(senator.PublicKey()), Coldkey: alice}}})
		g.Senate = []types.AccountID{types.AccountID(senator.PublicKey())}
	}})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t.Setenv("HOME", t.TempDir())
	walletDir := t.TempDir()
	b := &btcli{t: t, env: map[string]string{"BT_WALLET_PATH": walletDir, "BT_SUBTENSOR_CHAIN_ENDPOINT": dev.RPC}}

	// dave owns m (on subnet 1, no permit); fresh and fresh2 were never on
	// chain; alices is Alice's validator hotkey. poor holds τ0.5.
	b.ok("wallet", "regen_coldkey", "--wallet.name", "dave", "--uri", "//Dave", "--no_password", "--no_prompt")
	b.ok("wallet", "regen_coldkey", "--wallet.name", "poor", "--uri", "//Poor", "--no_password", "--no_prompt")
	hotkeys := []struct{ w, name, uri string }{{"dave", "m", "//Dave/m"}, {"dave", "fresh", "//Dave/fresh"}, {"dave", "fresh2", "//Dave/fresh2"},
		{"dave", "alices", "//Alice/v"}, {"poor", "m", "//Poor/m"}}
	for _, hk := range hotkeys {
		b.ok("wallet", "regen_hotkey", "--wallet.name", hk.w, "--wallet.hotkey", hk.name, "--uri", hk.uri, "--no_prompt")
		lockKeyfile(t, filepath.Join(walletDir, hk.w, "hotkeys", hk.name))
	}
	lockKeyfile(t, filepath.Join(walletDir, "dave", "coldkey"))
	lockKeyfile(t, filepath.Join(walletDir, "poor", "coldkey"))

	// An open proposal, undecided: the senate has one seat and no vote.
	tempo20, err := types.NewSudoSet(types.CallSudoSetTempo, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	prop, _, err := c.Propose(ctx, devKey(t, "//Alice"), tempo20, 1000, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}

	daveID, poorID := types.AccountID(devKey(t, "//Dave").PublicKey()), types.AccountID(poor.PublicKey())
	minerID, freshID := types.AccountID(miner.PublicKey()), types.AccountID(devKey(t, "//Dave/fresh").PublicKey())
	accounts := []types.AccountID{daveID, poorID, minerID, freshID}
	before := make([]types.AccountInfo, len(accounts))
	for i, a := range accounts {
		if before[i], err = c.GetAccount(ctx, a, 0); err != nil {
			t.Fatal(err)
		}
	}
	dave, poorW := []string{"--wallet.name", "dave"}, []string{"--wallet.name", "poor"}
	for _, tt := range []struct {
		want string // the start of the refusal
		is   *types.Error
		args []string
	}{
		{"transfer not sent: InsufficientBalance", types.ErrInsufficientBalance,
			append([]string{"wallet", "transfer", "--dest", daveID.String(), "--amount", "1000000000"}, poorW...)},
		{"setting weights_set_rate_limit not sent: BadOrigin: only subnet 1's owner, the sudo key or governance may make this call", types.ErrBadOrigin,
			append([]string{"sudo", "set", "--netuid", "1", "--param", "weights_rate_limit", "--value", "20"}, dave...)},
		{"stake on " + freshID.String() + " not sent: NotRegistered: hotkey " + freshID.String() + " does not exist", types.ErrNotRegistered,
			append([]string{"stake", "add", "--hotkeys", freshID.String(), "--amount", "1"}, dave...)},
		{"stake on m:" + minerID.String() + " not sent: NotEnoughBalanceToStake", types.ErrNotEnoughBalanceToStake,
			append([]string{"stake", "add", "--wallet.hotkey", "m", "--amount", "1000000"}, dave...)},
		{"unstake from m:" + minerID.String() + " not sent: NotEnoughStaketoWithdraw", types.ErrNotEnoughStakeToWithdraw,
			append([]string{"stake", "remove", "--wallet.hotkey", "m", "--amount", "5"}, dave...)},
		{"hotkey swap not sent: NonAssociatedColdKey: hotkey " + freshID.String() + " does not exist", types.ErrNonAssociatedColdKey,
			append([]string{"wallet", "swap_hotkey", "--wallet.hotkey", "fresh", "--wallet.hotkey_b", "fresh2"}, dave...)},
		{"weights not sent: NoValidatorPermit: uid 1 on subnet 1 has no validator permit", types.ErrNoValidatorPermit,
			append([]string{"weights", "set", "--netuid", "1", "--uids", "0", "--weights", "1", "--wallet.hotkey", "m"}, dave...)},
		{"weights not sent: NotRegistered: hotkey " + freshID.String() + " is not registered on subnet 1", types.ErrNotRegistered,
			append([]string{"weights", "set", "--netuid", "1", "--uids", "0", "--weights", "1", "--wallet.hotkey", "fresh"}, dave...)},
		{"subnet creation not sent: NotEnoughBalanceToStake: registering a subnet locks", types.ErrNotEnoughBalanceToStake,
			append([]string{"subnets", "create"}, poorW...)},
		{"registration not sent: NotEnoughBalanceToStake: registering on subnet 1 burns τ1.000000000", types.ErrNotEnoughBalanceToStake,
			append([]string{"subnets", "register", "--netuid", "1", "--wallet.hotkey", "m"}, poorW...)},
		{"delegate not sent: NonAssociatedColdKey: hotkey " + minerID.String() + " is owned by " + daveID.String() + " and is not a delegate", types.ErrNonAssociatedColdKey,
			append([]string{"root", "delegate", "--delegate_ss58key", minerID.String(), "--amount", "0.1"}, poorW...)},
		{"nominate not sent: NotRegistered", types.ErrNotRegistered,
			append([]string{"root", "nominate", "--wallet.hotkey", "fresh"}, dave...)},
		{"root register not sent: NonAssociatedColdKey", types.ErrNonAssociatedColdKey,
			append([]string{"root", "register", "--wallet.hotkey", "alices"}, dave...)},
		{"root weights not sent: NotRegistered: hotkey " + minerID.String() + " is not registered on subnet 0", types.ErrNotRegistered,
			append([]string{"root", "weights", "--netuids", "1", "--weights", "1", "--wallet.hotkey", "m"}, dave...)},
		{"propose not sent: NotMember", types.ErrNotMember,
			append([]string{"root", "propose", "--param", "tempo", "--netuid", "1", "--value", "30"}, dave...)},
		{"vote not sent: NotSenateMember: hotkey " + minerID.String() + " has no senate seat", types.ErrNotSenateMember,
			append([]string{"root", "senate_vote", "--proposal", prop.Hash.String(), "--vote", "aye", "--wallet.hotkey", "m"}, dave...)},
		{"close not sent: TooEarly: proposal 0 has 0 ayes and 0 nays of 1 seats", types.ErrTooEarly,
			append([]string{"root", "close", "--proposal", prop.Hash.String()}, dave...)},
	} {
		name := strings.Join(tt.args[:2], " ")
		code, out, errOut := b.runAt(true, "", tt.args...)
		if code != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and %q\nstdout %s", name, code, errOut, tt.want, out)
		}
		if hint := chainHintFor(tt.is); hint != "" && !strings.Contains(errOut, hint) {
			t.Errorf("%s: stderr %q lacks the hint %q", name, errOut, hint)
		}
		for _, asked := range []string{"[y/n]", "password", "encrypted", "Decrypting"} {
			if strings.Contains(errOut, asked) {
				t.Errorf("%s: something was asked (%q) before the chain's refusal:\n%s", name, asked, errOut)
			}
		}
	}
	for i, a := range accounts {
		if after, _ := c.GetAccount(ctx, a, 0); after.Free != before[i].Free || after.Nonce != before[i].Nonce {
			t.Errorf("account %s changed: %+v → %+v", a, before[i], after)
		}
	}
	if p, err := c.Proposal(ctx, prop.Hash, 0); err != nil || len(p.Ayes)+len(p.Nays) != 0 {
		t.Errorf("the proposal changed: %+v %v", p, err)
	}
}

// chainHintFor is the hint btcli gives with the chain's error e.
func chainHintFor(e *types.Error) string {
	if r, ok := cmdutil.ChainError("x", types.NewChainError(e.Code, "", "")).(*cmdutil.ChainRefusal); ok {
		return r.Hint
	}
	return ""
}
