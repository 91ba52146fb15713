#ifndef KERN_MONITOR_H
#define KERN_MONITOR_H

#include <inc/trap.h>

struct Env;

extern bool monitor_at_halt;	/* "+monitor": enter the monitor instead of powering off */

/* A user ebreak (or a single step ending) in e: the register dump, then the monitor. Returns to resume e. */
void monitor_breakpoint(struct Env *e, struct Trapframe *tf);
/* From sched_halt, just before power-off: the monitor if +monitor asked for it. */
void monitor_halt(void);

#endif
