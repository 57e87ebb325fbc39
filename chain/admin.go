package chain

import (
	"strconv"

	"github.com/go-bittensor/bittensor/chain/fixed"
	"github.com/go-bittensor/bittensor/chain/types"
)

// The AdminUtils module: the sudo_set_* calls that change hyperparameters and
// chain-wide subtensor parameters (the reference's pallets/admin-utils), each
// allowed to Root, and some also to the subnet's owner. A signed call from
// the sudo key named in the genesis is Root; governance (later) runs calls as
// Root through runAsRoot.

// ensureRoot refuses a call that is not Root.
func ensureRoot(ctx *Context) error {
	if ctx.isRoot() {
		return nil
	}
	return types.Errorf(types.ErrBadOrigin, "only the sudo key or governance may make this call, not %s", ctx.Signer)
}

// ensureOwnerOrRoot refuses a call that is neither Root nor signed by the
// owner of netuid.
func ensureOwnerOrRoot(ctx *Context, netuid uint16) error {
	if ctx.isRoot() {
		return nil
	}
	if sn, ok := ctx.State.Subnet(netuid); ok && ctx.Origin == OriginSigned && sn.Owner == ctx.Signer && !sn.Owner.IsZero() {
		return nil
	}
	return types.Errorf(types.ErrBadOrigin, "only subnet %d's owner, the sudo key or governance may make this call, not %s", netuid, ctx.Signer)
}

// sudoSet is every AdminUtils.sudo_set_* call.
func sudoSet(ctx *Context, a *types.SudoSet) error {
	s, ok := types.SetterForCall(a.CallName())
	if !ok {
		return types.Errorf(types.ErrUnknownCall, "%s has no handler", a.CallName())
	}
	if !s.Subnet {
		return sudoSetGlobal(ctx, s, a.Value)
	}
	st, netuid, v := ctx.State, a.Netuid, a.Value
	if s.OwnerMay {
		if err := ensureOwnerOrRoot(ctx, netuid); err != nil {
			return err
		}
	} else if err := ensureRoot(ctx); err != nil {
		return err
	}
	sn, ok := st.Subnet(netuid)
	if !ok {
		return types.Errorf(types.ErrAdminNetworkDoesNotExist, "subnet %d does not exist", netuid)
	}
	if v > s.Max {
		return types.Errorf(types.ErrAdminStorageValueOutOfRange, "%s %d is above its largest value %d", s.Param, v, s.Max)
	}
	if s.Call == types.CallSudoSetRAORecycled {
		sn.RAORecycledForRegistration = v
		st.SetSubnet(netuid, &sn)
		emitParamSet(ctx, s, netuid, v)
		return nil
	}
	h := st.Hyperparams(netuid)
	s.Set(&h, nil, v)
	switch s.Call {
	case types.CallSudoSetMaxAllowedUids:
		if uint64(sn.N) >= v {
			return types.Errorf(types.ErrAdminMaxAllowedUIDsNotAllowed, "subnet %d has %d neurons: max_allowed_uids must be above that", netuid, sn.N)
		}
	case types.CallSudoSetMaxAllowedValidators:
		if v > uint64(h.MaxAllowedUids) {
			return types.Errorf(types.ErrAdminStorageValueOutOfRange, "max_allowed_validators %d is above max_allowed_uids %d", v, h.MaxAllowedUids)
		}
	case types.CallSudoSetRho, types.CallSudoSetKappa:
		if netuid == RootNetuid {
			if err := checkRootSigmoid(h.Kappa, h.Rho); err != nil {
				return err
			}
		}
	}
	if err := h.Validate(); err != nil {
		return err
	}
	st.SetHyperparams(netuid, &h)
	emitParamSet(ctx, s, netuid, v)
	return nil
}

// sudoSetGlobal sets a chain-wide subtensor parameter (Root only).
func sudoSetGlobal(ctx *Context, s *types.ParamSetter, v uint64) error {
	if err := ensureRoot(ctx); err != nil {
		return err
	}
	if v > s.Max {
		return types.Errorf(types.ErrAdminStorageValueOutOfRange, "%s %d is above its largest value %d", s.Param, v, s.Max)
	}
	p := ctx.Params
	s.Set(nil, &p.Subtensor, v)
	if err := p.Validate(); err != nil {
		return err
	}
	ctx.State.SetParams(p)
	ctx.Params = p
	emitParamSet(ctx, s, 0, v)
	return nil
}

func emitParamSet(ctx *Context, s *types.ParamSetter, netuid uint16, v uint64) {
	attrs := []string{"param", s.Param, "value", strconv.FormatUint(v, 10)}
	if s.Subnet {
		attrs = append(attrs, "netuid", strconv.Itoa(int(netuid)))
	}
	ctx.Emit("ParameterSet", attrs...)
}

// checkRootSigmoid refuses a root Kappa and Rho for which the root epoch's
// exp(-(trust − κ)·ρ) overflows for some trust in [0, 1]: the reference
// panics there and halts the chain. The series grows with |x|, so checking
// trust 0 and trust 1 (the largest |x| on each side) covers every trust.
func checkRootSigmoid(kappa, rho uint16) error {
	k := fixed.NewI32F32(int64(kappa)).Div(fixed.NewI32F32(65535)).ToI64F64()
	r := fixed.NewI64F64(int64(rho))
	one := fixed.NewI64F64(1)
	for _, trust := range []fixed.I64F64{{}, one} {
		x := trust.Sub(k).Mul(r)
		if _, err := fixed.ExpI64F64(x.Neg()); err != nil {
			return types.Errorf(types.ErrAdminStorageValueOutOfRange, "root kappa %d with rho %d overflows the root epoch's sigmoid (the reference chain would halt): use a smaller rho", kappa, rho)
		}
	}
	return nil
}
