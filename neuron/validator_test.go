package neuron

import (
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/subtensor"
	"github.com/go-bittensor/bittensor/synapse"
)

// TestValidatorLoop runs a validator and three miners (two honest, one
// answering wrongly) as real neurons on a real chain: the validator's
// weights must go to the honest miners only; once one honest miner is
// stopped, its weight must fall well below the other's.
func TestValidatorLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and four neurons")
	}
	n := newTestNet(t,
		member{name: "val", stake: 1000e9, permit: true, genesis: true},
		member{name: "honest1", genesis: true},
		member{name: "honest2", genesis: true},
		member{name: "liar", genesis: true},
	)
	square := func(x int) int { return x * x }
	_, stop1 := n.startMiner(t, MinerConfig{Config: n.config(t, "honest1")}, square)
	n.startMiner(t, MinerConfig{Config: n.config(t, "honest2")}, square)
	n.startMiner(t, MinerConfig{Config: n.config(t, "liar")}, func(x int) int { return x*x + 1 })

	vcfg := n.validatorConfig(t, "val")
	ctx, cancel := context.WithCancel(context.Background())
	v, err := NewValidator(ctx, vcfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx, squareQuery) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	// uids: 0 val, 1 honest1, 2 honest2, 3 liar.
	n.waitFor(t, "weights on both honest miners", func() bool {
		w := n.weights(t, v.Hotkey())
		return w[1] > 60000 && w[2] > 60000 && w[3] == 0
	})
	sc := v.Scores()
	if sc[3] != 0 || sc[1] < 0.5 || sc[2] < 0.5 {
		t.Fatalf("scores %v: want honest miners high, the liar 0", sc)
	}

	stop1()
	n.waitFor(t, "the stopped miner's weight to fall", func() bool {
		w := n.weights(t, v.Hotkey())
		return w[2] == math.MaxUint16 && w[1] < math.MaxUint16/4
	})
}

// TestValidatorResumes restarts a validator: from its state file it gets
// back exactly the scores it saved; without one, the scores its weights on
// chain say.
func TestValidatorResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain and neurons")
	}
	n := newTestNet(t,
		member{name: "val", stake: 1000e9, permit: true, genesis: true},
		member{name: "m1", genesis: true},
		member{name: "m2", genesis: true},
	)
	n.startMiner(t, MinerConfig{Config: n.config(t, "m1")}, func(x int) int { return x * x })
	n.startMiner(t, MinerConfig{Config: n.config(t, "m2")}, func(x int) int { return -1 })
	vcfg := n.validatorConfig(t, "val")
	ctx := context.Background()
	v, err := NewValidator(ctx, vcfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	v.restore(ctx, v.Snapshot())
	for range 3 {
		if err := v.Step(ctx, squareQuery); err != nil {
			t.Fatal(err)
		}
	}
	saved := v.Scores()
	if want := []float64{0, 0.875, 0}; !equalScores(saved, want) {
		t.Fatalf("after three rounds at alpha 0.5: scores %v, want %v", saved, want)
	}
	if err := v.SetWeights(ctx, v.Snapshot(), saved); err != nil {
		t.Fatal(err)
	}

	// A new process with the same state directory.
	v2, err := NewValidator(ctx, vcfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := v2.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v2.restore(ctx, s)
	if got := v2.Scores(); !equalScores(got, saved) {
		t.Errorf("restored from the state file: %v, want %v", got, saved)
	}
	if v2.step != 3 {
		t.Errorf("restored step %d, want 3", v2.step)
	}

	// Without the state file, from the weights on chain (max-upscaled).
	if err := os.Remove(v2.StatePath()); err != nil {
		t.Fatal(err)
	}
	v3, err := NewValidator(ctx, vcfg)
	if err != nil {
		t.Fatal(err)
	}
	v3.restore(ctx, mustSync(t, v3.Neuron))
	if got := v3.Scores(); !equalScores(got, []float64{0, 1, 0}) {
		t.Errorf("restored from chain weights: %v, want [0 1 0]", got)
	}

	// A corrupt state file is set aside, not used, not lost.
	if err := os.WriteFile(v3.StatePath(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	v4, _ := NewValidator(ctx, vcfg)
	v4.restore(ctx, mustSync(t, v4.Neuron))
	entries, _ := os.ReadDir(vcfg.StateDir())
	found := false
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "state.json.corrupt-") {
			found = true
		}
	}
	if !found {
		t.Errorf("corrupt state file not kept aside: %v", entries)
	}
}

// mustSync syncs a neuron and returns the snapshot.
func mustSync(t *testing.T, n *Neuron) *Snapshot {
	t.Helper()
	s, err := n.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func equalScores(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-4 {
			return false
		}
	}
	return true
}

// TestStepSurvivesBadQueries: a query that panics, fails or answers the
// wrong number of rewards skips the round without touching the scores;
// rewards out of range are clamped.
func TestStepSurvivesBadQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t,
		member{name: "val", stake: 1000e9, permit: true, genesis: true},
		member{name: "m1", genesis: true},
		member{name: "m2", genesis: true},
	)
	n.startMiner(t, MinerConfig{Config: n.config(t, "m1")}, func(x int) int { return x * x })
	n.startMiner(t, MinerConfig{Config: n.config(t, "m2")}, func(x int) int { return x * x })
	ctx := context.Background()
	v, err := NewValidator(ctx, n.validatorConfig(t, "val"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Step(ctx, squareQuery); err == nil {
		t.Fatal("Step before any sync: want an error")
	}
	if _, err := v.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		query QueryFunc
		want  string
	}{
		{"panic", func(context.Context, *Round) ([]float64, error) { panic("boom") }, "query panicked: boom"},
		{"error", func(context.Context, *Round) ([]float64, error) { return nil, errors.New("no luck") }, "no luck"},
		{"short", func(context.Context, *Round) ([]float64, error) { return []float64{1}, nil }, "1 rewards for 2 miners"},
	}
	for _, b := range bad {
		err := v.Step(ctx, b.query)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want %q", b.name, err, b.want)
		}
	}
	if sc := v.Scores(); !equalScores(sc, []float64{0, 0, 0}) {
		t.Errorf("scores changed by skipped rounds: %v", sc)
	}
	weird := func(context.Context, *Round) ([]float64, error) { return []float64{math.NaN(), 7}, nil }
	if err := v.Step(ctx, weird); err != nil {
		t.Fatal(err)
	}
	if sc := v.Scores(); !equalScores(sc, []float64{0, 0, 0.5}) {
		t.Errorf("NaN and 7 at alpha 0.5: scores %v, want [0 0 0.5]", sc)
	}
}

// TestReconcile: a uid taken by another hotkey starts from 0, new uids
// are added, and the rest keep their scores.
func TestReconcile(t *testing.T) {
	v := &Validator{Neuron: &Neuron{log: testLogger(t, "val")}}
	snap := func(hotkeys ...string) *Snapshot {
		var peers []Peer
		for i, h := range hotkeys {
			peers = append(peers, Peer{UID: uint16(i), Hotkey: h, Axon: synapse.AxonInfo{}})
		}
		return NewSnapshot(1, 1, peers, types.Hyperparams{})
	}
	v.reconcile(snap("a", "b", "c"))
	v.scores = []float64{0.1, 0.2, 0.3}
	v.reconcile(snap("a", "x", "c", "d"))
	if want := []float64{0.1, 0, 0.3, 0}; !equalScores(v.scores, want) {
		t.Errorf("scores %v, want %v", v.scores, want)
	}
	if want := []string{"a", "x", "c", "d"}; strings.Join(v.owners, ",") != strings.Join(want, ",") {
		t.Errorf("owners %v, want %v", v.owners, want)
	}
}

// setWeightsLog is a validator's chain connection that records the Wait of
// every SetWeights call it passes on.
type setWeightsLog struct {
	Chain
	waits []subtensor.Wait
}

func (l *setWeightsLog) SetWeights(ctx context.Context, hotkey subtensor.Signer, netuid uint16, uids, weights []uint16, versionKey uint64, wait subtensor.Wait) (*subtensor.TxResult, error) {
	l.waits = append(l.waits, wait)
	return l.Chain.SetWeights(ctx, hotkey, netuid, uids, weights, versionKey, wait)
}

// TestSetWeightsAsksFirst: a validator learns whether the chain takes its
// weights by asking it (a dry run), not from its own copy of the rules:
// weights the chain takes are sent; weights it refuses (the rate limit, no
// permit) are not sent, the account is unchanged, and the loop tries again
// a block later for the rate limit.
func TestSetWeightsAsksFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a chain")
	}
	n := newTestNet(t,
		member{name: "val", stake: 1000e9, permit: true, genesis: true},
		member{name: "m1", genesis: true},
		member{name: "m2", genesis: true},
	)
	ctx := context.Background()
	validator := func(name string) (*Validator, *setWeightsLog, types.AccountID) {
		v, err := NewValidator(ctx, n.validatorConfig(t, name))
		if err != nil {
			t.Fatal(err)
		}
		l := &setWeightsLog{Chain: v.client}
		v.client = l
		if _, err := v.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		return v, l, types.AccountID(v.Hotkey().PublicKey())
	}
	account := func(a types.AccountID) types.AccountInfo {
		info, err := n.client.GetAccount(ctx, a, 0)
		if err != nil {
			t.Fatal(err)
		}
		return info
	}

	v, log, hot := validator("val")
	if err := v.SetWeights(ctx, v.Snapshot(), []float64{0, 1, 0.5}); err != nil {
		t.Fatal(err)
	}
	if want := []subtensor.Wait{subtensor.DryRun, subtensor.WaitInclusion}; !slices.Equal(log.waits, want) {
		t.Errorf("weights the chain takes: calls %v, want %v", log.waits, want)
	}
	if w := n.weights(t, v.Hotkey()); w[1] != math.MaxUint16 || w[2] == 0 {
		t.Errorf("weights on chain %v", w)
	}

	// The owner raises the rate limit: the next weights are too soon.
	if _, err := n.client.SetHyperparameter(ctx, keyOf(t, "//Alice"), testNetuid, "weights_set_rate_limit", 1000, subtensor.WaitInclusion); err != nil {
		t.Fatal(err)
	}
	s, err := v.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := account(hot)
	log.waits = nil
	v.weightsBlock, v.scores = 0, []float64{0, 0.5, 1} // due by the validator's own schedule
	v.maybeSetWeights(ctx, s.Block)
	if want := []subtensor.Wait{subtensor.DryRun}; !slices.Equal(log.waits, want) {
		t.Errorf("weights too soon: calls %v, want %v", log.waits, want)
	}
	if v.retryAt != s.Block+1 || v.weightsBlock != 0 {
		t.Errorf("after the rate limit's refusal: retry at %d (want %d), weights block %d", v.retryAt, s.Block+1, v.weightsBlock)
	}
	if after := account(hot); after.Free != before.Free || after.Nonce != before.Nonce {
		t.Errorf("refused weights changed the hotkey's account: %+v → %+v", before, after)
	}

	// A hotkey without a validator permit may weigh only itself.
	m, mlog, mhot := validator("m1")
	before = account(mhot)
	if err := m.SetWeights(ctx, m.Snapshot(), []float64{1, 0, 1}); !errors.Is(err, types.ErrNoValidatorPermit) {
		t.Errorf("weights without a permit: %v", err)
	}
	if want := []subtensor.Wait{subtensor.DryRun}; !slices.Equal(mlog.waits, want) {
		t.Errorf("weights without a permit: calls %v, want %v", mlog.waits, want)
	}
	if after := account(mhot); after.Free != before.Free || after.Nonce != before.Nonce {
		t.Errorf("refused weights changed the miner's account: %+v → %+v", before, after)
	}
}
