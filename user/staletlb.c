/*
 * A stale remote TLB entry (docs/design.md, SMP: the shootdown rules).
 * staletlb remap|unmap|rdonly: a child spins in user mode on another hart
 * reading a page (no system call, no fault: its TLB entry stays hot); the
 * parent replaces the page / unmaps it / makes it read-only, and only after
 * that call has returned tells the child (through a PTE_SHARE page) to look
 * again. The child must then see the new page / fault / fault on a store.
 * The test first makes sure the child really runs on another hart, and
 * still runs there, unmoved, after the change; if it cannot arrange that it
 * says so and fails. Needs several harts; on one it always fails.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define RO	(PTE_V | PTE_U | PTE_R)
#define VICTIM	((volatile uint64_t *)0x40000000UL)
#define FRESH	0x41000000UL
#define SHARED	((volatile struct shared *)0x42000000UL)

struct shared {
	uint64_t ready, go, seen;
};

enum { REMAP, UNMAP, RDONLY };

static _Noreturn void child(int mode)
{
	if (sys_page_alloc(0, (void *)VICTIM, RW) < 0)
		panic("page_alloc");
	*VICTIM = 1;
	SHARED->ready = 1;
	uint64_t v = 0;
	while (!SHARED->go)	/* no system call, no fault: the translation stays in this hart's TLB */
		v += *VICTIM;
	if (mode == RDONLY) {
		*VICTIM = 3;	/* must fault: the kernel destroys us */
		cprintf("staletlb: FAIL: the child stored into its read-only page (stale TLB entry)\n");
	} else {
		v = *VICTIM;	/* unmap: must fault */
		if (mode == UNMAP)
			cprintf("staletlb: FAIL: the child read its unmapped page (stale TLB entry)\n");
		else if (v == 1)
			cprintf("staletlb: FAIL: the child read the old page (stale TLB entry)\n");
		else if (v == 2)
			cprintf("staletlb: the child sees the new page\n");
	}
	SHARED->seen = 1;
	exit();
	for (;;)
		;
}

/* The child is running on a hart other than ours. */
static bool elsewhere(envid_t c)
{
	const volatile struct Env *e = &envs[ENVX(c)];
	return e->env_id == c && e->env_status == ENV_RUNNING && e->env_cpunum != thisenv->env_cpunum;
}

void umain(int argc, char **argv)
{
	int mode = argc < 2 ? -1 : strcmp(argv[1], "remap") == 0 ? REMAP : strcmp(argv[1], "unmap") == 0 ? UNMAP :
				   strcmp(argv[1], "rdonly") == 0 ? RDONLY : -1;
	if (mode < 0)
		panic("usage: staletlb remap|unmap|rdonly");
	if (sys_page_alloc(0, (void *)SHARED, RW | PTE_SHARE) < 0)
		panic("page_alloc");
	envid_t c = fork();
	if (c < 0)
		panic("fork: %e", c);
	if (c == 0)
		child(mode);

	int tries = 0;
	while (!(SHARED->ready && elsewhere(c)) && ++tries < 100000)
		sys_yield();
	int cpu = envs[ENVX(c)].env_cpunum;
	if (!elsewhere(c)) {
		cprintf("staletlb: cannot arrange it: the child is not running on another hart\n");
		sys_env_destroy(c);
		return;
	}
	for (volatile int i = 0; i < 100000; i++)	/* the child spins over its page meanwhile */
		;
	int r;
	if (mode == REMAP) {
		if ((r = sys_page_alloc(0, (void *)FRESH, RW)) < 0)
			panic("page_alloc: %e", r);
		*(volatile uint64_t *)FRESH = 2;
		r = sys_page_map(0, (void *)FRESH, c, (void *)VICTIM, RW);
	} else if (mode == UNMAP) {
		r = sys_page_unmap(c, (void *)VICTIM);
	} else {
		r = sys_page_map(c, (void *)VICTIM, c, (void *)VICTIM, RO);
	}
	if (r < 0)
		panic("the change: %e", r);
	/*
	 * Still on its hart, or (unmap) already gone: the child's spin may fault
	 * at once (correctly) and be freed. Read in that order: a child that
	 * leaves its hart after the first read is gone by the second. Read the
	 * other way round, gone could see it running and still, an instant
	 * later, see it freed (failed once in CI, under load).
	 */
	bool still = elsewhere(c) && envs[ENVX(c)].env_cpunum == cpu;
	bool gone = envs[ENVX(c)].env_id != c || envs[ENVX(c)].env_status != ENV_RUNNING;
	if (!still && !(mode == UNMAP && gone)) {
		cprintf("staletlb: cannot arrange it: the child left its hart during the change\n");
		sys_env_destroy(c);
		return;
	}
	cprintf("staletlb: %s while the child runs on CPU %d (the parent on CPU %d)\n", argv[1], cpu,
		thisenv->env_cpunum);
	SHARED->go = 1;	/* only now: the change's system call has returned */
	wait(c);
	cprintf("staletlb: %s: child %s\n", argv[1], SHARED->seen ? "finished" : "faulted");
}
