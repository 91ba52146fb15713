/*
 * The page-fault upcall. The kernel enters here with sp = a0 = the
 * struct UTrapframe it pushed on the exception stack, having written the
 * fault's address, cause, pc and the two registers it changed (sp, a0);
 * every other register still holds its value at the fault, and we store
 * them into the frame here, which costs less than the kernel copying them.
 * We call the dispatcher (lib/pgfault.c), which picks the handler, then
 * restore every register from the frame (so a handler may change them,
 * utf_epc included) and jump to utf_epc without entering the kernel.
 *
 * RISC-V jumps only through a register, and restoring all 31 leaves none
 * free, so the user ABI reserves gp (x3): it carries the target of the
 * final jump and is the one register a handled fault does not preserve.
 * GCC never allocates gp, and our linker scripts define no
 * __global_pointer$, so compiled code never reads it.
 */
#include <inc/trap.h>

#define R(n)	(UTF_REGS + REG_OFF(n))

	.text
	.globl _pgfault_upcall
	.balign 4
_pgfault_upcall:
	/* The kernel filled in sp and a0 (which it changed); the rest are still the fault's. */
	sd	x1, R(1)(sp)
	sd	x3, R(3)(sp)
	sd	x4, R(4)(sp)
	sd	x5, R(5)(sp)
	sd	x6, R(6)(sp)
	sd	x7, R(7)(sp)
	sd	x8, R(8)(sp)
	sd	x9, R(9)(sp)
	sd	x11, R(11)(sp)
	sd	x12, R(12)(sp)
	sd	x13, R(13)(sp)
	sd	x14, R(14)(sp)
	sd	x15, R(15)(sp)
	sd	x16, R(16)(sp)
	sd	x17, R(17)(sp)
	sd	x18, R(18)(sp)
	sd	x19, R(19)(sp)
	sd	x20, R(20)(sp)
	sd	x21, R(21)(sp)
	sd	x22, R(22)(sp)
	sd	x23, R(23)(sp)
	sd	x24, R(24)(sp)
	sd	x25, R(25)(sp)
	sd	x26, R(26)(sp)
	sd	x27, R(27)(sp)
	sd	x28, R(28)(sp)
	sd	x29, R(29)(sp)
	sd	x30, R(30)(sp)
	sd	x31, R(31)(sp)
	call	_pgfault_dispatch	/* (utf), lib/pgfault.c: sp still points at the frame after */

	/* The handler has returned: its frame's gp slot (never restored) records when, for +trace's resume line. */
	rdinstret t0
	sd	t0, R(3)(sp)

	ld	gp, UTF_EPC(sp)		/* where to resume */
	ld	x1, R(1)(sp)
	ld	x4, R(4)(sp)
	ld	x5, R(5)(sp)
	ld	x6, R(6)(sp)
	ld	x7, R(7)(sp)
	ld	x8, R(8)(sp)
	ld	x9, R(9)(sp)
	ld	x10, R(10)(sp)
	ld	x11, R(11)(sp)
	ld	x12, R(12)(sp)
	ld	x13, R(13)(sp)
	ld	x14, R(14)(sp)
	ld	x15, R(15)(sp)
	ld	x16, R(16)(sp)
	ld	x17, R(17)(sp)
	ld	x18, R(18)(sp)
	ld	x19, R(19)(sp)
	ld	x20, R(20)(sp)
	ld	x21, R(21)(sp)
	ld	x22, R(22)(sp)
	ld	x23, R(23)(sp)
	ld	x24, R(24)(sp)
	ld	x25, R(25)(sp)
	ld	x26, R(26)(sp)
	ld	x27, R(27)(sp)
	ld	x28, R(28)(sp)
	ld	x29, R(29)(sp)
	ld	x30, R(30)(sp)
	ld	x31, R(31)(sp)
	ld	sp, R(2)(sp)		/* last: the frame is gone after this */
	jr	gp
