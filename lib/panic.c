#include <inc/lib.h>

/* Print "[envid] user panic in NAME at FILE:LINE: message" and exit. */
_Noreturn void _panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cprintf("[%08x] user panic in %s at %s:%d: ", sys_getenvid(), binaryname, file, line);
	vcprintf(fmt, ap);
	cprintf("\n");
	va_end(ap);
	sys_env_destroy(0);
	for (;;)
		;
}

void _warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cprintf("[%08x] user warning in %s at %s:%d: ", sys_getenvid(), binaryname, file, line);
	vcprintf(fmt, ap);
	cprintf("\n");
	va_end(ap);
}
