/*
 * The big kernel lock (docs/design.md section 14): every entry from user mode
 * takes it (kern/trapentry.S has the same code), every return to user mode
 * (there too) and the idle wait release it. The lock
 * word holds the holder's struct cpu (tp; 0: free), so taking it costs no
 * load of an id, and the watchdog can name the holder, its environment and
 * the trap (cause and pc) it entered the kernel with, at no cost here.
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <inc/types.h>
#include <kern/cpu.h>
#include <inc/riscv.h>

struct spinlock {
	struct cpu *holder;	/* 0 free, else the holder's struct cpu */
	bool long_hold;		/* the holder waits for the console (kernel monitor): no watchdog */
};

extern struct spinlock kernel_lock;

#ifdef LOCKSTAT	/* make LOCKSTAT=1 (tools/bench-smp.sh): instructions with the lock held, on one hart */
extern uint64_t lockstat_held, lockstat_since, lockstat_first;
#define LOCKSTAT_TAKEN()	do { lockstat_since = csr_read(instret); \
				     if (!lockstat_first) lockstat_first = lockstat_since; } while (0)
#define LOCKSTAT_RELEASED()	(lockstat_held += csr_read(instret) - lockstat_since)
#else
#define LOCKSTAT_TAKEN()	((void)0)
#define LOCKSTAT_RELEASED()	((void)0)
#endif

void lock_kernel_slow(void);	/* kern/spinlock.c: wait with wfi, watchdog */
void lockstat_taken(void);	/* LOCKSTAT=1, for kern/trapentry.S */
void lockstat_released(void);

/*
 * Compare-and-swap 0 -> this hart's struct cpu with lr.d.aq/sc.d: the
 * holder's later loads and stores stay after it, and a waiter never
 * overwrites the holder (an amoswap would). Hand-written: 4 instructions.
 */
static inline __attribute__((always_inline)) void lock_kernel(void)
{
	__asm__ goto("1:	lr.d.aq	t0, (%0)\n"
		     "	bnez	t0, %l[busy]\n"
		     "	sc.d	t0, tp, (%0)\n"
		     "	bnez	t0, 1b\n"
		     : : "r"(&kernel_lock.holder) : "t0", "memory" : busy);
	if (0) {
busy:
		lock_kernel_slow();
	}
	LOCKSTAT_TAKEN();
}

/*
 * A release store (fence rw,w; sd): everything the holder wrote is visible
 * before the lock is free. Its own auipc: no register kept across the kernel.
 */
static inline __attribute__((always_inline)) void unlock_kernel(void)
{
	LOCKSTAT_RELEASED();
	__asm__ volatile("1:	auipc	t0, %%pcrel_hi(kernel_lock)\n"
			 "	fence	rw, w\n"
			 "	sd	zero, %%pcrel_lo(1b)(t0)\n" : : : "t0", "memory");
}

static inline bool holding_kernel_lock(void)
{
	return __atomic_load_n(&kernel_lock.holder, __ATOMIC_RELAXED) == mycpu();
}

#endif
