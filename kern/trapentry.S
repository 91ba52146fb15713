/*
 * Trap entry and exit.
 *
 * In user mode sscratch points at the running environment's env_tf: user
 * registers are saved straight into the Env, with no copy, and the hart's
 * struct cpu is found just past that frame (env_tf_cpu, TF_CPU). Swapping
 * a0 with sscratch frees the one register the saving needs; with sscratch
 * holding the struct cpu instead, a0 had to be parked there and fetched
 * back (two more instructions on every trap). In the kernel tp holds the
 * struct cpu and stvec points at kernelvec: any trap there is a kernel bug.
 *
 * Which way each trap from user mode goes, in and out:
 *   ecall (scause 8)        -> syscall_trap, which returns here: the
 *                              system-call return below, which reloads only
 *                              the registers C code may clobber (the caller's
 *                              s1..s11 and gp are still in their registers).
 *                              A call that blocks, yields or ends the caller
 *                              leaves through sched_yield -> env_run ->
 *                              userret instead, and so must a call that
 *                              changes its caller's saved registers other
 *                              than a0 (sys_env_set_trapframe on itself:
 *                              env_resume; tested by user/settf.c).
 *   page fault (12, 13, 15) -> page_fault_trap -> deliver (kern/trap.c),
 *                              which returns here, to the same short return
 *                              (userret_fast): entering the upcall changes
 *                              only epc, sp and a0. A refused upcall leaves
 *                              through user_fault instead.
 *   anything else           -> user_trap: the timer (sched_yield) or a
 *                              fault that destroys the environment.
 * Every trap from user mode takes the kernel lock here, before it reaches
 * C, and both returns release it (docs/design.md section 14).
 * userret is the one full return to user mode; userret_fast, the return
 * of a system call or a page fault, is its specialisation for the common
 * case (it saves 13 instructions a call: null_syscall was 127 against 140
 * through userret, measured before the kernel lock, which costs both paths
 * the same; a page fault saves 9, upcall_null 275 -> 266).
 */
#include <inc/trap.h>
#include <inc/riscv.h>
#include <kern/cpu.h>
#include <kern/spinlock.h>

#define R(n)	REG_OFF(n)

/*
 * Release the kernel lock (kern/spinlock.h): serve the next ticket. Only the
 * holder writes serving, so an atomic add with release ordering is a release
 * store of serving + 1 (everything the holder wrote is visible first).
 */
#define UNLOCK_KERNEL					\
	ld	t0, CPU_LOCK_SERVING(tp);		\
	li	t1, 1;					\
	amoadd.w.rl zero, t1, (t0)

	.section .text
	.globl uservec
	.balign 4
uservec:
	csrrw	a0, sscratch, a0		/* a0 = the frame (&curenv->env_tf), sscratch = user a0 */
	sd	x1, R(1)(a0)
	sd	x2, R(2)(a0)
	sd	x3, R(3)(a0)
	sd	x4, R(4)(a0)
	sd	x5, R(5)(a0)
	sd	x6, R(6)(a0)
	sd	x7, R(7)(a0)
	sd	x8, R(8)(a0)
	sd	x9, R(9)(a0)
	sd	x11, R(11)(a0)
	sd	x12, R(12)(a0)
	sd	x13, R(13)(a0)
	sd	x14, R(14)(a0)
	sd	x15, R(15)(a0)
	sd	x16, R(16)(a0)
	sd	x17, R(17)(a0)
	sd	x18, R(18)(a0)
	sd	x19, R(19)(a0)
	sd	x20, R(20)(a0)
	sd	x21, R(21)(a0)
	sd	x22, R(22)(a0)
	sd	x23, R(23)(a0)
	sd	x24, R(24)(a0)
	sd	x25, R(25)(a0)
	sd	x26, R(26)(a0)
	sd	x27, R(27)(a0)
	sd	x28, R(28)(a0)
	sd	x29, R(29)(a0)
	sd	x30, R(30)(a0)
	sd	x31, R(31)(a0)
	csrr	t0, sscratch
	sd	t0, R(10)(a0)
	ld	tp, TF_CPU(a0)			/* this hart's struct cpu */
	csrr	t0, sepc
	sd	t0, TF_EPC(a0)
	csrr	a1, scause			/* every trap: cause and value in the frame */
	sd	a1, TF_CAUSE(a0)
	csrr	t0, stval
	sd	t0, TF_TVAL(a0)
	ld	sp, CPU_KSTACK(tp)
	mv	s0, zero			/* ends the kernel backtrace */
	ld	t0, CPU_KVEC(tp)
	csrw	stvec, t0
	/*
	 * The kernel lock (kern/spinlock.h), here for every trap from user
	 * mode: a ticket (amoadd.w.aq), served at once or after
	 * lock_kernel_wait; then, if another hart destroyed this hart's
	 * environment meanwhile (cpu->reap), env_reap frees it and schedules.
	 * In assembly, so that neither the wait nor the reap costs the C
	 * handlers a saved register.
	 */
	ld	t0, CPU_LOCK_NEXT(tp)		/* &kernel_lock (next is at offset 0) */
	li	t1, 1
	amoadd.w.aq t1, t1, (t0)
	lw	t2, LOCK_SERVING(t0)
	bne	t1, t2, 8f
7:	sd	tp, LOCK_HOLDER(t0)
#ifdef LOCKSTAT
	call	lockstat_taken
	ld	a0, CPU_TF(tp)
	ld	a1, TF_CAUSE(a0)
#endif
	lbu	t1, CPU_REAP(tp)
	bnez	t1, 9f
	li	t0, CAUSE_USER_ECALL
	beq	a1, t0, 1f
	addi	t0, a1, -CAUSE_FETCH_PAGE_FAULT	/* page faults: scause 12, 13 or 15 */
	li	t1, CAUSE_STORE_PAGE_FAULT - CAUSE_FETCH_PAGE_FAULT
	bgtu	t0, t1, 2f
	addi	t1, t1, -1
	beq	t0, t1, 2f
	call	page_fault_trap			/* page_fault_trap(tf, scause): returns to enter the upcall */
	j	userret_fast
2:	call	user_trap			/* user_trap(tf, scause): never returns */
8:	mv	a0, t1
	call	lock_kernel_wait		/* waits for our ticket: then on with tf and scause reloaded */
	ld	a0, CPU_TF(tp)
	ld	a1, TF_CAUSE(a0)
	ld	t0, CPU_LOCK_NEXT(tp)
	j	7b
9:	call	env_reap			/* never returns */
1:	call	syscall_trap			/* syscall_trap(tf): returns to resume this environment */
	/*
	 * The return from a C handler that returned (a system call, or a page
	 * fault on its way to the upcall): userret without s1..s11 and gp. The
	 * C code saved and restored s1-s11 as the calling convention says, and
	 * no kernel code touches gp, so only the registers C may clobber (and
	 * s0, cleared above) are reloaded. A change the handler made to the
	 * saved copies of s1..s11 or gp would be lost here: such a call must
	 * leave through env_resume (see the top of this file).
	 */
	.globl	userret_fast
userret_fast:
#ifdef LOCKSTAT
	call	lockstat_released
#endif
	UNLOCK_KERNEL
	ld	a0, CPU_TF(tp)
	ld	t0, CPU_UVEC(tp)
	csrw	stvec, t0
	csrw	sscratch, a0
	ld	t0, TF_EPC(a0)
	csrw	sepc, t0
	ld	x1, R(1)(a0)
	ld	x2, R(2)(a0)
	ld	x4, R(4)(a0)
	ld	x5, R(5)(a0)
	ld	x6, R(6)(a0)
	ld	x7, R(7)(a0)
	ld	x8, R(8)(a0)
	ld	x11, R(11)(a0)
	ld	x12, R(12)(a0)
	ld	x13, R(13)(a0)
	ld	x14, R(14)(a0)
	ld	x15, R(15)(a0)
	ld	x16, R(16)(a0)
	ld	x17, R(17)(a0)
	ld	x28, R(28)(a0)
	ld	x29, R(29)(a0)
	ld	x30, R(30)(a0)
	ld	x31, R(31)(a0)
	ld	x10, R(10)(a0)
	sret

/*
 * Under +trace stvec points here instead (struct cpu's uservec): stamp
 * cpu->trace_entry with instret and tf_trace_a0 with a0 (which a system
 * call's result replaces), restore what that took, then the usual entry. Without
 * +trace nothing runs this, so tracing off costs nothing here.
 */
	.globl uservec_traced
	.balign 4
uservec_traced:
	csrrw	a0, sscratch, a0		/* a0 = the frame */
	sd	t0, R(5)(a0)
	rdinstret t0
	sd	t1, R(6)(a0)
	ld	t1, TF_CPU(a0)
	sd	t0, CPU_TRACE_ENTRY(t1)
	csrr	t0, sscratch
	sd	t0, TF_TRACE_A0(a0)
	ld	t1, R(6)(a0)
	ld	t0, R(5)(a0)
	csrrw	a0, sscratch, a0		/* as at the trap */
	j	uservec

/*
 * userret(tf): back to user mode with the registers in tf, which must be
 * &curenv->env_tf with env_tf_cpu set (env_run): the next trap finds the
 * struct cpu through it. tp must hold the struct cpu.
 */
	.globl userret
userret:
#ifdef LOCKSTAT
	mv	s1, a0
	call	lockstat_released
	mv	a0, s1
#endif
	UNLOCK_KERNEL
	ld	t0, CPU_UVEC(tp)
	csrw	stvec, t0
	csrw	sscratch, a0
	ld	t0, TF_EPC(a0)
	csrw	sepc, t0
	/* sstatus.SPP = 0 (user) and SPIE = 1: set by env_run on a switch, kept by every trap from user mode */
	ld	x1, R(1)(a0)
	ld	x2, R(2)(a0)
	ld	x3, R(3)(a0)
	ld	x4, R(4)(a0)
	ld	x5, R(5)(a0)
	ld	x6, R(6)(a0)
	ld	x7, R(7)(a0)
	ld	x8, R(8)(a0)
	ld	x9, R(9)(a0)
	ld	x11, R(11)(a0)
	ld	x12, R(12)(a0)
	ld	x13, R(13)(a0)
	ld	x14, R(14)(a0)
	ld	x15, R(15)(a0)
	ld	x16, R(16)(a0)
	ld	x17, R(17)(a0)
	ld	x18, R(18)(a0)
	ld	x19, R(19)(a0)
	ld	x20, R(20)(a0)
	ld	x21, R(21)(a0)
	ld	x22, R(22)(a0)
	ld	x23, R(23)(a0)
	ld	x24, R(24)(a0)
	ld	x25, R(25)(a0)
	ld	x26, R(26)(a0)
	ld	x27, R(27)(a0)
	ld	x28, R(28)(a0)
	ld	x29, R(29)(a0)
	ld	x30, R(30)(a0)
	ld	x31, R(31)(a0)
	ld	x10, R(10)(a0)
	sret

/*
 * A trap taken in supervisor mode. The kernel runs with interrupts off and
 * never touches user memory directly, so this is always a bug: save the
 * registers on this hart's trap stack (the kernel stack may be what
 * overflowed) and let kernel_trap() report it.
 */
	.globl kernelvec
	.balign 4
kernelvec:
	csrw	sscratch, sp
	ld	sp, CPU_TRAPSTACK(tp)
	addi	sp, sp, -TF_SIZE
	sd	x1, R(1)(sp)
	sd	x3, R(3)(sp)
	sd	x4, R(4)(sp)
	sd	x5, R(5)(sp)
	sd	x6, R(6)(sp)
	sd	x7, R(7)(sp)
	sd	x8, R(8)(sp)
	sd	x9, R(9)(sp)
	sd	x10, R(10)(sp)
	sd	x11, R(11)(sp)
	sd	x12, R(12)(sp)
	sd	x13, R(13)(sp)
	sd	x14, R(14)(sp)
	sd	x15, R(15)(sp)
	sd	x16, R(16)(sp)
	sd	x17, R(17)(sp)
	csrr	t0, sscratch
	sd	t0, R(2)(sp)
	csrr	t0, sepc
	sd	t0, TF_EPC(sp)
	mv	a0, sp
	call	kernel_trap
	j	.
