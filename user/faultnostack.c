/* An upcall without an exception stack: the kernel cannot deliver the fault and destroys us. */
#include <inc/lib.h>

void _pgfault_upcall(void);	/* lib/pfentry.S: a real upcall, in our text */

void umain(int argc, char **argv)
{
	int r;

	if ((r = sys_env_set_pgfault_upcall(0, _pgfault_upcall)) < 0)
		panic("sys_env_set_pgfault_upcall: %e", r);
	*(volatile int *)0 = 0;
	cprintf("faultnostack: survived the fault!\n");
}
