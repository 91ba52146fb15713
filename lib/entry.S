/*
 * Where every program starts. The kernel enters with a0 = argc, a1 = argv
 * (on the stack below USTACKTOP), sp below them, and tp = &envs[ENVX(id)]
 * (thisenv). gp is zero: the user ABI gives it to the page-fault upcall.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	mv	s0, zero		/* outermost frame */
	call	libmain
1:	j	1b			/* libmain never returns */
