#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <inc/types.h>

extern bool preempt;
void timer_init(uint64_t timebase);
void timer_rearm(void);

#endif
