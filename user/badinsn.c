/*
 * Instructions user mode may not execute: badinsn KIND, KIND one of sret
 * (return from supervisor mode), satp (write the page-table root), wfi,
 * unimp (the all-zero instruction), amo (an atomic at a misaligned
 * address), fpu (fmv.x.d: the FPU is off, programs are soft-float). Each
 * is one trap that destroys the program.
 */
#include <inc/lib.h>

static uint64_t words[2];

void umain(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "sret";

	cprintf("badinsn: %s\n", kind);
	if (strcmp(kind, "sret") == 0)
		__asm__ volatile("sret");
	else if (strcmp(kind, "satp") == 0)
		__asm__ volatile("csrw satp, zero");
	else if (strcmp(kind, "wfi") == 0)
		__asm__ volatile("wfi");
	else if (strcmp(kind, "unimp") == 0)
		__asm__ volatile(".2byte 0");
	else if (strcmp(kind, "amo") == 0)
		__asm__ volatile("amoadd.w zero, zero, (%0)" : : "r"((char *)words + 1) : "memory");
	else if (strcmp(kind, "fpu") == 0)
		__asm__ volatile(".4byte 0xe2000553");	/* fmv.x.d a0, ft0: rv64imac has no F/D to assemble it */
	else
		panic("unknown kind %s", kind);
	cprintf("badinsn: survived %s!\n", kind);
}
