/* Reads a kernel address (the start of the kernel image): destroyed. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	cprintf("I read %08x from location %lx!\n", *(volatile unsigned *)KERNLINK, KERNLINK);
}
