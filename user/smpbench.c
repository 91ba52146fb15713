/*
 * Wall-clock workloads for make bench-smp (tools/bench-smp.sh), timed with
 * rdtime from the start to the last environment's exit:
 *   smpbench par [N]   N (default 4) workers, each a fixed user-mode loop
 *   smpbench tree [D]  a fork tree of depth D (default 6), as forktree without its lines
 * prints "smpbench: NAME TICKS ticks" (timebase ticks).
 *   smpbench shoot [N] the caller's cost of a remote TLB shootdown: N remaps
 *                      (sys_page_map replacing a page) into a child spinning
 *                      in user mode on another hart, then N into the same child
 *                      loaded nowhere; prints "smpbench: shoot" with the median
 *                      rdinstret and rdtime deltas of one call in each case.
 */
#include <inc/lib.h>
#include <inc/riscv.h>	/* rdtime, rdinstret */

#define SHARED	((volatile struct shared *)0x42000000UL)
#define LOOP	20000000UL

struct shared {
	int left;
	uint64_t last;
	envid_t root;
};


static void done(void)
{
	uint64_t t = rdtime();
	if (__atomic_sub_fetch(&SHARED->left, 1, __ATOMIC_SEQ_CST) == 0) {
		SHARED->last = t;
		if (sys_getenvid() != SHARED->root)
			ipc_send(SHARED->root, 0, NULL, 0);
	}
}

#define VICTIM	((volatile uint64_t *)0x40000000UL)
#define PAGE_A	0x43000000UL
#define PAGE_B	0x44000000UL
#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define NSHOOT	64


static uint64_t median(uint64_t *v, int n)	/* sorts v (insertion sort: n is small) */
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* n remaps of the child's VICTIM, alternating two pages; median instructions and ticks of one call. */
static void remaps(envid_t c, int n, uint64_t *insn, uint64_t *ticks)
{
	static uint64_t di[NSHOOT], dt[NSHOOT];
	for (int i = 0; i < n; i++) {
		uint64_t t0 = rdtime(), i0 = rdinstret();
		int r = sys_page_map(0, (void *)(i % 2 ? PAGE_A : PAGE_B), c, (void *)VICTIM, RW);
		uint64_t i1 = rdinstret(), t1 = rdtime();
		if (r < 0)
			panic("sys_page_map: %e", r);
		di[i] = i1 - i0;
		dt[i] = t1 - t0;
	}
	*insn = median(di, n);
	*ticks = median(dt, n);
}

static const volatile struct Env *env_of(envid_t c)
{
	return &envs[ENVX(c)];
}

/* The caller's cost of a remote shootdown: remaps into a child loaded on another hart vs. loaded nowhere. */
static void shoot(int n)
{
	if (n < 1 || n > NSHOOT)
		n = NSHOOT;
	if (sys_page_alloc(0, (void *)VICTIM, RW | PTE_SHARE) < 0)	/* the child's, from the start */
		panic("page_alloc");
	SHARED->left = 0;
	envid_t c = fork();
	if (c < 0)
		panic("fork: %e", c);
	if (c == 0) {
		uint64_t v = 0;
		SHARED->left = 1;
		while (SHARED->left == 1)	/* user mode only: no system call, no fault */
			v += *VICTIM;
		exit();
	}
	if (sys_page_alloc(0, (void *)PAGE_A, RW) < 0 || sys_page_alloc(0, (void *)PAGE_B, RW) < 0)
		panic("page_alloc");	/* after the fork: not copy-on-write */
	int tries = 0;
	while (!(SHARED->left == 1 && env_of(c)->env_status == ENV_RUNNING &&
		 env_of(c)->env_cpunum != thisenv->env_cpunum) && ++tries < 100000)
		sys_yield();
	if (tries >= 100000) {
		cprintf("smpbench: shoot: cannot arrange it: the child is not running on another hart\n");
		sys_env_destroy(c);
		return;
	}
	int cpu = env_of(c)->env_cpunum;
	uint64_t ri, rt, li, lt;
	remaps(c, n, &ri, &rt);
	bool stayed = env_of(c)->env_status == ENV_RUNNING && env_of(c)->env_cpunum == cpu;
	if (sys_env_set_status(c, ENV_NOT_RUNNABLE) < 0)	/* stops it (IPI); its hart unloads it when idle */
		panic("set_status");
	for (tries = 0; env_of(c)->env_cpunum >= 0 && ++tries < 100000;)
		sys_yield();
	if (env_of(c)->env_cpunum >= 0) {
		cprintf("smpbench: shoot: cannot arrange it: the stopped child stays loaded on CPU %d\n",
			env_of(c)->env_cpunum);
		sys_env_destroy(c);
		return;
	}
	remaps(c, n, &li, &lt);
	sys_env_destroy(c);
	cprintf("smpbench: shoot %s child on CPU %d (caller on CPU %d): remap %lu insns %lu ticks; "
		"loaded nowhere: %lu insns %lu ticks\n", stayed ? "loaded" : "MOVED", cpu, thisenv->env_cpunum,
		ri, rt, li, lt);
}

static int depth;

static void tree(int level)
{
	for (int b = 0; b < 2 && level < depth; b++)
		if (fork() == 0) {
			tree(level + 1);
			done();
			exit();
		}
}

void umain(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "shoot") == 0) {
		if (sys_page_alloc(0, (void *)SHARED, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE) < 0)
			panic("page_alloc");
		shoot(argc > 2 ? strtol(argv[2], NULL, 10) : NSHOOT);
		return;
	}
	bool par = argc > 1 && strcmp(argv[1], "par") == 0;
	int n = argc > 2 ? strtol(argv[2], NULL, 10) : par ? 4 : 6;
	if (sys_page_alloc(0, (void *)SHARED, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE) < 0)
		panic("page_alloc");
	SHARED->root = sys_getenvid();
	uint64_t t0 = rdtime();
	if (par) {
		SHARED->left = n + 1;
		for (int i = 0; i < n; i++)
			if (fork() == 0) {
				for (volatile uint64_t k = 0; k < LOOP; k++)
					;
				done();
				exit();
			}
	} else {
		depth = n;
		SHARED->left = (2 << n) - 1;
		tree(0);
	}
	envid_t from = 0;
	done();
	if (SHARED->left > 0)
		ipc_recv(&from, NULL, NULL);
	cprintf("smpbench: %s %lu ticks\n", par ? "par" : "tree", SHARED->last - t0);
}
