package ringsig

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/ecc"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// MinRingSize and MaxRingSize bound the number of ring members. The maximum
// keeps a signature at most 33 + 32·1025 bytes and a verification under a
// few hundred milliseconds; the mixer's rounds are far smaller.
const (
	MinRingSize = 2
	MaxRingSize = 1024
)

const (
	ringDomain = "CBETS-LSAG-v1/ring"
	// memberWindow is the wNAF width of the members' tables, built once
	// per ring and shared by every signature verified against it.
	memberWindow = 5
)

// Ring is an ordered list of 2 to MaxRingSize distinct public keys, with its
// digest D (SPEC section 6). Only NewRing and ParseRing make rings: Sign and
// Verify refuse a nil *Ring and the zero value with ErrRingSize, and the
// methods give them empty results.
type Ring struct {
	keys   []*ecdsa.PublicKey
	points []secp256k1.JacobianPoint // affine
	digest [32]byte

	// tables are the members' odd multiples for L_i, built on first use
	// by Verify, or by Sign from the ring's second signature on, and
	// shared by every later signature over the ring, so that a Ring made
	// only for its digest costs no multiplication. built says they exist;
	// signs counts the signatures made over the ring.
	tablesOnce sync.Once
	tables     []*ecc.Table
	built      atomic.Bool
	signs      atomic.Int64
}

// check refuses a nil Ring and the zero value, which has no members.
func (r *Ring) check() error {
	switch {
	case r == nil:
		return fmt.Errorf("%w: nil", ErrRingSize)
	case len(r.keys) < MinRingSize:
		return fmt.Errorf("%w: zero value, not made by NewRing or ParseRing", ErrRingSize)
	}
	return nil
}

// memberTables returns the members' tables, building them once.
func (r *Ring) memberTables() []*ecc.Table {
	r.tablesOnce.Do(func() {
		r.tables = ecc.NewAffineTables(r.points, memberWindow, true)
		r.built.Store(true)
	})
	return r.tables
}

// signingTables returns the members' tables for a signature, or nil for
// the first use of the ring, which then takes a single-use table per
// member. Building the ring's tables costs about half a signature more
// than it saves on one, and pays off from the second signature or
// verification over the ring; a ring signed once (a mixing participant's)
// goes without them. The signature is the same either way.
func (r *Ring) signingTables() []*ecc.Table {
	if r.signs.Add(1) == 1 && !r.built.Load() {
		return nil
	}
	return r.memberTables()
}

// NewRing builds a ring from keys in the given order. It rejects fewer than
// MinRingSize or more than MaxRingSize keys, a nil or zero-value key (which
// must not stand for the point at infinity) and duplicate keys.
func NewRing(keys []*ecdsa.PublicKey) (*Ring, error) {
	if len(keys) < MinRingSize || len(keys) > MaxRingSize {
		return nil, fmt.Errorf("%w: %d members, want %d to %d", ErrRingSize, len(keys), MinRingSize, MaxRingSize)
	}
	r := &Ring{keys: make([]*ecdsa.PublicKey, len(keys)), points: make([]secp256k1.JacobianPoint, len(keys))}
	seen := make(map[string]int, len(keys))
	h := sha256.New()
	h.Write([]byte(ringDomain))
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(keys)))
	h.Write(n[:])
	for i, k := range keys {
		if k == nil {
			return nil, fmt.Errorf("%w: member %d is nil", ErrRingMember, i)
		}
		// An uncompressed round trip hands over the affine point without
		// a second square root. Only a zero-value ecdsa.PublicKey, which
		// has no encoding, fails here.
		p, err := secp256k1.ParsePubKey(k.UncompressedBytes())
		if err != nil {
			return nil, fmt.Errorf("%w: member %d is not a valid key (the zero value of ecdsa.PublicKey)", ErrRingMember, i)
		}
		b := k.Bytes()
		if j, dup := seen[string(b)]; dup {
			return nil, fmt.Errorf("%w: members %d and %d are the same key", ErrDuplicateMember, j, i)
		}
		seen[string(b)] = i
		h.Write(b)
		r.keys[i] = k
		p.AsJacobian(&r.points[i])
	}
	h.Sum(r.digest[:0])
	return r, nil
}

// ParseRing decodes the concatenation of N 33-byte compressed keys, with the
// same checks as NewRing.
func ParseRing(b []byte) (*Ring, error) {
	if len(b)%ecdsa.PublicKeySize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of keys", ErrRingMember, len(b))
	}
	n := len(b) / ecdsa.PublicKeySize
	if n < MinRingSize || n > MaxRingSize {
		return nil, fmt.Errorf("%w: %d members, want %d to %d", ErrRingSize, n, MinRingSize, MaxRingSize)
	}
	keys := make([]*ecdsa.PublicKey, n)
	for i := range keys {
		k, err := ecdsa.ParsePublicKey(b[i*ecdsa.PublicKeySize : (i+1)*ecdsa.PublicKeySize])
		if err != nil {
			return nil, fmt.Errorf("%w: member %d: %w", ErrRingMember, i, err)
		}
		keys[i] = k
	}
	return NewRing(keys)
}

// Bytes returns the concatenated compressed keys; nil for a nil Ring and
// the zero value.
func (r *Ring) Bytes() []byte {
	if r.check() != nil {
		return nil
	}
	out := make([]byte, 0, len(r.keys)*ecdsa.PublicKeySize)
	for _, k := range r.keys {
		out = append(out, k.Bytes()...)
	}
	return out
}

// Len returns the number of members; 0 for a nil Ring and the zero value.
func (r *Ring) Len() int {
	if r.check() != nil {
		return 0
	}
	return len(r.keys)
}

// Key returns member i, or nil when i is not in [0, Len()).
func (r *Ring) Key(i int) *ecdsa.PublicKey {
	if i < 0 || i >= r.Len() {
		return nil
	}
	return r.keys[i]
}

// Index returns the position of key in the ring, or −1 (also for a nil or
// zero-value key, which no member equals).
func (r *Ring) Index(key *ecdsa.PublicKey) int {
	for i := range r.Len() {
		if r.keys[i].Equal(key) {
			return i
		}
	}
	return -1
}

// Digest returns D = SHA256("CBETS-LSAG-v1/ring" ‖ u32be(N) ‖ pk_0 ‖ … ‖
// pk_{N−1}); 32 zero bytes for a nil Ring and the zero value.
func (r *Ring) Digest() [32]byte {
	if r.check() != nil {
		return [32]byte{}
	}
	return r.digest
}
