/* Hands sys_cputs an unmapped address: the kernel's pointer check destroys us, nothing else happens. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	sys_cputs((char *)1, 1);
	cprintf("buggyhello: still alive after a bad sys_cputs\n");
}
