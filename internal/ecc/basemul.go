package ecc

import (
	"crypto/rand"
	"encoding/binary"
	"sync"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// The fixed-base multiplication k·G of the signers and of key generation:
// Hamburg's signed-digit multi-comb ("Fast and compact elliptic-curve
// cryptography", 2012, section 3.3) with a blinded scalar, as in
// libsecp256k1's ecmult_gen (since version 0.5).
//
// For a scalar d of combBits bits d_i, comb(d, H) = Σ (2·d_i − 1)·2^i·H =
// (2d − (2^combBits − 1))·H. With H = G/2, the blinding scalar b and
//
//	d = k + (2^combBits − 1)/2 − b (mod n),
//
// comb(d, H) + b·G = k·G. The bits of d are cut into combBlocks blocks of
// combTeeth teeth combSpacing bits apart; for each of the combSpacing
// offsets, each block adds the precomputed Σ ±2^i·H over its teeth, and the
// sum is doubled between offsets. Flipping all the teeth of a block negates
// its entry, so the table holds only the entries whose top tooth is 0: the
// others are looked up flipped and negated.
//
// What is constant time: the scalar arithmetic (decred's ModNScalar), the
// bit extraction (fixed positions, shifts by public amounts), the table
// lookups (every entry of the block's row is read and combined with masks;
// no index depends on the scalar), the conditional negation (a mask), the
// point additions and doublings (ctpoint.go: the unified formula with the
// exceptional cases selected by masks) and the affine conversion (safegcd
// inversion). The loop bounds and the memory accessed depend on nothing
// but the table's shape.
//
// What blinding adds: the blind b and the projective factor z (the first
// entry's Z) are drawn once per process from crypto/rand, so the
// intermediate points and the recoded scalar are unknown to an attacker
// who knows k (protection against power and electromagnetic analysis, as
// libsecp256k1 after secp256k1_context_randomize). They are not renewed
// per call: a process signs with one blind, as a libsecp256k1 context does
// between randomizations. Timing does not depend on them either way.
//
// What is not constant time: building the table and the blind, once per
// process, from public data and the blind's randomness (the blind's point
// b·G is computed by the comb itself, with the unblinded offset).
const (
	combBlocks  = 11
	combTeeth   = 6
	combSpacing = 4 // ⌈256 / (combBlocks·combTeeth)⌉
	combBits    = combBlocks * combTeeth * combSpacing
	combPoints  = 1 << (combTeeth - 1)
)

// combTable holds table(b, m) = Σ_t (2·m_t − 1)·2^((b·combTeeth + t)·
// combSpacing)·H for each block b and each m whose top tooth is 0.
type combTable [combBlocks][combPoints]aff

// combBlind is a blinding of the comb: offset = (2^combBits − 1)/2 − b
// (mod n), point = b·G (never infinity: b ≠ 0) and z ≠ 0 the projective
// factor.
type combBlind struct {
	offset secp256k1.ModNScalar
	point  aff
	z      fe
}

// combHalfBits is (2^combBits − 1)/2 mod n = 2^(combBits−1) − 1/2.
func combHalfBits() secp256k1.ModNScalar {
	var d, minusHalf secp256k1.ModNScalar
	d.SetInt(1)
	for range combBits - 1 {
		d.Add(&d)
	}
	minusHalf.SetInt(2).InverseNonConst().Negate()
	return *d.Add(&minusHalf)
}

// generator returns G in the package's form.
func generator() jac {
	params := secp256k1.Params()
	var b [32]byte
	var g jac
	params.Gx.FillBytes(b[:])
	g.x = feSetBytes(&b)
	params.Gy.FillBytes(b[:])
	g.y = feSetBytes(&b)
	g.z = feOne
	return g
}

// buildCombTable computes the table from G, with the variable-time
// arithmetic (public data), and converts it to affine form with one
// inversion.
func buildCombTable() *combTable {
	// H = G/2 = ((n+1)/2)·G.
	var half secp256k1.ModNScalar
	half.SetInt(2).InverseNonConst()
	g := generator()
	hp := g.point()
	var zero secp256k1.ModNScalar
	h := MulAdd(&half, &zero, &hp)
	// teeth[i] = 2^(i·combSpacing)·H.
	var teeth [combBlocks * combTeeth]jac
	teeth[0] = jacFromPoint(&h)
	for i := 1; i < len(teeth); i++ {
		teeth[i] = teeth[i-1]
		for range combSpacing {
			teeth[i].double(&teeth[i])
		}
	}
	var all [combBlocks * combPoints]jac
	for b := range combBlocks {
		row := all[b*combPoints : (b+1)*combPoints]
		// m = 0: every tooth negative.
		row[0] = jac{inf: true}
		for t := range combTeeth {
			n := teeth[b*combTeeth+t]
			feNeg(&n.y, &n.y)
			row[0].add(&row[0], &n)
		}
		// Setting tooth t turns −2^i·H into +2^i·H: add 2·2^i·H.
		for m := 1; m < combPoints; m++ {
			t := 0
			for m>>t&1 == 0 {
				t++
			}
			var d jac
			d.double(&teeth[b*combTeeth+t])
			row[m].add(&row[m&(m-1)], &d)
		}
	}
	zs := make([]fe, len(all))
	for i := range all {
		if all[i].inf {
			panic("ecc: comb table entry at infinity")
		}
		zs[i] = all[i].z
	}
	feInvBatch(zs, zs)
	tab := new(combTable)
	for i := range all {
		p := &all[i]
		p.scaleZinv(&zs[i])
		tab[i/combPoints][i%combPoints] = aff{x: p.x, y: p.y}
	}
	return tab
}

// unblinded is the blinding with b = −1 and z = 1 (libsecp256k1's reset
// context), with which the per-process blind's b·G is computed.
func unblinded() *combBlind {
	g := generator()
	bl := &combBlind{point: aff{x: g.x, y: g.y}, z: feOne}
	feNeg(&bl.point.y, &bl.point.y)
	var one secp256k1.ModNScalar
	one.SetInt(1)
	bl.offset = combHalfBits()
	bl.offset.Add(&one)
	return bl
}

// newCombBlind returns the blinding for b (not zero) and the projective
// factor z (not zero), computing b·G with the unblinded comb.
func newCombBlind(tab *combTable, b *secp256k1.ModNScalar, z *fe) *combBlind {
	p := combMul(tab, unblinded(), b)
	x, y, _ := p.affineCT()
	bl := &combBlind{point: aff{x: x, y: y}, z: *z}
	var nb secp256k1.ModNScalar
	nb.NegateVal(b)
	bl.offset = combHalfBits()
	bl.offset.Add(&nb)
	return bl
}

// randomCombBlind draws b and z from crypto/rand.
func randomCombBlind(tab *combTable) *combBlind {
	var buf [64]byte
	for {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("ecc: crypto/rand: " + err.Error())
		}
		var b secp256k1.ModNScalar
		overflow := b.SetByteSlice(buf[:32])
		z := feSetBytes((*[32]byte)(buf[32:]))
		if overflow || b.IsZero() || feIsZero(&z) {
			continue
		}
		clear(buf[:])
		bl := newCombBlind(tab, &b, &z)
		b.Zero()
		return bl
	}
}

// comb holds the table and the process's blind, made on first use and
// never written again.
var comb = sync.OnceValues(func() (*combTable, *combBlind) {
	tab := buildCombTable()
	return tab, randomCombBlind(tab)
})

// combMul returns k·G in Jacobian form, in constant time.
func combMul(tab *combTable, bl *combBlind, k *secp256k1.ModNScalar) ctJac {
	var d secp256k1.ModNScalar
	d.Add2(k, &bl.offset)
	db := d.Bytes()
	d.Zero()
	// The bits of d, little-endian, with a zero limb for bits 256 and up.
	var limbs [5]uint64
	for i := range 4 {
		limbs[i] = binary.BigEndian.Uint64(db[24-8*i:])
	}
	clear(db[:])
	var r ctJac
	first := true
	for off := combSpacing - 1; off >= 0; off-- {
		for blk := range combBlocks {
			// The teeth of the block at this offset, tooth t in bit t.
			var bits uint64
			for t := range combTeeth {
				pos := off + (blk*combTeeth+t)*combSpacing
				bits |= (limbs[pos>>6] >> (pos & 63) & 1) << t
			}
			// A top tooth of 1: look up the flipped teeth and negate.
			sign := bits >> (combTeeth - 1)
			abs := (bits ^ -sign) & (combPoints - 1)
			e := combLookup(&tab[blk], abs)
			var ny fe
			feNeg(&ny, &e.y)
			feCmov(&e.y, &ny, -sign)
			if first {
				// (x·z², y·z³, z): the first entry with the blind's Z.
				a := e.scaled(&bl.z)
				r = ctJac{x: a.x, y: a.y, z: bl.z}
				first = false
			} else {
				r.addAffCT(&r, &e)
			}
		}
		if off > 0 {
			r.doubleCT(&r)
		}
	}
	clear(limbs[:])
	r.addAffCT(&r, &bl.point)
	return r
}

// combLookup returns row[idx], reading every entry of the row and keeping
// the one whose index equals idx with a mask: the memory accessed does not
// depend on idx.
func combLookup(row *[combPoints]aff, idx uint64) aff {
	var x0, x1, x2, x3, y0, y1, y2, y3 uint64
	for i := range row {
		m := -(((uint64(i) ^ idx) - 1) >> 63)
		p := &row[i]
		x0 |= p.x[0] & m
		x1 |= p.x[1] & m
		x2 |= p.x[2] & m
		x3 |= p.x[3] & m
		y0 |= p.y[0] & m
		y1 |= p.y[1] & m
		y2 |= p.y[2] & m
		y3 |= p.y[3] & m
	}
	return aff{x: fe{x0, x1, x2, x3}, y: fe{y0, y1, y2, y3}}
}

// ScalarBaseMult sets r = k·G in affine form (Z = 1, normalized
// coordinates); k = 0 gives (0, 0, 0), decred's form of infinity. It runs
// in constant time: see the comment on the comb above.
func ScalarBaseMult(k *secp256k1.ModNScalar, r *secp256k1.JacobianPoint) {
	tab, bl := comb()
	p := combMul(tab, bl, k)
	x, y, inf := p.affineCT()
	xb, yb := feBytes(&x), feBytes(&y)
	r.X.SetBytes(&xb)
	r.Y.SetBytes(&yb)
	r.Z.SetInt(uint16(1 &^ inf))
}

// InverseModN returns s⁻¹ mod n (zero for zero), in constant time
// (safegcd: see modinv.go).
func InverseModN(s *secp256k1.ModNScalar) secp256k1.ModNScalar {
	return inverseModN(s, false)
}

// inverseModN returns s⁻¹ mod n by modInv, or by modInvVar when vartime
// is set, through the signed 62-bit limbs; its buffers are cleared.
func inverseModN(s *secp256k1.ModNScalar, vartime bool) secp256k1.ModNScalar {
	b := s.Bytes()
	a := [4]uint64{
		binary.BigEndian.Uint64(b[24:]),
		binary.BigEndian.Uint64(b[16:]),
		binary.BigEndian.Uint64(b[8:]),
		binary.BigEndian.Uint64(b[0:]),
	}
	x := toS62(&a)
	var r s62
	if vartime {
		r = modInvVar(&x, &modInfoN)
	} else {
		r = modInv(&x, &modInfoN)
	}
	a = fromS62(&r)
	binary.BigEndian.PutUint64(b[0:], a[3])
	binary.BigEndian.PutUint64(b[8:], a[2])
	binary.BigEndian.PutUint64(b[16:], a[1])
	binary.BigEndian.PutUint64(b[24:], a[0])
	var out secp256k1.ModNScalar
	out.SetBytes(&b)
	clear(b[:])
	clear(a[:])
	clear(x[:])
	clear(r[:])
	return out
}
