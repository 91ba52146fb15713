/* The first program: say hello and who we are. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	cprintf("hello, world\n");
	cprintf("i am environment %08x\n", thisenv->env_id);
	for (int i = 1; i < argc; i++)
		cprintf("argv[%d] = %s\n", i, argv[i]);
}
