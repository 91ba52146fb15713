/*
 * The big kernel lock (docs/design.md, SMP): every entry from user mode takes
 * it, every return to user mode and the idle wait release it. The lock word
 * holds the holder's cpus[] index + 1 (0: free), so the holder costs no extra
 * store; pc is where it was taken, for the watchdog's panic.
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#include <inc/types.h>
#include <kern/cpu.h>

struct spinlock {
	uint32_t word;		/* 0 free, else holder's cpus[] index + 1 */
	bool long_hold;		/* the holder waits for the console (kernel monitor): no watchdog */
	uint64_t pc;		/* where the holder took it */
};

extern struct spinlock kernel_lock;

void lock_kernel_slow(void);	/* kern/spinlock.c: wait with wfi, watchdog, recursion check */

/*
 * Compare-and-swap 0 -> id + 1 (lr.w.aq/sc.w): the holder's later loads and
 * stores stay after it, and a waiter never overwrites the holder's id (an
 * amoswap would).
 */
static inline __attribute__((always_inline)) void lock_kernel(void)
{
	uint64_t pc;
	uint32_t free = 0;
	__asm__ volatile("auipc %0, 0" : "=r"(pc));
	if (!__atomic_compare_exchange_n(&kernel_lock.word, &free, (uint32_t)mycpu()->id + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		lock_kernel_slow();
	kernel_lock.pc = pc;
}

/* A release store: everything the holder wrote is visible before the lock is free. */
static inline __attribute__((always_inline)) void unlock_kernel(void)
{
	__atomic_store_n(&kernel_lock.word, 0, __ATOMIC_RELEASE);
}

static inline bool holding_kernel_lock(void)
{
	return __atomic_load_n(&kernel_lock.word, __ATOMIC_RELAXED) == (uint32_t)mycpu()->id + 1;
}

#endif
