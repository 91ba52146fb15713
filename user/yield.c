/* Yields the hart five times; several copies interleave round-robin. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	cprintf("Hello, I am environment %08x.\n", thisenv->env_id);
	for (int i = 0; i < 5; i++) {
		sys_yield();
		cprintf("Back in environment %08x, iteration %d.\n", thisenv->env_id, i);
	}
	cprintf("All done in environment %08x.\n", thisenv->env_id);
}
