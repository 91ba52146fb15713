/*
 * A system call given an unmapped pointer is not a page fault: the kernel
 * checks the pointer and destroys the caller, so the handler never runs.
 */
#include <inc/lib.h>

static void handler(struct UTrapframe *utf)
{
	uint64_t addr = utf->utf_fault_va;
	int r;

	cprintf("fault %lx\n", addr);
	if ((r = sys_page_alloc(0, (void *)ROUNDDOWN(addr, PGSIZE), PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
		panic("allocating at %lx in page fault handler: %e", addr, r);
	snprintf((char *)addr, 100, "this string was faulted in at %lx", addr);
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(handler);
	sys_cputs((char *)0xDEADBEEF, 4);
	cprintf("faultallocbad: sys_cputs returned!\n");
}
