package localnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

// What the members of a new network hold and stake. Each miner and
// validator pays the subnet's burn (1 TAO on a dev chain) to register.
var (
	ownerFunds     = balance.FromTAO(10_000)
	ownerRootStake = balance.FromTAO(1_000) // staked on the owner's hotkey on the root network, at genesis
	validatorFunds = balance.FromTAO(10_000)
	validatorStake = balance.FromTAO(1_000)
	minerFunds     = balance.FromTAO(100)
	maxBurn        = balance.FromTAO(10)
)

// hotkeyName is the hotkey of every member's wallet.
const hotkeyName = "default"

// newMembers makes the wallets of a new network under h: the owner, then
// validator1…V, then miner1…M, the last `wrong` miners marked Wrong. Keys
// are written unencrypted (0600): they hold only the local network's TAO.
func newMembers(h home, validators, miners, wrong int) (owner Member, neurons []Member, err error) {
	mk := func(name, role string) (Member, error) {
		w := wallet.New(name, hotkeyName, h.walletDir())
		cold, err := wallet.GenerateKeypair(12)
		if err != nil {
			return Member{}, err
		}
		hot, err := wallet.GenerateKeypair(12)
		if err != nil {
			return Member{}, err
		}
		if err := w.SetColdkey(cold, wallet.WriteOptions{}); err != nil {
			return Member{}, fmt.Errorf("localnet: wallet %s: %w", name, err)
		}
		if err := w.SetHotkey(hot, wallet.WriteOptions{}); err != nil {
			return Member{}, fmt.Errorf("localnet: wallet %s: %w", name, err)
		}
		return Member{Name: name, Role: role, Hotkey: hot.SS58Address(), Coldkey: cold.SS58Address()}, nil
	}
	if owner, err = mk("owner", roleOwner); err != nil {
		return Member{}, nil, err
	}
	for i := 1; i <= validators; i++ {
		m, err := mk("validator"+strconv.Itoa(i), roleValidator)
		if err != nil {
			return Member{}, nil, err
		}
		neurons = append(neurons, m)
	}
	for i := 1; i <= miners; i++ {
		m, err := mk("miner"+strconv.Itoa(i), roleMiner)
		if err != nil {
			return Member{}, nil, err
		}
		m.Wrong = i > miners-wrong
		neurons = append(neurons, m)
	}
	return owner, neurons, nil
}

// GenesisSpec is what a localnet's chain starts with beyond a dev chain's
// genesis (funded dev accounts, //Alice as sudo, short tempos): the
// subtensor program's `localnet init` builds the genesis from it (with
// registration limits wide enough to register every member in one block),
// so that btcli itself does not link the node.
type GenesisSpec struct {
	ChainID   string        // the chain id
	RPC       string        // the node's RPC address (host:port)
	BlockTime time.Duration // the block interval
	// Tempo is every subnet's tempo, and the root network's.
	Tempo uint16
	// Balances fund the members' coldkeys (SS58).
	Balances []GenesisBalance
	// RootValidator is the owner's hotkey, a root validator with stake at
	// genesis so that the root epoch can direct emission to the subnet.
	RootValidator GenesisStake
}

// GenesisBalance is a coldkey funded at genesis.
type GenesisBalance struct {
	Address string // SS58
	Amount  balance.Balance
}

// GenesisStake is a hotkey staked by its coldkey at genesis.
type GenesisStake struct {
	Hotkey, Coldkey string // SS58
	Amount          balance.Balance
}

// GenesisSpec is the genesis of the network st describes: the owner and
// every member funded, the owner's hotkey a root validator with stake.
func (st *State) GenesisSpec() GenesisSpec {
	g := GenesisSpec{
		ChainID: st.ChainID, RPC: st.RPC, BlockTime: time.Duration(st.BlockTime), Tempo: st.Tempo,
		Balances:      []GenesisBalance{{Address: st.Owner.Coldkey, Amount: ownerFunds}},
		RootValidator: GenesisStake{Hotkey: st.Owner.Hotkey, Coldkey: st.Owner.Coldkey, Amount: ownerRootStake},
	}
	for _, m := range st.Neurons {
		amount := minerFunds
		if m.Role == roleValidator {
			amount = validatorFunds
		}
		g.Balances = append(g.Balances, GenesisBalance{Address: m.Coldkey, Amount: amount})
	}
	return g
}

// setupChain creates the subnet on a new chain and puts every member in
// place: register_network by the owner, root weights on the subnet, every
// validator and miner registered by burn (validators first, so they get the
// lowest uids) and each validator's stake. It returns the netuid.
func setupChain(ctx context.Context, c *subtensor.CometBFTClient, h home, st *State, log func(string, ...any)) (uint16, error) {
	keys := func(m Member) (cold, hot *wallet.Keypair, err error) {
		w := wallet.New(m.Name, hotkeyName, h.walletDir())
		if cold, err = w.Coldkey(nil); err != nil {
			return nil, nil, err
		}
		hot, err = w.Hotkey(nil)
		return cold, hot, err
	}
	ownerCold, ownerHot, err := keys(st.Owner)
	if err != nil {
		return 0, fmt.Errorf("localnet: owner's keys: %w", err)
	}
	netuid, _, err := c.RegisterNetwork(ctx, ownerCold, types.AccountID{}, 0, subtensor.WaitInclusion)
	if err != nil {
		return 0, fmt.Errorf("localnet: create the subnet: %w", err)
	}
	log("subnet created", "netuid", netuid)

	var pending []*subtensor.TxResult
	var what []string
	submit := func(desc string, res *subtensor.TxResult, err error) error {
		if err != nil {
			return fmt.Errorf("localnet: %s: %w", desc, err)
		}
		pending, what = append(pending, res), append(what, desc)
		return nil
	}
	res, err := c.SetWeights(ctx, ownerHot, 0, []uint16{netuid}, []uint16{math.MaxUint16}, 0, subtensor.WaitNone)
	if err := submit("root weights", res, err); err != nil {
		return 0, err
	}
	for _, m := range st.Neurons {
		cold, hot, err := keys(m)
		if err != nil {
			return 0, fmt.Errorf("localnet: keys of %s: %w", m.Name, err)
		}
		_, res, err := c.BurnedRegister(ctx, cold, netuid, types.AccountID(hot.PublicKey()), maxBurn, subtensor.WaitNone)
		if err := submit("register "+m.Name, res, err); err != nil {
			return 0, err
		}
	}
	if err := waitAll(ctx, c, pending, what); err != nil {
		return 0, err
	}
	log("neurons registered", "validators", count(st, roleValidator), "miners", count(st, roleMiner))

	pending, what = nil, nil
	for _, m := range st.Neurons {
		if m.Role != roleValidator {
			continue
		}
		cold, hot, err := keys(m)
		if err != nil {
			return 0, err
		}
		res, err := c.AddStake(ctx, cold, types.AccountID(hot.PublicKey()), validatorStake, subtensor.WaitNone)
		if err := submit("stake "+m.Name, res, err); err != nil {
			return 0, err
		}
	}
	if err := waitAll(ctx, c, pending, what); err != nil {
		return 0, err
	}
	log("validators staked", "stake", validatorStake)
	return netuid, nil
}

// waitAll waits for submitted transactions and reports the first failure.
func waitAll(ctx context.Context, c *subtensor.CometBFTClient, txs []*subtensor.TxResult, what []string) error {
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var errs []error
	for i, res := range txs {
		r, err := c.WaitTx(wctx, res)
		if err == nil && r.Err != nil {
			err = r.Err
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("localnet: %s: %w", what[i], err))
		}
	}
	return errors.Join(errs...)
}

func count(st *State, role string) int {
	n := 0
	for _, m := range st.Neurons {
		if m.Role == role {
			n++
		}
	}
	return n
}

// initChain writes the node home of a new network: `subtensor localnet
// init`, which builds the genesis from the state's GenesisSpec.
func initChain(ctx context.Context, h home) error {
	exe, err := subtensorProgram()
	if err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, exe, "localnet", "init", "--home", string(h)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("localnet: %s localnet init: %v\n%s", exe, err, bytes.TrimSpace(out))
	}
	return nil
}
