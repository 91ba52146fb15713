/*
 * The handler maps the faulting page and writes a string into it. Printing
 * a string that starts on one unmapped page makes the handler fault again
 * (its snprintf reads the string), so faults nest inside the handler.
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
	cprintf("%s\n", (char *)0xDeadBeef);
	cprintf("%s\n", (char *)0xCafeBffe);
}
