/* Register frames: the kernel's saved user state and the frame pushed for a page-fault upcall. */
#ifndef INC_TRAP_H
#define INC_TRAP_H

/* Byte offset of register xN in struct PushRegs (x0 is not stored). */
#define REG_OFF(n)	(((n) - 1) * 8)
#define PUSHREGS_SIZE	(31 * 8)

/* struct Trapframe offsets, for assembly. */
#define TF_EPC		PUSHREGS_SIZE
#define TF_CAUSE	(TF_EPC + 8)
#define TF_TVAL		(TF_EPC + 16)
#define TF_TRACE_A0	(TF_EPC + 24)
#define TF_SIZE		(TF_EPC + 32)	/* padded to keep 16-byte alignment */

/* struct UTrapframe offsets, for lib/pfentry.S. */
#define UTF_FAULT_VA	0
#define UTF_CAUSE	8
#define UTF_PRESENT	16
#define UTF_DEPTH	24
#define UTF_REGS	32
#define UTF_EPC		(UTF_REGS + PUSHREGS_SIZE)
#define UTF_SIZE	(UTF_EPC + 8)
/* Bytes left free between nested upcall frames on the exception stack. */
#define UTF_GAP		16

#ifndef __ASSEMBLER__
#include <inc/types.h>

/* x1..x31 by ABI name, in register-number order. */
struct PushRegs {
	uint64_t ra, sp, gp, tp;
	uint64_t t0, t1, t2;
	uint64_t s0, s1;
	uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
	uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
	uint64_t t3, t4, t5, t6;
};

struct Trapframe {
	struct PushRegs tf_regs;
	uint64_t tf_epc;	/* user pc: sepc at the trap */
	uint64_t tf_cause;	/* scause of the last trap */
	uint64_t tf_tval;	/* stval of the last fault */
	uint64_t tf_trace_a0;	/* +trace: a0 at the trap, which a system call's result replaces */
};

/* utf_cause values: which kind of access faulted. */
#define FAULT_EXEC	12	/* instruction fetch (scause 12) */
#define FAULT_LOAD	13	/* load (scause 13) */
#define FAULT_STORE	15	/* store or AMO (scause 15) */

/* Pushed on the user exception stack by the kernel for a page-fault upcall. */
struct UTrapframe {
	uint64_t utf_fault_va;	/* stval: the address that faulted */
	uint64_t utf_cause;	/* FAULT_EXEC, FAULT_LOAD or FAULT_STORE */
	uint64_t utf_present;	/* 1 if a valid PTE maps the page (protection fault) */
	uint64_t utf_depth;	/* 1 for a fault in normal code, 2+ when nested in a handler */
	struct PushRegs utf_regs;	/* every register at the fault */
	uint64_t utf_epc;	/* pc of the faulting instruction */
};

_Static_assert(sizeof(struct PushRegs) == PUSHREGS_SIZE, "PushRegs layout");
_Static_assert(sizeof(struct Trapframe) == TF_SIZE, "Trapframe layout");
_Static_assert(sizeof(struct UTrapframe) == UTF_SIZE, "UTrapframe layout");
_Static_assert(UTF_SIZE % 16 == 0, "upcall frames keep sp 16-byte aligned");
#endif

#endif
