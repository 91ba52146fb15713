/*
 * The region table: a handler that says "not mine" passes the fault on;
 * the table survives fork and sfork, and each environment's copy is its
 * own (a region added or removed in the child is not in the parent's, and
 * the other way round); set_pgfault_handler's handler gets what no region
 * claims; and fork works inside a region's handler.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define Z1	0x50000000UL
#define Z2	0x60000000UL
#define PICKY	0x70000000UL
#define FORKY	0x78000000UL
#define SIZE	(16 * PGSIZE)

envid_t first;			/* the first environment's id: who is "parent" */
volatile envid_t forked;	/* fork's result in the forking handler, per environment */

static const char *who(void)
{
	return sys_getenvid() == first ? "parent" : "child";
}

static void fallback(struct UTrapframe *utf)
{
	int r;
	cprintf("regiontable: %s: fallback for %lx\n", who(), utf->utf_fault_va);
	if ((r = sys_page_alloc(0, (void *)ROUNDDOWN(utf->utf_fault_va, PGSIZE), RW)) < 0)
		panic("fallback: %e", r);
}

/* Stores only: map the page and mark it; loads are not ours. */
static bool picky(struct UTrapframe *utf, const struct region *rg)
{
	int r;
	if (utf->utf_cause != FAULT_STORE)
		return false;
	uint64_t va = ROUNDDOWN(utf->utf_fault_va, PGSIZE);
	if ((r = sys_page_alloc(0, (void *)va, RW)) < 0)
		panic("picky: %e", r);
	((volatile int *)va)[1] = 0xab;
	return true;
}

/* Map the page, then fork: both return from this handler. */
static bool forky(struct UTrapframe *utf, const struct region *rg)
{
	int r;
	if ((r = sys_page_alloc(0, (void *)ROUNDDOWN(utf->utf_fault_va, PGSIZE), RW)) < 0)
		panic("forky: %e", r);
	envid_t id = fork();
	if (id < 0)
		panic("fork in a region handler: %e", id);
	forked = id;
	return true;
}

static void touch(uint64_t va)
{
	if (*(volatile int *)va != 0)
		panic("%s: page at %lx not zero", who(), va);
	*(volatile int *)va = 1;
}

static void check(int r, const char *what)
{
	if (r < 0)
		panic("%s: %e", what, r);
}

void umain(int argc, char **argv)
{
	first = sys_getenvid();
	check(region_zero(Z1, SIZE, "z1"), "region_zero");
	check(region_add(PICKY, PICKY + SIZE, picky, "picky", 0), "region_add");
	check(region_zero(PICKY, SIZE, "under picky"), "region_zero");
	set_pgfault_handler(fallback);
	touch(Z1);

	if (*(volatile int *)PICKY != 0)	/* a load: picky declines, the zero region takes it */
		panic("load in picky: not zero");
	*(volatile int *)(PICKY + PGSIZE) = 1;	/* a store: picky's */
	if (((volatile int *)(PICKY + PGSIZE))[1] != 0xab)
		panic("store in picky: not picky's page");
	cprintf("regiontable: a handler that says not mine passes the fault on\n");

	envid_t child = fork();
	check(child, "fork");
	if (child == 0) {
		check(region_zero(Z2, SIZE, "z2"), "region_zero");
		touch(Z2);
		check(region_remove(Z1), "region_remove");
		touch(Z1 + PGSIZE);
		exit();
	}
	wait(child);
	touch(Z2);		/* not in our table: the fallback's */
	touch(Z1 + 2 * PGSIZE);	/* still ours */
	cprintf("regiontable: after fork each has its own table\n");

	child = sfork();
	check(child, "sfork");
	if (child == 0) {
		touch(Z1 + 4 * PGSIZE);	/* the table came along */
		check(region_remove(Z1), "region_remove");
		touch(Z1 + 3 * PGSIZE);
		check(region_zero(Z2, SIZE, "z2"), "region_zero");
		touch(Z2 + PGSIZE);
		exit();
	}
	wait(child);
	touch(Z1 + 5 * PGSIZE);
	touch(Z2 + 2 * PGSIZE);
	cprintf("regiontable: after sfork each has its own table\n");

	check(region_add(FORKY, FORKY + SIZE, forky, "forky", 0), "region_add");
	*(volatile int *)FORKY = 5;
	if (*(volatile int *)FORKY != 5)
		panic("the store in the forking region did not complete");
	if (forked == 0) {
		cprintf("regiontable: fork in a region handler: child resumed\n");
		exit();
	}
	wait(forked);
	cprintf("regiontable: fork in a region handler: parent resumed\n");
}
