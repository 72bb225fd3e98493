package proof

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cometbft/cometbft/crypto/merkle"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"

	"github.com/cbets/cbets/cometbft/app"
)

// ErrProof reports an answer that does not check: a proof that does not
// lead to the app hash, a header that is not the chain's or not signed by
// the genesis validators, or an answer that is not to the question.
var ErrProof = errors.New("proof: the node's answer does not check")

// Verify checks ops, the proof of a "/store" answer, against appHash: that
// key has value, or is absent when value is nil (no committed value is
// empty). The operators must be the two package app makes, each in its
// canonical encoding (a node cannot vary what it sends): for a present
// key a merkle.ValueOp of the key, for an absent one an app.BucketOp of
// the key; then the merkle.ValueOp of the key's bucket in the top tree.
// They run with crypto/merkle's ProofOperators.Verify, along the key path
// app.KeyPath(key). Any failure wraps ErrProof.
func Verify(appHash, key, value []byte, ops *cmtcrypto.ProofOps) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: key %x: %s", ErrProof, key, fmt.Sprintf(format, args...))
	}
	if ops == nil || len(ops.Ops) != 2 {
		return bad("a proof of %d operators, want 2", len(ops.GetOps()))
	}
	want := merkle.ProofOpValue
	if value == nil {
		want = app.ProofOpBucket
	}
	if ops.Ops[0].Type != want {
		return bad("first operator of type %q, want %q", ops.Ops[0].Type, want)
	}
	if ops.Ops[1].Type != merkle.ProofOpValue {
		return bad("second operator of type %q, want %q", ops.Ops[1].Type, merkle.ProofOpValue)
	}
	prt := app.ProofRuntime()
	decoded := make(merkle.ProofOperators, len(ops.Ops))
	for i, pop := range ops.Ops {
		op, err := prt.Decode(pop)
		if err != nil {
			return bad("operator %d: %v", i, err)
		}
		if again := op.ProofOp(); again.Type != pop.Type || !bytes.Equal(again.Key, pop.Key) || !bytes.Equal(again.Data, pop.Data) {
			return bad("operator %d is not in its canonical encoding", i)
		}
		decoded[i] = op
	}
	var args [][]byte
	if value != nil {
		args = [][]byte{value}
	}
	// The key path ties the first operator to the key and the second to
	// the key's bucket.
	if err := decoded.Verify(appHash, app.KeyPath(key), args); err != nil {
		return bad("%v", err)
	}
	return nil
}
