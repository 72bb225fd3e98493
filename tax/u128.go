package tax

import "math/bits"

// u128 is an unsigned 128-bit integer used for exact intermediate products in
// the tax computation. Only the few operations the package needs exist, and
// each one panics if its result would not fit: the callers bound their
// operands so that this never happens, and a panic here is an internal bug.
type u128 struct{ hi, lo uint64 }

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

// mul returns x·m.
func (x u128) mul(m uint64) u128 {
	hi1, lo := bits.Mul64(x.lo, m)
	hi2, mid := bits.Mul64(x.hi, m)
	hi, carry := bits.Add64(hi1, mid, 0)
	if hi2 != 0 || carry != 0 {
		panic("tax: internal error: 128-bit product overflows")
	}
	return u128{hi, lo}
}

// add returns x+y.
func (x u128) add(y u128) u128 {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, c2 := bits.Add64(x.hi, y.hi, c)
	if c2 != 0 {
		panic("tax: internal error: 128-bit sum overflows")
	}
	return u128{hi, lo}
}

// roundDiv returns x/d rounded to the nearest integer, exact halves rounded
// up. The quotient must fit in 64 bits and d must be below 2^63.
func (x u128) roundDiv(d uint64) uint64 {
	if d == 0 || d >= 1<<63 || x.hi >= d {
		panic("tax: internal error: 128-bit division out of range")
	}
	q, r := bits.Div64(x.hi, x.lo, d)
	if r >= d-r { // 2r ≥ d without overflow
		q++
	}
	return q
}
