/* Kernel cprintf, panic and warn. */
#include <inc/stdio.h>
#include <inc/assert.h>
#include <inc/riscv.h>
#include <kern/console.h>
#include <kern/kdebug.h>
#include <kern/poweroff.h>

static void putch(int c, void *cnt)
{
	cons_putc(c);
	(*(int *)cnt)++;
}

int vcprintf(const char *fmt, va_list ap)
{
	int cnt = 0;
	cons_kernel_line();
	vprintfmt(putch, &cnt, fmt, ap);
	return cnt;
}


static bool panicking;

/* A kernel bug: say where, show the call chain, and power off. */
_Noreturn void _panic(const char *file, int line, const char *fmt, ...)
{
	csr_clear(sstatus, SSTATUS_SIE);
	if (!panicking) {
		panicking = true;
		va_list ap;
		va_start(ap, fmt);
		cprintf("kernel panic at %s:%d: ", file, line);
		vcprintf(fmt, ap);
		cprintf("\n");
		va_end(ap);
		backtrace(read_fp());
	}
	poweroff(VERDICT_PANIC);
}

void _warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cprintf("kernel warning at %s:%d: ", file, line);
	vcprintf(fmt, ap);
	cprintf("\n");
	va_end(ap);
}
