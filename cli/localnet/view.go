package localnet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/metagraph"
	"github.com/go-bittensor/bittensor/subtensor"
)

// view is the network as `up` and `status` show it: the subnet's
// metagraph at one block, each neuron named after its member, with the
// state of its process.
type view struct {
	Home     string       `json:"home"`
	Subnet   string       `json:"subnet"`
	Protocol string       `json:"protocol"`
	Netuid   uint16       `json:"netuid"`
	RPC      string       `json:"rpc"`
	Block    uint64       `json:"block"`
	Tempo    uint16       `json:"tempo"`
	Procs    []procView   `json:"processes"`
	Neurons  []neuronView `json:"neurons"`
	Chain    bool         `json:"chain_reachable"`
}

type procView struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	PID     int    `json:"pid,omitempty"`
	Running bool   `json:"running"`
}

type neuronView struct {
	UID        uint16  `json:"uid"`
	Name       string  `json:"name"` // member name, "" for a neuron not of this network
	Role       string  `json:"role"`
	Wrong      bool    `json:"wrong,omitempty"`
	Hotkey     string  `json:"hotkey"`
	Stake      float64 `json:"stake_tao"`
	Trust      float64 `json:"trust"`
	Incentive  float64 `json:"incentive"`
	Dividends  float64 `json:"dividends"`
	Emission   uint64  `json:"emission_rao"`
	VTrust     float64 `json:"validator_trust"`
	VPermit    bool    `json:"validator_permit"`
	LastUpdate uint64  `json:"last_update"`
	Axon       string  `json:"axon"` // ip:port, "" when not serving
}

// processViews lists the network's processes and whether they run.
func processViews(h home, st *State) []procView {
	out := []procView{{Name: nodeName, Role: "chain"}}
	for _, m := range st.Neurons {
		out = append(out, procView{Name: m.Name, Role: m.Role})
	}
	for i := range out {
		if pid, ok := readPid(h, out[i].Name); ok {
			out[i].PID, out[i].Running = pid, alive(pid)
		}
	}
	return out
}

// readView reads the subnet's metagraph (at the latest block) into a view;
// without a chain connection only the processes are filled in.
func readView(ctx context.Context, c *subtensor.CometBFTClient, h home, st *State) (*view, error) {
	v := &view{Home: string(h), Subnet: st.Subnet, Protocol: st.protocol(), Netuid: st.Netuid, RPC: st.RPC, Procs: processViews(h, st)}
	if c == nil {
		return v, nil
	}
	m := metagraph.New(st.Netuid, c)
	if err := m.Sync(ctx, 0); err != nil {
		return v, err
	}
	hp, err := c.GetHyperparameters(ctx, st.Netuid, m.Block)
	if err != nil {
		return v, err
	}
	v.Chain, v.Block, v.Tempo = true, m.Block, hp.Tempo
	for uid := range m.N {
		nv := neuronView{
			UID: m.UIDs[uid], Hotkey: m.Hotkeys[uid],
			Stake: m.S[uid], Trust: m.T[uid], Incentive: m.I[uid], Dividends: m.D[uid], Emission: m.Emission[uid],
			VTrust: m.Tv[uid], VPermit: m.ValidatorPermit[uid], LastUpdate: m.LastUpdate[uid],
		}
		if mem, ok := st.member(nv.Hotkey); ok {
			nv.Name, nv.Role, nv.Wrong = mem.Name, mem.Role, mem.Wrong
		}
		if a := m.Axons[uid]; a.IsServing() {
			nv.Axon = net.JoinHostPort(a.IP, strconv.Itoa(a.Port))
		}
		v.Neurons = append(v.Neurons, nv)
	}
	return v, nil
}

// nextEpoch is the number of blocks until the subnet's next epoch
// (the reference's blocks_until_next_epoch: an epoch runs when
// (block + netuid + 1) mod (tempo + 1) == tempo).
func (v *view) nextEpoch() uint64 {
	t := uint64(v.Tempo)
	if t == 0 {
		return 0
	}
	return t - (v.Block+uint64(v.Netuid)+1)%(t+1)
}

// renderOptions say how a view is drawn.
type renderOptions struct {
	tty   bool // aligned table with borders (else tab-separated)
	width int  // columns to fit on a terminal (0: no limit)
	procs bool // list every process, not only those that stopped
}

// render writes the view: two title lines, the neurons' table (aligned
// with borders, fitted to the width, on a terminal; tab-separated
// otherwise), then the processes: all of them with procs, else those that
// are not running.
func (v *view) render(w io.Writer, o renderOptions) error {
	var buf bytes.Buffer
	streams := &cmdutil.IOStreams{Out: &buf}
	streams.SetStdoutTTY(o.tty)
	if v.Chain {
		fmt.Fprintf(&buf, "localnet · %s subnet, netuid %d, %s protocol · chain %s\nblock %d · epoch every %d blocks, next in %d\n",
			v.Subnet, v.Netuid, v.Protocol, v.RPC, v.Block, v.Tempo+1, v.nextEpoch())
	} else {
		fmt.Fprintf(&buf, "localnet · %s subnet, netuid %d, %s protocol · chain %s not reachable\n", v.Subnet, v.Netuid, v.Protocol, v.RPC)
	}
	if len(v.Neurons) > 0 {
		t := cmdutil.NewTablePrinter(streams, "UID", "NAME", "STAKE(τ)", "TRUST", "INCENTIVE", "DIVIDENDS", "EMISSION(ρ)", "VTRUST", "VPERMIT", "UPDATED", "AXON")
		t.SetDropOrder("VPERMIT", "VTRUST", "UPDATED", "AXON", "TRUST")
		t.SetMaxWidth(o.width)
		for _, n := range v.Neurons {
			name := n.Name
			if n.Wrong {
				name += " (wrong)"
			}
			if name == "" {
				name = n.Hotkey[:10] + "…"
			}
			permit := ""
			if n.VPermit {
				permit = "*"
			}
			axon := n.Axon
			if axon == "" {
				axon = "none"
			}
			t.AddRow(strconv.Itoa(int(n.UID)), name, strconv.FormatFloat(n.Stake, 'f', 2, 64),
				f5(n.Trust), f5(n.Incentive), f5(n.Dividends), strconv.FormatUint(n.Emission, 10), f5(n.VTrust),
				permit, strconv.FormatUint(v.Block-min(v.Block, n.LastUpdate), 10), axon)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if o.procs {
		t := cmdutil.NewTablePrinter(streams, "PROCESS", "ROLE", "PID", "STATE", "LOG")
		t.SetMaxWidth(o.width)
		t.SetDropOrder("ROLE")
		for _, p := range v.Procs {
			pid, state := "", "stopped"
			if p.PID != 0 {
				pid = strconv.Itoa(p.PID)
			}
			if p.Running {
				state = "running"
			}
			t.AddRow(p.Name, p.Role, pid, state, filepath.Join("logs", p.Name+".log"))
		}
		if err := t.Render(); err != nil {
			return err
		}
		fmt.Fprintf(&buf, "Home %s (logs under it)\n", displayPath(v.Home))
	} else {
		var down []string
		for _, p := range v.Procs {
			if !p.Running {
				down = append(down, p.Name)
			}
		}
		if len(down) > 0 {
			fmt.Fprintf(&buf, "not running: %s (logs in %s)\n", strings.Join(down, ", "), displayPath(filepath.Join(v.Home, "logs")))
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// displayPath writes a path under the user's home directory as ~/….
func displayPath(p string) string {
	if h, err := os.UserHomeDir(); err == nil && h != "" && h != "/" {
		if rel, ok := strings.CutPrefix(p, h+string(filepath.Separator)); ok {
			return "~" + string(filepath.Separator) + rel
		}
	}
	return p
}

func f5(x float64) string { return strconv.FormatFloat(x, 'f', 5, 64) }
