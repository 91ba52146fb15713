/* Console I/O over sys_cputs and sys_cgetc. */
#include <inc/lib.h>

void cputchar(int ch)
{
	char c = (char)ch;
	sys_cputs(&c, 1);
}

/* Wait (yielding) for a key. */
int getchar(void)
{
	int c;
	while ((c = sys_cgetc()) == 0)
		sys_yield();
	return c;
}

int iscons(int fd)
{
	return fd == 0 || fd == 1;
}
