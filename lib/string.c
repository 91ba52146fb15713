/*
 * String and memory routines for the kernel and user library.
 *
 * memset and memcpy move 8 bytes at a time, 128 bytes per loop iteration
 * (memmove backwards: 8), whenever source and destination share the same alignment
 * modulo 8.  Otherwise they fall back to byte copies; that case is rare in
 * the kernel (page and struct copies are aligned) and keeps the code simple.
 */

#include <inc/string.h>

/*
 * GCC's loop distribution can recognise copy/fill loops and replace them
 * with calls to memcpy/memset, which inside memcpy/memset would recurse
 * forever; -fno-builtin does not stop it.  GCC 12 happens not to do so for
 * these loops, but turn the transformation off explicitly (glibc does the same).
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL
#endif

/* A word that may alias any other type (these routines see all types). */
typedef uint64_t __attribute__((may_alias)) word_t;

#define WSIZE		sizeof(word_t)
#define WMASK		(WSIZE - 1)
/* Below this length the alignment fix-ups cost more than they save. */
#define SMALL		16

size_t
strlen(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		;
	return n;
}

size_t
strnlen(const char *s, size_t size)
{
	size_t n;

	for (n = 0; n < size && s[n] != '\0'; n++)
		;
	return n;
}

char *
strcpy(char *dst, const char *src)
{
	char *ret = dst;

	while ((*dst++ = *src++) != '\0')
		;
	return ret;
}

/* Copies at most size bytes; pads with NULs and does not NUL-terminate if src is too long. */
NO_LIBCALL char *
strncpy(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		dst[i] = *src;
		if (*src != '\0')
			src++;
	}
	return dst;
}

/* BSD strlcpy: always NUL-terminates (if size > 0); returns strlen(src) so truncation is detectable. */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t n;

	if (size > 0) {
		n = len < size ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Appends src to the string at dst (which must have room); returns dst. */
char *
strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

int
strcmp(const char *s1, const char *s2)
{
	while (*s1 != '\0' && *s1 == *s2) {
		s1++;
		s2++;
	}
	return (int)(unsigned char)*s1 - (int)(unsigned char)*s2;
}

int
strncmp(const char *s1, const char *s2, size_t size)
{
	while (size > 0 && *s1 != '\0' && *s1 == *s2) {
		size--;
		s1++;
		s2++;
	}
	if (size == 0)
		return 0;
	return (int)(unsigned char)*s1 - (int)(unsigned char)*s2;
}

/* Returns a pointer to the first c in s, or NULL; c == '\0' finds the terminator (as in C). */
char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

/* Like strchr, but returns a pointer to the terminating NUL if c is not found. */
char *
strfind(const char *s, int c)
{
	while (*s != '\0' && *s != (char)c)
		s++;
	return (char *)s;
}

static int
digitval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * Bases 2..36, or 0 to pick 16 for "0x", 8 for a leading "0", else 10.
 * Leading blanks and a sign are allowed; out-of-range values clamp to
 * LONG_MIN/LONG_MAX.  *endptr is set past the last digit, or to s if
 * there were no digits.
 */
long
strtol(const char *s, char **endptr, int base)
{
	const char *p = s;
	unsigned long val = 0, limit;
	bool neg = false, any = false, overflow = false;
	int d;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
	       *p == '\v' || *p == '\f')
		p++;
	if (*p == '+' || *p == '-')
		neg = (*p++ == '-');

	// Only take "0x" as a prefix if a hex digit follows; "0x" alone parses as 0.
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digitval(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = (*p == '0') ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (endptr)
			*endptr = (char *)s;
		return 0;
	}

	limit = neg ? (unsigned long)INT64_MAX + 1 : (unsigned long)INT64_MAX;
	for (; (d = digitval(*p)) < base; p++) {
		any = true;
		if (overflow)
			continue;
		if (val > (limit - d) / base) {
			overflow = true;
			val = limit;
		} else {
			val = val * base + d;
		}
	}

	if (endptr)
		*endptr = (char *)(any ? p : s);
	if (neg)
		return val == 0 ? 0 : (long)(0 - val);
	return (long)val;
}

/*
 * The forward word loop loads each 128-byte block entirely before storing
 * it, so it is safe for overlapping regions when dst < src; copy_bwd
 * handles dst > src.
 */

NO_LIBCALL void *
memset(void *dst, int c, size_t len)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;
	word_t *wd, *wend, v;

	if (len >= SMALL) {
		while ((uintptr_t)d & WMASK) {
			*d++ = b;
			len--;
		}
		v = b * 0x0101010101010101ULL;
		wd = (word_t *)d;
		wend = (word_t *)(d + (len & ~(size_t)127));
		for (; wd != wend; wd += 16) {
			wd[0] = v; wd[1] = v; wd[2] = v; wd[3] = v;
			wd[4] = v; wd[5] = v; wd[6] = v; wd[7] = v;
			wd[8] = v; wd[9] = v; wd[10] = v; wd[11] = v;
			wd[12] = v; wd[13] = v; wd[14] = v; wd[15] = v;
		}
		for (len &= 127; len >= WSIZE; len -= WSIZE)
			*wd++ = v;
		d = (unsigned char *)wd;
	}
	while (len-- > 0)
		*d++ = b;
	return dst;
}

static inline void
copy_fwd(unsigned char *d, const unsigned char *s, size_t len)
{
	word_t *wd, *wend, a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7;
	const word_t *ws;

	if (len >= SMALL && (((uintptr_t)d ^ (uintptr_t)s) & WMASK) == 0) {
		while ((uintptr_t)d & WMASK) {
			*d++ = *s++;
			len--;
		}
		wd = (word_t *)d;
		ws = (const word_t *)s;
		wend = (word_t *)(d + (len & ~(size_t)127));
		for (; wd != wend; wd += 16, ws += 16) {
			a0 = ws[0]; a1 = ws[1]; a2 = ws[2]; a3 = ws[3];
			a4 = ws[4]; a5 = ws[5]; a6 = ws[6]; a7 = ws[7];
			b0 = ws[8]; b1 = ws[9]; b2 = ws[10]; b3 = ws[11];
			b4 = ws[12]; b5 = ws[13]; b6 = ws[14]; b7 = ws[15];
			wd[0] = a0; wd[1] = a1; wd[2] = a2; wd[3] = a3;
			wd[4] = a4; wd[5] = a5; wd[6] = a6; wd[7] = a7;
			wd[8] = b0; wd[9] = b1; wd[10] = b2; wd[11] = b3;
			wd[12] = b4; wd[13] = b5; wd[14] = b6; wd[15] = b7;
		}
		for (len &= 127; len >= WSIZE; len -= WSIZE)
			*wd++ = *ws++;
		d = (unsigned char *)wd;
		s = (const unsigned char *)ws;
	}
	while (len-- > 0)
		*d++ = *s++;
}

/*
 * d and s point just past the end of the regions. Only memmove onto an
 * overlapping higher address copies backwards, which is rare: one word at
 * a time (safe: d - s is then a non-zero multiple of 8), else bytes.
 */
static inline void
copy_bwd(unsigned char *d, const unsigned char *s, size_t len)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WMASK) == 0) {
		for (; len > 0 && ((uintptr_t)d & WMASK); len--)
			*--d = *--s;
		for (; len >= WSIZE; len -= WSIZE) {
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (len-- > 0)
		*--d = *--s;
}

NO_LIBCALL void *
memcpy(void *dst, const void *src, size_t len)
{
	copy_fwd(dst, src, len);
	return dst;
}

NO_LIBCALL void *
memmove(void *dst, const void *src, size_t len)
{
	const unsigned char *s = src;
	unsigned char *d = dst;

	// Unsigned wrap: true when dst is below src or at/after its end,
	// where a forward copy never reads a byte it has already written.
	if ((uintptr_t)d - (uintptr_t)s >= len)
		copy_fwd(d, s, len);
	else
		copy_bwd(d + len, s + len, len);
	return dst;
}

int
memcmp(const void *s1, const void *s2, size_t len)
{
	const unsigned char *a = s1, *b = s2;

	for (; len > 0; len--, a++, b++)
		if (*a != *b)
			return (int)*a - (int)*b;
	return 0;
}

/* Returns a pointer to the first byte equal to c, or s + len if there is none. */
void *
memfind(const void *s, int c, size_t len)
{
	const unsigned char *p = s, *end = p + len;

	for (; p < end; p++)
		if (*p == (unsigned char)c)
			break;
	return (void *)p;
}
