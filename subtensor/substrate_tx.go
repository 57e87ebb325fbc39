package subtensor

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/go-bittensor/bittensor/balance"
	"github.com/go-bittensor/bittensor/chain/types"
	"github.com/go-bittensor/bittensor/substrate"
	"github.com/go-bittensor/bittensor/substrate/metadata"
	"github.com/go-bittensor/bittensor/substrate/rpc"
	"github.com/go-bittensor/bittensor/substrate/scale"
)

// arg is one argument of a call by name. Name may list alternatives
// ("amount_staked|amount"): runtimes have renamed arguments over time.
type arg struct {
	name  string
	value any
}

// encodeCall encodes pallet.call of rt with its arguments matched by name,
// so a runtime that reorders arguments is still called right, and one that
// lacks the call or an argument says which.
func (c *SubstrateClient) encodeCall(rt *metadata.Runtime, pallet, call string, args ...arg) ([]byte, error) {
	m, err := rt.Call(pallet, call)
	if err != nil {
		return nil, c.notSupported(pallet+"."+call, err)
	}
	values := make([]any, len(m.Args))
	for i, f := range m.Args {
		found := false
		for _, a := range args {
			for _, n := range strings.Split(a.name, "|") {
				if n == f.Name {
					values[i], found = a.value, true
				}
			}
		}
		if !found {
			return nil, c.notSupported(fmt.Sprintf("%s.%s with argument %s (this runtime's call takes %s)", pallet, call, f.Name, argNames(m)), nil)
		}
	}
	return rt.EncodeCall(pallet, call, values...)
}

func argNames(m *metadata.Call) string {
	names := make([]string, len(m.Args))
	for i, a := range m.Args {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// hasArg reports whether pallet.call of rt takes an argument named name.
func hasArg(rt *metadata.Runtime, pallet, call, name string) bool {
	m, err := rt.Call(pallet, call)
	if err != nil {
		return false
	}
	for _, a := range m.Args {
		if a.Name == name {
			return true
		}
	}
	return false
}

// runtime returns the best block's runtime.
func (c *SubstrateClient) runtime(ctx context.Context) (*metadata.Runtime, error) {
	rt, err := c.sc.Runtime(ctx, substrate.Hash{})
	return rt, c.wrap(err)
}

// signOptions are the options of every extrinsic this client signs.
func (c *SubstrateClient) signOptions() substrate.SignOptions {
	return substrate.SignOptions{EraPeriod: c.opts.EraPeriod}
}

// send signs call by signer and goes as far as wait says (see Wait): a fee
// quote (FeeOnly), a dry run, the pool, a block or finality. It returns the
// result and the receipt (nil unless the extrinsic reached a block). The
// chain's refusal before the pool is a *types.ChainError and nothing was
// charged; a call that failed in its block is the result's Err.
func (c *SubstrateClient) send(ctx context.Context, signer Signer, call []byte, wait Wait) (*TxResult, *substrate.Receipt, error) {
	who := signer.PublicKey()
	opts := c.signOptions()
	switch wait {
	case FeeOnly:
		x, err := c.sc.FeeExtrinsic(ctx, call, who, opts)
		if err != nil {
			return nil, nil, c.wrap(err)
		}
		fi, err := c.sc.EstimateFee(ctx, x)
		if err != nil {
			return nil, nil, c.wrap(err)
		}
		return &TxResult{Fee: balance.Balance(fi.PartialFee), Nonce: x.Nonce}, nil, nil
	case DryRun:
		if _, public := signer.(unsigned); public {
			return nil, nil, fmt.Errorf("%w: a Substrate chain checks only signed transactions (%s)", ErrNoSecret, types.AccountID(who))
		}
		n, err := c.sc.NextNonce(ctx, who)
		if err != nil {
			return nil, nil, c.wrap(err)
		}
		opts.Nonce = &n
		x, err := c.sc.Sign(ctx, call, signer, opts)
		if err != nil {
			return nil, nil, c.wrap(err)
		}
		dr, err := c.sc.DryRun(ctx, x)
		if err != nil {
			return nil, nil, c.wrap(err)
		}
		if dr.Invalid != nil {
			return nil, nil, invalidError(dr.Invalid, x)
		}
		if dr.Err != nil {
			return nil, nil, dispatchError(dr.Err)
		}
		res := &TxResult{Hash: x.Hash.String(), Nonce: n}
		if fi, err := c.sc.EstimateFee(ctx, x); err == nil {
			res.Fee = balance.Balance(fi.PartialFee)
		}
		return res, nil, nil
	case WaitNone, WaitInclusion, WaitFinalization:
	default:
		return nil, nil, fmt.Errorf("subtensor: unknown %v", wait)
	}
	x, err := c.sc.Sign(ctx, call, signer, opts)
	if err != nil {
		return nil, nil, c.wrap(err)
	}
	until := substrate.InBlock
	switch wait {
	case WaitNone:
		until = substrate.InPool
	case WaitFinalization:
		until = substrate.Finalized
	}
	r, err := c.sc.Submit(ctx, x, until)
	if err != nil {
		var inv *substrate.InvalidError
		if errors.As(err, &inv) {
			return nil, nil, invalidError(inv, x)
		}
		if errors.Is(err, substrate.ErrDropped) {
			return nil, nil, fmt.Errorf("%w: %w", ErrTxDropped, err)
		}
		return nil, nil, c.wrap(err)
	}
	res := &TxResult{Hash: x.Hash.String(), Nonce: x.Nonce}
	if wait == WaitNone {
		return res, nil, nil
	}
	res.Height, res.Fee, res.Events = r.Block.Number, balance.Balance(r.Fee), events(r.Events)
	if r.Err != nil {
		res.Err = dispatchError(r.Err)
	} else if ev, ok := r.Event("Sudo", "Sudid"); ok {
		// Sudo.sudo succeeds even when the call it wraps fails: its event
		// says how the call went.
		if e := sudoResult(r.Runtime, ev); e != nil {
			res.Err = e
		}
	}
	return res, r, nil
}

// call encodes and sends pallet.call, turning a failure in the block into
// the returned error (the result is returned too).
func (c *SubstrateClient) call(ctx context.Context, signer Signer, wait Wait, pallet, name string, args ...arg) (*TxResult, *substrate.Receipt, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return nil, nil, err
	}
	call, err := c.encodeCall(rt, pallet, name, args...)
	if err != nil {
		return nil, nil, err
	}
	res, r, err := c.send(ctx, signer, call, wait)
	if err != nil {
		return res, r, err
	}
	if res.Err != nil {
		return res, r, res.Err
	}
	return res, r, nil
}

// events turns a receipt's events into the backend-neutral form: type
// "Pallet.Name", attributes by field name (or position "0", "1", …).
func events(evs []substrate.Event) []Event {
	out := make([]Event, len(evs))
	for i, e := range evs {
		ev := Event{Type: e.Pallet + "." + e.Name, Attrs: make(map[string]string, e.Fields.Len())}
		for j := 0; j < e.Fields.Len(); j++ {
			name := e.Fields.FieldName(j)
			if name == "" {
				name = strconv.Itoa(j)
			}
			ev.Attrs[name] = e.Fields.Index(j).String()
		}
		out[i] = ev
	}
	return out
}

// sudoResult reads Sudo.Sudid's sudo_result: nil for Ok, the call's
// dispatch error for Err.
func sudoResult(rt *metadata.Runtime, ev substrate.Event) error {
	v := ev.Arg(0)
	if name, _, ok := v.Variant(); ok && name == "Err" {
		de := substrate.DecodeDispatchError(rt, v.Index(0))
		return dispatchError(de)
	}
	return nil
}

// isSudo reports whether signer is the chain's sudo key (Sudo.Key).
func (c *SubstrateClient) isSudo(ctx context.Context, signer Signer) bool {
	var key [32]byte
	ok, err := c.storage(ctx, substrate.Hash{}, &key, "Sudo", "Key")
	return err == nil && ok && key == signer.PublicKey()
}

// asSudo wraps an encoded call in Sudo.sudo, so that it runs with Root
// authority when the sudo key signs it.
func (c *SubstrateClient) asSudo(rt *metadata.Runtime, call []byte) ([]byte, error) {
	v, err := rt.Types.DecodeValue(rt.Extrinsic.CallType, call)
	if err != nil {
		return nil, err
	}
	return c.encodeCall(rt, "Sudo", "sudo", arg{"call", v})
}

// account is a MultiAddress::Id, as Balances' calls take a destination.
func multiAddress(id types.AccountID) scale.Value {
	return scale.NewVariant("Id", scale.NamedValue{Value: scale.NewBytes(id[:])})
}

// Transfer sends amount from the signer to dest (Balances.transfer_keep_alive
// when keepAlive, else transfer_allow_death).
func (c *SubstrateClient) Transfer(ctx context.Context, from Signer, dest types.AccountID, amount balance.Balance, keepAlive bool, wait Wait) (*TxResult, error) {
	name := "transfer_allow_death"
	if keepAlive {
		name = "transfer_keep_alive"
	}
	res, _, err := c.call(ctx, from, wait, "Balances", name, arg{"dest", multiAddress(dest)}, arg{"value", amount.RAO()})
	var ce *types.ChainError
	if errors.As(err, &ce) && ce.Name == "Underflow" {
		// Balances subtracts the amount from the free balance: an underflow
		// there is a balance too low.
		err = &types.ChainError{Code: types.ErrInsufficientBalance.Code, Module: "Balances", Name: types.ErrInsufficientBalance.Name,
			Message: fmt.Sprintf("%s: %s cannot send %s (%s)", types.ErrInsufficientBalance.Name, types.AccountID(from.PublicKey()), amount, ce.Message)}
	}
	return res, err
}

// eventArg returns the i-th field of the receipt's first pallet.name event
// as a uint64.
func eventArg(r *substrate.Receipt, pallet, name string, i int) (uint64, error) {
	if r == nil {
		return 0, nil
	}
	ev, ok := r.Event(pallet, name)
	if !ok {
		return 0, fmt.Errorf("subtensor: extrinsic %s emitted no %s.%s", r.Hash, pallet, name)
	}
	v, ok := ev.Arg(i).Uint64()
	if !ok {
		return 0, fmt.Errorf("subtensor: %s.%s field %d is %s, not a number", pallet, name, i, ev.Arg(i))
	}
	return v, nil
}

// BurnedRegister registers hotkey on a subnet for the subnet's burn, paid
// by coldkey. maxBurn is the most coldkey agrees to pay (0: the burn now);
// the runtime has no price limit, so the burn is read first and a higher
// one refused with types.ErrBurnAboveMaximum before anything is sent.
func (c *SubstrateClient) BurnedRegister(ctx context.Context, coldkey Signer, netuid uint16, hotkey types.AccountID, maxBurn balance.Balance, wait Wait) (uint16, *TxResult, error) {
	if maxBurn > 0 {
		var burn uint64
		if _, err := c.storage(ctx, substrate.Hash{}, &burn, "SubtensorModule", "Burn", netuid); err != nil {
			return 0, nil, err
		}
		if burn > maxBurn.RAO() {
			return 0, nil, types.Errorf(types.ErrBurnAboveMaximum, "subnet %d's burn is %s, above the %s you accepted", netuid, balance.Balance(burn), maxBurn)
		}
	}
	res, r, err := c.call(ctx, coldkey, wait, "SubtensorModule", "burned_register", arg{"netuid", netuid}, arg{"hotkey", [32]byte(hotkey)})
	if err != nil || r == nil {
		return 0, res, err
	}
	uid, err := eventArg(r, "SubtensorModule", "NeuronRegistered", 1)
	return uint16(uid), res, err
}

// Register registers a hotkey with a proof of work (see SolvePoW).
func (c *SubstrateClient) Register(ctx context.Context, hotkey Signer, coldkey types.AccountID, netuid uint16, opts RegisterOptions) (uint16, *TxResult, error) {
	who := types.AccountID(hotkey.PublicKey())
	return registerWithPoW(ctx, c, who, netuid, opts, func(ctx context.Context, sol *PowSolution) (uint16, *TxResult, error) {
		res, r, err := c.call(ctx, hotkey, WaitInclusion, "SubtensorModule", "register",
			arg{"netuid", netuid}, arg{"block_number", sol.Block}, arg{"nonce", sol.Nonce}, arg{"work", sol.Seal[:]},
			arg{"hotkey", [32]byte(who)}, arg{"coldkey", [32]byte(coldkey)})
		if err != nil {
			return 0, res, err
		}
		uid, err := eventArg(r, "SubtensorModule", "NeuronRegistered", 1)
		return uint16(uid), res, err
	})
}

// SolvePoW searches for a proof of work (see the package function).
func (c *SubstrateClient) SolvePoW(ctx context.Context, key types.AccountID, difficulty uint64, opts PowOptions) (*PowSolution, error) {
	return SolvePoW(ctx, c, key, difficulty, opts)
}

// faucetDifficulty is the difficulty of subtensor's faucet call.
const faucetDifficulty = 1_000_000

// Faucet earns test TAO with a proof of work on runtimes built with the
// faucet (a local or test node); others refuse with FaucetDisabled.
func (c *SubstrateClient) Faucet(ctx context.Context, coldkey Signer, opts PowOptions) (*TxResult, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := rt.Call("SubtensorModule", "faucet"); err != nil {
		return nil, c.notSupported("the faucet", err)
	}
	who := types.AccountID(coldkey.PublicKey())
	for {
		sol, err := c.SolvePoW(ctx, who, faucetDifficulty, opts)
		if err != nil {
			return nil, err
		}
		res, _, err := c.call(ctx, coldkey, WaitInclusion, "SubtensorModule", "faucet",
			arg{"block_number", sol.Block}, arg{"nonce", sol.Nonce}, arg{"work", sol.Seal[:]})
		if errors.Is(err, types.ErrInvalidWorkBlock) {
			continue
		}
		return res, err
	}
}

// SwapHotkey moves everything of oldHotkey to newHotkey (swap_hotkey).
func (c *SubstrateClient) SwapHotkey(ctx context.Context, coldkey Signer, oldHotkey, newHotkey types.AccountID, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "swap_hotkey", arg{"hotkey", [32]byte(oldHotkey)}, arg{"new_hotkey", [32]byte(newHotkey)})
	return res, err
}

// rootNetuid is the subnet the backend-neutral stake calls use on a
// dynamic-TAO runtime, whose add_stake names a subnet: the root network,
// where stake is TAO.
const rootNetuid = 0

// stakeArgs are add_stake's and remove_stake's arguments, with the root
// network's netuid when the runtime's calls take one.
func stakeArgs(rt *metadata.Runtime, call string, hotkey types.AccountID, amount balance.Balance) []arg {
	args := []arg{{"hotkey", [32]byte(hotkey)}, {"amount_staked|amount_unstaked|amount", amount.RAO()}}
	if hasArg(rt, "SubtensorModule", call, "netuid") {
		args = append(args, arg{"netuid", uint16(rootNetuid)})
	}
	return args
}

// AddStake stakes amount from coldkey's free balance on hotkey. On a
// dynamic-TAO runtime the stake goes to the root network (TAO, no pool).
func (c *SubstrateClient) AddStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return nil, err
	}
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "add_stake", stakeArgs(rt, "add_stake", hotkey, amount)...)
	return res, err
}

// RemoveStake unstakes amount of coldkey's stake on hotkey (on the root
// network on a dynamic-TAO runtime).
func (c *SubstrateClient) RemoveStake(ctx context.Context, coldkey Signer, hotkey types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return nil, err
	}
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "remove_stake", stakeArgs(rt, "remove_stake", hotkey, amount)...)
	return res, err
}

// Nominate stakes amount on a delegate's hotkey.
func (c *SubstrateClient) Nominate(ctx context.Context, coldkey Signer, delegate types.AccountID, amount balance.Balance, wait Wait) (*TxResult, error) {
	return c.AddStake(ctx, coldkey, delegate, amount, wait)
}

// BecomeDelegate makes coldkey's hotkey a delegate (runtimes that still
// have become_delegate; later ones make every hotkey one).
func (c *SubstrateClient) BecomeDelegate(ctx context.Context, coldkey Signer, hotkey types.AccountID, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, coldkey, wait, "SubtensorModule", "become_delegate", arg{"hotkey", [32]byte(hotkey)})
	return res, err
}

// SetWeights sets the hotkey's weights on a subnet (set_weights). uids and
// weights are the chain's u16 values (see ConvertWeights).
func (c *SubstrateClient) SetWeights(ctx context.Context, hotkey Signer, netuid uint16, uids, weights []uint16, versionKey uint64, wait Wait) (*TxResult, error) {
	res, _, err := c.call(ctx, hotkey, wait, "SubtensorModule", "set_weights",
		arg{"netuid", netuid}, arg{"dests|uids", uids}, arg{"weights", weights}, arg{"version_key", versionKey})
	return res, err
}

// ipArg is an IP in text form as the runtime takes it: a u128 (IPv4 in
// its low 32 bits) and its type.
func ipArg(text string) (*big.Int, uint8, error) {
	ip, ipType, err := types.ParseIP(text)
	if err != nil {
		return nil, 0, err
	}
	return new(big.Int).SetBytes(ip[:]), ipType, nil
}

// ServeAxon publishes hotkey's axon endpoint on a subnet (serve_axon).
func (c *SubstrateClient) ServeAxon(ctx context.Context, hotkey Signer, netuid uint16, e AxonEndpoint, wait Wait) (*TxResult, error) {
	ip, ipType, err := ipArg(e.IP)
	if err != nil {
		return nil, err
	}
	res, _, err := c.call(ctx, hotkey, wait, "SubtensorModule", "serve_axon",
		arg{"netuid", netuid}, arg{"version", e.Version}, arg{"ip", ip}, arg{"port", e.Port}, arg{"ip_type", ipType},
		arg{"protocol", e.Protocol}, arg{"placeholder1", uint8(0)}, arg{"placeholder2", uint8(0)})
	return res, err
}

// ServePrometheus publishes hotkey's metrics endpoint on a subnet.
func (c *SubstrateClient) ServePrometheus(ctx context.Context, hotkey Signer, netuid uint16, ipText string, port uint16, version uint32, wait Wait) (*TxResult, error) {
	ip, ipType, err := ipArg(ipText)
	if err != nil {
		return nil, err
	}
	res, _, err := c.call(ctx, hotkey, wait, "SubtensorModule", "serve_prometheus",
		arg{"netuid", netuid}, arg{"version", version}, arg{"ip", ip}, arg{"port", port}, arg{"ip_type", ipType})
	return res, err
}

// RegisterNetwork registers a new subnet owned by coldkey, with hotkey as
// its owner hotkey where the runtime asks for one (and a dynamic-TAO pool,
// mechanism 1, where it asks for a mechanism). maxLock is the most coldkey
// agrees to lock (0: the cost now); the runtime has no price limit, so the
// cost is read first and a higher one refused with
// types.ErrLockCostAboveMaximum before anything is sent.
func (c *SubstrateClient) RegisterNetwork(ctx context.Context, coldkey Signer, hotkey types.AccountID, maxLock balance.Balance, wait Wait) (uint16, *TxResult, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return 0, nil, err
	}
	if hotkey == (types.AccountID{}) && hasArg(rt, "SubtensorModule", "register_network", "hotkey") {
		return 0, nil, fmt.Errorf("subtensor: registering a subnet on %s needs the owner's hotkey (a wallet with --wallet.hotkey)", c.endpoint)
	}
	if maxLock > 0 {
		lc, err := c.GetLockCost(ctx, 0)
		if err != nil {
			return 0, nil, err
		}
		if lc.LockCost > maxLock.RAO() {
			return 0, nil, types.Errorf(types.ErrLockCostAboveMaximum, "registering a subnet locks %s now, above the %s you accepted", balance.Balance(lc.LockCost), maxLock)
		}
	}
	res, r, err := c.call(ctx, coldkey, wait, "SubtensorModule", "register_network", arg{"hotkey", [32]byte(hotkey)}, arg{"mechid", uint16(1)})
	if err != nil || r == nil {
		return 0, res, err
	}
	netuid, err := eventArg(r, "SubtensorModule", "NetworkAdded", 0)
	return uint16(netuid), res, err
}

// sendAdmin sends an admin call: wrapped in Sudo.sudo when the sudo key
// signs (Root may make any of them), as the subnet owner's signed call
// otherwise.
func (c *SubstrateClient) sendAdmin(ctx context.Context, signer Signer, wait Wait, pallet, name string, args ...arg) (*TxResult, error) {
	rt, err := c.runtime(ctx)
	if err != nil {
		return nil, err
	}
	call, err := c.encodeCall(rt, pallet, name, args...)
	if err != nil {
		return nil, err
	}
	if c.isSudo(ctx, signer) {
		if call, err = c.asSudo(rt, call); err != nil {
			return nil, err
		}
	}
	res, _, err := c.send(ctx, signer, call, wait)
	if err == nil && res.Err != nil {
		err = res.Err
	}
	return res, err
}

// DissolveNetwork removes a subnet (Root only on most runtimes: send it
// with the sudo key).
func (c *SubstrateClient) DissolveNetwork(ctx context.Context, coldkey Signer, netuid uint16, wait Wait) (*TxResult, error) {
	return c.sendAdmin(ctx, coldkey, wait, "SubtensorModule", "dissolve_network", arg{"netuid", netuid})
}

// SetHyperparameter sets a subnet or chain-wide parameter by its name (see
// types.ParamSetters) through AdminUtils: signed by the subnet owner for
// what owners may set, by the sudo key (wrapped in Sudo.sudo) for anything.
func (c *SubstrateClient) SetHyperparameter(ctx context.Context, signer Signer, netuid uint16, name string, value uint64, wait Wait) (*TxResult, error) {
	s, ok := types.SetterForParam(name)
	if !ok {
		return nil, fmt.Errorf("subtensor: no parameter named %q", name)
	}
	pallet, call, _ := strings.Cut(s.Call, ".")
	rt, err := c.runtime(ctx)
	if err != nil {
		return nil, err
	}
	m, err := rt.Call(pallet, call)
	if err != nil {
		return nil, c.notSupported(s.Call, err)
	}
	var args []arg
	for _, a := range m.Args {
		switch {
		case a.Name == "netuid":
			args = append(args, arg{a.Name, netuid})
		case isBool(rt, a.Type):
			args = append(args, arg{a.Name, value != 0})
		default:
			args = append(args, arg{a.Name, value})
		}
	}
	if len(m.Args) > 2 || (len(m.Args) == 2 && m.Args[0].Name != "netuid") {
		return nil, c.notSupported(fmt.Sprintf("%s with one value (it takes %s)", s.Call, argNames(m)), nil)
	}
	return c.sendAdmin(ctx, signer, wait, pallet, call, args...)
}

func isBool(rt *metadata.Runtime, id scale.TypeID) bool {
	t, ok := rt.Types.Type(id)
	return ok && t.Def == scale.DefPrimitive && t.Primitive == scale.PrimBool
}

// RootRegister registers hotkey on the root network, paid by coldkey.
func (c *SubstrateClient) RootRegister(ctx context.Context, coldkey Signer, hotkey types.AccountID, wait Wait) (uint16, *TxResult, error) {
	res, r, err := c.call(ctx, coldkey, wait, "SubtensorModule", "root_register", arg{"hotkey", [32]byte(hotkey)})
	if err != nil || r == nil {
		return 0, res, err
	}
	uid, err := eventArg(r, "SubtensorModule", "NeuronRegistered", 1)
	return uint16(uid), res, err
}

// RootSetWeights sets a root validator's weights on subnets (set_weights on
// netuid 0; runtimes with dynamic TAO refuse it).
func (c *SubstrateClient) RootSetWeights(ctx context.Context, hotkey Signer, netuids []uint16, weights []float64, wait Wait) (*TxResult, error) {
	u, w, err := ConvertWeights(netuids, weights)
	if err != nil {
		return nil, err
	}
	return c.SetWeights(ctx, hotkey, 0, u, w, 0, wait)
}

// isSubstrateTransport reports whether err is the websocket failing rather
// than the chain answering.
func isSubstrateTransport(err error) bool {
	var de *rpc.DialError
	return errors.As(err, &de) || errors.Is(err, rpc.ErrConnectionLost) || errors.Is(err, rpc.ErrNotConnected) ||
		errors.Is(err, rpc.ErrClosed) || errors.Is(err, rpc.ErrPingTimeout)
}
