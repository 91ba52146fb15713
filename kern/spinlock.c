/* The big kernel lock's slow path: a wait that backs off with wfi, and its watchdog. */
#include <kern/spinlock.h>
#include <kern/timer.h>
#include <kern/trap.h>
#include <kern/env.h>
#include <inc/assert.h>
#include <inc/riscv.h>

#define SPINS_BEFORE_NAP	64	/* then wfi until a short timer: -icount runs harts in turn, a spin never yields */
#define NAP_MAX_HZ		1000	/* naps double from 10 us up to 1 ms: long holds (KCHECK) cost waiters little */
#define WATCHDOG_SECONDS	5	/* a holder longer than this is a kernel bug (a deadlock, a lost release) */

struct spinlock kernel_lock;
#ifdef LOCKSTAT
uint64_t lockstat_held, lockstat_since, lockstat_first;
void lockstat_taken(void)
{
	LOCKSTAT_TAKEN();
}
void lockstat_released(void)
{
	LOCKSTAT_RELEASED();
}
#endif

/*
 * The holder is stuck (or this hart took the lock twice): say who, with the
 * trap that brought the holder into the kernel (its environment's saved
 * cause and pc), or that it holds it outside any trap (boot, idle).
 */
static _Noreturn void watchdog(struct cpu *me, struct cpu *holder)
{
	struct Env *e = holder->env;
	if (e)
		panic("kernel lock watchdog: CPU %d waited %d s; held by CPU %d%s since a trap from env %08x "
		      "(%s at pc %lx)", me->id, WATCHDOG_SECONDS, holder->id,
		      holder == me ? " (this one: taken twice)" : "", e->env_id, trap_cause_name(e->env_tf.tf_cause),
		      e->env_tf.tf_epc);
	panic("kernel lock watchdog: CPU %d waited %d s; held by CPU %d%s, with no environment loaded",
	      me->id, WATCHDOG_SECONDS, holder->id, holder == me ? " (this one: taken twice)" : "");
}

void lock_kernel_slow(void)
{
	struct cpu *me = mycpu(), *holder;
	uint64_t start = rdtime(), nap = timer_hz / NAP_HZ;
	bool napped = false;
	for (unsigned spins = 1;; spins++) {
		holder = __atomic_load_n(&kernel_lock.holder, __ATOMIC_RELAXED);
		if (holder == NULL) {
			if (__atomic_compare_exchange_n(&kernel_lock.holder, &holder, me, false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				break;
		} else if (spins % SPINS_BEFORE_NAP == 0) {
			timer_wait(nap);
			nap = MIN(2 * nap, timer_hz / NAP_MAX_HZ);
			napped = true;
			if (!kernel_lock.long_hold && rdtime() - start > WATCHDOG_SECONDS * timer_hz)
				watchdog(me, holder);
		}
	}
	if (napped)
		timer_resume();	/* the nap borrowed this hart's timer */
}
