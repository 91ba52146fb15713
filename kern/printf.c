/* Kernel cprintf, panic and warn. */
#include <inc/stdio.h>
#include <inc/assert.h>
#include <inc/riscv.h>
#include <kern/console.h>
#include <kern/kdebug.h>
#include <kern/poweroff.h>
#include <kern/timer.h>

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


static uint32_t panicking;	/* a word: RV64A swaps words, not bytes */

/*
 * A kernel bug: say where, show the call chain, and power off. The first
 * hart to panic does that; another that panics meanwhile (two watchdogs
 * firing together, say) waits for it to power off, at most a second, so
 * that the first one's lines are not cut off mid-line.
 */
_Noreturn void _panic(const char *file, int line, const char *fmt, ...)
{
	csr_clear(sstatus, SSTATUS_SIE);
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) {
		for (uint64_t t0 = rdtime(); rdtime() - t0 < timer_hz;)
			timer_nap();	/* wfi, not a spin (-icount) */
	} else {
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
