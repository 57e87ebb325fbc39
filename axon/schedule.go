package axon

import (
	"container/heap"
	"context"
	"sync"
)

// scheduler hands a fixed number of worker slots to requests, the waiting
// request with the highest priority first (ties first come, first served).
type scheduler struct {
	mu   sync.Mutex
	free int
	q    waitQueue
	seq  uint64
}

type waiter struct {
	prio    float64
	seq     uint64
	index   int
	ready   chan struct{}
	granted bool
}

func newScheduler(workers int) *scheduler { return &scheduler{free: workers} }

// acquire waits for a worker slot until ctx ends. On success the caller
// must call release.
func (s *scheduler) acquire(ctx context.Context, prio float64) error {
	s.mu.Lock()
	if s.free > 0 && len(s.q) == 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	s.seq++
	w := &waiter{prio: prio, seq: s.seq, ready: make(chan struct{})}
	heap.Push(&s.q, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		if w.granted {
			s.mu.Unlock()
			s.release() // the slot arrived as we gave up: pass it on
			return ctx.Err()
		}
		heap.Remove(&s.q, w.index)
		s.mu.Unlock()
		return ctx.Err()
	}
}

// release returns a worker slot, handing it to the best waiting request.
func (s *scheduler) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.q) > 0 {
		w := heap.Pop(&s.q).(*waiter)
		w.granted = true
		close(w.ready)
		return
	}
	s.free++
}

// idle returns the number of free worker slots.
func (s *scheduler) idle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.free
}

// waiting returns the number of queued requests.
func (s *scheduler) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.q)
}

// waitQueue is a max-heap on priority, then a min-heap on arrival.
type waitQueue []*waiter

func (q waitQueue) Len() int { return len(q) }
func (q waitQueue) Less(i, j int) bool {
	if q[i].prio != q[j].prio {
		return q[i].prio > q[j].prio
	}
	return q[i].seq < q[j].seq
}
func (q waitQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}
func (q *waitQueue) Push(x any) {
	w := x.(*waiter)
	w.index = len(*q)
	*q = append(*q, w)
}
func (q *waitQueue) Pop() any {
	old := *q
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return w
}
