/* An upcall at an unmapped address: the kernel refuses to jump there and destroys us. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	int r;

	if ((r = sys_page_alloc(0, (void *)(UXSTACKTOP - PGSIZE), PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
		panic("allocating the exception stack: %e", r);
	if ((r = sys_env_set_pgfault_upcall(0, (void *)0xDeadBeef)) < 0)
		panic("sys_env_set_pgfault_upcall: %e", r);
	*(volatile int *)0 = 0;
	cprintf("faultbadhandler: survived the fault!\n");
}
