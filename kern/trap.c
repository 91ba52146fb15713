/* Traps from user mode: system calls, page faults (handed to the upcall), other faults. */
#include <kern/trap.h>
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <kern/kdebug.h>
#include <kern/sbi.h>
#include <kern/poweroff.h>
#include <kern/timer.h>
#include <kern/trace.h>
#include <kern/monitor.h>
#include <kern/spinlock.h>
#include <inc/riscv.h>
#include <inc/string.h>

extern char uservec[], uservec_traced[], kernelvec[];

static char trapstacks[NCPU][PGSIZE] __attribute__((aligned(16)));

/* Called first thing on each hart, so that even a trap during boot is reported. */
void trap_init_percpu(void)
{
	struct cpu *c = mycpu();
	c->kstack_top = cpu_kstack_top(c->id);
	c->trapstack_top = (uint64_t)trapstacks[c->id] + PGSIZE;
	c->lock_next = &kernel_lock.next;	/* for kern/trapentry.S */
	c->lock_serving = &kernel_lock.serving;
	c->uservec = (uint64_t)(trace ? uservec_traced : uservec);	/* +trace: stamp each trap entry */
	c->resume_status = trace ? ~0u : ENV_RUNNING;
	c->kernelvec = (uint64_t)kernelvec;
	csr_write(stvec, kernelvec);
	csr_write(sie, 0);
	csr_write(scounteren, 0x7);	/* user may read cycle, time, instret */
	csr_clear(sstatus, SSTATUS_FS);	/* FPU off (the firmware leaves it on): no FP state to save, FP instructions trap */
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

/* The registers of a trap from user mode, laid out like JOS's print_trapframe. */
void print_trapframe(const struct Trapframe *tf)
{
	static const char *const names[] = {
		"ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6",
		"a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	const uint64_t *regs = (const uint64_t *)&tf->tf_regs;
	_Static_assert(ARRAY_SIZE(names) * sizeof(uint64_t) == sizeof(struct PushRegs), "one name per register");
	cprintf("TRAP frame at 0x%lx from CPU %d\n", (uint64_t)tf, mycpu()->id);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		cprintf("  %-4s 0x%016lx\n", names[i], regs[i]);
	cprintf("  sepc 0x%016lx\n", tf->tf_epc);
	cprintf("  scause 0x%016lx %s\n", tf->tf_cause, trap_cause_name(tf->tf_cause));
	cprintf("  stval 0x%016lx\n", tf->tf_tval);
	/* Not saved per trap: every trap from user mode leaves SPP = 0 and SPIE = 1 (section 7). */
	cprintf("  sstatus 0x%016lx\n", csr_read(sstatus));
}

/* A fault the running environment cannot handle: one line and its registers, then it is gone. */
static _Noreturn void user_fault(struct Env *e, uint64_t cause, uint64_t va, const char *why)
{
	cprintf("[%08x] user fault va %08lx ip %08lx (%s%s%s)\n", e->env_id, va,
		e->env_tf.tf_epc, trap_cause_name(cause), why ? ": " : "", why ? why : "");
	print_trapframe(&e->env_tf);
	env_destroy(e);
	sched_yield();	/* not reached: e is the running environment */
}

#define UXSTACK_PERM	(PTE_V | PTE_U | PTE_R | PTE_W)

/* JOS's line for a fault it refuses because user memory failed its check (va: what failed). */
static void jos_mem_check_failed(struct Env *e, uint64_t va)
{
	cprintf("[%08x] user_mem_check assertion failure for va %08lx\n", e->env_id, va);
}

/*
 * Why a fault cannot go to the upcall, said in one line (and, where JOS
 * refuses it too, in JOS's words first); then the environment is gone.
 * noinline: inlined, its calls make page_fault_trap save six registers on
 * every fault (upcall_null 272 -> 264 instructions with it out of line).
 */
static _Noreturn void __attribute__((noinline)) upcall_refused(struct Env *e, struct Trapframe *tf,
								uint64_t cause, uint64_t va)
{
	uint64_t upcall = e->env_pgfault_upcall, sp = tf->tf_regs.sp;
	pte_t *xpte = pgdir_walk(e, UXSTACKTOP - PGSIZE, false);
	if (!upcall)
		user_fault(e, cause, va, NULL);
	if (!xpte || (*xpte & UXSTACK_PERM) != UXSTACK_PERM) {
		bool nested = sp - (USTACKTOP + 1) < UXSTACKTOP - USTACKTOP;
		jos_mem_check_failed(e, nested ? ROUNDDOWN(sp - UTF_GAP - UTF_SIZE, 16) : UXSTACKTOP - UTF_SIZE);
		user_fault(e, cause, va, "exception stack not mapped writable");
	}
	jos_mem_check_failed(e, upcall);
	/* Entering the upcall faulted: report the fault it was entered for, with its registers. */
	if (e->env_nxframes > 0 && sp == e->env_xframes[e->env_nxframes - 1]) {
		struct UTrapframe *first =
			(struct UTrapframe *)((char *)KADDR(PTE_ADDR(*xpte)) + (sp - (UXSTACKTOP - PGSIZE)));
		tf->tf_epc = first->utf_epc;
		tf->tf_cause = first->utf_cause;
		tf->tf_tval = first->utf_fault_va;
		tf->tf_regs.sp = first->utf_regs.sp;	/* the only registers deliver() changed */
		tf->tf_regs.a0 = first->utf_regs.a0;
		user_fault(e, first->utf_cause, first->utf_fault_va, "upcall not executable user memory");
	}
	user_fault(e, cause, va, "upcall not executable user memory");
}

/* Back to the running environment, unless what just happened stopped it. */
static _Noreturn void resume_or_yield(void)
{
	struct Env *e = curenv;
	if (e->env_status == ENV_RUNNING)
		env_resume(e);
	sched_yield();
}

/*
 * Push the UTrapframe at frame (on the exception stack page that xpte maps)
 * and point the saved registers at the upcall, with sp and a0 at the frame.
 * The kernel writes the fault's details and the two registers it changes
 * (sp, a0); the upcall stores the others, which still hold their values at
 * the fault (lib/pfentry.S). Nothing here calls a function, so the fast
 * path keeps its values in registers. always_inline: inlined into its two
 * callers it works on their registers (upcall_null: 17 instructions).
 */
static inline __attribute__((always_inline)) void
deliver(struct Env *e, struct Trapframe *tf, uint64_t cause, uint64_t va, uint64_t frame, pte_t *xpte)
{
	pte_t *pte = pgdir_walk(e, va, false);
	struct UTrapframe *utf = (struct UTrapframe *)((char *)KADDR(PTE_ADDR(*xpte)) + PGOFF(frame));
	uint64_t epc = tf->tf_epc;
	bool present = pte && (*pte & PTE_V);
	utf->utf_fault_va = va;
	utf->utf_cause = cause;
	utf->utf_present = present;
	utf->utf_depth = e->env_nxframes;
	utf->utf_regs.sp = tf->tf_regs.sp;
	utf->utf_regs.a0 = tf->tf_regs.a0;
	utf->utf_epc = epc;
	tf->tf_regs.sp = frame;
	tf->tf_regs.a0 = frame;
	tf->tf_epc = e->env_pgfault_upcall;
	kcheck("returning to user mode");
	if (trace)
		trace_pgfault();	/* last: a tail call, so the fast path needs no frame (upcall_null -4) */
}

/*
 * A fault inside the handler (sp on the exception stack): its frame goes
 * below the handler's, UTF_GAP bytes lower. sp in the guard page under the
 * exception stack means the handler ran off it: an overflow, not a new fault.
 */
static void __attribute__((noinline))
deliver_nested(struct Env *e, struct Trapframe *tf, uint64_t cause, uint64_t va, pte_t *xpte)
{
	uint64_t sp = tf->tf_regs.sp, frame = ROUNDDOWN(sp - UTF_GAP - UTF_SIZE, 16);
	while (e->env_nxframes > 0 && e->env_xframes[e->env_nxframes - 1] < sp)
		e->env_nxframes--;	/* frames the handler has returned from */
	if (frame < UXSTACKTOP - PGSIZE || e->env_nxframes >= UXFRAMES_MAX)
		user_fault(e, cause, va, "exception stack overflow");
	e->env_xframes[e->env_nxframes++] = frame;
	deliver(e, tf, cause, va, frame, xpte);
}

/*
 * A page fault goes to the environment's upcall, on the user exception
 * stack: below the current frame if the fault happened in a handler.
 * Every way this could go wrong destroys the environment instead; the
 * kernel never faults doing it. The upcall itself is checked when it
 * bites, not on every fault: a fetch fault at the upcall's address means
 * entering it failed.
 */
/*
 * From kern/trapentry.S, which leaves through userret_fast when this
 * returns: that return reloads only what C may clobber, and entering the
 * upcall changes only saved registers of that kind (epc, sp, a0). No frame
 * pointer of its own (uservec's s0 = 0 ends a backtrace here): upcall_null
 * 2 instructions.
 */
__attribute__((optimize("omit-frame-pointer"))) void page_fault_trap(struct Trapframe *tf, uint64_t cause)
{
	struct Env *e = curenv;
	uint64_t va = tf->tf_tval, upcall = e->env_pgfault_upcall, sp = tf->tf_regs.sp;
	pte_t *xpte = pgdir_walk(e, UXSTACKTOP - PGSIZE, false);

	if (!upcall || !xpte || (*xpte & UXSTACK_PERM) != UXSTACK_PERM ||
	    (cause == CAUSE_FETCH_PAGE_FAULT && tf->tf_epc == upcall))
		upcall_refused(e, tf, cause, va);
	if (sp - (USTACKTOP + 1) < UXSTACKTOP - USTACKTOP) {	/* the handler itself faulted */
		deliver_nested(e, tf, cause, va, xpte);	/* a tail call */
		return;
	}
	e->env_nxframes = 1;
	e->env_xframes[0] = UXSTACKTOP - UTF_SIZE;
	deliver(e, tf, cause, va, UXSTACKTOP - UTF_SIZE, xpte);
}

/* Everything but a system call or a page fault: the timer, other exceptions. */
static void user_exception(struct Env *e, struct Trapframe *tf, uint64_t cause)
{
	if (cause == (SCAUSE_INTR | IRQ_S_TIMER)) {
		timer_rearm();	/* the time slice is over */
		sched_yield();
	} else if (cause == (SCAUSE_INTR | IRQ_S_SOFT)) {
		csr_clear(sip, SIP_SSIP);	/* an IPI: e was stopped (or destroyed, see trap_enter) elsewhere */
	} else if (cause & SCAUSE_INTR) {
		cprintf("kernel: unexpected interrupt %lx\n", cause);
	} else {
		if (cause == CAUSE_BREAKPOINT)
			monitor_breakpoint(e, tf);	/* returns when e is to go on */
		else
			user_fault(e, cause, tf->tf_tval, NULL);
	}
}

/* After a call that blocked or stopped its caller, or after any call under +trace (uservec_traced kept its a0). */
static void __attribute__((noinline)) syscall_done(struct Trapframe *tf)
{
	if (trace)
		trace_syscall(tf, tf->tf_trace_a0, tf->tf_regs.a0);
	if (curenv->env_status != ENV_RUNNING)
		sched_yield();
}

/* From kern/trapentry.S, for an ecall, with every user register saved in tf (= &curenv->env_tf). */
void syscall_trap(struct Trapframe *tf)
{
	struct PushRegs *r = &tf->tf_regs;
	tf->tf_epc += 4;
	r->a0 = syscall(r->a7, r->a0, r->a1, r->a2, r->a3, r->a4);
	struct cpu *c = mycpu();
	if (c->env->env_status != c->resume_status)	/* not ENV_RUNNING, or +trace: one test for both */
		syscall_done(tf);
	kcheck("returning to user mode");	/* trapentry.S releases the kernel lock and returns to the caller */
}

/* From kern/trapentry.S for every other trap from user mode: the timer, faults other than page faults. */
void user_trap(struct Trapframe *tf, uint64_t cause)
{
	user_exception(curenv, tf, cause);
	resume_or_yield();
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
	poweroff(VERDICT_PANIC);
}
