/* The big kernel lock's slow path: a wait that backs off with wfi, and its watchdog. */
#include <kern/spinlock.h>
#include <kern/timer.h>
#include <kern/kdebug.h>
#include <inc/assert.h>
#include <inc/riscv.h>

#define SPINS_BEFORE_NAP	64	/* then wfi until a short timer: -icount runs harts in turn, a spin never yields */
#define WATCHDOG_SECONDS	10	/* a holder longer than this is a kernel bug (a deadlock, a lost release) */

struct spinlock kernel_lock;

static _Noreturn void lock_panic(const char *why, uint32_t holder)
{
	uint64_t off;
	const char *fn = ksym_lookup(kernel_lock.pc, &off);
	panic("kernel lock: %s: held by CPU %d since pc %lx (%s+%lu)", why, (int)holder - 1,
	      kernel_lock.pc, fn, off);
}

void lock_kernel_slow(void)
{
	uint32_t me = (uint32_t)mycpu()->id + 1, holder = __atomic_load_n(&kernel_lock.word, __ATOMIC_RELAXED);
	if (holder == me)
		lock_panic("taken again by its holder", holder);
	uint64_t start = rdtime();
	bool napped = false;
	for (unsigned spins = 1;; spins++) {
		holder = __atomic_load_n(&kernel_lock.word, __ATOMIC_RELAXED);
		if (holder == 0) {
			uint32_t free = 0;
			if (__atomic_compare_exchange_n(&kernel_lock.word, &free, me, false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
		} else if (spins % SPINS_BEFORE_NAP == 0) {
			timer_nap();
			napped = true;
			if (!kernel_lock.long_hold && rdtime() - start > WATCHDOG_SECONDS * timer_hz)
				lock_panic("watchdog", holder);
		}
	}
	if (napped)
		timer_resume();	/* the nap borrowed this hart's timer */
}
