// Package ecdsa implements the keys, wallet addresses and the two ECDSA
// variants of the CB-ETS paper on secp256k1, as pinned down by the cbets
// specification (SPEC sections 1–4).
//
// # Keys and addresses (paper eq. 1, SPEC section 1)
//
// A PrivateKey is a scalar k in [1, n−1]; its PublicKey is kG. Keys parse
// strictly: ParsePrivateKey rejects 0 and values ≥ n instead of reducing
// them, and ParsePublicKey accepts only the compressed (0x02/0x03) and
// uncompressed (0x04) SEC1 forms of a point on the curve. Bytes returns the
// 32-byte scalar or the 33-byte compressed point.
//
// An Address (the paper's WID, MID and addr_m) is
// base58check(version ‖ RIPEMD160(SHA256(pk33))), the same bytes as a
// Bitcoin P2PKH address under DefaultAddressVersion. ParseAddress tells a bad
// alphabet, a wrong length, a bad checksum and a wrong version apart
// (ErrAddressEncoding, ErrAddressLength, ErrAddressChecksum, ErrAddressVersion).
//
// # R-bound ECDSA: UserSign and MerchantSign (paper eq. 2–10, SPEC section 3)
//
// SignRBound is the paper's UserSign (eq. 2–6) and, under the merchant's key,
// MerchantSign (eq. 9): R = dG, r = x(R) mod n, e = H(msg ‖ x(R) ‖ y(R)),
// s = d⁻¹(e + r·k). The paper prints the signature as (s, d), which would
// reveal the key; the signature here is compressed(R) ‖ s (65 bytes).
// VerifyRBound (eq. 7, 10) recomputes uG + v·pk and compares the whole point
// with R, where the paper compares only r; since e binds y(R), (R, s) and
// (−R, −s) are not both valid, so the signature is not malleable.
//
// # Inverse-s ECDSA: the consumption signature ω (paper eq. 11–18, SPEC section 4)
//
// SignInverseS computes a = x(dG) mod n, e = H(msg), b = d⁻¹(e + k·a) and
// publishes ω = a ‖ s with s = b⁻¹ (eq. 11–13), normalised to low s.
// VerifyInverseS computes u' = e·s, v' = a·s (eq. 14), P = u'G + v'·pk
// (eq. 15) and accepts iff x(P) mod n = a (eq. 16–17). (a, s⁻¹) is a standard
// ECDSA signature over e, which the tests check against decred's verifier and
// the Wycheproof vectors. The paper signs m2 and verifies Hash(m3) with
// m3 = {m2, t2} (eq. 18): here the holder signs the encoding of (m2, t2) and
// the merchant verifies that same message. Package multisig completes ω into
// the 2-of-2 signature of eq. 19–22.
//
// The paper's equations and names map to this package as follows:
//
//   - eq. 1 (k, pk = kG): [GenerateKey], [ParsePrivateKey], [PrivateKey.PublicKey]
//   - WID, MID, addr_m: [PublicKey.Address], [ParseAddress]
//   - eq. 2–6, UserSign: [SignRBound]
//   - eq. 7–8, verification of UserSign: [VerifyRBound], [VerifyRBoundBatch]
//   - eq. 9–10, MerchantSign and its verification: [SignRBound], [VerifyRBound]
//     (under the merchant's key)
//   - eq. 11–13, ω: [SignInverseS]
//   - eq. 14–18, verification of ω: [VerifyInverseS]
//
// # Nil and zero values
//
// Keys and signatures come only from the parsers, [GenerateKey] and the
// signers. The verifiers refuse a nil or zero-value [*PublicKey] with
// [ErrInvalidPublicKey], and then a nil or zero-value signature with
// [ErrMalformedSignature], before any arithmetic: read as a point, the zero
// value would be the point at infinity, under which anyone can sign.
// [VerifyRBoundBatch] makes the same checks per item and reports exactly the
// items [VerifyRBound] refuses; it merges the terms of the signatures under
// one key into one term of its multi-scalar product, and spreads a large
// batch over up to GOMAXPROCS goroutines, which end before it returns. The
// methods of every type accept nil and
// zero-value receivers and arguments and return empty results for them
// (nil slices, the zero [Address]). The signers return an error wrapping
// [ErrInvalidPrivateKey] for a nil key, and panic, naming the signer, for a
// zero-value key or one wiped by [PrivateKey.Zero]: signing with a wiped
// key is a programming error. So is an unknown [Profile], on which every
// function that takes one panics.
//
// # Hash profiles
//
// H is SHA-256 (Profile SHA256, the default). PaperSHA1 uses SHA-1 as the
// paper does and exists only to reproduce it. The verifier names the profile;
// a signature does not carry it.
//
// # Nonces
//
// The paper draws nonces at random. Here every nonce is RFC 6979
// (HMAC-SHA256, byte for byte decred's NonceRFC6979) over the key and
// SHA256(msg), with a 16-byte version tag per scheme and per profile ("CBETS/RBOUND/256",
// "CBETS/RBOUND/SH1", "CBETS/INVRSS/256",
// "CBETS/INVRSS/SH1"; package multisig and package ringsig have their own),
// so one key signing one message under two schemes or two profiles never
// reuses a nonce. SPEC section 2 asks for a tag per scheme; the tag per
// profile is added because the nonce input is SHA256(msg) under both
// profiles. SignOptions.Rand hedges the nonce with 32 fresh bytes (RFC 6979
// section 3.6); it is off by default so that known-answer vectors reproduce.
//
// # Constant time
//
// Signing and key generation are constant time in the secret key and the
// nonce: the multiplications dG and kG use a blinded fixed-base comb with
// masked table lookups, the inversions of the nonce (R-bound) and of
// e + k·a (inverse-s) and the affine conversion of dG use safegcd, and the
// other scalar arithmetic is decred's constant-time ModNScalar (details in
// package internal/ecc). Verification and parsing handle only public data
// and are variable time: VerifyRBound inverts s by the variable-time
// safegcd and, since the signature carries R, checks uG + v·pk = R with
// half-size multipliers from a Euclidean reduction (ecc.IsMulAddEqual);
// VerifyInverseS and the batch use Strauss's and Pippenger's methods.
// Secret scalars are zeroed after use where Go allows; PrivateKey.Zero
// wipes a key. Copies the runtime makes are out of reach: zeroing is best
// effort.
//
// # What this is not
//
// These schemes exist to implement CB-ETS and interoperate with its other
// implementations. For new protocols that need a signature, use Ed25519
// (crypto/ed25519) or BIP-340 Schnorr (decred's schnorr package); for
// standard ECDSA on secp256k1, use decred's ecdsa package.
package ecdsa
