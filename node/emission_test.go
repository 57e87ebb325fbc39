package node_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain"
	"github.com/go-bittensor/bittensor/chain/economics"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/wallet"
)

func emissionInfo(t *testing.T, c *subtensor.CometBFTClient, height uint64) types.EmissionInfo {
	t.Helper()
	var info types.EmissionInfo
	if err := c.Query(context.Background(), types.QueryEmission, nil, height, &info); err != nil {
		t.Fatalf("emission at %d: %v", height, err)
	}
	return info
}

func subnetEmission(info types.EmissionInfo, netuid uint16) types.SubnetEmissionInfo {
	for _, s := range info.Subnets {
		if s.Netuid == netuid {
			return s
		}
	}
	return types.SubnetEmissionInfo{}
}

// The reference's test_root_set_weights on a real node: ten root validators with
// equal stake, validator i weighting netuid i of 0..9, give each subnet
// 99,999,999 RAO per block from the first root epoch (block 2 with root
// tempo 1), and a subnet's pending emission is 99,999,999, 199,999,998 and
// 299,999,997 after one, two and three blocks.
func TestDevNodeRootEpochVector(t *testing.T) {
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		g.Params.Subtensor.SubnetOwnerCut = 0
		g.Root.Tempo, g.Root.Rho, g.Root.Kappa = 1, 30, 32767
		h := g.Params.Subtensor.SubnetDefaults
		h.Tempo = 1000
		root := chain.GenesisSubnet{Netuid: chain.RootNetuid}
		alice := types.AccountID(mustKey(t, "//Alice").PublicKey())
		for i := uint16(0); i < 10; i++ {
			if i > 0 {
				g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: i, Owner: alice, Hyperparams: &h})
			}
			hot := types.AccountID(mustKey(t, fmt.Sprintf("//root/%d", i)).PublicKey())
			root.Neurons = append(root.Neurons, chain.GenesisNeuron{Hotkey: hot, Coldkey: alice, Stake: balance.RAOPerTAO, Weights: [][2]uint16{{i, 65535}}})
		}
		g.Subnets = append(g.Subnets, root)
	}})
	c := dev.Client(t)
	waitHeight(t, c, 4)
	for h, pending := range map[uint64]uint64{2: 99_999_999, 3: 199_999_998, 4: 299_999_997} {
		info := emissionInfo(t, c, h)
		if len(info.Subnets) != 10 {
			t.Fatalf("block %d: %d subnets", h, len(info.Subnets))
		}
		for _, s := range info.Subnets {
			if s.EmissionValue != 99_999_999 {
				t.Errorf("block %d: subnet %d's emission value %d", h, s.Netuid, s.EmissionValue)
			}
			if s.Netuid != 0 && s.PendingEmission != pending {
				t.Errorf("block %d: subnet %d's pending emission %d, want %d", h, s.Netuid, s.PendingEmission, pending)
			}
		}
	}
}

// The first weighted epoch of the reference's test_active_stake on a real
// node: four neurons of 1 RAO stake with permits, two of them set weights
// [2, 3] = [32767, 32767], and the next epoch of 1 TAO gives dividends 32767
// to each validator, 250,000,000 RAO to every neuron and bonds of 65535; the
// next block pays it into their stakes, minting exactly that.
//
// The subnet's epoch distributes exactly 1 TAO: a root validator weights
// eight subnets equally (1/8 of the block emission each, exactly) and
// subnet 1's epoch runs every 8 blocks (tempo 7), with no owner cut.
func TestDevNodeEpochVector(t *testing.T) {
	const tempo = 7
	var hotkeys [4]types.AccountID
	dev := nodetest.StartDev(t, nodetest.Options{Genesis: func(g *chain.Genesis) {
		g.Params.Subtensor.SubnetOwnerCut = 0
		g.Root.Tempo = 1
		alice := types.AccountID(mustKey(t, "//Alice").PublicKey())
		root := chain.GenesisNeuron{Hotkey: types.AccountID(mustKey(t, "//root").PublicKey()), Coldkey: alice, Stake: 100 * balance.RAOPerTAO}
		h := g.Params.Subtensor.SubnetDefaults
		h.Tempo = 1000
		tv := h
		tv.Tempo, tv.MaxAllowedValidators, tv.MinAllowedWeights, tv.WeightsSetRateLimit = tempo, 4, 0, 100
		tv.Kappa, tv.BondsMovingAverage, tv.ActivityCutoff = 32767, 900_000, 5000
		for netuid := uint16(1); netuid <= 8; netuid++ {
			sn := chain.GenesisSubnet{Netuid: netuid, Hyperparams: &h}
			if netuid == 1 {
				sn.Hyperparams = &tv
				for i := range hotkeys {
					hotkeys[i] = types.AccountID(mustKey(t, fmt.Sprintf("//tv/%d", i)).PublicKey())
					cold := types.AccountID(mustKey(t, fmt.Sprintf("//tv/%d/cold", i)).PublicKey())
					sn.Neurons = append(sn.Neurons, chain.GenesisNeuron{Hotkey: hotkeys[i], Coldkey: cold, Stake: 1, ValidatorPermit: true})
				}
			}
			g.Subnets = append(g.Subnets, sn)
			root.Weights = append(root.Weights, [2]uint16{netuid, 65535})
		}
		g.Subnets = append(g.Subnets, chain.GenesisSubnet{Netuid: chain.RootNetuid, Neurons: []chain.GenesisNeuron{root}})
	}})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Right after block 6 commits (the first epoch ran at block 5, the next
	// runs at 13), both validators set their weights, which land together
	// in the next block.
	waitHeight(t, c, 6)
	var sent [2]*subtensor.TxResult
	for i := range sent {
		res, err := c.SetWeights(ctx, mustKey(t, fmt.Sprintf("//tv/%d", i)), 1, []uint16{2, 3}, []uint16{32767, 32767}, 0, subtensor.WaitNone)
		if err != nil {
			t.Fatalf("set weights of uid %d: %v", i, err)
		}
		sent[i] = res
	}
	var heights [2]uint64
	for i, res := range sent {
		res, err := c.WaitTx(ctx, res)
		if err != nil || res.Err != nil {
			t.Fatalf("weights of uid %d: %v %v", i, err, res.Err)
		}
		heights[i] = res.Height
	}
	epoch := subnetEmission(emissionInfo(t, c, heights[0]), 1).NextEpochBlock
	if other := subnetEmission(emissionInfo(t, c, heights[1]), 1).NextEpochBlock; other != epoch {
		t.Fatalf("the weights landed in blocks %d and %d, on either side of an epoch", heights[0], heights[1])
	}
	if epoch < 13 || subnetEmission(emissionInfo(t, c, epoch-tempo-1), 1).LastStepBlock != epoch-tempo-1 {
		t.Fatalf("weights at blocks %v: the next epoch at %d does not follow a full tempo", heights, epoch)
	}
	waitHeight(t, c, epoch+1)

	at, err := c.Neurons(ctx, 1, epoch)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range at.Neurons {
		if n.Emission != 250_000_000 {
			t.Errorf("uid %d: emission %d, want 250000000", i, n.Emission)
		}
		wantD := uint16(0)
		if i < 2 {
			wantD = 32767
			for _, b := range n.Bonds {
				if b[1] != 65535 {
					t.Errorf("uid %d: bond %v, want 65535", i, b)
				}
			}
			if len(n.Bonds) != 2 {
				t.Errorf("uid %d: bonds %v", i, n.Bonds)
			}
		}
		if n.Dividends != wantD {
			t.Errorf("uid %d: dividends %d, want %d", i, n.Dividends, wantD)
		}
	}
	// The next block pays it: every stake grows by 250,000,000 RAO, and the
	// total issuance by exactly the 1 TAO paid (the other subnets are
	// empty and root's share is never minted).
	loaded := subnetEmission(emissionInfo(t, c, epoch), 1).Loaded
	if len(loaded) != 4 {
		t.Fatalf("loaded %+v", loaded)
	}
	before, err := c.TotalIssuance(ctx, epoch)
	if err != nil {
		t.Fatal(err)
	}
	after, err := c.TotalIssuance(ctx, epoch+1)
	if err != nil {
		t.Fatal(err)
	}
	if after-before != balance.Balance(balance.RAOPerTAO) {
		t.Errorf("issuance grew by %d RAO in the drain block, want 1 TAO", after-before)
	}
	drained, err := c.Neurons(ctx, 1, epoch+1)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range drained.Neurons {
		if n.TotalStake != at.Neurons[i].TotalStake+250_000_000 {
			t.Errorf("uid %d: stake %d after the drain, %d before", i, n.TotalStake, at.Neurons[i].TotalStake)
		}
	}
}

// A subnet created at runtime on a dev chain (its genesis unchanged) earns
// once a root validator, registered and staked at runtime, weights it:
// registered neurons get validator permits from an epoch, the validator's
// weights make incentive and dividends, and every drain moves exactly the
// loaded payouts into stake, minting only that and the owner's cut.
func TestDevNodeSubnetEarns(t *testing.T) {
	alice, bob := mustKey(t, "//Alice"), mustKey(t, "//Bob")
	rootHot := mustKey(t, "//Alice/root")
	dev := nodetest.StartDev(t, nodetest.Options{})
	c := dev.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	netuid, _, err := c.RegisterNetwork(ctx, alice, types.AccountID{}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.RootRegister(ctx, alice, types.AccountID(rootHot.PublicKey()), subtensor.WaitInclusion); err != nil {
		t.Fatalf("root register: %v", err)
	}
	if _, err := c.AddStake(ctx, alice, types.AccountID(rootHot.PublicKey()), balance.FromTAO(100), subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RootSetWeights(ctx, rootHot, []uint16{netuid}, []float64{1}, subtensor.WaitInclusion); err != nil {
		t.Fatalf("root weights: %v", err)
	}
	v, m1, m2 := mustKey(t, "//Bob/v"), mustKey(t, "//Bob/m1"), mustKey(t, "//Bob/m2")
	for _, k := range []*wallet.Keypair{v, m1, m2} {
		if _, _, err := c.BurnedRegister(ctx, bob, netuid, types.AccountID(k.PublicKey()), 0, subtensor.WaitInclusion); err != nil {
			t.Fatalf("register: %v", err)
		}
	}
	vID := types.AccountID(v.PublicKey())
	if _, err := c.AddStake(ctx, bob, vID, balance.FromTAO(50), subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	// Wait for an epoch to grant the permits, then weight the miners.
	for {
		n, err := c.Neuron(ctx, netuid, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n.ValidatorPermit {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	res, err := c.SetWeights(ctx, v, netuid, []uint16{1, 2}, []uint16{2, 1}, 0, subtensor.WaitInclusion)
	if err != nil {
		t.Fatalf("weights after the permit: %v", err)
	}
	// Two epochs later the validator's weights have counted.
	first := subnetEmission(emissionInfo(t, c, res.Height), netuid).NextEpochBlock
	second := first + uint64(subnetEmission(emissionInfo(t, c, res.Height), netuid).Tempo) + 1
	waitHeight(t, c, second+1)
	ns, err := c.Neurons(ctx, netuid, second)
	if err != nil {
		t.Fatal(err)
	}
	val, n1, n2 := ns.Neurons[0], ns.Neurons[1], ns.Neurons[2]
	if val.Dividends == 0 || n1.Incentive == 0 || n2.Incentive == 0 || n1.Incentive <= n2.Incentive || val.Emission == 0 || n1.Emission <= n2.Emission {
		t.Errorf("after weights: validator %+v\nminer 1 %+v\nminer 2 %+v", val, n1, n2)
	}
	loaded := subnetEmission(emissionInfo(t, c, second), netuid).Loaded
	var paid uint64
	for _, l := range loaded {
		paid += l.Server + l.Validator
	}
	drained, err := c.Neurons(ctx, netuid, second+1)
	if err != nil {
		t.Fatal(err)
	}
	var grew uint64
	for i := range drained.Neurons {
		grew += drained.Neurons[i].TotalStake - ns.Neurons[i].TotalStake
	}
	before, _ := c.TotalIssuance(ctx, second)
	after, _ := c.TotalIssuance(ctx, second+1)
	value := subnetEmission(emissionInfo(t, c, second+1), netuid).EmissionValue
	cut, _ := economics.OwnerCut(value, 11796)
	if paid == 0 || grew != paid || uint64(after-before) != paid+cut {
		t.Errorf("drain block %d: stakes grew %d, payouts %d, issuance grew %d (owner cut %d)", second+1, grew, paid, after-before, cut)
	}
}
