/* The big kernel lock (a ticket lock): the C side, the wait that backs off with wfi, and its watchdog. */
#include <kern/spinlock.h>
#include <kern/timer.h>
#include <kern/trap.h>
#include <kern/env.h>
#include <inc/assert.h>
#include <inc/riscv.h>

#define SPINS_BEFORE_NAP	64	/* then wfi until a short timer: -icount runs harts in turn, a spin never yields */
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

/* Until our ticket is served. The caller stores itself as holder. */
void lock_kernel_wait(uint32_t ticket)
{
	struct cpu *me = mycpu();
	uint64_t start = rdtime();
	bool napped = false;
	for (unsigned spins = 1; __atomic_load_n(&kernel_lock.serving, __ATOMIC_ACQUIRE) != ticket; spins++) {
		if (spins % SPINS_BEFORE_NAP == 0) {
			timer_nap();
			napped = true;
			if (!kernel_lock.long_hold && rdtime() - start > WATCHDOG_SECONDS * timer_hz)
				watchdog(me, kernel_lock.holder);
		}
	}
	if (napped)
		timer_resume();	/* the nap borrowed this hart's timer */
}

void lock_kernel(void)
{
	uint32_t ticket = __atomic_fetch_add(&kernel_lock.next, 1, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&kernel_lock.serving, __ATOMIC_ACQUIRE) != ticket)
		lock_kernel_wait(ticket);
	kernel_lock.holder = mycpu();
	LOCKSTAT_TAKEN();
}

/* Serve the next ticket, with release ordering: everything the holder wrote is visible first (as trapentry.S). */
void unlock_kernel(void)
{
	LOCKSTAT_RELEASED();
	__atomic_fetch_add(&kernel_lock.serving, 1, __ATOMIC_RELEASE);
}
