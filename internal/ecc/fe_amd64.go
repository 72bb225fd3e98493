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
