/*
 * For the kernel monitor's si (single step): an ebreak, then one of each
 * kind of control transfer (branches taken and not, jal, jalr, their
 * compressed forms, ecall), each instruction at a global label step_N so
 * that the test can read the addresses a step must stop at from the symbol
 * table; then a c.ebreak, after which 'continue' must skip exactly 2 bytes
 * (a0 = 42 only then). "stepper bad" jumps through a null pointer instead,
 * which si refuses to step into. "stepper fork": the child stops before an
 * ecall to sys_yield that the test steps over; the parent runs the same code
 * (sharing the text page) meanwhile and must not meet the step's breakpoint.
 */
#include <inc/lib.h>

static long __attribute__((noinline, noclone)) transfers(long sysno)
{
	register long a0 __asm__("a0") = 0;
	register long a7 __asm__("a7") = sysno;
	__asm__ volatile(
		".option push\n"
		".option norvc\n"
		".globl step_bp, step_1, step_2, step_3, step_4, step_5, step_6, step_7, step_8, step_9\n"
		".globl step_10, step_11, step_12, step_13, step_14, step_15, step_16, step_17, step_18\n"
		".globl step_19, step_20, step_21\n"
		"step_bp: ebreak\n"
		"step_1:  li a0, 1\n"
		"step_2:  bnez a0, step_4\n"		/* taken */
		"step_3:  li a0, 99\n"
		"step_4:  beqz a0, step_3\n"		/* not taken */
		"step_5:  jal t1, step_7\n"
		"step_6:  j step_8\n"
		"step_7:  jalr x0, 0(t1)\n"		/* back to step_6 */
		".option rvc\n"
		"step_8:  c.li a0, 2\n"
		"step_9:  c.beqz a0, step_8\n"		/* not taken */
		"step_10: c.bnez a0, step_12\n"		/* taken */
		"step_11: c.li a0, 0\n"
		"step_12: c.j step_13\n"
		".option norvc\n"
		"step_13: auipc t1, %%pcrel_hi(step_17)\n"
		"step_14: addi t1, t1, %%pcrel_lo(step_13)\n"
		".option rvc\n"
		"step_15: c.jalr t1\n"			/* to step_17, ra = step_16 */
		"step_16: c.j step_18\n"
		"step_17: c.jr ra\n"			/* back to step_16 */
		".option norvc\n"
		"step_18: ecall\n"			/* sys_getenvid */
		".option rvc\n"
		"step_19: c.nop\n"
		"step_20: c.ebreak\n"
		"step_21: c.li a0, 7\n"
		"         c.addi a0, 31\n"
		"         c.addi a0, 4\n"
		".option pop\n"
		: "+r"(a0), "+r"(a7) : : "t1", "ra", "memory");
	return a0;
}

/* With stop, an ebreak first; then sys_yield, returning to fork_after. */
static void __attribute__((noinline, noclone)) yield_at(long stop, long sysno)
{
	register long a0 __asm__("a0") = stop;
	register long a7 __asm__("a7") = sysno;
	__asm__ volatile(
		".option push\n"
		".option norvc\n"
		".globl fork_after\n"
		"         beqz a0, 1f\n"
		"         ebreak\n"
		"1:       ecall\n"
		"fork_after: nop\n"
		".option pop\n"
		: "+r"(a0), "+r"(a7) : : "memory");
}

void umain(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "fork") == 0) {
		envid_t child = fork();
		if (child < 0)
			panic("fork: %e", child);
		yield_at(child == 0, SYS_yield);
		for (int i = 0; i < 3; i++)
			yield_at(0, SYS_yield);
		cprintf("stepper: %s done\n", child ? "parent" : "child");
		return;
	}
	if (argc > 1 && strcmp(argv[1], "bad") == 0) {
		cprintf("stepper: calling through a null pointer\n");
		__asm__ volatile(".option push\n.option norvc\nebreak\nli t0, 0\njalr ra, 0(t0)\n.option pop\n"
				 : : : "t0", "ra", "memory");
		cprintf("stepper: survived the call!\n");
		return;
	}
	cprintf("stepper: start\n");
	cprintf("stepper: a0 = %ld\n", transfers(SYS_getenvid));
}
