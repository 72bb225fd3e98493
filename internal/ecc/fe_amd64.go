//go:build amd64 && !purego

package ecc

import "golang.org/x/sys/cpu"

// useADX selects the assembly of fe_amd64.s, which needs the BMI2 (MULX)
// and ADX (ADCX, ADOX) instructions; without them feMul and feSqr jump to
// the pure-Go code. It is set once, from the processor's features, and
// never changes.
var useADX = cpu.X86.HasBMI2 && cpu.X86.HasADX

// feMul sets z = x·y.
//
//go:noescape
func feMul(z, x, y *fe)

// feSqr sets z = x².
//
//go:noescape
func feSqr(z, x *fe)

// jacDouble sets the coordinates of p to those of 2q for a q that is not
// infinity, as jacDoubleGeneric; p and q may be the same point.
//
//go:noescape
func jacDouble(p, q *jac)

// jacDoubleADX is jacDouble with BMI2 and ADX, which the dispatcher jumps to.
//
//lint:ignore U1000 reached from assembly only
//go:noescape
func jacDoubleADX(p, q *jac)

// jacAddTail finishes an addition as jacAddTailGeneric.
//
//go:noescape
func jacAddTail(p, q *jac, h, r, z *fe)

// jacAddTailADX is jacAddTail with BMI2 and ADX, which the dispatcher jumps to.
//
//lint:ignore U1000 reached from assembly only
//go:noescape
func jacAddTailADX(p, q *jac, h, r, z *fe)

// jacAddPrefix starts an addition as jacAddPrefixGeneric.
//
//go:noescape
func jacAddPrefix(h, r *fe, q *jac, x, y, z *fe)

// jacAddPrefixADX is jacAddPrefix with BMI2 and ADX, which the dispatcher jumps to.
//
//lint:ignore U1000 reached from assembly only
//go:noescape
func jacAddPrefixADX(h, r *fe, q *jac, x, y, z *fe)

// affAddInv adds two affine points as affAddInvGeneric.
//
//go:noescape
func affAddInv(r, p, q *aff, inv *fe)

// affAddInvADX is affAddInv with BMI2 and ADX, which the dispatcher jumps to.
//
//lint:ignore U1000 reached from assembly only
//go:noescape
func affAddInvADX(r, p, q *aff, inv *fe)

// jacAddFullPrefix starts a Jacobian addition as jacAddFullPrefixGeneric.
//
//go:noescape
func jacAddFullPrefix(t *jac, h, rr, z *fe, q, r *jac)

// jacAddFullPrefixADX is jacAddFullPrefix with BMI2 and ADX, which the dispatcher jumps to.
//
//lint:ignore U1000 reached from assembly only
//go:noescape
func jacAddFullPrefixADX(t *jac, h, rr, z *fe, q, r *jac)
