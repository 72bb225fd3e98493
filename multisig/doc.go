// Package multisig implements the 2-of-2 consumption signature of the CB-ETS
// paper (eq. 19–22, SPEC section 5): the holder of a ticket signs the
// invalidation message msg with the inverse-s signature ω of package ecdsa,
// and the merchant completes it into Σ = ω ‖ σ2.
//
// # Construction
//
// Complete (the merchant) first verifies ω = (a_u, s_u) under the holder's
// key pk_u (eq. 18), and refuses pk_u when it is the merchant's own key
// pk_m. It then signs, with the inverse-s scheme of SPEC section 4, not msg
// but the binding message
//
//	B = "CBETS/2OF2/v1" ‖ pk_u ‖ pk_m ‖ ω ‖ msg
//
// (13 ASCII bytes without a length prefix, the two 33-byte compressed keys,
// the 64 bytes a_u ‖ s_u, then msg): it draws d3 (eq. 19) as the RFC 6979
// nonce of SHA256(B) under the tag "CBETS/MRCHNT/256", or "CBETS/MRCHNT/SH1"
// in the paper profile, computes a_m = x(d3·G) mod n (eq. 20),
// b_m = d3⁻¹(e_m + k'·a_m) with e_m = bits2int(H(B)) mod n (eq. 21) and
// t = b_m⁻¹, low-s normalised, and sets s_m = s_u + t (eq. 22). Σ is
// a_u ‖ s_u ‖ a_m ‖ s_m, 128 bytes.
//
// Verify accepts Σ iff pk_u and pk_m are valid and distinct keys, ω
// verifies under pk_u on msg, and (a_m, s_m − s_u) verifies under pk_m on
// the B built from these very pk_u, pk_m, ω and msg.
//
// # What Σ proves
//
// Σ proves that the holder of pk_u signed msg and that the holder of pk_m
// approved exactly that ω of that holder on that msg, in those roles.
// Neither party can produce Σ alone: σ2 without the holder's ω proves
// nothing, and no one without the merchant's key can finish it. A completed
// Σ cannot be transplanted onto another ω (of another holder, or a second ω
// of the same holder on the same msg), onto another pair of keys (an ECDSA
// signature also verifies under a second, recoverable key; B names the
// keys, so Σ does not), or onto the keys with their roles swapped.
//
// It does not hide anything: t = s_m − s_u is public, and (a_m, t) is the
// merchant's ordinary inverse-s signature on B, which anyone can extract.
// Σ is not unique per consumption: a second ω, or a hedged merchant nonce,
// gives another valid Σ, so Σ is no identifier. A merchant key that also
// signs, with SignInverseS, messages that begin with "CBETS/2OF2/v1" would
// approve consumptions with them: keep merchant keys to Complete, or keep
// other messages out of that prefix (package ticket's messages, which open
// with a length, are).
//
// # Departure from the paper
//
// In eq. 21 the merchant signs m_3, the message itself, so t is the
// merchant's standalone signature on msg, and the addition of eq. 22 hides
// nothing from a verifier: anyone who sees one Σ computes t, then completes
// any other holder's ω on the same msg into a valid Σ without the merchant's
// key (s_m' = s_u' + t), or swaps the halves so that Σ verifies with the
// holder as merchant and the merchant as holder. Signing B instead of msg
// closes both, and follows the paper's Algorithm 2 (step 6), whose
// MerchantSign input includes the holder's key pk_b and ω. Σ keeps the
// paper's shape and 128-byte layout.
//
// This is a pair of signatures bound together, not a threshold signature: Σ
// is as long as two signatures and verifying it costs two verifications.
// Nor can it be verified in a batch: each half is an inverse-s signature,
// which carries x(R) mod n rather than R (see ecdsa.VerifyRBoundBatch).
// For a compact 2-of-2 (one aggregate key, one signature), use MuSig2 over
// BIP-340 Schnorr.
//
// Nil pointers and zero values never make a function or method panic: the
// verifiers refuse them with an error, the methods return nil. The one
// panic is Complete with a merchant key that is the zero value or was wiped
// by Zero, a programming error.
//
// Timing: as in package ecdsa, Complete's d3·G (a blinded fixed-base comb)
// and its inversions (safegcd) are constant time in the merchant's key and
// nonce; verification handles public data only, in variable time.
package multisig
