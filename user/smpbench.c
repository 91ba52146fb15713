/*
 * Wall-clock workloads for make bench-smp (tools/bench-smp.sh), timed with
 * rdtime from the start to the last environment's exit:
 *   smpbench par [N]   N (default 4) workers, each a fixed user-mode loop
 *   smpbench tree [D]  a fork tree of depth D (default 6), as forktree without its lines
 * prints "smpbench: NAME TICKS ticks" (timebase ticks).
 */
#include <inc/lib.h>

#define SHARED	((volatile struct shared *)0x42000000UL)
#define LOOP	20000000UL

struct shared {
	int left;
	uint64_t last;
	envid_t root;
};

static uint64_t now(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static void done(void)
{
	uint64_t t = now();
	if (__atomic_sub_fetch(&SHARED->left, 1, __ATOMIC_SEQ_CST) == 0) {
		SHARED->last = t;
		if (sys_getenvid() != SHARED->root)
			ipc_send(SHARED->root, 0, NULL, 0);
	}
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
	bool par = argc > 1 && strcmp(argv[1], "par") == 0;
	int n = argc > 2 ? strtol(argv[2], NULL, 10) : par ? 4 : 6;
	if (sys_page_alloc(0, (void *)SHARED, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE) < 0)
		panic("page_alloc");
	SHARED->root = sys_getenvid();
	uint64_t t0 = now();
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
