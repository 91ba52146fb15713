/* Traps from user mode: system calls, page faults (handed to the upcall), other faults. */
#include <kern/trap.h>
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <kern/kdebug.h>
#include <kern/sbi.h>
#include <kern/timer.h>
#include <inc/riscv.h>
#include <inc/string.h>

extern char uservec[], kernelvec[];

static char trapstacks[NCPU][PGSIZE] __attribute__((aligned(16)));

/* Called first thing on each hart, so that even a trap during boot is reported. */
void trap_init_percpu(void)
{
	struct cpu *c = mycpu();
	c->kstack_top = (uint64_t)kstacks + c->id * (KSTKSIZE + KSTKGUARD) + KSTKGUARD + KSTKSIZE;
	c->trapstack_top = (uint64_t)trapstacks[c->id] + PGSIZE;
	csr_write(stvec, kernelvec);
	csr_write(sie, 0);
	csr_write(scounteren, 0x7);	/* user may read cycle, time, instret */
}

const char *trap_cause_name(uint64_t scause)
{
	static const char *const names[] = {
		[CAUSE_MISALIGNED_FETCH] = "misaligned fetch",
		[CAUSE_FETCH_ACCESS] = "instruction access fault",
		[CAUSE_ILLEGAL_INSN] = "illegal instruction",
		[CAUSE_BREAKPOINT] = "breakpoint",
		[CAUSE_MISALIGNED_LOAD] = "misaligned load",
		[CAUSE_LOAD_ACCESS] = "load access fault",
		[CAUSE_MISALIGNED_STORE] = "misaligned store",
		[CAUSE_STORE_ACCESS] = "store access fault",
		[CAUSE_USER_ECALL] = "system call",
		[9] = "supervisor ecall",
		[CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
		[CAUSE_LOAD_PAGE_FAULT] = "load page fault",
		[CAUSE_STORE_PAGE_FAULT] = "store page fault",
	};
	if (scause & SCAUSE_INTR)
		return (scause & ~SCAUSE_INTR) == IRQ_S_TIMER ? "timer interrupt" : "interrupt";
	if (scause < ARRAY_SIZE(names) && names[scause])
		return names[scause];
	return "unknown trap";
}

/* A fault the running environment cannot handle: one line, then it is gone. */
static _Noreturn void user_fault(struct Env *e, uint64_t cause, uint64_t va, const char *why)
{
	cprintf("[%08x] user fault va %08lx ip %08lx (%s%s%s)\n", e->env_id, va,
		e->env_tf.tf_epc, trap_cause_name(cause), why ? ": " : "", why ? why : "");
	env_destroy(e);
	sched_yield();	/* not reached: e is the running environment */
}

static const char *fault_kind(uint64_t cause)
{
	return cause == FAULT_STORE ? "store" : cause == FAULT_LOAD ? "load" : "exec";
}

/*
 * Deliver a page fault to the environment's upcall: push a UTrapframe on the
 * user exception stack (below the current frame, leaving UTF_GAP bytes, if
 * the fault happened in a handler) and resume at the upcall with sp and a0
 * pointing at the frame. Every way this could go wrong destroys the
 * environment instead; the kernel never faults doing it.
 */
static void page_fault(struct Env *e, struct Trapframe *tf, uint64_t cause, uint64_t va)
{
	pte_t *pte = pgdir_walk(e, va, false);
	bool present = pte && (*pte & PTE_V);
	uint64_t upcall = e->env_pgfault_upcall;
	uint64_t sp = tf->tf_regs.sp, xbottom = UXSTACKTOP - PGSIZE, frame;

	if (!upcall)
		user_fault(e, cause, va, NULL);
	pte_t *upte = pgdir_walk(e, upcall, false);
	if (upcall >= UTOP || !upte || (*upte & (PTE_V | PTE_U | PTE_X)) != (PTE_V | PTE_U | PTE_X))
		user_fault(e, cause, va, "upcall not executable user memory");
	pte_t *xpte = pgdir_walk(e, xbottom, false);
	int need = PTE_V | PTE_U | PTE_R | PTE_W;
	if (!xpte || (*xpte & need) != need)
		user_fault(e, cause, va, "exception stack not mapped writable");

	/* sp in the guard page below means the handler ran off its stack: an overflow, not a new fault. */
	if (sp > USTACKTOP && sp <= UXSTACKTOP) {	/* nested: the handler itself faulted */
		frame = ROUNDDOWN(sp - UTF_GAP - UTF_SIZE, 16);
		while (e->env_nxframes > 0 && e->env_xframes[e->env_nxframes - 1] < sp)
			e->env_nxframes--;	/* frames the handler has returned from */
	} else {
		frame = UXSTACKTOP - UTF_SIZE;
		e->env_nxframes = 0;
	}
	if (sp - UTF_GAP - UTF_SIZE > sp || frame < xbottom || e->env_nxframes >= UXFRAMES_MAX)
		user_fault(e, cause, va, "exception stack overflow");
	e->env_xframes[e->env_nxframes++] = frame;

	struct UTrapframe *utf = (struct UTrapframe *)((char *)KADDR(PTE_ADDR(*xpte)) + (frame - xbottom));
	utf->utf_fault_va = va;
	utf->utf_cause = cause;
	utf->utf_present = present;
	utf->utf_depth = e->env_nxframes;
	utf->utf_regs = tf->tf_regs;
	utf->utf_epc = tf->tf_epc;
	if (trace)
		cprintf("trace: pgfault env=%08x va=0x%lx cause=%s present=%d depth=%u ip=0x%lx\n",
			e->env_id, va, fault_kind(cause), present, e->env_nxframes, tf->tf_epc);

	tf->tf_regs.sp = frame;
	tf->tf_regs.a0 = frame;
	tf->tf_epc = upcall;
}

void user_trap(struct Trapframe *tf)
{
	struct Env *e = curenv;
	uint64_t cause = csr_read(scause);

	tf->tf_cause = cause;
	if (cause == CAUSE_USER_ECALL) {
		struct PushRegs *r = &tf->tf_regs;
		tf->tf_epc += 4;
		r->a0 = syscall(r->a7, r->a0, r->a1, r->a2, r->a3, r->a4);
	} else if (cause == (SCAUSE_INTR | IRQ_S_TIMER)) {
		timer_rearm();	/* the time slice is over */
		sched_yield();
	} else if (cause & SCAUSE_INTR) {
		cprintf("kernel: unexpected interrupt %lx\n", cause);
	} else {
		tf->tf_tval = csr_read(stval);
		if (cause == CAUSE_FETCH_PAGE_FAULT || cause == CAUSE_LOAD_PAGE_FAULT ||
		    cause == CAUSE_STORE_PAGE_FAULT)
			page_fault(e, tf, cause, tf->tf_tval);
		else
			user_fault(e, cause, tf->tf_tval, NULL);
	}

	e = curenv;
	if (e && e->env_status == ENV_RUNNING)
		env_run(e);
	sched_yield();
}

/* Any trap in supervisor mode is a kernel bug. */
void kernel_trap(struct Trapframe *tf)
{
	uint64_t cause = csr_read(scause), off;
	const char *fn = ksym_lookup(tf->tf_epc, &off);
	cprintf("kernel panic: trap in the kernel: %s (scause %lx) sepc %016lx (%s+%lu) stval %016lx\n",
		trap_cause_name(cause), cause, tf->tf_epc, fn, off, csr_read(stval));
	if (curenv)
		cprintf("kernel trap: while handling environment %08x\n", curenv->env_id);
	fn = ksym_lookup(tf->tf_regs.ra, &off);
	cprintf("  ra %016lx (%s+%lu) sp %016lx\n", tf->tf_regs.ra, fn, off, tf->tf_regs.sp);
	backtrace(tf->tf_regs.s0);
	sbi_shutdown();
}
