/*
 * fork inside a page-fault handler. The handler maps the faulting page and
 * forks; the child resumes in the handler on a copy of the exception
 * stack, returns from it like the parent, and the faulting store then
 * completes in both, every register as it was. Then the same from two
 * levels deep: fork in a handler of a fault taken inside a handler.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define PAGE	0x20000000UL	/* the first fault */
#define INNER	0x20100000UL	/* the handler's own fault, for the nested case */

volatile envid_t forked;	/* what fork returned in the handler: each side has its own copy */
volatile int nested;		/* fork in the nested handler, not the outer one */

static void handler(struct UTrapframe *utf)
{
	uint64_t va = ROUNDDOWN(utf->utf_fault_va, PGSIZE);
	int r;
	if ((r = sys_page_alloc(0, (void *)va, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	if (nested && va == PAGE + PGSIZE) {
		*(volatile int *)INNER = 7;	/* fault again, from the handler */
		return;
	}
	envid_t id = fork();
	if (id < 0)
		panic("fork in the handler: %e", id);
	forked = id;
}

/* Store value at va (a fault) with values in callee-saved registers, and check them after. */
static void fault_and_check(uint64_t va, int value)
{
	register uint64_t s2 __asm__("s2") = 0x2222, s3 __asm__("s3") = 0x3333, s11 __asm__("s11") = 0xbbbb;
	__asm__ volatile("sw %3, 0(%4)" : "+r"(s2), "+r"(s3), "+r"(s11) : "r"(value), "r"(va) : "memory");
	if (s2 != 0x2222 || s3 != 0x3333 || s11 != 0xbbbb)
		panic("registers changed across the fault: s2 %lx s3 %lx s11 %lx", s2, s3, s11);
	if (*(volatile int *)va != value)
		panic("the faulting store did not complete: %d, want %d", *(volatile int *)va, value);
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(handler);
	fault_and_check(PAGE, 42);
	if (forked == 0) {
		cprintf("forkhandler: child resumed after the fault, store done, registers kept\n");
		exit();
	}
	wait(forked);
	cprintf("forkhandler: parent resumed after the fault, store done, registers kept\n");

	nested = 1;
	fault_and_check(PAGE + PGSIZE, 43);
	if (*(volatile int *)INNER != 7)
		panic("the nested store did not complete");
	if (forked == 0) {
		cprintf("forkhandler: nested: child resumed from both handlers\n");
		exit();
	}
	wait(forked);
	cprintf("forkhandler: nested: parent resumed from both handlers\n");
}
