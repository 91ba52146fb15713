/*
 * The other harts (docs/design.md, SMP): started with SBI HSM, each with its
 * own struct cpu, kernel stack, trap stack and timer; interrupted with SBI
 * IPI; their TLBs fenced with SBI RFENCE.
 */
#include <kern/cpu.h>
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/sbi.h>
#include <kern/trap.h>
#include <kern/timer.h>
#include <kern/spinlock.h>
#include <inc/riscv.h>
#include <inc/stdio.h>

extern char mp_entry[];	/* boot/entry.S */
bool shootdown = true;
static int nstarted;		/* harts other than the boot hart that have come up */
static bool go;			/* the boot hart has seen them all: schedule */

#define START_WAIT_HZ	1	/* the boot hart waits at most 1 s for the others */

/* Boot hart, holding the kernel lock: start every other hart the device tree lists. */
void smp_start_others(const uint64_t *hartids, int nharts)
{
	for (int i = 0; i < nharts && ncpu < NCPU; i++) {
		if (hartids[i] == cpus[0].hartid)
			continue;
		struct cpu *c = &cpus[ncpu];
		c->id = ncpu;
		c->hartid = hartids[i];
		c->kstack_top = cpu_kstack_top(c->id);	/* mp_entry's stack */
		long r = sbi_hart_start(c->hartid, PADDR(mp_entry), (uint64_t)c);
		if (r < 0) {
			cprintf("SMP: cannot start hart %lu: SBI error %ld\n", c->hartid, r);
			continue;
		}
		ncpu++;	/* not idle: no power-off until it has come up and found nothing to run */
	}
	/* Their SMP lines before any environment's output; wfi, not a spin (-icount). */
	unlock_kernel();
	uint64_t t0 = rdtime();
	while (__atomic_load_n(&nstarted, __ATOMIC_ACQUIRE) < ncpu - 1 && rdtime() - t0 < timer_hz / START_WAIT_HZ)
		timer_nap();
	lock_kernel();
	if (nstarted < ncpu - 1)
		cprintf("SMP: only %d of %d harts came up in time; the others join when they do\n", nstarted + 1,
			ncpu);
	__atomic_store_n(&go, true, __ATOMIC_RELEASE);
	timer_resume();
}

/* From boot/entry.S's mp_entry, on the boot page table, tp = this hart's struct cpu. */
_Noreturn void mp_main(void)
{
	csr_write(satp, kern_satp);
	sfence_vma();
	trap_init_percpu();
	timer_init_percpu();
	lock_kernel();
	cprintf("SMP: CPU %d of %d starting (hart %lu)\n", mycpu()->id, ncpu, mycpu()->hartid);
	__atomic_fetch_add(&nstarted, 1, __ATOMIC_RELEASE);
	unlock_kernel();
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		timer_nap();
	lock_kernel();
	timer_resume();
	sched_yield();
}

void smp_kick(int cpu)
{
	sbi_send_ipi(1, cpus[cpu].hartid);
}

/* e is loaded on another hart and one of its translations for va was removed, changed or downgraded. */
void tlb_shootdown(struct Env *e, uint64_t va)
{
	if (!shootdown)
		return;
	__asm__ volatile("fence rw, rw" ::: "memory");	/* the PTE store before the remote fence */
#ifdef LOCKSTAT
	uint64_t i0 = csr_read(instret), t0 = rdtime();
#endif
	sbi_remote_sfence_vma(1, cpus[e->env_cpunum].hartid, va, PGSIZE);
#ifdef LOCKSTAT
	shootstat.n++;
	shootstat.insns += csr_read(instret) - i0;
	shootstat.ticks += rdtime() - t0;
#endif
}

#ifdef LOCKSTAT
struct shootstat shootstat;

/* At power-off (other harts idle in wfi): one self-targeted RFENCE, the M-mode floor of any shootdown. */
void shootstat_print(void)
{
	uint64_t i0 = csr_read(instret);
	sbi_remote_sfence_vma(1, mycpu()->hartid, 0, PGSIZE);
	uint64_t self = csr_read(instret) - i0;
	cprintf("shootstat: %lu remote TLB fences, %lu instructions (all harts) and %lu ticks inside the SBI call; "
		"a self-targeted RFENCE: %lu instructions\n", shootstat.n, shootstat.insns, shootstat.ticks, self);
}
#endif

/* e is loaded on another hart and was given an executable page: its instruction fetches see the new bytes. */
void icache_shootdown(struct Env *e)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
	sbi_remote_fence_i(1, cpus[e->env_cpunum].hartid);
}
