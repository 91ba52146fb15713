/*
 * A guard region: any access ends the environment with a line naming the
 * region. One child loads from it, one stores to it, one jumps into it;
 * memory just outside it is not the guard's.
 */
#include <inc/lib.h>

#define GUARD	0x30000000UL
#define GSIZE	(16 * PGSIZE)
#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)

static void run(const char *what)
{
	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	if (child == 0) {
		cprintf("regionguard: %s\n", what);
		if (what[0] == 'l')
			cprintf("read %x\n", *(volatile int *)(GUARD + 5 * PGSIZE + 12));
		else if (what[0] == 's')
			*(volatile int *)(GUARD + GSIZE - 4) = 1;
		else
			((void (*)(void))GUARD)();
		panic("survived the guard");
	}
	wait(child);
}

void umain(int argc, char **argv)
{
	int r;
	if ((r = region_guard(GUARD, GSIZE, "red zone")) < 0)
		panic("region_guard: %e", r);
	/* the pages on either side are not guarded: mapping them works and faults nothing */
	if ((r = sys_page_alloc(0, (void *)(GUARD - PGSIZE), RW)) < 0 ||
	    (r = sys_page_alloc(0, (void *)(GUARD + GSIZE), RW)) < 0)
		panic("sys_page_alloc: %e", r);
	*(volatile int *)(GUARD - 4) = 1;
	*(volatile int *)(GUARD + GSIZE) = 1;
	run("load");
	run("store");
	run("jump");
	cprintf("regionguard: every access to the guard ended its child\n");
}
