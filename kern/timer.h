#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <inc/types.h>

extern bool preempt;
extern uint64_t timer_hz;
#define NAP_HZ		100000	/* timer_nap: 10 us */
void timer_init(uint64_t timebase);
void timer_init_percpu(void);
void timer_rearm(void);
void timer_resume(void);
void timer_wait(uint64_t ticks);
void timer_nap(void);

#endif
