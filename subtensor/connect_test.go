package subtensor_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-bittensor/bittensor/node/nodetest"
	"github.com/go-bittensor/bittensor/subtensor"
)

// Connect asks an endpoint what it is: a go-bittensor node answers
// CometBFT's status (the Substrate case is TestSubstrate*'s connect), a
// server that is neither is named as such, and nothing listening is
// ErrUnavailable.
func TestConnectAsksTheEndpoint(t *testing.T) {
	ctx := context.Background()
	dev := nodetest.StartDev(t, nodetest.Options{})
	for _, target := range []string{dev.RPC, "ws://" + dev.RPC, "http://" + dev.RPC} {
		c, err := subtensor.Connect(ctx, target, subtensor.Options{})
		if err != nil {
			t.Fatalf("Connect(%s): %v", target, err)
		}
		if _, ok := c.(*subtensor.CometBFTClient); !ok {
			t.Errorf("Connect(%s) gave a %T, want a *CometBFTClient", target, c)
		}
		c.Close()
	}

	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>hello</html>"))
	}))
	defer web.Close()
	_, err := subtensor.Connect(ctx, web.URL, subtensor.Options{})
	if err == nil || !strings.Contains(err.Error(), "not a subtensor node") {
		t.Errorf("Connect to a web server: %v, want 'not a subtensor node'", err)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.Listener.Addr().String()
	closed.Close()
	if _, err := subtensor.Connect(ctx, addr, subtensor.Options{}); err == nil || !strings.Contains(err.Error(), "node unavailable") {
		t.Errorf("Connect to nothing: %v, want ErrUnavailable", err)
	}
}
