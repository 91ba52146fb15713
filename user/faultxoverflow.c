/*
 * A handler whose own stack use runs off the bottom of the exception stack
 * and faults there: the kernel must see an overflow and destroy us, not
 * start a fresh frame on top of the handler's live ones.
 */
#include <inc/lib.h>

static void handler(struct UTrapframe *utf)
{
	volatile char big[3000];	/* with the frame above it, past the exception stack's bottom */
	big[0] = 1;
	cprintf("faultxoverflow: fault at %lx, depth %lu\n", utf->utf_fault_va, utf->utf_depth);
	*(volatile int *)0xDeadBee0 = big[0];	/* fault again from deep in the handler */
	panic("faultxoverflow: the nested fault returned");
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(handler);
	*(volatile int *)0xCafe0000 = 0;
	panic("faultxoverflow: the first fault returned");
}
