//go:build !amd64 || purego

package ecc

// feMul sets z = x·y.
func feMul(z, x, y *fe) { feMulGeneric(z, x, y) }

// feSqr sets z = x².
func feSqr(z, x *fe) { feSqrGeneric(z, x) }
