package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/go-bittensor/bittensor/substrate/rpc"
)

// Connect, call, and tell the node's refusals from transport failures.
func ExampleDial() {
	ctx := context.Background()
	c, err := rpc.Dial(ctx, "ws://127.0.0.1:9944", rpc.Options{})
	if err != nil {
		log.Fatal(err) // e.g. "rpc: connect to ws://127.0.0.1:9944: connection refused: nothing listens there; …"
	}
	defer c.Close()

	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var hash string
	err = c.Call(ctx, &hash, "chain_getBlockHash", 0)
	var rerr *rpc.Error
	switch {
	case errors.As(err, &rerr):
		log.Fatalf("the node refused: code %d", rerr.Code)
	case errors.Is(err, rpc.ErrConnectionLost):
		// The Client is reconnecting; a read can simply be made again.
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println("genesis", hash)
}

// Follow new heads, noticing when some were missed.
func ExampleClient_Subscribe() {
	ctx := context.Background()
	c, err := rpc.Dial(ctx, "ws://127.0.0.1:9944", rpc.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	sub, err := c.Subscribe(ctx, "chain_subscribeNewHeads", "chain_unsubscribeNewHeads")
	if err != nil {
		log.Fatal(err)
	}
	defer sub.Unsubscribe(ctx)
	for {
		n, err := sub.Next(ctx)
		if err != nil {
			log.Fatal(err) // rpc.ErrClosed, rpc.ErrUnsubscribed, or ctx's error
		}
		if n.Gap != 0 {
			fmt.Println("missed heads:", n.Gap) // after a reconnect, or a reader too slow
		}
		var head struct {
			Number string `json:"number"`
		}
		if err := json.Unmarshal(n.Result, &head); err != nil {
			log.Fatal(err)
		}
		fmt.Println("head", head.Number)
	}
}
