#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H

#include <inc/types.h>

void cons_init(uint64_t uart_pa);
void cons_putc(int c);
void cons_putc_user(int c);	/* for sys_cputs: remembers whether the line is open */
void cons_kernel_line(void);	/* start a fresh line if an environment left one open */
void cons_user_line(int32_t env);	/* before an environment prints: end a line another one left open */
int cons_getc(void);	/* next input byte, or 0 if none is waiting */

#endif
