/*
 * A system call given an unmapped pointer is not a page fault: the kernel
 * checks the pointer and destroys the caller, so the handler never runs.
 */
#include <inc/lib.h>

/* Would map the page as user/faultalloc.c's handler does; it must never run. */
static void handler(struct UTrapframe *utf)
{
	cprintf("fault %lx\n", utf->utf_fault_va);
	panic("faultallocbad: the handler ran");
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(handler);
	sys_cputs((char *)0xDEADBEEF, 4);
	cprintf("faultallocbad: sys_cputs returned!\n");
}
