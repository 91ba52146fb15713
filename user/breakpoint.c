/* ebreak in user mode: the kernel monitor (register dump, JOS greeting); its continue resumes after the ebreak. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	cprintf("breakpoint: ebreak\n");
	__asm__ volatile("ebreak");
	cprintf("breakpoint: survived ebreak!\n");
}
