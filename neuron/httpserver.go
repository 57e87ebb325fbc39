package neuron

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-bittensor/bittensor/synapse"
)

// server is what a miner serves with: its axon (synapses) or, for the
// signed-HTTP protocols, an httpServer. *axon.Axon is one.
type server interface {
	Start() error
	Stop(ctx context.Context) error
	Addr() net.Addr
	Info() synapse.AxonInfo
}

// httpServer serves a miner's signed-HTTP routes on the --axon.* address
// and describes itself for serve_axon as an axon would.
type httpServer struct {
	ip, externalIP     string
	port, externalPort int
	hotkey, coldkey    string
	handler            http.Handler
	log                *slog.Logger

	mu   sync.Mutex
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

// Start listens and serves in the background.
func (s *httpServer) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("neuron: server already started")
	}
	addr := net.JoinHostPort(strings.Trim(s.ip, "[]"), strconv.Itoa(s.port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("neuron: listen %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		MaxHeaderBytes:    16 << 10,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       90 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("neuron: serve", "err", err)
		}
	}()
	return nil
}

// Stop stops accepting requests and waits for those in progress, at most
// until ctx ends.
func (s *httpServer) Stop(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	<-done
	return err
}

// Addr is the listening address, nil before Start.
func (s *httpServer) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Info is what serve_axon publishes: the external address (or the
// listening one), the port, protocol 4 (HTTP), as an axon's Info.
func (s *httpServer) Info() synapse.AxonInfo {
	ip := s.externalIP
	if ip == "" {
		ip = strings.Trim(s.ip, "[]")
	}
	if ip == "" || ip == "::" {
		ip = "0.0.0.0"
	}
	ipType := synapse.IPv4
	if a, err := netip.ParseAddr(ip); err == nil && a.Is6() && !a.Is4In6() {
		ipType = synapse.IPv6
	}
	port := s.externalPort
	if port == 0 {
		port = s.port
		if a, ok := s.Addr().(*net.TCPAddr); ok {
			port = a.Port
		}
	}
	return synapse.AxonInfo{
		Version: synapse.DefaultVersion, IP: ip, Port: port, IPType: ipType,
		Hotkey: s.hotkey, Coldkey: s.coldkey, Protocol: synapse.ProtocolHTTP,
	}
}
