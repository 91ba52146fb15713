/*
 * The big kernel lock (docs/design.md section 14): every entry from user mode
 * takes it (kern/trapentry.S, in assembly), every return to user mode (there
 * too) and the idle wait release it. A ticket lock: harts get the lock in
 * the order they asked for it, so a hart that keeps entering the kernel
 * (printing, say) cannot starve another one that waits with wfi naps.
 * holder names the holder for the watchdog, and through its environment's
 * saved trap frame, the trap it entered the kernel with.
 */
#ifndef KERN_SPINLOCK_H
#define KERN_SPINLOCK_H

#define LOCK_NEXT	0	/* offsets for kern/trapentry.S */
#define LOCK_SERVING	4
#define LOCK_HOLDER	8

#ifndef __ASSEMBLER__
#include <inc/types.h>
#include <kern/cpu.h>
#include <inc/riscv.h>

struct spinlock {
	uint32_t next;		/* the next ticket to hand out (amoadd) */
	uint32_t serving;	/* the ticket that holds the lock; written only by the holder */
	struct cpu *holder;	/* the last hart to take it */
	bool long_hold;		/* the holder waits for the console (kernel monitor): no watchdog */
};
_Static_assert(__builtin_offsetof(struct spinlock, next) == LOCK_NEXT, "lock layout");	/* amoadd takes no offset */
_Static_assert(__builtin_offsetof(struct spinlock, serving) == LOCK_SERVING, "lock layout");
_Static_assert(__builtin_offsetof(struct spinlock, holder) == LOCK_HOLDER, "lock layout");

extern struct spinlock kernel_lock;

#ifdef LOCKSTAT	/* make LOCKSTAT=1 (tools/bench-smp.sh): instructions with the lock held, on one hart */
extern uint64_t lockstat_held, lockstat_since, lockstat_first;
#define LOCKSTAT_TAKEN()	do { lockstat_since = csr_read(instret); \
				     if (!lockstat_first) lockstat_first = lockstat_since; } while (0)
#define LOCKSTAT_RELEASED()	(lockstat_held += csr_read(instret) - lockstat_since)
/* kern/smp.c: remote TLB fences (tlb_shootdown), and instret / rdtime spent inside the SBI call */
extern struct shootstat { uint64_t n, insns, ticks; } shootstat;
void shootstat_print(void);
#else
#define LOCKSTAT_TAKEN()	((void)0)
#define LOCKSTAT_RELEASED()	((void)0)
#endif

/* kern/spinlock.c. The C versions (boot, idle); trapentry.S has its own fast path. */
void lock_kernel(void);
void unlock_kernel(void);
void lock_kernel_wait(uint32_t ticket);	/* until serving == ticket: wfi naps, watchdog */
void lockstat_taken(void);	/* LOCKSTAT=1, for kern/trapentry.S */
void lockstat_released(void);

static inline bool holding_kernel_lock(void)
{
	return kernel_lock.holder == mycpu() &&
	       __atomic_load_n(&kernel_lock.next, __ATOMIC_RELAXED) != kernel_lock.serving;
}
#endif

#endif
