// Package neuron is what every miner and validator of a subnet needs, so
// that a subnet program is only its own work: the synapse, how a miner
// answers it, and how a validator rewards an answer.
//
// A miner:
//
//	cfg := neuron.DefaultMinerConfig("my-miner")
//	fs := pflag.NewFlagSet("my-miner", pflag.ContinueOnError)
//	cfg.AddFlags(fs)                                  // --wallet.*, --subtensor.*, --netuid, --axon.*, --blacklist.* …
//	neuron.SetUsage(fs, "My miner answers …")         // what --help says above the flags
//	if err := neuron.ParseFlags(fs, args); err != nil { return err } // + BT_* variables, ~/.bittensor/config.yml
//	m, err := neuron.NewMiner(ctx, cfg)               // hotkey, chain connection, axon
//	…
//	neuron.Attach(m, func(ctx context.Context, syn *MySynapse) error { … fill the answer … })
//	return m.Run(ctx)
//
// Run registers the hotkey if it must (EnsureRegistered: burned_register
// at most --neuron.max_burn, or proof of work, as --neuron.register says),
// starts the axon, publishes it with serve_axon (EnsureServed, only when
// the chain's record differs), and keeps a Snapshot of the subnet fresh
// every --neuron.sync_blocks blocks, registering and serving again if the
// hotkey fell off the subnet. Attach puts the miner's Blacklist (callers
// not registered, without a validator permit, or with too little stake are
// refused) and Priority (callers with more stake first) in front of the
// handler.
//
// A validator:
//
//	v, err := neuron.NewValidator(ctx, cfg)           // cfg: neuron.DefaultValidatorConfig(…) + flags
//	return v.Run(ctx, func(ctx context.Context, r *neuron.Round) ([]float64, error) {
//		answers := dendrite.Forward(ctx, r.Dendrite, r.Axons(), question, r.Timeout)
//		… one reward in [0, 1] per answer …
//	})
//
// Run syncs the subnet, and at every block runs one round: it samples
// miners (--neuron.sample_size), calls the QueryFunc, and folds the
// rewards into a moving average per miner (--neuron.moving_average_alpha).
// A miner that times out, lies or goes away earns 0 and its score decays;
// a uid taken over by a new hotkey starts from 0; a QueryFunc that fails
// or panics skips the round. Every --neuron.epoch_length blocks it sets
// weights from the scores (ProcessWeights: normalised, within the subnet's
// max weight and minimum count), asking the chain first with a dry run:
// weights the chain would refuse now (its rate limit, no validator permit
// yet) are not sent, and are tried again later. On a subnet with
// commit-reveal of weights it commits their hash instead and reveals them
// in the chain's window, keeping the salt in its state directory until
// then (across restarts). A WeightsSupervisor logs and exports as
// Prometheus metrics when weights were last accepted, when they may next be
// set, and warns when the chain's last update of the validator is older
// than --neuron.weights_stale_tempos tempos. The scores are saved to a
// state file after each round (in --neuron.full_path) and restored at start; without a state file they are
// restored from the validator's weights on chain, so a restarted validator
// goes on where it was.
//
// Failures of the chain (a node restarting, a transaction refused) are
// logged and retried; Run returns only when its context ends, or at start
// for a configuration that cannot work (ErrConfig, ErrNotRegistered,
// ErrNoSubnet, ErrNotServable).
//
// The subnet is read with the metagraph package into a Snapshot: the
// metagraph itself, its rows as Peers, and the subnet's hyperparameters.
package neuron
