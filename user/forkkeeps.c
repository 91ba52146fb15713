/*
 * fork and sfork keep the program's own page-fault handler. The handler
 * maps zero-filled pages on demand in a large sparse region; after fork
 * (and after sfork) faults in the region still reach it, in parent and
 * child, while copy-on-write faults still reach fork's handler.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define SPARSE	0x40000000UL	/* gigabyte 1: a 1 GiB region, zero-filled on demand */
#define SPARSE_SIZE	0x40000000UL

volatile int global = 1;

static void zero_fill(struct UTrapframe *utf)
{
	uint64_t va = utf->utf_fault_va;
	int r;
	if (va - SPARSE >= SPARSE_SIZE)
		panic("unexpected fault at %lx (ip %lx)", va, utf->utf_epc);
	if ((r = sys_page_alloc(0, (void *)ROUNDDOWN(va, PGSIZE), RW)) < 0)
		panic("zero_fill: %e", r);
}

static void touch(const char *who, uint64_t off, int value)
{
	volatile int *p = (volatile int *)(SPARSE + off);
	if (*p != 0)
		panic("%s: a new page at %lx is not zero", who, SPARSE + off);
	*p = value;
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(zero_fill);
	touch("parent", 0, 1);

	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	if (child == 0) {
		touch("fork child", 100 * PGSIZE, 2);
		global = 2;	/* copy-on-write */
		cprintf("forkkeeps: fork child: own handler and copy-on-write ok\n");
		exit();
	}
	touch("parent", 200 * PGSIZE, 3);
	global = 3;
	wait(child);
	cprintf("forkkeeps: parent after fork: own handler and copy-on-write ok\n");

	child = sfork();
	if (child < 0)
		panic("sfork: %e", child);
	if (child == 0) {
		touch("sfork child", 300 * PGSIZE, 4);
		cprintf("forkkeeps: sfork child: own handler ok\n");
		exit();
	}
	wait(child);
	touch("parent", 400 * PGSIZE, 5);
	cprintf("forkkeeps: parent after sfork: own handler ok\n");
}
