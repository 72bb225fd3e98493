package ticket

import (
	"errors"
	"slices"

	"github.com/cbets/cbets/ecdsa"
)

// rbounds decides how the checks verify R-bound signatures (certificates,
// buy requests, merchant signatures): at once when nil, as the merchant's
// transitions do, or deferred into one batch (ecdsa.VerifyRBoundBatch) by
// Replay, which verifies a whole history with one multi-scalar
// multiplication. The inverse-s signatures (ω) cannot be batched and are
// always verified at once.
type rbounds struct {
	items  []ecdsa.BatchItem
	record []int          // the record each item belongs to
	single []func() error // the item's own check, for the error it reports
	at     int            // the record being checked
	// seen holds the signatures already deferred: a holder's certificate
	// recurs in most records of a history and is verified once, its
	// failure reported at its first (earliest) record.
	seen map[string]bool
}

// verify runs check now, or defers the signature to the batch with check
// as its error report.
func (b *rbounds) verify(pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.RBoundSignature, check func() error) error {
	if b == nil {
		return check()
	}
	key := string(pub.Bytes()) + string(sig.Bytes()) + string(msg)
	if b.seen[key] {
		return nil
	}
	if b.seen == nil {
		b.seen = make(map[string]bool)
	}
	b.seen[key] = true
	b.items = append(b.items, ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: sig})
	b.record = append(b.record, b.at)
	b.single = append(b.single, check)
	return nil
}

// before verifies the deferred signatures of the records before index
// and returns the error of the earliest bad record: one of those, else
// record index failing with err (nil when index is past the end).
func (b *rbounds) before(records []*Record, index int, err error) error {
	n := 0
	for n < len(b.record) && b.record[n] < index {
		n++
	}
	berr := ecdsa.VerifyRBoundBatch(b.items[:n], ecdsa.SHA256, nil)
	var be *ecdsa.BatchError
	switch {
	case errors.As(berr, &be):
		first := slices.MinFunc(be.Invalid, func(i, j int) int { return b.record[i] - b.record[j] })
		index, err = b.record[first], b.single[first]()
	case berr != nil:
		return berr // no randomness for the weights
	}
	if err == nil {
		return nil
	}
	var kind Kind
	if records[index] != nil && records[index].Request != nil {
		kind = records[index].Request.Kind
	}
	return &RecordError{Index: index, Kind: kind, Err: err}
}
