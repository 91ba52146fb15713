/*
 * sys_env_set_trapframe on the caller itself: the call resumes the caller
 * at the new pc with every register from the new frame, the callee-saved
 * ones (s0..s11) included, which the system-call return alone would not
 * reload (kern/trapentry.S). Then the calls a bad argument must refuse,
 * and the call on a child.
 */
#include <inc/lib.h>

#define NLANDED 13	/* s0..s11, then a0 */
uint64_t landed[NLANDED];
static uint64_t stack[512] __attribute__((aligned(16)));
static struct Trapframe tf;

static uint64_t want(int i)
{
	return 0x5e7f00 + i;
}

/* Where the new frame resumes: record s0..s11 and a0 before any C code can change them. */
void settf_landing(void);
_Noreturn void settf_check(void);
__asm__(".globl settf_landing\n"
	"settf_landing:\n"
	"	la t0, landed\n"
	"	sd s0, 0(t0)\n	sd s1, 8(t0)\n	sd s2, 16(t0)\n	sd s3, 24(t0)\n"
	"	sd s4, 32(t0)\n	sd s5, 40(t0)\n	sd s6, 48(t0)\n	sd s7, 56(t0)\n"
	"	sd s8, 64(t0)\n	sd s9, 72(t0)\n	sd s10, 80(t0)\n	sd s11, 88(t0)\n"
	"	sd a0, 96(t0)\n"
	"	call settf_check\n");

void settf_check(void)
{
	int bad = 0;
	for (int i = 0; i < NLANDED; i++)
		if (landed[i] != want(i)) {
			cprintf("settf: FAIL: register %d is %lx, want %lx\n", i, landed[i], want(i));
			bad++;
		}
	if (!bad)
		cprintf("settf: resumed at the new pc with s0..s11 and a0 from the new frame\n");

	/* Bad arguments change nothing and return an error. */
	int r1 = sys_env_set_trapframe(0, (const struct Trapframe *)0x10);
	int r2 = sys_env_set_trapframe(0, (const struct Trapframe *)(ULIM - 8));
	int r3 = sys_env_set_trapframe(0, (const struct Trapframe *)((uint64_t)stack - PGSIZE * 64));
	int r4 = sys_env_set_trapframe(0x7ffff, &tf);
	if (r1 == -E_FAULT && r2 == -E_FAULT && r3 == -E_FAULT && r4 == -E_BAD_ENV)
		cprintf("settf: bad frame pointers and env ids refused\n");
	else
		cprintf("settf: FAIL: bad arguments returned %d %d %d %d\n", r1, r2, r3, r4);

	/* On a child: it starts at the new pc (unmapped, so it dies there, saying where). */
	envid_t child = sys_exofork();
	if (child == 0)
		panic("settf: the child ran with its old frame");
	tf.tf_epc = 0x1000;
	int r = sys_env_set_trapframe(child, &tf);
	if (r < 0 || (r = sys_env_set_status(child, ENV_RUNNABLE)) < 0)
		panic("settf: setting the child's frame: %e", r);
	while (envs[ENVX(child)].env_id == child && envs[ENVX(child)].env_status != ENV_FREE)
		sys_yield();
	cprintf("settf: child %08x done\n", child);
	exit();
}

void umain(int argc, char **argv)
{
	uint64_t *s[] = { &tf.tf_regs.s0, &tf.tf_regs.s1, &tf.tf_regs.s2, &tf.tf_regs.s3, &tf.tf_regs.s4,
			  &tf.tf_regs.s5, &tf.tf_regs.s6, &tf.tf_regs.s7, &tf.tf_regs.s8, &tf.tf_regs.s9,
			  &tf.tf_regs.s10, &tf.tf_regs.s11, &tf.tf_regs.a0 };
	for (int i = 0; i < NLANDED; i++)
		*s[i] = want(i);
	__asm__ volatile("mv %0, gp" : "=r"(tf.tf_regs.gp));
	tf.tf_regs.tp = (uint64_t)thisenv;
	tf.tf_regs.sp = (uint64_t)&stack[512];
	tf.tf_epc = (uint64_t)settf_landing;
	int r = sys_env_set_trapframe(0, &tf);
	cprintf("settf: FAIL: sys_env_set_trapframe(0) returned %d\n", r);
}
