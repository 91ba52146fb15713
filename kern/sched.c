/* Round-robin scheduling, and powering off when no environment is left. */
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <kern/poweroff.h>
#include <kern/kcheck.h>
#include <kern/monitor.h>
#include <inc/stdio.h>

size_t boot_free_pages;
bool trace;

static _Noreturn void sched_halt(void);

/* Run the next RUNNABLE environment after the current one, or the current one again. */
void sched_yield(void)
{
	struct Env *cur = curenv;
	int start = cur ? ENVX(cur->env_id) + 1 : 0;
	for (int i = 0; i < NENV; i++) {
		struct Env *e = &envs[(start + i) % NENV];
		if (e->env_status == ENV_RUNNABLE)
			env_run(e);
	}
	if (cur && cur->env_status == ENV_RUNNING)
		env_run(cur);
	sched_halt();
}

/*
 * Nothing can run. Environments still waiting (not runnable, blocked in IPC)
 * can never be woken on a single hart, so they are freed; then the page
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
