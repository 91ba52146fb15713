#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <inc/types.h>

void cons_init(uint64_t uart_pa);
void cons_putc(int c);
int cons_getc(void);	/* next input byte, or 0 if none is waiting */

#endif
