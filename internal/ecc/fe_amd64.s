//go:build amd64 && !purego

#include "textflag.h"
#include "fe_amd64.h"

// GENERIC_UNLESS_ADX jumps to generic, the function's pure-Go code, on a
// processor without BMI2 and ADX. It starts a frameless function, so the
// jump leaves the arguments in place for generic.
#define GENERIC_UNLESS_ADX(generic) \
	CMPB ·useADX(SB), $0 \
	JNE  2(PC) \
	JMP  generic

// The field multiplication and squaring, with BMI2 and ADX (fe_amd64.h);
// on a processor without them, feMul and feSqr jump to the pure-Go code.

// func feMul(z, x, y *fe)
TEXT ·feMul(SB), NOSPLIT, $0-24
	GENERIC_UNLESS_ADX(·feMulGeneric(SB))
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	FE_MUL(0, SI, 0, DI)
	MOVQ z+0(FP), DI
	FE_STORE(0, DI)
	RET

// func feSqr(z, x *fe)
TEXT ·feSqr(SB), NOSPLIT, $0-16
	GENERIC_UNLESS_ADX(·feSqrGeneric(SB))
	MOVQ x+8(FP), SI
	FE_SQR(0, SI)
	MOVQ z+0(FP), DI
	FE_STORE(0, DI)
	RET

// func jacDouble(p, q *jac)
TEXT ·jacDouble(SB), NOSPLIT, $0-16
	GENERIC_UNLESS_ADX(·jacDoubleGeneric(SB))
	JMP ·jacDoubleADX(SB)

// func jacDoubleADX(p, q *jac)
//
// jacDoubleGeneric's formulas, operation for operation. The frame holds
// E = 3·A at 0, B at 32, 8·C at 64, D at 96 and 2·D at 128. q is read for
// the last time before Z3 is written, so p and q may be the same point.
TEXT ·jacDoubleADX(SB), NOSPLIT, $160-16
	MOVQ q+8(FP), DI
	MOVQ p+0(FP), SI
	FE_SQR(0, DI)          // A = X1²
	FE_MUL_SMALL(3)        // E = 3·A
	FE_STORE(0, SP)
	FE_SQR(32, DI)         // B = Y1²
	FE_STORE(32, SP)
	FE_SQR(32, SP)         // C = B²
	FE_MUL_SMALL(8)        // 8·C
	FE_STORE(64, SP)
	FE_MUL(0, DI, 32, SP)  // X1·B
	FE_MUL_SMALL(4)        // D = 4·X1·B
	FE_STORE(96, SP)
	FE_DOUBLE              // 2·D
	FE_STORE(128, SP)
	FE_MUL(32, DI, 64, DI) // Y1·Z1
	FE_DOUBLE              // Z3 = 2·Y1·Z1
	FE_STORE(64, SI)
	FE_SQR(0, SP)          // F = E²
	FE_SUB(128, SP)        // X3 = F − 2·D
	FE_STORE(0, SI)
	FE_LOAD(96, SP)
	FE_SUB(0, SI)          // D − X3
	FE_STORE(96, SP)
	FE_MUL(0, SP, 96, SP)  // E·(D − X3)
	FE_SUB(64, SP)         // Y3 = E·(D − X3) − 8·C
	FE_STORE(32, SI)
	RET

// func jacAddTail(p, q *jac, h, r, z *fe)
TEXT ·jacAddTail(SB), NOSPLIT, $0-40
	GENERIC_UNLESS_ADX(·jacAddTailGeneric(SB))
	JMP ·jacAddTailADX(SB)

// func jacAddTailADX(p, q *jac, h, r, z *fe)
//
// jacAddTailGeneric's formulas, operation for operation. The frame holds
// H² at 0, H³ at 32, V at 64 and Y1·H³ at 96. z (possibly &q.z, possibly
// &p.z) is read before Z3 is written, and q.x and q.y before X3 and Y3.
TEXT ·jacAddTailADX(SB), NOSPLIT, $128-40
	MOVQ h+16(FP), SI
	FE_SQR(0, SI)          // H²
	FE_STORE(0, SP)
	FE_MUL(0, SI, 0, SP)   // H³
	FE_STORE(32, SP)
	MOVQ q+8(FP), DI
	FE_MUL(0, DI, 0, SP)   // V = X1·H²
	FE_STORE(64, SP)
	MOVQ z+32(FP), DI
	FE_MUL(0, DI, 0, SI)   // Z3 = z·H
	MOVQ p+0(FP), SI
	FE_STORE(64, SI)
	MOVQ q+8(FP), DI
	FE_MUL(32, DI, 32, SP) // Y1·H³
	FE_STORE(96, SP)
	MOVQ r+24(FP), DI
	FE_SQR(0, DI)          // R²
	FE_SUB(32, SP)
	FE_SUB(64, SP)
	FE_SUB(64, SP)         // X3 = R² − H³ − 2·V
	FE_STORE(0, SI)
	FE_LOAD(64, SP)
	FE_SUB(0, SI)          // V − X3
	FE_STORE(64, SP)
	FE_MUL(64, SP, 0, DI)  // R·(V − X3)
	FE_SUB(96, SP)         // Y3 = R·(V − X3) − Y1·H³
	FE_STORE(32, SI)
	RET

// func jacAddPrefix(h, r *fe, q *jac, x, y, z *fe)
TEXT ·jacAddPrefix(SB), NOSPLIT, $0-48
	GENERIC_UNLESS_ADX(·jacAddPrefixGeneric(SB))
	JMP ·jacAddPrefixADX(SB)

// func jacAddPrefixADX(h, r *fe, q *jac, x, y, z *fe)
//
// jacAddPrefixGeneric's formulas, operation for operation. The frame holds
// z² at 0 and y·z at 32.
TEXT ·jacAddPrefixADX(SB), NOSPLIT, $64-48
	MOVQ z+40(FP), SI
	FE_SQR(0, SI)          // z²
	FE_STORE(0, SP)
	MOVQ y+32(FP), DI
	FE_MUL(0, DI, 0, SI)   // y·z
	FE_STORE(32, SP)
	FE_MUL(32, SP, 0, SP)  // S2 = y·z³
	MOVQ q+16(FP), DI
	FE_SUB(32, DI)         // R = S2 − Y1
	MOVQ r+8(FP), SI
	FE_STORE(0, SI)
	MOVQ x+24(FP), SI
	FE_MUL(0, SI, 0, SP)   // U2 = x·z²
	FE_SUB(0, DI)          // H = U2 − X1
	MOVQ h+0(FP), SI
	FE_STORE(0, SI)
	RET

// func affAddInv(r, p, q *aff, inv *fe)
TEXT ·affAddInv(SB), NOSPLIT, $0-32
	GENERIC_UNLESS_ADX(·affAddInvGeneric(SB))
	JMP ·affAddInvADX(SB)

// func affAddInvADX(r, p, q *aff, inv *fe)
//
// affAddInvGeneric's formulas, operation for operation. The frame holds λ
// at 0, x3 at 32 and x1 − x3 at 64; r is written last, so it may be p or q.
TEXT ·affAddInvADX(SB), NOSPLIT, $96-32
	MOVQ q+16(FP), SI
	MOVQ p+8(FP), DI
	FE_LOAD(32, SI)
	FE_SUB(32, DI)         // y2 − y1
	FE_STORE(0, SP)
	MOVQ inv+24(FP), SI
	FE_MUL(0, SP, 0, SI)   // λ = (y2 − y1)/(x2 − x1)
	FE_STORE(0, SP)
	FE_SQR(0, SP)
	FE_SUB(0, DI)
	MOVQ q+16(FP), SI
	FE_SUB(0, SI)          // x3 = λ² − x1 − x2
	FE_STORE(32, SP)
	FE_LOAD(0, DI)
	FE_SUB(32, SP)         // x1 − x3
	FE_STORE(64, SP)
	FE_MUL(0, SP, 64, SP)
	FE_SUB(32, DI)         // y3 = λ·(x1 − x3) − y1
	MOVQ r+0(FP), SI
	FE_STORE(32, SI)
	FE_LOAD(32, SP)
	FE_STORE(0, SI)
	RET

// func jacAddFullPrefix(t *jac, h, rr, z *fe, q, r *jac)
TEXT ·jacAddFullPrefix(SB), NOSPLIT, $0-48
	GENERIC_UNLESS_ADX(·jacAddFullPrefixGeneric(SB))
	JMP ·jacAddFullPrefixADX(SB)

// func jacAddFullPrefixADX(t *jac, h, rr, z *fe, q, r *jac)
//
// jacAddFullPrefixGeneric's formulas, operation for operation. The frame
// holds Z1² at 0 (then Y1·Z2), Z2² at 32, U2 at 64 and S2 at 96.
TEXT ·jacAddFullPrefixADX(SB), NOSPLIT, $128-48
	MOVQ q+32(FP), DI
	MOVQ r+40(FP), SI
	FE_SQR(64, DI)          // Z1²
	FE_STORE(0, SP)
	FE_SQR(64, SI)          // Z2²
	FE_STORE(32, SP)
	FE_MUL(0, SI, 0, SP)    // U2 = X2·Z1²
	FE_STORE(64, SP)
	FE_MUL(32, SI, 64, DI)  // Y2·Z1
	FE_STORE(96, SP)
	FE_MUL(96, SP, 0, SP)   // S2 = Y2·Z1³
	FE_STORE(96, SP)
	FE_MUL(64, DI, 64, SI)  // Z1·Z2
	MOVQ z+24(FP), SI
	FE_STORE(0, SI)
	MOVQ r+40(FP), SI
	FE_MUL(32, DI, 64, SI)  // Y1·Z2
	FE_STORE(0, SP)
	FE_MUL(0, SP, 32, SP)   // S1 = Y1·Z2³
	MOVQ t+0(FP), SI
	FE_STORE(32, SI)
	FE_LOAD(96, SP)
	FE_SUB(32, SI)          // R = S2 − S1
	MOVQ rr+16(FP), SI
	FE_STORE(0, SI)
	FE_MUL(0, DI, 32, SP)   // U1 = X1·Z2²
	MOVQ t+0(FP), SI
	FE_STORE(0, SI)
	FE_LOAD(64, SP)
	FE_SUB(0, SI)           // H = U2 − U1
	MOVQ h+8(FP), SI
	FE_STORE(0, SI)
	RET
