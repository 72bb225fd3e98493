// Field arithmetic modulo p = 2^256 − 2^32 − 977 for the amd64 assembly,
// as macros on a value in R8…R11 (four little-endian limbs) and operands in
// memory, given as an offset and a base register. They need BMI2 and ADX.
// MULX multiplies without touching the flags, so the low and high halves
// of a row's products accumulate in two independent carry chains, ADCX
// (carry flag) and ADOX (overflow flag). Results are weakly reduced (below
// 2^256, congruent to the value), as fe.go's pure-Go functions return
// them; the macros compute the same limbs as those functions. No branch
// and no memory address depends on the values.

// FE_REDUCE folds the 512-bit R8…R15 to 256 bits in R8…R11: 2^256 ≡ C =
// 2^32 + 977 folds R12…R15 onto R8…R11, the top word that results (below
// C + 2 < 2^33) is folded once more, and a final carry adds C to the low
// limbs.
// It uses AX, BX, CX and DX, and leaves C in DX.
#define FE_REDUCE \
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
	ADCQ  $0, R9

// feRow adds x_i·y (x_i in DX, y at bo(bb)) into the five limbs t0…t4,
// where t4 is zero on entry; XORQ zeroes it and clears CF and OF.
#define feRow(bo, bb, t0, t1, t2, t3, t4) \
	XORQ  t4, t4 \
	MULXQ (bo)(bb), AX, BX \
	ADCXQ AX, t0 \
	ADOXQ BX, t1 \
	MULXQ (bo+8)(bb), AX, BX \
	ADCXQ AX, t1 \
	ADOXQ BX, t2 \
	MULXQ (bo+16)(bb), AX, BX \
	ADCXQ AX, t2 \
	ADOXQ BX, t3 \
	MULXQ (bo+24)(bb), AX, BX \
	ADCXQ AX, t3 \
	ADOXQ BX, t4 \
	ADCQ  $0, t4

// FE_MUL sets R8…R11 to x·y, x at xo(xb) and y at yo(yb). It uses AX, BX,
// CX, DX and R12…R15.
#define FE_MUL(xo, xb, yo, yb) \
	MOVQ  (xo)(xb), DX \
	MULXQ (yo)(yb), R8, R9 \
	MULXQ (yo+8)(yb), AX, R10 \
	ADDQ  AX, R9 \
	MULXQ (yo+16)(yb), AX, R11 \
	ADCQ  AX, R10 \
	MULXQ (yo+24)(yb), AX, R12 \
	ADCQ  AX, R11 \
	ADCQ  $0, R12 \
	MOVQ  (xo+8)(xb), DX \
	feRow(yo, yb, R9, R10, R11, R12, R13) \
	MOVQ  (xo+16)(xb), DX \
	feRow(yo, yb, R10, R11, R12, R13, R14) \
	MOVQ  (xo+24)(xb), DX \
	feRow(yo, yb, R11, R12, R13, R14, R15) \
	FE_REDUCE

// FE_SQR sets R8…R11 to x², x at xo(xb): the cross products x_i·x_j (i < j)
// once each, doubled, plus the squares. It uses AX, BX, CX, DX and R12…R15.
#define FE_SQR(xo, xb) \
	MOVQ  (xo)(xb), DX \
	MULXQ (xo+8)(xb), R9, R10 \
	MULXQ (xo+16)(xb), AX, R11 \
	ADDQ  AX, R10 \
	MULXQ (xo+24)(xb), AX, R12 \
	ADCQ  AX, R11 \
	ADCQ  $0, R12 \
	MOVQ  (xo+8)(xb), DX \
	XORQ  R13, R13 \
	MULXQ (xo+16)(xb), AX, BX \
	ADCXQ AX, R11 \
	ADOXQ BX, R12 \
	MULXQ (xo+24)(xb), AX, BX \
	ADCXQ AX, R12 \
	ADOXQ BX, R13 \
	ADCQ  $0, R13 \
	MOVQ  (xo+16)(xb), DX \
	MULXQ (xo+24)(xb), AX, R14 \
	ADDQ  AX, R13 \
	ADCQ  $0, R14 \
	XORQ  R15, R15 \
	ADDQ  R9, R9 \
	ADCQ  R10, R10 \
	ADCQ  R11, R11 \
	ADCQ  R12, R12 \
	ADCQ  R13, R13 \
	ADCQ  R14, R14 \
	ADCQ  $0, R15 \
	MOVQ  (xo)(xb), DX \
	MULXQ DX, R8, AX \
	MOVQ  (xo+8)(xb), DX \
	MULXQ DX, BX, CX \
	ADDQ  AX, R9 \
	ADCQ  BX, R10 \
	ADCQ  CX, R11 \
	MOVQ  (xo+16)(xb), DX \
	MULXQ DX, AX, BX \
	ADCQ  AX, R12 \
	ADCQ  BX, R13 \
	MOVQ  (xo+24)(xb), DX \
	MULXQ DX, AX, BX \
	ADCQ  AX, R14 \
	ADCQ  BX, R15 \
	FE_REDUCE

// FE_LOAD sets R8…R11 to the value at o(b).
#define FE_LOAD(o, b) \
	MOVQ (o)(b), R8 \
	MOVQ (o+8)(b), R9 \
	MOVQ (o+16)(b), R10 \
	MOVQ (o+24)(b), R11

// FE_STORE writes R8…R11 at o(b).
#define FE_STORE(o, b) \
	MOVQ R8, (o)(b) \
	MOVQ R9, (o+8)(b) \
	MOVQ R10, (o+16)(b) \
	MOVQ R11, (o+24)(b)

// feAddCarry finishes an addition whose carry out of 2^256 is in CF, as
// feAdd: C is added, and once more on a second carry, which leaves a value
// below C so that the last addition stays in R8. It uses AX and DX.
#define feAddCarry \
	SBBQ AX, AX \
	MOVQ $0x1000003D1, DX \
	ANDQ DX, AX \
	ADDQ AX, R8 \
	ADCQ $0, R9 \
	ADCQ $0, R10 \
	ADCQ $0, R11 \
	SBBQ AX, AX \
	ANDQ DX, AX \
	ADDQ AX, R8

// FE_ADD adds the value at o(b) to R8…R11. It uses AX and DX.
#define FE_ADD(o, b) \
	ADDQ (o)(b), R8 \
	ADCQ (o+8)(b), R9 \
	ADCQ (o+16)(b), R10 \
	ADCQ (o+24)(b), R11 \
	feAddCarry

// FE_DOUBLE doubles R8…R11. It uses AX and DX.
#define FE_DOUBLE \
	ADDQ R8, R8 \
	ADCQ R9, R9 \
	ADCQ R10, R10 \
	ADCQ R11, R11 \
	feAddCarry

// FE_SUB subtracts the value at o(b) from R8…R11, as feSub: a borrow
// takes C off (2^256 − C = p), once more on a second borrow, which leaves
// a value of at least 2^256 − C so that the last subtraction stays in R8.
// It uses AX and DX.
#define FE_SUB(o, b) \
	SUBQ (o)(b), R8 \
	SBBQ (o+8)(b), R9 \
	SBBQ (o+16)(b), R10 \
	SBBQ (o+24)(b), R11 \
	SBBQ AX, AX \
	MOVQ $0x1000003D1, DX \
	ANDQ DX, AX \
	SUBQ AX, R8 \
	SBBQ $0, R9 \
	SBBQ $0, R10 \
	SBBQ $0, R11 \
	SBBQ AX, AX \
	ANDQ DX, AX \
	SUBQ AX, R8

// FE_MUL_SMALL multiplies R8…R11 by a constant k < 2^29, as feMulSmall: the
// fifth limb h < k is folded as h·C, and a carry adds C once more. It uses
// AX, DX, R12 and R13.
#define FE_MUL_SMALL(k) \
	MOVQ  $k, DX \
	MULXQ R8, R8, R12 \
	MULXQ R9, R9, R13 \
	ADDQ  R12, R9 \
	MULXQ R10, R10, R12 \
	ADCQ  R13, R10 \
	MULXQ R11, R11, R13 \
	ADCQ  R12, R11 \
	ADCQ  $0, R13 \
	MOVQ  $0x1000003D1, DX \
	IMULQ DX, R13 \
	ADDQ  R13, R8 \
	ADCQ  $0, R9 \
	ADCQ  $0, R10 \
	ADCQ  $0, R11 \
	SBBQ  AX, AX \
	ANDQ  DX, AX \
	ADDQ  AX, R8
