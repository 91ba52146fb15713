/* Round-robin scheduling over every hart, the idle wait, and powering off when no environment is left. */
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <kern/poweroff.h>
#include <kern/kcheck.h>
#include <kern/monitor.h>
#include <kern/spinlock.h>
#include <kern/timer.h>
#include <inc/riscv.h>
#include <inc/stdio.h>

#define IDLE_HZ		1000	/* an idle hart looks for work every 1 ms (and at once on an IPI) */

size_t boot_free_pages;
bool trace;

static _Noreturn void sched_halt(void);
static void idle(struct cpu *c);

/*
 * With the kernel lock held: run the next RUNNABLE environment after the
 * current one that is not loaded on another hart, or the current one again,
 * or wait (idle) and look again. A loop, not a recursion: the idle wait
 * returns here.
 */
void sched_yield(void)
{
	struct cpu *c = mycpu();
	for (;;) {
		struct Env *cur = c->env;
		int start = cur ? ENVX(cur->env_id) + 1 : 0;
		for (int i = 0; i < NENV; i++) {
			struct Env *e = &envs[(start + i) % NENV];
			if (e->env_status == ENV_RUNNABLE && (e->env_cpunum < 0 || e->env_cpunum == c->id))
				env_run(e);
		}
		if (cur && cur->env_status == ENV_RUNNING)
			env_run(cur);
		idle(c);
	}
}

/* Whether every hart but this one waits in idle (a hart still starting does not). */
static bool others_idle(struct cpu *c)
{
	for (int i = 0; i < ncpu; i++)
		if (i != c->id && !cpus[i].idle)
			return false;
	return true;
}

/* Without the lock, a hint: some environment looks runnable and loaded nowhere. */
static bool work_hint(void)
{
	for (int i = 0; i < NENV; i++)
		if (__atomic_load_n(&envs[i].env_status, __ATOMIC_RELAXED) == ENV_RUNNABLE &&
		    __atomic_load_n(&envs[i].env_cpunum, __ATOMIC_RELAXED) < 0)
			return true;
	return false;
}

/*
 * Nothing to run here. If every other hart is idle too, nothing runs or is
 * runnable or dying anywhere (a running or dying env is loaded on a busy
 * hart), and nothing ever will: power off. Else leave the environment this
 * hart had (it blocked or stopped), release the lock, and wait with
 * interrupts enabled in sie for a timer tick, until something looks
 * runnable (read without the lock, so that idle harts do not contend for it
 * with the busy ones).
 */
static void idle(struct cpu *c)
{
	if (others_idle(c))
		sched_halt();
	if (c->env)
		env_unload(c);
	c->idle = true;
	unlock_kernel();
	do {
		timer_wait(timer_hz / IDLE_HZ);
		csr_clear(sip, SIP_SSIP);
	} while (!work_hint());
	lock_kernel();
	c->idle = false;
	timer_resume();
}

/*
 * Nothing can run, on any hart. Environments still waiting (not runnable,
 * blocked in IPC) can never be woken, so they are freed; then the page
 * accounting line and power-off with its verdict (kern/poweroff.c).
 */
static _Noreturn void sched_halt(void)
{
	int stuck = 0;
	for (int i = 0; i < NENV; i++)
		if (envs[i].env_status != ENV_FREE)
			stuck++;
	if (stuck) {
		cprintf("kernel: %d environment%s blocked with nothing runnable; freeing\n",
			stuck, stuck == 1 ? "" : "s");
		for (int i = 0; i < NENV; i++)
			if (envs[i].env_status != ENV_FREE)
				env_free(&envs[i]);
	}
	cprintf("No runnable environments in the system!\n");
#ifdef LOCKSTAT
	LOCKSTAT_RELEASED();	/* up to here */
	uint64_t total = csr_read(instret) - lockstat_first;
	cprintf("lockstat: kernel lock held %lu of %lu instructions since it was first taken\n", lockstat_held,
		total);
	shootstat_print();
#endif
	kcheck_halt();
	bool ok = npages_free == boot_free_pages;
	if (ok)
		cprintf("kernel: page accounting: %lu free at boot, %lu free now: OK\n",
			boot_free_pages, npages_free);
	else
		cprintf("kernel: page accounting: %lu free at boot, %lu free now: LEAK of %ld pages\n",
			boot_free_pages, npages_free, (long)(boot_free_pages - npages_free));
	monitor_halt();	/* +monitor: until its poweroff */
	poweroff(ok ? VERDICT_PASS : VERDICT_LEAK);	/* QEMU's exit status: 0 or 1 */
}
