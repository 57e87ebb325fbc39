package localnet

import (
	"bytes"
	"strings"
	"testing"
)

func testView() *view {
	v := &view{Home: "/tmp/ln", Subnet: "tensor", Protocol: "synapse", Netuid: 1, RPC: "127.0.0.1:9944", Block: 191, Tempo: 10, Chain: true,
		Procs: []procView{{Name: "node", Role: "chain", PID: 10, Running: true}, {Name: "validator1", Role: "validator", PID: 11, Running: true},
			{Name: "miner1", Role: "miner", PID: 12, Running: true}, {Name: "miner3", Role: "miner"}}}
	for i, name := range []string{"validator1", "miner1", "miner2", "miner3"} {
		v.Neurons = append(v.Neurons, neuronView{UID: uint16(i), Name: name, Wrong: name == "miner3", Hotkey: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			Stake: 1072.16, Trust: 1, Incentive: 0.49995, Dividends: 1, Emission: 4510025173, VTrust: 0.99998, VPermit: true,
			LastUpdate: 3, Axon: "127.0.0.2:44207"})
	}
	return v
}

// TestViewFitsTerminal: the live view fits 80 and 120 columns and keeps
// the columns a newcomer watches (incentive, dividends); `status` lists
// every process.
func TestViewFitsTerminal(t *testing.T) {
	for _, width := range []int{80, 120} {
		var b bytes.Buffer
		if err := testView().render(&b, renderOptions{tty: true, width: width}); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			if n := len([]rune(l)); n > width {
				t.Errorf("width %d: line of %d: %q", width, n, l)
			}
		}
		for _, want := range []string{"INCENTIVE", "DIVIDENDS", "miner3 (wrong)", "next in", "not running: miner3"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("width %d: view lacks %q:\n%s", width, want, b.String())
			}
		}
	}
	var b bytes.Buffer
	if err := testView().render(&b, renderOptions{tty: true, width: 80, procs: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PROCESS", "│ node ", "│ validator1 ", "running", "stopped", "logs/miner3.log", "Home /tmp/ln"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRedraw(t *testing.T) {
	if got, want := redraw("a\nbc\n"), "\x1b[Ha\x1b[K\nbc\x1b[K\n\x1b[J"; got != want {
		t.Errorf("redraw = %q, want %q", got, want)
	}
}
