package localnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/neuron"
	"github.com/go-bittensor/bittensor/subtensor"
)

// Defaults of up's flags.
const (
	DefaultRPC        = "127.0.0.1:9944"
	DefaultBlockTime  = 250 * time.Millisecond
	DefaultTempo      = 10
	DefaultValidators = 1
	DefaultMiners     = 3
	// ExternalIP is the address localnet miners announce on chain. The
	// chain refuses 127.0.0.1 (as Bittensor's does), so miners listen on
	// 127.0.0.1 and announce this address; validators send it as their own
	// external address and so reach those axons on this machine, as a
	// Bittensor dendrite reaches axons announcing its own external IP.
	ExternalIP = "127.0.0.2"
)

// UpOptions are up's flags.
type UpOptions struct {
	IO *cmdutil.IOStreams

	Home       string
	Subnet     string
	Validators int
	Miners     int
	Wrong      int
	Reset      bool
	Detach     bool
	RPC        string
	BlockTime  time.Duration
	Tempo      uint16
	// Protocol is how the neurons talk: neuron.ProtocolSynapse,
	// ProtocolBtauth or ProtocolEpistula.
	Protocol string

	// given reports which flags were set on the command line.
	given func(flag string) bool
}

// NewCmdUp returns `localnet up`. runF, if not nil, replaces the run
// function (for tests of flag parsing).
func NewCmdUp(f *cmdutil.Factory, runF func(context.Context, *UpOptions) error) *cobra.Command {
	o := &UpOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start a local network and watch its metagraph",
		Long: `Start a local network and show its subnet's metagraph as blocks come.

A new network (an empty --home) is created: a dev chain (fast blocks, short
tempo, the dev accounts //Alice … funded), wallets for the subnet owner,
the validators and the miners (unencrypted, in --home/wallets), the subnet
registered by the owner (whose hotkey is a root validator directing
emission to it), every neuron registered by burn, each validator staked
1,000 TAO. Then every neuron runs as its own process, logging to
--home/logs. The last --wrong miners answer wrongly on purpose, so you can
watch validators score them down and Yuma pay the honest ones.

A stopped network in --home is resumed as it was (its wallets, chain and
validator scores are kept). --rpc and --block_time may change on resume;
a --subnet, --validators, --miners, --wrong or --tempo that differs from
the saved network's is an error: such a network is a new one (--reset). A
running one is left alone: see it with ` + "`btcli localnet status`" + `, stop it
with ` + "`btcli localnet down`" + `. --reset deletes the network in --home and
starts a new one.

Ctrl-C stops the whole network (the chain last) and keeps its state;
--detach starts it in the background and returns once the miners serve.

Miners listen on 127.0.0.1 and announce ` + ExternalIP + ` on chain (the chain
refuses 127.0.0.1); validators run with --axon.external_ip ` + ExternalIP + `, so
their dendrite reaches those axons on this machine, as a Bittensor dendrite
does for axons announcing its own external address.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.given = func(name string) bool { return cmd.Flags().Changed(name) }
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return UpRun(cmd.Context(), o)
		},
	}
	fs := cmd.Flags()
	homeFlag(cmd, &o.Home)
	fs.StringVar(&o.Subnet, "subnet", "tensor", "Reference subnet to run: "+strings.Join(subnets, " or "))
	fs.IntVar(&o.Validators, "validators", DefaultValidators, "Number of validators")
	fs.IntVar(&o.Miners, "miners", DefaultMiners, "Number of miners")
	fs.IntVar(&o.Wrong, "wrong", 1, "Number of miners that answer wrongly on purpose (0 with a single miner)")
	fs.BoolVar(&o.Reset, "reset", false, "Delete the network in --home (stopping it) and start a new one")
	fs.BoolVar(&o.Detach, "detach", false, "Start the network in the background and return")
	fs.StringVar(&o.RPC, "rpc", DefaultRPC, "Chain RPC address (host:port); btcli's local network is 127.0.0.1:9944")
	fs.DurationVar(&o.BlockTime, "block_time", DefaultBlockTime, "Block interval of the chain")
	// --block-time, the spelling of earlier releases, still works.
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "block-time" {
			name = "block_time"
		}
		return pflag.NormalizedName(name)
	})
	fs.Uint16Var(&o.Tempo, "tempo", DefaultTempo, "Blocks between the subnet's epochs (payouts) minus one")
	fs.StringVar(&o.Protocol, "protocol", neuron.ProtocolSynapse, "How validators and miners talk: synapse (Bittensor 6.x axon and dendrite), btauth (btauth/1 signed HTTP) or epistula (Epistula v2); the tensor subnet speaks all three, the text subnet synapse only")
	return cmd
}

func (o *UpOptions) validate() error {
	if !slices.Contains(subnets, o.Subnet) {
		return cmdutil.FlagErrorf("--subnet %q: want %s", o.Subnet, strings.Join(subnets, " or "))
	}
	if o.given == nil {
		o.given = func(string) bool { return false }
	}
	if !o.given("wrong") && o.Miners < 2 {
		o.Wrong = 0
	}
	switch {
	case o.Validators < 1:
		return cmdutil.FlagErrorf("--validators %d: a network needs at least one validator", o.Validators)
	case o.Miners < 1:
		return cmdutil.FlagErrorf("--miners %d: a network needs at least one miner", o.Miners)
	case o.Validators+o.Miners > 256:
		return cmdutil.FlagErrorf("--validators %d and --miners %d: a subnet holds at most 256 neurons", o.Validators, o.Miners)
	case o.Wrong < 0 || o.Wrong > o.Miners:
		return cmdutil.FlagErrorf("--wrong %d: want 0..%d (the number of miners)", o.Wrong, o.Miners)
	case o.BlockTime < 10*time.Millisecond:
		return cmdutil.FlagErrorf("--block_time %s: at least 10ms", o.BlockTime)
	case o.Tempo < 1:
		return cmdutil.FlagErrorf("--tempo must be at least 1")
	}
	if _, _, err := net.SplitHostPort(o.RPC); err != nil {
		return cmdutil.FlagErrorf("--rpc %q: want host:port", o.RPC)
	}
	return o.validateProtocol()
}

// validateProtocol checks --protocol against what the subnet speaks.
func (o *UpOptions) validateProtocol() error {
	if o.Protocol == "" {
		o.Protocol = neuron.ProtocolSynapse
	}
	speaks, ok := protocols[o.Subnet]
	if !ok || !slices.Contains(speaks, o.Protocol) {
		return cmdutil.FlagErrorf("--protocol %q: the %s subnet speaks %s", o.Protocol, o.Subnet, strings.Join(speaks, ", "))
	}
	return nil
}

// UpRun starts (or resumes) the network in o.Home and, unless o.Detach,
// shows its metagraph until ctx ends or SIGINT/SIGTERM arrive, then stops
// it.
func UpRun(ctx context.Context, o *UpOptions) error {
	h, err := resolveHome(o.Home)
	if err != nil {
		return err
	}
	errOut := o.IO.ErrOut
	say := func(format string, args ...any) { fmt.Fprintf(errOut, "localnet: "+format+"\n", args...) }

	st, err := loadState(h)
	if err != nil && !errors.Is(err, errNoState) && !o.Reset {
		return err
	}
	if errors.Is(err, errNoState) {
		st = nil
	}
	if o.Reset {
		if err := reset(h, st, say); err != nil {
			return err
		}
		st = nil
	} else if live := running(h, st); len(live) > 0 {
		return fmt.Errorf("%w in %s (%s): watch it with %s, stop it with %s, or start a new one with --reset",
			errRunning, displayPath(string(h)), describeRunning(live), hint(h, "status"), hint(h, "down"))
	} else if st != nil && !st.Ready {
		return fmt.Errorf("localnet: the network in %s was never finished (its setup stopped part way); start a new one with --reset", h)
	} else if st == nil && !emptyDir(string(h)) {
		return fmt.Errorf("localnet: %s is not empty and holds no local network; choose another --home", h)
	}

	// The chain runs as the subtensor program: find it before anything is
	// made or started.
	if _, err := subtensorProgram(); err != nil {
		return err
	}
	resume := st != nil
	if resume {
		if diff := resumeConflicts(st, o); len(diff) > 0 {
			return fmt.Errorf("localnet: %s holds %s; %s: start a new network with %s (deleting this one), or leave %s out to resume it",
				displayPath(string(h)), describeNetwork(st), strings.Join(diff, ", "), hint(h, "up --reset "+strings.Join(diff, " ")), plural(len(diff), "that flag", "those flags"))
		}
		changed := false
		if o.given("rpc") && o.RPC != st.RPC {
			st.RPC, changed = o.RPC, true
		}
		if o.given("block_time") && Duration(o.BlockTime) != st.BlockTime {
			st.BlockTime, changed = Duration(o.BlockTime), true
		}
		if changed {
			if err := saveState(h, st); err != nil {
				return err
			}
		}
		say("resuming %s in %s", describeNetwork(st), displayPath(string(h)))
	} else {
		if err := portFree(o.RPC); err != nil {
			return err
		}
		if st, err = create(ctx, h, o); err != nil {
			return err
		}
		say("creating %s in %s", describeNetwork(st), displayPath(string(h)))
	}
	if err := portFree(st.RPC); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	procs, c, since, err := start(ctx, h, st, say)
	if err != nil {
		_ = stopAll(h, st)
		return err
	}
	if o.Detach {
		waitServing(ctx, c, st, since, time.Minute)
		if v, err := readView(ctx, c, h, st); err == nil {
			_ = v.render(o.IO.Out, renderOptions{tty: o.IO.IsStdoutTTY(), width: o.IO.TerminalWidth()})
		}
		say("running in the background: %s shows it, %s stops it", hint(h, "status"), hint(h, "down"))
		return nil
	}
	err = watch(ctx, o.IO, c, h, st, procs[nodeName])
	say("stopping…")
	if serr := stopAll(h, st); serr != nil {
		err = errors.Join(err, serr)
	}
	say("stopped; the network is kept in %s (%s resumes it)", displayPath(string(h)), hint(h, "up"))
	return err
}

// resumeConflicts lists the flags given for a new network ("--miners 5")
// whose values differ from the saved network st's.
func resumeConflicts(st *State, o *UpOptions) []string {
	var diff []string
	check := func(flag string, given, saved any) {
		if o.given(flag) && fmt.Sprint(given) != fmt.Sprint(saved) {
			diff = append(diff, fmt.Sprintf("--%s %v", flag, given))
		}
	}
	check("subnet", o.Subnet, st.Subnet)
	check("validators", o.Validators, count(st, roleValidator))
	check("miners", o.Miners, count(st, roleMiner))
	check("wrong", o.Wrong, wrongMiners(st))
	check("tempo", o.Tempo, st.Tempo)
	check("protocol", o.Protocol, st.protocol())
	return diff
}

// describeNetwork says what a saved network is: "a tensor subnet with 1
// validator and 3 miners (1 answering wrongly)".
func describeNetwork(st *State) string {
	s := fmt.Sprintf("a %s subnet with %s and %s", st.Subnet,
		plural(count(st, roleValidator), "validator", "validators"), plural(count(st, roleMiner), "miner", "miners"))
	if w := wrongMiners(st); w > 0 {
		s += fmt.Sprintf(" (%d answering wrongly)", w)
	}
	if p := st.protocol(); p != neuron.ProtocolSynapse {
		s += ", speaking " + p
	}
	return s
}

// wrongMiners counts the network's miners that answer wrongly.
func wrongMiners(st *State) int {
	n := 0
	for _, m := range st.Neurons {
		if m.Wrong {
			n++
		}
	}
	return n
}

// plural is "1 miner" or "3 miners"; with n 1 or 2+ and no number for the
// words "that flag"/"those flags".
func plural(n int, one, many string) string {
	word := many
	if n == 1 {
		word = one
	}
	if strings.HasPrefix(one, "that ") {
		return word
	}
	return fmt.Sprintf("%d %s", n, word)
}

// reset stops and deletes the network in h, after checking that h holds
// one (or nothing), so that --reset never deletes an unrelated directory.
func reset(h home, st *State, say func(string, ...any)) error {
	if st == nil && !emptyDir(string(h)) {
		if _, err := os.Stat(h.stateFile()); err != nil {
			return fmt.Errorf("localnet: --reset: %s holds no local network; refusing to delete it", h)
		}
	}
	if live := running(h, st); len(live) > 0 {
		say("stopping the running network (%s)", describeRunning(live))
		if err := stopAll(h, st); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(string(h)); err != nil {
		return fmt.Errorf("localnet: --reset: %w", err)
	}
	return nil
}

// create makes a new network's wallets, state and chain home.
func create(ctx context.Context, h home, o *UpOptions) (*State, error) {
	if err := os.MkdirAll(string(h), 0o700); err != nil {
		return nil, fmt.Errorf("localnet: %w", err)
	}
	st := &State{
		Created: time.Now().UTC().Truncate(time.Second), Subnet: o.Subnet, ChainID: "localnet",
		RPC: o.RPC, BlockTime: Duration(o.BlockTime), ExternalIP: ExternalIP, Tempo: o.Tempo,
	}
	if o.Protocol != neuron.ProtocolSynapse {
		st.Protocol = o.Protocol
	}
	owner, neurons, err := newMembers(h, o.Validators, o.Miners, o.Wrong)
	if err != nil {
		return nil, err
	}
	st.Owner, st.Neurons = owner, neurons
	if err := saveState(h, st); err != nil {
		return nil, err
	}
	if err := initChain(ctx, h); err != nil {
		return nil, err
	}
	return st, nil
}

// start starts the chain, sets a new network up on it, and starts every
// neuron. It returns the processes by name, a chain connection and the
// block the neurons started at.
func start(ctx context.Context, h home, st *State, say func(string, ...any)) (map[string]*child, *subtensor.CometBFTClient, uint64, error) {
	procs := map[string]*child{}
	n, err := startNode(h)
	if err != nil {
		return nil, nil, 0, err
	}
	procs[nodeName] = n
	c, err := waitChain(ctx, h, st, n)
	if err != nil {
		return nil, nil, 0, err
	}
	if !st.Ready {
		netuid, err := setupChain(ctx, c, h, st, func(msg string, kv ...any) { say("%s %s", msg, kvText(kv)) })
		if err != nil {
			return nil, nil, 0, err
		}
		st.Netuid, st.Ready = netuid, true
		if err := saveState(h, st); err != nil {
			return nil, nil, 0, err
		}
	}
	since, err := c.GetCurrentBlock(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	for _, m := range st.Neurons {
		args := append([]string{"_run", st.Subnet + "-" + m.Role}, neuronArgs(h, st, m)...)
		p, err := startChild(h, m.Name, args...)
		if err != nil {
			return nil, nil, 0, err
		}
		procs[m.Name] = p
	}
	say("chain at %s, subnet %d; %d neurons started (logs in %s)", st.RPC, st.Netuid, len(st.Neurons), displayPath(filepath.Join(string(h), "logs")))
	return procs, c, since, nil
}

// neuronArgs are the flags of a member's neuron program.
func neuronArgs(h home, st *State, m Member) []string {
	a := []string{
		"--wallet.path", h.walletDir(), "--wallet.name", m.Name, "--wallet.hotkey", hotkeyName,
		"--subtensor.chain_endpoint", st.RPC, "--netuid", strconv.Itoa(int(st.Netuid)),
		"--axon.external_ip", st.ExternalIP,
		"--neuron.full_path", h.neuronDir(m.Name),
		"--neuron.register", "burn", "--neuron.max_burn", maxBurn.TAOString(),
		"--neuron.sync_blocks", "2",
	}
	if st.Protocol != "" {
		a = append(a, "--neuron.protocol", st.Protocol)
	}
	switch m.Role {
	case roleMiner:
		a = append(a, "--axon.ip", "127.0.0.1", "--axon.port", "0")
		if m.Wrong {
			a = append(a, "--miner.wrong")
		}
	case roleValidator:
		a = append(a, "--neuron.epoch_length", strconv.Itoa(max(1, int(st.Tempo)/2)),
			"--neuron.sample_size", "0", "--neuron.timeout", "2", "--neuron.moving_average_alpha", "0.2")
	}
	return a
}

// waitChain waits until the chain answers and has made a block; it fails
// early, with the end of the node's log, if the node process exits.
func waitChain(ctx context.Context, h home, st *State, n *child) (*subtensor.CometBFTClient, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		if n.exited() {
			return nil, fmt.Errorf("localnet: the chain stopped at start: %v\n%s", n.err, tail(h.logFile(nodeName), 15))
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := subtensor.ConnectCometBFT(cctx, st.RPC, subtensor.Options{Retries: -1, PollInterval: 50 * time.Millisecond})
		if err == nil {
			var height uint64
			if height, err = c.GetCurrentBlock(cctx); err == nil && height > 0 {
				cancel()
				return c, nil
			}
		}
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("localnet: the chain did not answer at %s within a minute: %v\n%s", st.RPC, err, tail(h.logFile(nodeName), 15))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitServing waits (at most d) until every miner of the network has
// served its axon since the current block (a resumed miner serves again,
// on a new port).
func waitServing(ctx context.Context, c *subtensor.CometBFTClient, st *State, since uint64, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		info, err := c.NeuronsLite(ctx, st.Netuid, 0)
		if err == nil {
			serving := 0
			for _, n := range info.Neurons {
				if m, ok := st.member(n.Hotkey.String()); ok && m.Role == roleMiner && n.Axon.IP != "0.0.0.0" && n.Axon.Block >= since {
					serving++
				}
			}
			if serving >= count(st, roleMiner) {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// watch shows the metagraph as blocks come until ctx ends (nil) or the
// chain process exits (an error). On a terminal the view is redrawn in
// place at every block on the alternate screen (so the scrollback keeps
// only the last frame, printed when watching ends), fitted to the
// terminal's width; otherwise it is printed once per epoch.
func watch(ctx context.Context, io *cmdutil.IOStreams, c *subtensor.CometBFTClient, h home, st *State, chainProc *child) error {
	tty := io.IsStdoutTTY()
	blocks, err := c.SubscribeBlocks(ctx)
	if err != nil {
		return err
	}
	var last *view
	if tty {
		fmt.Fprint(io.Out, enterAltScreen)
		defer func() {
			fmt.Fprint(io.Out, leaveAltScreen)
			if last != nil {
				_ = last.render(io.Out, renderOptions{tty: true, width: io.TerminalWidth()})
			}
		}()
	}
	var printed uint64
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-chainProc.done:
			return fmt.Errorf("localnet: the chain stopped (%v); see %s", chainProc.err, h.logFile(nodeName))
		case <-tick.C:
			continue
		case _, ok := <-blocks:
			if !ok {
				return nil
			}
		}
		v, err := readView(ctx, c, h, st)
		if err != nil {
			continue
		}
		if !tty && printed != 0 && v.Block < printed+uint64(v.Tempo)+1 {
			continue
		}
		printed, last = v.Block, v
		if !tty {
			_ = v.render(io.Out, renderOptions{})
			continue
		}
		var frame bytes.Buffer
		_ = v.render(&frame, renderOptions{tty: true, width: io.TerminalWidth()})
		fmt.Fprintf(&frame, "Ctrl-C stops the network; it stays in %s\n", displayPath(string(h)))
		fmt.Fprint(io.Out, redraw(frame.String()))
	}
}

// Terminal control sequences of the live view.
const (
	enterAltScreen = "\x1b[?1049h\x1b[?25l" // alternate screen, cursor hidden
	leaveAltScreen = "\x1b[?25h\x1b[?1049l" // cursor shown, normal screen
)

// redraw returns the sequence that draws frame over the previous one from
// the top left corner: each line cleared to its end, then the rest of the
// screen, so nothing flickers and nothing of a longer frame stays.
func redraw(frame string) string {
	return "\x1b[H" + strings.ReplaceAll(frame, "\n", "\x1b[K\n") + "\x1b[J"
}

// portFree checks that addr can be listened on.
func portFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("localnet: cannot use %s for the chain's RPC (is `subtensor dev` or another localnet running?): %v; choose another with --rpc", addr, err)
	}
	return l.Close()
}

// emptyDir reports whether dir does not exist or is empty.
func emptyDir(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	return errors.Is(err, io.EOF)
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// kvText formats slog-style key/value pairs as "k=v k=v".
func kvText(kv []any) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%v=%v", kv[i], kv[i+1])
	}
	return b.String()
}
