/* Hands sys_cputs a kernel address (the kernel's own text): refused, and we are destroyed. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	sys_cputs((char *)KERNLINK, 100);
	cprintf("evilhello: the kernel printed its own memory for us\n");
}
