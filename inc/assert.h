#ifndef INC_ASSERT_H
#define INC_ASSERT_H

#include <inc/stdio.h>

void _warn(const char *file, int line, const char *fmt, ...);
_Noreturn void _panic(const char *file, int line, const char *fmt, ...);

#define warn(...) _warn(__FILE__, __LINE__, __VA_ARGS__)
#define panic(...) _panic(__FILE__, __LINE__, __VA_ARGS__)

#define assert(x) \
	do { if (!(x)) panic("assertion failed: %s", #x); } while (0)

#define static_assert(x) _Static_assert(x, #x)

#endif
