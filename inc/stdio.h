#ifndef INC_STDIO_H
#define INC_STDIO_H

#include <inc/stdarg.h>
#include <inc/types.h>

/* lib/printfmt.c: the formatter shared by kernel and user library. */
void printfmt(void (*putch)(int, void *), void *putdat, const char *fmt, ...);
void vprintfmt(void (*putch)(int, void *), void *putdat, const char *fmt, va_list ap);
int snprintf(char *str, int size, const char *fmt, ...);
int vsnprintf(char *str, int size, const char *fmt, va_list ap);

/* Kernel: kern/printf.c; user: lib/printf.c. */
int cprintf(const char *fmt, ...);
int vcprintf(const char *fmt, va_list ap);

#endif
