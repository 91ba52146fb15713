/*
 * A handler that faults again every time it runs: each fault pushes a new
 * frame below the last one on the exception stack, until there is no room;
 * then the kernel destroys the program (exception stack overflow).
 */
#include <inc/lib.h>

static void handler(struct UTrapframe *utf)
{
	cprintf("faultrecurse: fault at %lx, depth %lu\n", utf->utf_fault_va, utf->utf_depth);
	*(volatile int *)(0x10000000 + utf->utf_depth * PGSIZE) = 1;	/* unmapped: again */
	panic("faultrecurse: the nested fault returned");
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(handler);
	*(volatile int *)0x10000000 = 1;
	panic("faultrecurse: the first fault returned");
}
