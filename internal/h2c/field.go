package h2c

import (
	"encoding/hex"
	"fmt"

	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Field arithmetic notes.
//
// secp256k1.FieldVal keeps carries in spare bits of its words, so every value
// has a magnitude (how many multiples of p its words may exceed a reduced
// value by) and may be unnormalized.  The rules the code below relies on:
//
//   - Mul, Mul2, Square and SquareVal accept inputs of magnitude at most 8 and
//     return magnitude 1, not normalized.
//   - Add and Add2 return the sum of the magnitudes, which must stay at most
//     32; AddInt adds one to the magnitude.
//   - NegateVal(v, m) needs the true magnitude m of v (at most 31) and returns
//     magnitude m+1.
//   - MulInt(k) multiplies the magnitude by k.
//   - IsZeroBit, IsOddBit and Equals are only meaningful on normalized values.
//
// Comments of the form "(mag N)" give the magnitude after each step.

// elementLength is L of RFC 9380 section 5.2 for secp256k1:
// ceil((ceil(log2(p)) + k) / 8) = ceil((256 + 128) / 8) = 48.
const elementLength = 48

// maxElements is the largest count HashToField accepts: count * 48 bytes
// must not exceed MaxXMDLength.
const maxElements = MaxXMDLength / elementLength

// fieldFromHex returns the field element of a big-endian hex constant.  It
// panics on a malformed or unreduced constant, which is a defect in this
// package, never a consequence of input.
func fieldFromHex(s string) secp256k1.FieldVal {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		panic("h2c: bad field constant " + s)
	}
	var f secp256k1.FieldVal
	if f.SetByteSlice(b) {
		panic("h2c: field constant not reduced " + s)
	}
	return f
}

// Constants of the suite (RFC 9380 section 8.7 and Appendix E.1).  All are
// normalized.
var (
	// isoA and isoB are A' and B' of E': y^2 = x^3 + A'*x + B'.
	isoA = fieldFromHex("3f8731abdd661adca08a5558f0f5d272e953d363cb6f0e5d405447c01a444533")
	isoB = fieldFromHex("00000000000000000000000000000000000000000000000000000000000006eb")

	// sswuZ is Z = -11.
	sswuZ = fieldFromHex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc24")

	// sqrtMinusZ is c2 = sqrt(-Z) = sqrt(11) of Appendix F.2.1.2.
	sqrtMinusZ = fieldFromHex("31fdf302724013e57ad13fb38f842afeec184f00a74789dd286729c8303c4a59")

	// twoPow256 is 2^256 mod p = 2^32 + 977, the weight of the upper 128 bits
	// of a 48-byte string.
	twoPow256 = fieldFromHex("00000000000000000000000000000000000000000000000000000001000003d1")

	// Coefficients of the 3-isogeny map E' -> E (Appendix E.1):
	//   x = x_num(x') / x_den(x'),  y = y' * y_num(x') / y_den(x').
	isoK10 = fieldFromHex("8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa8c7")
	isoK11 = fieldFromHex("07d3d4c80bc321d5b9f315cea7fd44c5d595d2fc0bf63b92dfff1044f17c6581")
	isoK12 = fieldFromHex("534c328d23f234e6e2a413deca25caece4506144037c40314ecbd0b53d9dd262")
	isoK13 = fieldFromHex("8e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38e38daaaaa88c")
	isoK20 = fieldFromHex("d35771193d94918a9ca34ccbb7b640dd86cd409542f8487d9fe6b745781eb49b")
	isoK21 = fieldFromHex("edadc6f64383dc1df7c4b2d51b54225406d36b641f5e41bbc52a56612a8c6d14")
	isoK30 = fieldFromHex("4bda12f684bda12f684bda12f684bda12f684bda12f684bda12f684b8e38e23c")
	isoK31 = fieldFromHex("c75e0c32d5cb7c0fa9d0a54b12a0a6d5647ab046d686da6fdffc90fc201d71a3")
	isoK32 = fieldFromHex("29a6194691f91a73715209ef6512e576722830a201be2018a765e85a9ecee931")
	isoK33 = fieldFromHex("2f684bda12f684bda12f684bda12f684bda12f684bda12f684bda12f38e38d84")
	isoK40 = fieldFromHex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffff93b")
	isoK41 = fieldFromHex("7a06534bb8bdb49fd5e9e6632722c2989467c1bfc8e8d978dfb425d2685c2573")
	isoK42 = fieldFromHex("6484aa716545ca2cf3a70c3fa8fe337e0a3d21162f0d6299a7bf8192bfd2a76f")
)

// HashToField implements hash_to_field of RFC 9380 section 5.2 for this
// suite: it expands msg under dst to count*48 bytes with ExpandMessageXMD and
// reduces each 48-byte big-endian chunk modulo p.  The returned elements are
// normalized.  count must lie in [1, 170]; dst must not be empty.
func HashToField(msg, dst []byte, count int) ([]secp256k1.FieldVal, error) {
	if count < 1 || count > maxElements {
		return nil, fmt.Errorf("%w: %d elements requested, want 1 to %d",
			ErrElementCount, count, maxElements)
	}
	if len(dst) == 0 {
		return nil, ErrEmptyDST
	}
	buf := make([]byte, count*elementLength)
	expandXMD(buf, msg, dst)
	out := make([]secp256k1.FieldVal, count)
	for i := range out {
		fieldFromWide(&out[i], (*[elementLength]byte)(buf[i*elementLength:]))
	}
	return out, nil
}

// fieldFromWide sets f to the 48-byte big-endian integer b reduced modulo p,
// in constant time.  f is normalized.
func fieldFromWide(f *secp256k1.FieldVal, b *[elementLength]byte) {
	// b = hi * 2^256 + lo with hi < 2^128, so b = hi * (2^256 mod p) + lo.
	var hiBytes, loBytes [32]byte
	copy(hiBytes[32-(elementLength-32):], b[:elementLength-32])
	copy(loBytes[:], b[elementLength-32:])

	var lo secp256k1.FieldVal
	f.SetBytes(&hiBytes)  // below 2^128, normalized (mag 1)
	f.Mul(&twoPow256)     // (mag 1)
	lo.SetBytes(&loBytes) // possibly >= p, still (mag 1)
	f.Add(&lo)            // (mag 2)
	f.Normalize()         // (mag 1)
}

// fieldSelect sets r to a when c is 0 and to b when c is 1, without a branch.
// c must be 0 or 1.  r may alias a or b.  The result has the magnitude of the
// selected input; a and b must have magnitudes summing to at most 32.
func fieldSelect(r, a, b *secp256k1.FieldVal, c uint32) {
	var ta, tb secp256k1.FieldVal
	ta.Set(a).MulInt(uint8(c ^ 1)) // all words zero unless c == 0
	tb.Set(b).MulInt(uint8(c))     // all words zero unless c == 1
	r.Add2(&ta, &tb)
}

// isZeroBit returns 1 when f is zero modulo p and 0 otherwise, in constant
// time.  f may be unnormalized; it is not modified.
func isZeroBit(f *secp256k1.FieldVal) uint32 {
	var t secp256k1.FieldVal
	t.Set(f).Normalize()
	return t.IsZeroBit()
}

// sgn0 implements sgn0 of RFC 9380 section 4.1 for m = 1: the parity of the
// reduced value.  f may be unnormalized; it is not modified.
func sgn0(f *secp256k1.FieldVal) uint32 {
	var t secp256k1.FieldVal
	t.Set(f).Normalize()
	return t.IsOddBit()
}

// sqrtRatio implements sqrt_ratio(u, v) of RFC 9380 Appendix F.2.1.2 (for
// p = 3 mod 4) in constant time.  v must be nonzero.  When u/v is a square it
// returns 1 and y = sqrt(u/v); otherwise it returns 0 and y = sqrt(Z*u/v).
// u and v must have magnitude at most 8; y is normalized.
func sqrtRatio(y, u, v *secp256k1.FieldVal) uint32 {
	var tv1, tv2, tv3, y1, y2 secp256k1.FieldVal
	tv1.SquareVal(v)              // v^2 (mag 1)
	tv2.Mul2(u, v)                // u*v (mag 1)
	tv1.Mul(&tv2)                 // u*v^3 (mag 1)
	ecc.PowPMinus3Div4(&y1, &tv1) // (u*v^3)^((p-3)/4) (mag 1)
	y1.Mul(&tv2)                  // candidate sqrt(u/v) (mag 1)
	y2.Mul2(&y1, &sqrtMinusZ)     // candidate sqrt(Z*u/v) (mag 1)

	// isQR = (y1^2 * v == u), tested as y1^2 * v - u == 0.
	var negU secp256k1.FieldVal
	negU.Set(u).Normalize().Negate(1) // -u (mag 2)
	tv3.SquareVal(&y1).Mul(v)         // y1^2 * v (mag 1)
	tv3.Add(&negU)                    // (mag 3)
	isQR := isZeroBit(&tv3)

	fieldSelect(y, &y2, &y1, isQR) // (mag 1)
	y.Normalize()
	return isQR
}
