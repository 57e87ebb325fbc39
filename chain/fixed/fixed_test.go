package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The naive reference for every operation is math/big: exact integers,
// floor via arithmetic shift (big.Int.Rsh rounds toward minus infinity),
// truncation via Quo, then wrapping to the type's width.

func bigOf128(v i128) *big.Int {
	b := new(big.Int).SetUint64(v.hi)
	b.Lsh(b, 64)
	b.Or(b, new(big.Int).SetUint64(v.lo))
	if v.isNeg() {
		b.Sub(b, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	return b
}

// wrap reduces b to a two's complement integer of w bits and reports
// whether it already fitted.
func wrap(b *big.Int, w uint) (*big.Int, bool) {
	mod := new(big.Int).Lsh(big.NewInt(1), w)
	r := new(big.Int).Mod(b, mod)
	if r.Cmp(new(big.Int).Rsh(mod, 1)) >= 0 {
		r.Sub(r, mod)
	}
	return r, r.Cmp(b) == 0
}

func bigMul(a, b *big.Int, f, w uint) (*big.Int, bool) {
	p := new(big.Int).Mul(a, b)
	p.Rsh(p, f)
	return wrap(p, w)
}

func bigDiv(a, b *big.Int, f, w uint) (*big.Int, bool) {
	n := new(big.Int).Lsh(a, f)
	return wrap(n.Quo(n, b), w)
}

// randBits returns random two's complement values of assorted magnitudes.
func randI64(r *rand.Rand) int64 {
	v := int64(r.Uint64())
	switch r.IntN(4) {
	case 0:
		v >>= 40 // small
	case 1:
		v >>= 20
	case 2:
		v >>= r.IntN(63)
	}
	return v
}

func randI128(r *rand.Rand) i128 {
	v := i128{lo: r.Uint64(), hi: r.Uint64()}
	return v.shr(uint(r.IntN(127)))
}

func TestI32F32AgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		a, b := randI64(r), randI64(r)
		x, y := I32F32FromBits(a), I32F32FromBits(b)
		ab, bb := big.NewInt(a), big.NewInt(b)
		want, _ := bigMul(ab, bb, 32, 64)
		if got := x.Mul(y).Bits(); got != want.Int64() {
			t.Fatalf("%d * %d (bits): got %d, want %d", a, b, got, want)
		}
		if b == 0 {
			continue
		}
		want, fits := bigDiv(ab, bb, 32, 64)
		if got := x.Div(y).Bits(); got != want.Int64() {
			t.Fatalf("%d / %d (bits): got %d, want %d", a, b, got, want)
		}
		if q, ok := x.CheckedDiv(y); ok != fits || (ok && q.Bits() != want.Int64()) {
			t.Fatalf("CheckedDiv %d / %d: got (%d, %v), want (%d, %v)", a, b, q.Bits(), ok, want, fits)
		}
	}
}

// TestI32F32QuickDiv checks that QuickDiv succeeds exactly when x >= 0,
// y > 0 and x < y*2^32, and then agrees with math/big, on random values and
// on the edges of that condition.
func TestI32F32QuickDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	type pair struct{ a, b int64 }
	var cases []pair
	edges := []int64{0, 1, 2, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<62 + 3, math.MaxInt64, -1, math.MinInt64}
	for _, a := range edges {
		for _, b := range edges {
			cases = append(cases, pair{a, b})
		}
	}
	for _, b := range []int64{1, 2, 3, 1 << 31, 1<<31 + 1, 12345678901} {
		// a just below and at b*2^32 (where the fast path must give up).
		lim := b << 32
		if b >= 1<<31 {
			lim = math.MaxInt64
		}
		cases = append(cases, pair{lim - 1, b}, pair{lim, b}, pair{lim + 1, b})
	}
	for range 200000 {
		cases = append(cases, pair{randI64(r), randI64(r)})
	}
	for _, c := range cases {
		q, ok := I32F32FromBits(c.a).QuickDiv(I32F32FromBits(c.b))
		wantOK := c.a >= 0 && c.b > 0 && uint64(c.a)>>32 < uint64(c.b)
		if ok != wantOK {
			t.Fatalf("QuickDiv %d / %d (bits): ok = %v, want %v", c.a, c.b, ok, wantOK)
		}
		if !ok {
			continue
		}
		want, _ := bigDiv(big.NewInt(c.a), big.NewInt(c.b), 32, 64)
		if q.Bits() != want.Int64() {
			t.Fatalf("QuickDiv %d / %d (bits): got %d, want %d", c.a, c.b, q.Bits(), want)
		}
	}
}

func TestWideAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, f := range []uint{64, 32, 18} {
		for range 50000 {
			a, b := randI128(r), randI128(r)
			ab, bb := bigOf128(a), bigOf128(b)
			want, fits := bigMul(ab, bb, f, 128)
			got, ok := mulShr(a, b, f)
			if bigOf128(got).Cmp(want) != 0 || ok != fits {
				t.Fatalf("F%d: %v * %v: got (%v, %v), want (%v, %v)", f, ab, bb, bigOf128(got), ok, want, fits)
			}
			if b.isZero() {
				continue
			}
			want, fits = bigDiv(ab, bb, f, 128)
			got, ok = divShl(a, b, f)
			if bigOf128(got).Cmp(want) != 0 || ok != fits {
				t.Fatalf("F%d: %v / %v: got (%v, %v), want (%v, %v)", f, ab, bb, bigOf128(got), ok, want, fits)
			}
			sum, ok := a.addChecked(b)
			wantSum, fits := wrap(new(big.Int).Add(ab, bb), 128)
			if bigOf128(sum).Cmp(wantSum) != 0 || ok != fits {
				t.Fatalf("%v + %v: got (%v, %v), want (%v, %v)", ab, bb, bigOf128(sum), ok, wantSum, fits)
			}
			diff, ok := a.subChecked(b)
			wantDiff, fits := wrap(new(big.Int).Sub(ab, bb), 128)
			if bigOf128(diff).Cmp(wantDiff) != 0 || ok != fits {
				t.Fatalf("%v - %v: got (%v, %v), want (%v, %v)", ab, bb, bigOf128(diff), ok, wantDiff, fits)
			}
			n := uint(r.IntN(128))
			if got, want := bigOf128(a.shr(n)), new(big.Int).Rsh(ab, n); got.Cmp(want) != 0 {
				t.Fatalf("%v >> %d: got %v, want %v", ab, n, got, want)
			}
			wantShl, _ := wrap(new(big.Int).Lsh(ab, n), 128)
			if got := bigOf128(a.shl(n)); got.Cmp(wantShl) != 0 {
				t.Fatalf("%v << %d: got %v, want %v", ab, n, got, wantShl)
			}
		}
	}
}

// half is 0.5 in I32F32 bits.
const half = 1 << 31

func TestI32F32Rules(t *testing.T) {
	tests := []struct {
		name string
		got  int64 // bits
		want int64 // bits
	}{
		// Multiplication floors, also for negative products.
		{"mul floors positive", I32F32FromBits(3).Mul(I32F32FromBits(half)).Bits(), 1},
		{"mul floors negative", I32F32FromBits(-3).Mul(I32F32FromBits(half)).Bits(), -2},
		{"mul exact", NewI32F32(6).Mul(NewI32F32(7)).Bits(), 42 << 32},
		// Division truncates toward zero.
		{"div truncates positive", NewI32F32(1).Div(NewI32F32(3)).Bits(), 1431655765},
		{"div truncates negative", NewI32F32(-1).Div(NewI32F32(3)).Bits(), -1431655765},
		{"div wraps", NewI32F32(1 << 30).Div(I32F32FromBits(1)).Bits(), 0},
		// Round: nearest, ties away from zero.
		{"round 2.5", I32F32FromBits(2<<32 + half).Round().Bits(), 3 << 32},
		{"round -2.5", I32F32FromBits(-(2<<32 + half)).Round().Bits(), -3 << 32},
		{"round 2.4999", I32F32FromBits(2<<32 + half - 1).Round().Bits(), 2 << 32},
		{"round -2.4999", I32F32FromBits(-(2<<32 + half - 1)).Round().Bits(), -2 << 32},
		{"round 0.5", I32F32FromBits(half).Round().Bits(), 1 << 32},
		{"floor -0.5", I32F32FromBits(-half).Floor().Bits(), -1 << 32},
		// from_num(integer) wraps outside the range.
		{"new wraps", NewI32F32(1 << 31).Bits(), -1 << 63},
		{"sum", SumI32F32([]I32F32{NewI32F32(1), I32F32FromBits(half), I32F32FromBits(-1)}).Bits(), 1<<32 + half - 1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got bits %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestConversions(t *testing.T) {
	// The epoch's stake step: stakes [1,2,3,4] normalised in I64F64 and truncated to
	// I32F32 give these bits.
	stakes := []uint64{1, 2, 3, 4}
	var sum I64F64
	for _, s := range stakes {
		sum = sum.Add(I64F64FromUint64(s))
	}
	want := []int64{429496729, 858993459, 1288490188, 1717986918}
	for i, s := range stakes {
		if got := I64F64FromUint64(s).Div(sum).ToI32F32().Bits(); got != want[i] {
			t.Errorf("stake %d: got bits %d, want %d", s, got, want[i])
		}
	}
	// Dropping fractional bits floors, also below zero.
	if got := I64F64FromBits(-1, ^uint64(0)).ToI32F32().Bits(); got != -1 {
		t.Errorf("I64F64(-2^-64) to I32F32: got bits %d, want -1", got)
	}
	x := I32F32FromBits(-12345678901)
	if got := x.ToI64F64().ToI32F32(); got != x {
		t.Errorf("I32F32 -> I64F64 -> I32F32: got %v, want %v", got, x)
	}
	if got, want := x.ToI96F32().String(), x.String(); got != want {
		t.Errorf("I32F32 -> I96F32: got %s, want %s", got, want)
	}
	if got := I64F64FromUint64(1 << 63).Sign(); got != -1 {
		t.Errorf("I64F64 from 2^63 should wrap negative, sign %d", got)
	}
	if got := I96F32FromUint64(^uint64(0)).ToU64(); got != ^uint64(0) {
		t.Errorf("I96F32 u64 round trip: got %d", got)
	}
	if got := I110F18FromUint64(^uint64(0)).ToU64(); got != ^uint64(0) {
		t.Errorf("I110F18 u64 round trip: got %d", got)
	}
	// to_num::<u16>() floors and wraps.
	if got := I32F32FromBits(65536<<32 + 5<<32 + half).ToU16(); got != 5 {
		t.Errorf("ToU16 wrap: got %d, want 5", got)
	}
	if got := I32F32FromBits(65535<<32 + half).ToU16(); got != 65535 {
		t.Errorf("ToU16 floor: got %d, want 65535", got)
	}
}

func TestSaturatingI96F32(t *testing.T) {
	max := i96Bound(true)
	minV := i96Bound(false)
	big := NewI96F32(1 << 62)
	if got := big.SaturatingMul(big); got != max {
		t.Errorf("saturating mul: got %v, want max", got)
	}
	if got := big.Neg().SaturatingMul(big); got != minV {
		t.Errorf("saturating mul negative: got %v, want min", got)
	}
	if got := minV.SaturatingSub(NewI96F32(1)); got != minV {
		t.Errorf("saturating sub: got %v, want min", got)
	}
	if got := max.SaturatingDiv(I96F32FromBits(0, 1)); got != max {
		t.Errorf("saturating div: got %v, want max", got)
	}
	if got := NewI96F32(10).SaturatingSub(NewI96F32(3)); got != NewI96F32(7) {
		t.Errorf("10-3: got %v", got)
	}
}

func TestString(t *testing.T) {
	tests := []struct{ got, want string }{
		{NewI32F32(3).String(), "3"},
		{I32F32FromBits(half).String(), "0.5"},
		{I32F32FromBits(-(1<<32 + half)).String(), "-1.5"},
		{I32F32FromBits(1).String(), "0.00000000023283064365386962890625"},
		{I64F64FromUint64(10).String(), "10"},
		{NewI110F18(-7).String(), "-7"},
		{I96F32FromBits(0, 3<<30).String(), "0.75"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

func TestDivisionByZeroPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"I32F32":  func() { NewI32F32(1).Div(I32F32{}) },
		"I64F64":  func() { NewI64F64(1).Div(I64F64{}) },
		"I96F32":  func() { NewI96F32(1).Div(I96F32{}) },
		"I110F18": func() { NewI110F18(1).Div(I110F18{}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: division by zero did not panic", name)
				}
			}()
			f()
		}()
	}
	if _, ok := NewI32F32(1).CheckedDiv(I32F32{}); ok {
		t.Error("I32F32 CheckedDiv by zero reported ok")
	}
	if _, ok := NewI64F64(1).CheckedDiv(I64F64{}); ok {
		t.Error("I64F64 CheckedDiv by zero reported ok")
	}
}
