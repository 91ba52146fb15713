/* ebreak in user mode: a breakpoint exception, which destroys the program (there is no debugger upcall). */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	cprintf("breakpoint: ebreak\n");
	__asm__ volatile("ebreak");
	cprintf("breakpoint: survived ebreak!\n");
}
