/* User cprintf: format into a buffer, hand it to the kernel with one sys_cputs per 256 bytes. */
#include <inc/lib.h>

struct printbuf {
	int idx;	/* bytes in buf */
	int cnt;	/* bytes printed in all */
	char buf[256];
};

static void putch(int ch, void *arg)
{
	struct printbuf *b = arg;
	b->buf[b->idx++] = (char)ch;
	if (b->idx == sizeof(b->buf)) {
		sys_cputs(b->buf, b->idx);
		b->idx = 0;
	}
	b->cnt++;
}

int vcprintf(const char *fmt, va_list ap)
{
	struct printbuf b;
	b.idx = 0;
	b.cnt = 0;
	vprintfmt(putch, &b, fmt, ap);
	sys_cputs(b.buf, b.idx);
	return b.cnt;
}

