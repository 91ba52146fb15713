/* The big kernel lock's slow path: a wait that backs off with wfi, and its watchdog. */
#include <kern/spinlock.h>
#include <kern/timer.h>
#include <kern/kdebug.h>
#include <inc/assert.h>
#include <inc/riscv.h>

#define SPINS_BEFORE_NAP	64	/* then wfi until a short timer: -icount runs harts in turn, a spin never yields */
#define WATCHDOG_SECONDS	5	/* a holder longer than this is a kernel bug (a deadlock, a lost release) */

struct spinlock kernel_lock;
#ifdef LOCKSTAT
uint64_t lockstat_held, lockstat_since, lockstat_first;
#endif

void lock_kernel_slow(void)
{
	struct cpu *me = mycpu(), *holder;
	uint64_t start = rdtime();
	bool napped = false;
	for (unsigned spins = 1;; spins++) {
		holder = __atomic_load_n(&kernel_lock.holder, __ATOMIC_RELAXED);
		if (holder == NULL) {
			if (__atomic_compare_exchange_n(&kernel_lock.holder, &holder, me, false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
		} else if (spins % SPINS_BEFORE_NAP == 0) {
			timer_nap();
			napped = true;
			if (!kernel_lock.long_hold && rdtime() - start > WATCHDOG_SECONDS * timer_hz) {
				uint64_t pc = kernel_lock.pc, off;
				const char *fn = ksym_lookup(pc, &off);
				panic("kernel lock watchdog: CPU %d waited %d s; held by CPU %d%s since pc %lx (%s+%lu)",
				      me->id, WATCHDOG_SECONDS, holder->id, holder == me ? " (this one: taken twice)" : "",
				      pc, fn, off);
			}
		}
	}
	if (napped)
		timer_resume();	/* the nap borrowed this hart's timer */
}
