package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

var bigN = secp256k1.Params().N

func limbsBig(a [4]uint64) *big.Int {
	v := new(big.Int)
	for i := 3; i >= 0; i-- {
		v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(a[i]))
	}
	return v
}

func TestModInfo(t *testing.T) {
	two62 := new(big.Int).Lsh(big.NewInt(1), 62)
	for _, c := range []struct {
		name string
		mi   *modInfo
		m    *big.Int
	}{{"p", &modInfoP, bigP}, {"n", &modInfoN, bigN}} {
		v := new(big.Int)
		for i := 4; i >= 0; i-- {
			v.Lsh(v, 62).Add(v, big.NewInt(c.mi.m[i]))
		}
		require.Equal(t, c.m, v, c.name)
		inv := new(big.Int).ModInverse(c.m, two62)
		require.Equal(t, inv.Uint64(), c.mi.inv62, c.name)
	}
}

// modInvEdges are inputs at the edges for modulus m: 0, 1, 2, m−1, m−2,
// (m−1)/2, (m+1)/2, 2^128, 2^255, all-ones limbs below m, λ and β.
func modInvEdges(m *big.Int) []*big.Int {
	lambda, _ := new(big.Int).SetString(lambdaHex, 16)
	beta, _ := new(big.Int).SetString(betaHex, 16)
	one := big.NewInt(1)
	vals := []*big.Int{
		big.NewInt(0), one, big.NewInt(2), big.NewInt(3),
		new(big.Int).Sub(m, one), new(big.Int).Sub(m, big.NewInt(2)),
		new(big.Int).Rsh(m, 1), new(big.Int).Add(new(big.Int).Rsh(m, 1), one),
		new(big.Int).Lsh(one, 128), new(big.Int).Lsh(one, 255),
		new(big.Int).Sub(new(big.Int).Lsh(one, 255), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 128), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 64), one),
		new(big.Int).Sub(new(big.Int).Lsh(one, 62), one),
		new(big.Int).Lsh(one, 62),
		lambda, beta,
	}
	for i, v := range vals {
		vals[i] = v.Mod(v, m)
	}
	return vals
}

func bigLimbs(v *big.Int) [4]uint64 {
	return [4]uint64(feFromBig(v))
}

func TestModInvAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name string
		mi   *modInfo
		m    *big.Int
	}{{"p", &modInfoP, bigP}, {"n", &modInfoN, bigN}} {
		vals := modInvEdges(c.m)
		for range 2000 {
			var b [32]byte
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
			vals = append(vals, new(big.Int).Mod(new(big.Int).SetBytes(b[:]), c.m))
		}
		for _, v := range vals {
			a := bigLimbs(v)
			s := toS62(&a)
			want := new(big.Int).ModInverse(v, c.m)
			if want == nil {
				want = new(big.Int)
			}
			r := modInv(&s, c.mi)
			require.Zero(t, want.Cmp(limbsBig(fromS62(&r))), "%s: 1/%x", c.name, v)
			r = modInvVar(&s, c.mi)
			require.Zero(t, want.Cmp(limbsBig(fromS62(&r))), "%s: variable-time 1/%x", c.name, v)
		}
	}
}

// FuzzModInvVar checks the variable-time inversion against math/big and
// the constant-time one, modulo p and n, on any 256-bit input.
func FuzzModInvVar(f *testing.F) {
	for _, v := range modInvEdges(bigN) {
		f.Add(v.FillBytes(make([]byte, 32)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 32 {
			return
		}
		for _, c := range []struct {
			mi *modInfo
			m  *big.Int
		}{{&modInfoP, bigP}, {&modInfoN, bigN}} {
			v := new(big.Int).Mod(new(big.Int).SetBytes(b), c.m)
			a := bigLimbs(v)
			s := toS62(&a)
			want := modInv(&s, c.mi)
			got := modInvVar(&s, c.mi)
			require.Equal(t, want, got, "1/%x", v)
		}
	})
}
