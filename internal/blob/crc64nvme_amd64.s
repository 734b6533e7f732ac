//go:build !purego

#include "textflag.h"

// func cpuHasCLMUL() bool
TEXT ·cpuHasCLMUL(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	SHRL $1, CX
	ANDL $1, CX
	MOVB CX, ret+0(FP)
	RET

// FOLD carries lane L ahead by the distance of the constants in K and adds
// the 16 bytes in D: L = clmul(L.lo, K.lo) ^ clmul(L.hi, K.hi) ^ D.
// T is clobbered.
#define FOLD(L, K, T, D) \
	MOVOU     L, T;      \
	PCLMULQDQ $0x00, K, L; \
	PCLMULQDQ $0x11, K, T; \
	PXOR      T, L;      \
	PXOR      D, L

// func foldCLMUL(reg uint64, p []byte, k *[4]uint64) (lo, hi uint64)
TEXT ·foldCLMUL(SB), NOSPLIT, $0-56
	MOVQ reg+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), CX
	MOVQ k+32(FP), DX

	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	MOVQ  AX, X4
	PXOR  X4, X0
	ADDQ  $64, SI
	SUBQ  $64, CX
	MOVOU 0(DX), X5

loop:
	CMPQ  CX, $64
	JB    merge
	MOVOU 0(SI), X8
	MOVOU 16(SI), X9
	MOVOU 32(SI), X10
	MOVOU 48(SI), X11
	FOLD(X0, X5, X6, X8)
	FOLD(X1, X5, X7, X9)
	FOLD(X2, X5, X12, X10)
	FOLD(X3, X5, X13, X11)
	ADDQ  $64, SI
	SUBQ  $64, CX
	JMP   loop

merge:
	MOVOU 16(DX), X5
	FOLD(X0, X5, X6, X1)
	FOLD(X0, X5, X6, X2)
	FOLD(X0, X5, X6, X3)
	MOVQ   X0, AX
	MOVQ   AX, lo+40(FP)
	PSHUFD $0xee, X0, X0
	MOVQ   X0, AX
	MOVQ   AX, hi+48(FP)
	RET
