/*
 * Preemption: a periodic timer interrupt (SBI TIME), taken only in user mode,
 * moves to the next environment. Each hart has its own timer (SBI set_timer
 * programs the calling hart's); the lock's back-off and the idle wait borrow
 * it for a short nap and give the time slice back after.
 */
#include <kern/timer.h>
#include <kern/sbi.h>
#include <inc/riscv.h>

#define QUANTUM_HZ	200	/* a time slice is 5 ms of (virtual) time */

static uint64_t quantum;	/* in timebase ticks */
uint64_t timer_hz;		/* timebase frequency */
bool preempt = true;		/* "+nopreempt" on the command line turns it off */

void timer_init(uint64_t timebase)
{
	timer_hz = timebase ? timebase : 10000000;
	if (preempt && timebase)
		quantum = timebase / QUANTUM_HZ;
}

/* On each hart: the timer and software (IPI) interrupts; sstatus.SIE stays 0, the kernel is never interrupted. */
void timer_init_percpu(void)
{
	csr_set(sie, SIE_STIE | SIE_SSIE);
	timer_resume();
}

void timer_rearm(void)
{
	if (quantum)
		sbi_set_timer(rdtime() + quantum);
}

/* After a nap: a new time slice, or no timer at all (+nopreempt). */
void timer_resume(void)
{
	if (quantum)
		timer_rearm();
	else
		sbi_set_timer(~0UL);
}

/* wfi until the timer (ticks from now) or an IPI; interrupts stay pending, not taken (SIE = 0). */
void timer_wait(uint64_t ticks)
{
	sbi_set_timer(rdtime() + ticks);
	wfi();
}

/* A short nap (10 us): the first back-off of the lock, the start-up waits. */
void timer_nap(void)
{
	timer_wait(timer_hz / NAP_HZ);
}
