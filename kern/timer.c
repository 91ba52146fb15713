/* Preemption: a periodic timer interrupt (SBI TIME), taken only in user mode, moves to the next environment. */
#include <kern/timer.h>
#include <kern/sbi.h>
#include <inc/riscv.h>

#define QUANTUM_HZ	200	/* a time slice is 5 ms of (virtual) time */

static uint64_t quantum;	/* in timebase ticks */
bool preempt = true;		/* "+nopreempt" on the command line turns it off */

void timer_init(uint64_t timebase)
{
	if (!preempt || timebase == 0)
		return;
	quantum = timebase / QUANTUM_HZ;
	csr_set(sie, SIE_STIE);	/* sstatus.SIE stays 0: the kernel itself is never interrupted */
	timer_rearm();
}

void timer_rearm(void)
{
	if (quantum)
		sbi_set_timer(rdtime() + quantum);
}
