/*
 * The exception stack is mapped read-only: the kernel cannot push the
 * UTrapframe there for the user, so it destroys the program instead of
 * delivering the fault.
 */
#include <inc/lib.h>

void _pgfault_upcall(void);	/* lib/pfentry.S: a real upcall */

void umain(int argc, char **argv)
{
	int r;

	if ((r = sys_page_alloc(0, (void *)(UXSTACKTOP - PGSIZE), PTE_V | PTE_U | PTE_R)) < 0)
		panic("sys_page_alloc: %e", r);
	if ((r = sys_env_set_pgfault_upcall(0, _pgfault_upcall)) < 0)
		panic("sys_env_set_pgfault_upcall: %e", r);
	*(volatile int *)0x10000000 = 1;
	cprintf("faultrostack: survived the fault!\n");
}
