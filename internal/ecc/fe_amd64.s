//go:build amd64 && !purego

#include "textflag.h"

// Field multiplication and squaring modulo p = 2^256 − 2^32 − 977 with the
// BMI2 and ADX instructions: MULX multiplies without touching the flags,
// so the low and high halves of a row's products accumulate in two
// independent carry chains, ADCX (carry flag) and ADOX (overflow flag).
// The 512-bit product t0…t7 is held in R8…R15 and reduced as fe.go's
// feMulGeneric does: 2^256 ≡ C = 2^32 + 977 folds t4…t7 onto t0…t3, the
// top word that results (below 2^35) is folded once more, and a final
// carry adds C to the low limbs. Results are weakly reduced (below 2^256,
// congruent to the product). No branch, no memory access depends on the
// values.

// REDUCE folds R12…R15 onto R8…R11 and stores R8…R11 at (DI).
// It uses AX, BX, CX and DX.
#define REDUCE \
	MOVQ  $0x1000003D1, DX \
	XORQ  CX, CX \
	MULXQ R12, AX, BX \
	ADCXQ AX, R8 \
	ADOXQ BX, R9 \
	MULXQ R13, AX, BX \
	ADCXQ AX, R9 \
	ADOXQ BX, R10 \
	MULXQ R14, AX, BX \
	ADCXQ AX, R10 \
	ADOXQ BX, R11 \
	MULXQ R15, AX, R12 \
	ADCXQ AX, R11 \
	ADOXQ CX, R12 \
	ADCXQ CX, R12 \
	MULXQ R12, AX, BX \
	ADDQ  AX, R8 \
	ADCQ  BX, R9 \
	ADCQ  $0, R10 \
	ADCQ  $0, R11 \
	SBBQ  AX, AX \
	ANDQ  DX, AX \
	ADDQ  AX, R8 \
	ADCQ  $0, R9 \
	MOVQ  R8, 0(DI) \
	MOVQ  R9, 8(DI) \
	MOVQ  R10, 16(DI) \
	MOVQ  R11, 24(DI)

// ROW adds x_i·y (x_i in DX) into the five limbs t_i … t_i+4, where t_i+4
// is zero on entry; XORQ zeroes it and clears CF and OF.
#define ROW(t0, t1, t2, t3, t4) \
	XORQ  t4, t4 \
	MULXQ 0(CX), AX, BX \
	ADCXQ AX, t0 \
	ADOXQ BX, t1 \
	MULXQ 8(CX), AX, BX \
	ADCXQ AX, t1 \
	ADOXQ BX, t2 \
	MULXQ 16(CX), AX, BX \
	ADCXQ AX, t2 \
	ADOXQ BX, t3 \
	MULXQ 24(CX), AX, BX \
	ADCXQ AX, t3 \
	ADOXQ BX, t4 \
	ADCQ  $0, t4

// func feMul(z, x, y *fe)
TEXT ·feMul(SB), NOSPLIT, $0-24
	CMPB ·useADX(SB), $0
	JEQ  generic
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), CX

	// t0…t4 = x0·y
	MOVQ  0(SI), DX
	MULXQ 0(CX), R8, R9
	MULXQ 8(CX), AX, R10
	ADDQ  AX, R9
	MULXQ 16(CX), AX, R11
	ADCQ  AX, R10
	MULXQ 24(CX), AX, R12
	ADCQ  AX, R11
	ADCQ  $0, R12

	MOVQ 8(SI), DX
	ROW(R9, R10, R11, R12, R13)
	MOVQ 16(SI), DX
	ROW(R10, R11, R12, R13, R14)
	MOVQ 24(SI), DX
	ROW(R11, R12, R13, R14, R15)

	MOVQ z+0(FP), DI
	REDUCE
	RET

generic:
	JMP ·feMulGeneric(SB)

// func feSqr(z, x *fe)
TEXT ·feSqr(SB), NOSPLIT, $0-16
	CMPB ·useADX(SB), $0
	JEQ  generic
	MOVQ x+8(FP), SI

	// The products x_i·x_j with i < j, in t1…t6.
	MOVQ  0(SI), DX
	MULXQ 8(SI), R9, R10
	MULXQ 16(SI), AX, R11
	ADDQ  AX, R10
	MULXQ 24(SI), AX, R12
	ADCQ  AX, R11
	ADCQ  $0, R12

	MOVQ  8(SI), DX
	XORQ  R13, R13
	MULXQ 16(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ BX, R12
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R12
	ADOXQ BX, R13
	ADCQ  $0, R13

	MOVQ  16(SI), DX
	MULXQ 24(SI), AX, R14
	ADDQ  AX, R13
	ADCQ  $0, R14

	// Doubled, into t1…t7.
	XORQ R15, R15
	ADDQ R9, R9
	ADCQ R10, R10
	ADCQ R11, R11
	ADCQ R12, R12
	ADCQ R13, R13
	ADCQ R14, R14
	ADCQ $0, R15

	// Plus the squares x_i².
	MOVQ  0(SI), DX
	MULXQ DX, R8, AX
	MOVQ  8(SI), DX
	MULXQ DX, BX, CX
	ADDQ  AX, R9
	ADCQ  BX, R10
	ADCQ  CX, R11
	MOVQ  16(SI), DX
	MULXQ DX, AX, BX
	ADCQ  AX, R12
	ADCQ  BX, R13
	MOVQ  24(SI), DX
	MULXQ DX, AX, BX
	ADCQ  AX, R14
	ADCQ  BX, R15

	MOVQ z+0(FP), DI
	REDUCE
	RET

generic:
	JMP ·feSqrGeneric(SB)
