/*
 * A parent with 4 MiB of written memory forks. Both rewrite every page and
 * check the other's data never shows through; pages neither touches after
 * the fork stay shared (same physical page, copy-on-write, counted twice).
 */
#include <inc/lib.h>

#define NPAGES	1024			/* 4 MiB rewritten by both */
#define NQUIET	64			/* 256 KiB neither writes after the fork */

static uint64_t big[NPAGES][PGSIZE / 8] __attribute__((aligned(4096)));
static uint64_t quiet[NQUIET][PGSIZE / 8] __attribute__((aligned(4096)));

/* Written by the child for the parent to read: a PTE_SHARE page stays shared by fork. */
#define SHARED ((volatile uint64_t *)0x20000000)

static uint64_t pattern(uint64_t who, uint64_t page, uint64_t word)
{
	return (who << 48) ^ (page << 20) ^ (word * 0x9E3779B97F4A7C15ULL);
}

static void fill(uint64_t who)
{
	for (uint64_t p = 0; p < NPAGES; p++)
		for (uint64_t w = 0; w < PGSIZE / 8; w += 7)	/* every 7th word: quick but spread */
			big[p][w] = pattern(who, p, w);
}

static void verify(uint64_t who, const char *name)
{
	for (uint64_t p = 0; p < NPAGES; p++)
		for (uint64_t w = 0; w < PGSIZE / 8; w += 7)
			if (big[p][w] != pattern(who, p, w))
				panic("%s: page %lu word %lu is %lx, want %lx", name, p, w, big[p][w], pattern(who, p, w));
}

/* The quiet pages: still copy-on-write, and more than one reference each. */
static void check_quiet_shared(const char *name)
{
	for (int p = 0; p < NQUIET; p++) {
		pte_t pte = uvpt_lookup((uint64_t)quiet[p]);
		if (!(pte & PTE_COW) || (pte & PTE_W) || page_refs((uint64_t)quiet[p]) < 2)
			panic("%s: quiet page %d not shared copy-on-write (pte %lx, refs %u)",
			      name, p, pte, page_refs((uint64_t)quiet[p]));
		if (quiet[p][1] != pattern(9, p, 1))
			panic("%s: quiet page %d lost its data", name, p);
	}
}

void umain(int argc, char **argv)
{
	int r;
	if ((r = sys_page_alloc(0, (void *)SHARED, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE)) < 0)
		panic("sys_page_alloc: %e", r);
	fill(1);
	for (int p = 0; p < NQUIET; p++)
		quiet[p][1] = pattern(9, p, 1);

	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	if (child == 0) {
		verify(1, "child before writing");
		fill(2);
		sys_yield();	/* let the parent write its pages too */
		verify(2, "child after both wrote");
		check_quiet_shared("child");
		for (int p = 0; p < NQUIET; p++)
			SHARED[p] = PTE_ADDR(uvpt_lookup((uint64_t)quiet[p]));
		SHARED[NQUIET] = 1;	/* done: the parent checks while we still hold our references */
		while (SHARED[NQUIET + 1] != 1)
			sys_yield();
		cprintf("forkbig: child ok\n");
		exit();
	}
	fill(3);
	sys_yield();
	verify(3, "parent after both wrote");
	while (SHARED[NQUIET] != 1)
		sys_yield();
	for (int p = 0; p < NQUIET; p++)
		if (SHARED[p] != PTE_ADDR(uvpt_lookup((uint64_t)quiet[p])))
			panic("parent: quiet page %d is at %lx here but %lx in the child", p,
			      PTE_ADDR(uvpt_lookup((uint64_t)quiet[p])), SHARED[p]);
	check_quiet_shared("parent");
	SHARED[NQUIET + 1] = 1;
	/* Every rewritten page is now private to the parent. */
	for (int p = 0; p < NPAGES; p++)
		if (!(uvpt_lookup((uint64_t)big[p]) & PTE_W))
			panic("parent: rewritten page %d still not writable", p);
	wait(child);
	cprintf("forkbig: parent ok\n");
}
