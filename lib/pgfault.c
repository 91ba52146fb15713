/* User-level page-fault handling: the exception stack and the upcall, set up once. */
#include <inc/lib.h>

extern void _pgfault_upcall(void);	/* lib/pfentry.S */
void (*_pgfault_handler)(struct UTrapframe *utf);

/*
 * Make handler the C function that page faults in this environment go to.
 * The first call allocates the exception stack (the page below UXSTACKTOP)
 * and tells the kernel to enter _pgfault_upcall on a fault.
 */
void set_pgfault_handler(void (*handler)(struct UTrapframe *utf))
{
	int r;
	if (_pgfault_handler == NULL) {
		r = sys_page_alloc(0, (void *)(UXSTACKTOP - PGSIZE), PTE_V | PTE_U | PTE_R | PTE_W);
		if (r < 0)
			panic("set_pgfault_handler: allocating the exception stack: %e", r);
		if ((r = sys_env_set_pgfault_upcall(0, _pgfault_upcall)) < 0)
			panic("set_pgfault_handler: setting the upcall: %e", r);
	}
	if (_pgfault_handler != handler)	/* no write (and no copy-on-write fault) when unchanged */
		_pgfault_handler = handler;
}
