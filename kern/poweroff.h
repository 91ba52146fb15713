/* Power-off with the kernel's verdict, which QEMU's exit status carries (kern/poweroff.c). */
#ifndef KERN_POWEROFF_H
#define KERN_POWEROFF_H

#include <inc/types.h>

/* The verdict: 0 is pass (QEMU exits 0); any other is QEMU's exit status. */
enum { VERDICT_PASS = 0, VERDICT_LEAK = 1, VERDICT_PANIC = 2 };

void poweroff_init(uint64_t finisher_pa);
_Noreturn void poweroff(int verdict);

#endif
