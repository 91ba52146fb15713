/*
 * printf-style formatting shared by the kernel and the user library.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %% and %e (an E_* error code,
 * printed by name).  Flags '-' (left-justify) and '0' (zero-pad), a field
 * width (digits or '*'), a precision (digits or '*': maximum length for %s,
 * minimum digit count for integers), and the length modifiers l, ll and z.
 * An unknown conversion is printed as-is, e.g. "%q" or "%-4q".
 */

#include <inc/types.h>
#include <inc/stdarg.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/error.h>

static const char * const error_string[MAXERROR] = {
	[E_UNSPECIFIED]	 = "unspecified error",
	[E_BAD_ENV]	 = "bad environment",
	[E_INVAL]	 = "invalid parameter",
	[E_NO_MEM]	 = "out of memory",
	[E_NO_FREE_ENV]	 = "out of environments",
	[E_FAULT]	 = "memory fault",
	[E_IPC_NOT_RECV] = "env is not recving",
	[E_EOF]		 = "unexpected end of file",
	[E_NO_SYS]	 = "no such system call",
};

typedef void (*putch_t)(int, void *);

static void
pad(putch_t putch, void *putdat, int c, int n)
{
	while (n-- > 0)
		putch(c, putdat);
}

/* Print len bytes of s in a field of the given width. */
static void
printstr(putch_t putch, void *putdat, const char *s, int len, int width, bool left)
{
	int i;

	if (!left)
		pad(putch, putdat, ' ', width - len);
	for (i = 0; i < len; i++)
		putch((unsigned char)s[i], putdat);
	if (left)
		pad(putch, putdat, ' ', width - len);
}

/*
 * Print num in the given base after prefix ("", "-" or "0x").
 * prec < 0 means no precision; zero padding goes between prefix and digits.
 */
static void
printnum(putch_t putch, void *putdat, unsigned long long num, unsigned base,
	 bool upper, const char *prefix, int width, int prec, bool left, int padc)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];		// 22 octal digits cover 64 bits
	int n = 0, plen, zeros, len;

	// As in C, precision 0 prints nothing for the value 0.
	if (num != 0 || prec != 0) {
		do {
			buf[n++] = digits[num % base];
			num /= base;
		} while (num != 0);
	}
	plen = strlen(prefix);
	zeros = prec > n ? prec - n : 0;
	len = plen + zeros + n;
	if (padc == '0' && !left && prec < 0 && width > len) {
		zeros += width - len;
		len = width;
	}

	if (!left)
		pad(putch, putdat, ' ', width - len);
	while (*prefix != '\0')
		putch(*prefix++, putdat);
	pad(putch, putdat, '0', zeros);
	while (n > 0)
		putch(buf[--n], putdat);
	if (left)
		pad(putch, putdat, ' ', width - len);
}

/* Parse a decimal number at *fmt, saturating instead of overflowing. */
static int
getnum(const char **fmt)
{
	const char *p = *fmt;
	int n = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		if (n < 100000000)
			n = n * 10 + (*p - '0');
	*fmt = p;
	return n;
}

void
vprintfmt(void (*putch)(int, void *), void *putdat, const char *fmt, va_list ap)
{
	const char *start, *s;
	unsigned long long num;
	long long snum, err;
	int c, width, prec, lflag, padc, base;
	bool left;

	for (;;) {
		while ((c = (unsigned char)*fmt++) != '%') {
			if (c == '\0')
				return;
			putch(c, putdat);
		}
		start = fmt - 1;

		left = false;
		padc = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				padc = '0';
			else
				break;
		}

		width = 0;
		if (*fmt == '*') {
			fmt++;
			width = va_arg(ap, int);
			if (width < 0) {
				// A negative '*' width means left-justify, as in C.
				left = true;
				width = width < -100000000 ? 100000000 : -width;
			}
		} else {
			width = getnum(&fmt);
		}

		prec = -1;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				fmt++;
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
			} else {
				prec = getnum(&fmt);
			}
		}

		lflag = 0;
		for (;; fmt++) {
			if (*fmt == 'l')
				lflag++;
			else if (*fmt == 'z')
				lflag = 1;
			else
				break;
		}

		switch (c = (unsigned char)*fmt++) {
		case 'c':
			c = va_arg(ap, int);
			if (!left)
				pad(putch, putdat, ' ', width - 1);
			putch(c, putdat);
			if (left)
				pad(putch, putdat, ' ', width - 1);
			break;

		case 's':
			if ((s = va_arg(ap, const char *)) == NULL)
				s = "(null)";
			printstr(putch, putdat, s,
				 prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s),
				 width, left);
			break;

		case 'e':
			err = va_arg(ap, int);
			if (err < 0)
				err = -err;
			if (err < MAXERROR && error_string[err] != NULL) {
				s = error_string[err];
				printstr(putch, putdat, s,
					 prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s),
					 width, left);
			} else {
				printfmt(putch, putdat, "error %lld", err);
			}
			break;

		case 'd':
		case 'i':
			if (lflag >= 2)
				snum = va_arg(ap, long long);
			else if (lflag == 1)
				snum = va_arg(ap, long);
			else
				snum = va_arg(ap, int);
			// Negate in unsigned arithmetic so LLONG_MIN works.
			num = snum < 0 ? 0 - (unsigned long long)snum : (unsigned long long)snum;
			printnum(putch, putdat, num, 10, false, snum < 0 ? "-" : "",
				 width, prec, left, padc);
			break;

		case 'u':
		case 'o':
		case 'x':
		case 'X':
			if (lflag >= 2)
				num = va_arg(ap, unsigned long long);
			else if (lflag == 1)
				num = va_arg(ap, unsigned long);
			else
				num = va_arg(ap, unsigned int);
			base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			printnum(putch, putdat, num, base, c == 'X', "",
				 width, prec, left, padc);
			break;

		case 'p':
			num = (uintptr_t)va_arg(ap, void *);
			printnum(putch, putdat, num, 16, false, "0x",
				 width, prec, left, padc);
			break;

		case '%':
			putch('%', putdat);
			break;

		default:
			// Unknown conversion (or '%' at the end): print it literally.
			if (c == '\0')
				fmt--;
			for (s = start; s < fmt; s++)
				putch((unsigned char)*s, putdat);
			break;
		}
	}
}

void
printfmt(void (*putch)(int, void *), void *putdat, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintfmt(putch, putdat, fmt, ap);
	va_end(ap);
}

struct sprintbuf {
	char *buf;
	char *ebuf;		// last byte of the buffer, reserved for the NUL
	int cnt;
};

static void
sprintputch(int ch, void *arg)
{
	struct sprintbuf *b = arg;

	b->cnt++;
	if (b->buf < b->ebuf)
		*b->buf++ = ch;
}

/*
 * Like C's vsnprintf: writes at most size-1 characters plus a NUL and
 * returns the length the full output would have had (excluding the NUL),
 * so a return value >= size means the output was truncated.
 */
int
vsnprintf(char *str, int size, const char *fmt, va_list ap)
{
	struct sprintbuf b;

	if (str == NULL || size < 1)
		return -E_INVAL;
	b.buf = str;
	b.ebuf = str + size - 1;
	b.cnt = 0;
	vprintfmt(sprintputch, &b, fmt, ap);
	*b.buf = '\0';
	return b.cnt;
}

int
snprintf(char *str, int size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(str, size, fmt, ap);
	va_end(ap);
	return n;
}

/* cprintf for the kernel and user space alike: each has its own vcprintf (kern/printf.c, lib/printf.c). */
int cprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int cnt = vcprintf(fmt, ap);
	va_end(ap);
	return cnt;
}
