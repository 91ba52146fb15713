/* Per-hart state. In the kernel, tp always points at this hart's struct cpu. */
#ifndef KERN_CPU_H
#define KERN_CPU_H

#define NCPU		8
#define KSTKSIZE	(4 * 4096)	/* kernel stack per hart */
#define KSTKGUARD	4096		/* unmapped page below each stack */

/* struct cpu offsets, for kern/trapentry.S. */
#define CPU_TF		0
#define CPU_KSTACK	8
#define CPU_TRAPSTACK	16
#define CPU_UVEC	24
#define CPU_KVEC	32
#define CPU_HARTID	48
#define CPU_ID		56
#define CPU_REAP	61
#define CPU_TRACE_ENTRY	72
#define CPU_LOCK_NEXT	80
#define CPU_LOCK_SERVING	88
#define CPU_SIZE	96
/* The frame's struct cpu (struct Env's env_tf_cpu), as an offset from the frame: see kern/env.h. */
#define TF_CPU		TF_SIZE

#ifndef __ASSEMBLER__
#include <inc/types.h>
#include <inc/trap.h>

struct Env;

struct cpu {
	struct Trapframe *tf;		/* &curenv->env_tf, where trap entry saved the user registers */
	uint64_t kstack_top;		/* kernel sp on entry from user mode */
	uint64_t trapstack_top;		/* sp for a trap taken in the kernel (always fatal) */
	uint64_t uservec, kernelvec;	/* stvec values, one load instead of two instructions */
	struct Env *env;		/* environment running on this hart, or NULL */
	uint64_t hartid;
	int id;				/* index in cpus[] (the boot hart is 0, whatever its hart id) */
	bool idle;			/* waiting in sched_yield's idle loop, without the kernel lock */
	bool reap;			/* env was destroyed from another hart: free it at the next trap */
	/* env_status with which a system call returns straight to its caller: ENV_RUNNING, or under
	   +trace one no environment has, so that every call goes through syscall_done (kern/trap.c). */
	unsigned resume_status;
	uint64_t trace_entry;		/* +trace: instret at this hart's last trap from user mode */
	/* &kernel_lock.next and .serving: trap entry reaches each with one ld off tp (an amo takes no offset) */
	uint32_t *lock_next, *lock_serving;
};

extern struct cpu cpus[NCPU];
extern int ncpu;		/* harts started (cpus[0..ncpu-1]) */
extern char kstacks[];

/* kern/smp.c */
void smp_start_others(const uint64_t *hartids, int nharts);
void smp_kick(int cpu);		/* a software interrupt on cpus[cpu] */
extern bool shootdown;		/* "+noshootdown" turns remote TLB fences off (to show staletlb fail) */

/*
 * tp, set by boot/entry.S and by trap entry; GCC never allocates it. A
 * register variable, not an asm read, so that curenv is one load (ld rd, 48(tp)).
 */
register struct cpu *cpu_tp __asm__("tp");

static inline struct cpu *mycpu(void)
{
	return cpu_tp;
}

/* Top of cpus[id]'s kernel stack in kstacks (above its guard page). */
static inline uint64_t cpu_kstack_top(int id)
{
	return (uint64_t)kstacks + id * (KSTKSIZE + KSTKGUARD) + KSTKGUARD + KSTKSIZE;
}

#define curenv (mycpu()->env)

_Static_assert(__builtin_offsetof(struct cpu, tf) == CPU_TF, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, kstack_top) == CPU_KSTACK, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, trapstack_top) == CPU_TRAPSTACK, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, uservec) == CPU_UVEC, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, kernelvec) == CPU_KVEC, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, hartid) == CPU_HARTID, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, id) == CPU_ID, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, reap) == CPU_REAP, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, trace_entry) == CPU_TRACE_ENTRY, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, lock_next) == CPU_LOCK_NEXT, "cpu layout");
_Static_assert(__builtin_offsetof(struct cpu, lock_serving) == CPU_LOCK_SERVING, "cpu layout");
_Static_assert(sizeof(struct cpu) == CPU_SIZE, "cpu layout");
#endif

#endif
