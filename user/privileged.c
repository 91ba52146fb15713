/* Reads a supervisor CSR from user mode: destroyed as an illegal instruction. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	uint64_t v;
	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	cprintf("privileged: read sstatus = %lx in user mode!\n", v);
}
