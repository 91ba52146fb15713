/* Hands sys_cputs a real string with a length running 1 MiB past it: the check covers the whole range. */
#include <inc/lib.h>

const char *hello = "hello, world\n";

void umain(int argc, char **argv)
{
	sys_cputs(hello, 1024 * 1024);
	cprintf("buggyhello2: still alive after a bad sys_cputs\n");
}
