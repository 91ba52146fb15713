/*
 * The upcall points into the program's own memory that is not executable:
 * faultnxhandler data (a global) or faultnxhandler stack (a local). The
 * kernel refuses to jump there and destroys the program.
 */
#include <inc/lib.h>

static uint32_t code[4] = { 0x00000013, 0x00000013, 0x00000013, 0x00000013 };	/* nops, in .data */

void umain(int argc, char **argv)
{
	uint32_t local[4] = { 0x00000013, 0x00000013, 0x00000013, 0x00000013 };
	bool stack = argc > 1 && strcmp(argv[1], "stack") == 0;
	void *upcall = stack ? (void *)local : (void *)code;
	int r;

	if ((r = sys_page_alloc(0, (void *)(UXSTACKTOP - PGSIZE), PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
		panic("sys_page_alloc: %e", r);
	if ((r = sys_env_set_pgfault_upcall(0, upcall)) < 0)
		panic("sys_env_set_pgfault_upcall: %e", r);
	cprintf("faultnxhandler: upcall at %lx (%s)\n", (uint64_t)upcall, stack ? "stack" : "data");
	*(volatile int *)0x10000000 = 1;
	cprintf("faultnxhandler: survived the fault!\n");
}
