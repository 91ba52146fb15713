/*
 * A big fork: write PERCENT of memory (default 66: two thirds), fork, and
 * let the child check a few pages and exit. Measures what a fork of most of
 * memory costs; tools/kcheck-cost.sh runs it on the checking kernel.
 *   forkfill [PERCENT]
 */
#include <inc/lib.h>

#define REGION	0x40000000UL	/* gigabyte 1 on */

void umain(int argc, char **argv)
{
	uint64_t percent = argc > 1 ? strtol(argv[1], NULL, 0) : 66, total;
	pages_free(&total);
	uint64_t n = total * percent / 100;
	volatile uint64_t *p = (volatile uint64_t *)REGION;
	for (uint64_t i = 0; i < n; i++) {
		int r = sys_page_alloc(0, (void *)(REGION + i * PGSIZE), PTE_V | PTE_U | PTE_R | PTE_W);
		if (r < 0)
			panic("sys_page_alloc: %e", r);
		p[i * (PGSIZE / 8)] = i;
	}
	cprintf("forkfill: wrote %lu pages (%lu%% of %lu)\n", n, percent, total);
	envid_t id = fork();
	if (id < 0)
		panic("fork: %e", id);
	if (id == 0) {
		for (uint64_t i = 0; i < n; i += 1 + n / 16)
			if (p[i * (PGSIZE / 8)] != i)
				panic("page %lu holds %lu", i, p[i * (PGSIZE / 8)]);
		cprintf("forkfill: the child sees them\n");
		return;
	}
	wait(id);
	cprintf("forkfill: done\n");
}
