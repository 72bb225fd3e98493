package ticket

import "github.com/cbets/cbets/ecdsa"

// Hooks into the signature cache for the tests of package ticket_test.

// CacheHoldsRBound reports whether c holds the R-bound signature sig by
// pub on msg.
func CacheHoldsRBound(c *SignatureCache, pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.RBoundSignature) bool {
	return c.has(rboundKey(pub, msg, sig))
}

// CacheKey is the entry of a signature under scheme: parts are the keys,
// the message and the signature.
func CacheKey(scheme string, parts ...[]byte) [32]byte { return key(scheme, parts...) }

// The schemes of the cache's entries.
const (
	SchemeRBound   = schemeRBound
	SchemeInverseS = schemeInverseS
	SchemeTwoOfTwo = schemeTwoOfTwo
)
