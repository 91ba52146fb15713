/* RISC-V control and status registers, and the few instructions C cannot say. */
#ifndef INC_RISCV_H
#define INC_RISCV_H

#include <inc/mmu.h>

#define SSTATUS_SIE	(_UL(1) << 1)	/* supervisor interrupts enabled */
#define SSTATUS_SPIE	(_UL(1) << 5)	/* SIE before the trap */
#define SSTATUS_SPP	(_UL(1) << 8)	/* previous mode: 1 = supervisor */
#define SSTATUS_FS	(_UL(3) << 13)	/* FPU state; kept off */
#define SSTATUS_SUM	(_UL(1) << 18)	/* supervisor may touch user pages */

#define SIE_SSIE	(_UL(1) << 1)
#define SIP_SSIP	(_UL(1) << 1)	/* a pending IPI (SBI send_ipi); S-mode clears it */
#define SIE_STIE	(_UL(1) << 5)
#define SIE_SEIE	(_UL(1) << 9)

#define SCAUSE_INTR	(_UL(1) << 63)
/* Exception codes in scause. */
#define CAUSE_MISALIGNED_FETCH	0
#define CAUSE_FETCH_ACCESS	1
#define CAUSE_ILLEGAL_INSN	2
#define CAUSE_BREAKPOINT	3
#define CAUSE_MISALIGNED_LOAD	4
#define CAUSE_LOAD_ACCESS	5
#define CAUSE_MISALIGNED_STORE	6
#define CAUSE_STORE_ACCESS	7
#define CAUSE_USER_ECALL	8
#define CAUSE_FETCH_PAGE_FAULT	12
#define CAUSE_LOAD_PAGE_FAULT	13
#define CAUSE_STORE_PAGE_FAULT	15
/* Interrupt codes (scause with SCAUSE_INTR set). */
#define IRQ_S_SOFT	1
#define IRQ_S_TIMER	5
#define IRQ_S_EXT	9

#define SATP_SV39	(_UL(8) << 60)
#define MAKE_SATP(pa)	(SATP_SV39 | ((uint64_t)(pa) >> 12))

#ifndef __ASSEMBLER__
#include <inc/types.h>

#define csr_read(csr) ({ uint64_t __v; \
	__asm__ volatile("csrr %0, " #csr : "=r"(__v)); __v; })
#define csr_write(csr, val) \
	__asm__ volatile("csrw " #csr ", %0" :: "rK"((uint64_t)(val)))
#define csr_set(csr, bits) \
	__asm__ volatile("csrs " #csr ", %0" :: "rK"((uint64_t)(bits)))
#define csr_clear(csr, bits) \
	__asm__ volatile("csrc " #csr ", %0" :: "rK"((uint64_t)(bits)))

static inline void sfence_vma(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void sfence_vma_addr(uint64_t va)
{
	__asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory");
}
static inline uint64_t read_fp(void)
{
	uint64_t fp;
	__asm__ volatile("mv %0, s0" : "=r"(fp));
	return fp;
}
static inline uint64_t rdinstret(void)
{
	uint64_t v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}
static inline uint64_t rdtime(void)
{
	uint64_t v;
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}
/* Make this hart's instruction fetches see earlier stores (code just written or copied). */
static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi"); }
#endif

#endif
