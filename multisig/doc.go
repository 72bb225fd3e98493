// Package multisig implements the 2-of-2 consumption signature of the CB-ETS
// paper (eq. 19–22, SPEC section 5): the holder of a ticket signs the
// invalidation message with the inverse-s signature ω of package ecdsa, and
// the merchant completes it into Σ = ω ‖ σ2.
//
// Complete (the merchant) first verifies ω under the holder's key (eq. 18),
// then draws its own nonce d3 (eq. 19, an RFC 6979 nonce under the tag
// "CBETS/MRCHNT/256", or "CBETS/MRCHNT/SH1" in the paper profile), computes
// a_m = x(d3·G) mod n and t = b_m⁻¹ with b_m = d3⁻¹(e + k'·a_m) (eq. 20–21),
// low-s normalised, and sets s_m = s_u + t (eq. 22). Σ is
// a_u ‖ s_u ‖ a_m ‖ s_m, 128 bytes.
//
// Verify accepts Σ iff ω verifies under the holder's key and
// (a_m, s_m − s_u) verifies as an inverse-s signature under the merchant's
// key. Neither party can produce Σ alone: σ2 without the holder's ω proves
// nothing, and no one without the merchant's key can finish it.
//
// The merchant's half signs msg, not ω: t = s_m − s_u is public, so σ2 can
// be carried onto any other valid ω of the same msg (s_m' = s_u' + t). It
// therefore binds the holder only through msg, and msg must name the holder
// and the ticket: package ticket's consumption request does (it carries
// the holder's certificate, the ticket and the hash of its latest record).
//
// This is a pair of signatures bound together, not a threshold signature: Σ
// is as long as two signatures and verifying it costs two verifications.
// Nor can it be verified in a batch: each half is an inverse-s signature,
// which carries x(R) mod n rather than R (see ecdsa.VerifyRBoundBatch).
// For a compact 2-of-2 (one aggregate key, one signature), use MuSig2 over
// BIP-340 Schnorr.
//
// Timing: as in package ecdsa, nonce inversion and d3·G are variable time;
// verification handles public data only.
package multisig
