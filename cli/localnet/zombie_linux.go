package localnet

import (
	"bytes"
	"os"
	"strconv"
)

// isZombie reports whether a process has exited but not been collected by
// its parent (state Z in /proc/<pid>/stat).
func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
