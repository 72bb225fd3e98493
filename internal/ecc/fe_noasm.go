//go:build !amd64 || purego

package ecc

// feMul sets z = x·y.
func feMul(z, x, y *fe) { feMulGeneric(z, x, y) }

// feSqr sets z = x².
func feSqr(z, x *fe) { feSqrGeneric(z, x) }

// jacDouble sets the coordinates of p to those of 2q for a q that is not
// infinity; p and q may be the same point.
func jacDouble(p, q *jac) { jacDoubleGeneric(p, q) }

// jacAddTail finishes an addition as jacAddTailGeneric.
func jacAddTail(p, q *jac, h, r, z *fe) { jacAddTailGeneric(p, q, h, r, z) }

// jacAddPrefix starts an addition as jacAddPrefixGeneric.
func jacAddPrefix(h, r *fe, q *jac, x, y, z *fe) { jacAddPrefixGeneric(h, r, q, x, y, z) }

// affAddInv adds two affine points as affAddInvGeneric.
func affAddInv(r, p, q *aff, inv *fe) { affAddInvGeneric(r, p, q, inv) }

// jacAddFullPrefix starts a Jacobian addition as jacAddFullPrefixGeneric.
func jacAddFullPrefix(t *jac, h, rr, z *fe, q, r *jac) { jacAddFullPrefixGeneric(t, h, rr, z, q, r) }
