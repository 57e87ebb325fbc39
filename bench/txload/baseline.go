package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
)

// runBaseline loads an in-process CometBFT node running the example kvstore
// application, configured like a subtensor dev node.
func runBaseline(cfg config) error {
	home, err := os.MkdirTemp("", "txload-kvstore")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	c := cmtcfg.DefaultConfig()
	c.SetRoot(home)
	cmtcfg.EnsureRoot(home)
	rpcAddr := freeAddr()
	c.RPC.ListenAddress = "tcp://" + rpcAddr
	c.P2P.ListenAddress = "tcp://" + freeAddr()
	c.Consensus.TimeoutCommit = cfg.blockTime
	c.Consensus.TimeoutPropose = time.Second
	c.Mempool.Size = 20_000
	c.Mempool.CacheSize = 100_000
	c.TxIndex.Indexer = "kv"
	c.DBBackend = "goleveldb"
	pv := privval.GenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile())
	if err != nil {
		return err
	}
	pub, _ := pv.GetPubKey()
	doc := &cmttypes.GenesisDoc{ChainID: "kvstore-baseline", GenesisTime: time.Now(), ConsensusParams: cmttypes.DefaultConsensusParams(),
		Validators: []cmttypes.GenesisValidator{{Address: pub.Address(), PubKey: pub, Power: 10}}}
	doc.ConsensusParams.Block.MaxBytes = 4 << 20
	if err := doc.ValidateAndComplete(); err != nil {
		return err
	}
	if err := doc.SaveAs(c.GenesisFile()); err != nil {
		return err
	}
	app := kvstore.NewPersistentApplication(filepath.Join(home, "app"))
	n, err := nm.NewNode(c, pv, nk, proxy.NewConnSyncLocalClientCreator(app), nm.DefaultGenesisDocProviderFunc(c),
		cmtcfg.DefaultDBProvider, nm.DefaultMetricsProvider(c.Instrumentation), cmtlog.NewNopLogger())
	if err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		return err
	}
	defer func() { n.Stop(); n.Wait() }()

	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	rpc, err := rpchttp.NewWithClient("http://"+rpcAddr, "/websocket", hc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for {
		s, err := rpc.Status(ctx)
		if err == nil && s.SyncInfo.LatestBlockHeight > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Printf("kvstore baseline node at %s, block time %s\n", rpcAddr, cfg.blockTime)
	st := newStats()
	var wg sync.WaitGroup
	for i := 0; i < cfg.accounts; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				tx := []byte("k" + strconv.Itoa(i) + "-" + strconv.Itoa(n) + "=v" + strconv.Itoa(n))
				r, err := rpc.BroadcastTxSync(ctx, tx)
				if err != nil || r.Code != 0 {
					st.rejected.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				st.onSent(r.Hash.String())
			}
		}()
	}
	go func() {
		s, _ := rpc.Status(ctx)
		next := s.SyncInfo.LatestBlockHeight + 1
		for ctx.Err() == nil {
			b, err := rpc.Block(ctx, &next)
			if err != nil {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			seen := time.Now()
			hashes := make([]string, len(b.Block.Txs))
			for i, tx := range b.Block.Txs {
				h := sha256.Sum256(tx)
				hashes[i] = fmt.Sprintf("%X", h[:])
			}
			st.onBlock(next, hashes, seen)
			next++
		}
	}()
	st.measure(cfg, cancel, &wg, "cometbft kvstore baseline")
	return nil
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}
