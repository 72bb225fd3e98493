package ecc

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

func TestSplitScalar(t *testing.T) {
	n := secp256k1.Params().N
	rng := rand.New(rand.NewPCG(1, 2))
	lim := new(big.Int).Lsh(big.NewInt(1), 129)
	edge := []string{"0", "1", "2", "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140", lambdaHex}
	more := edgeScalars()
	for i := range 2000 + len(more) {
		var k secp256k1.ModNScalar
		switch {
		case i < len(edge):
			v, _ := new(big.Int).SetString(edge[i], 16)
			k.SetByteSlice(v.Bytes())
		case i < len(edge)+len(more):
			k = more[i-len(edge)]
		default:
			var b [32]byte
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
			k.SetBytes(&b)
		}
		k1, k2, n1, n2 := splitScalar(&k)
		v1, v2 := limbsToBig(k1[:]), limbsToBig(k2[:])
		require.Less(t, v1.Cmp(lim), 0)
		require.Less(t, v2.Cmp(lim), 0)
		if n1 {
			v1.Neg(v1)
		}
		if n2 {
			v2.Neg(v2)
		}
		lb := glv.lambda.Bytes()
		sum := new(big.Int).Mul(v2, new(big.Int).SetBytes(lb[:]))
		sum.Add(sum, v1).Mod(sum, n)
		kb := k.Bytes()
		require.Zero(t, sum.Cmp(new(big.Int).SetBytes(kb[:])), "k=%x", kb)
	}
}

func limbsToBig(l []uint64) *big.Int {
	v := new(big.Int)
	for i := len(l) - 1; i >= 0; i-- {
		v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(l[i]))
	}
	return v
}
