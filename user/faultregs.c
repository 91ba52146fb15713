/*
 * A handled page fault must preserve every register but gp, and the pc:
 * the program runs on as if the faulting instruction had simply worked.
 * And the UTrapframe the handler gets must hold the trap-time registers.
 *
 * The assembly routines below load a distinct pattern into every register
 * (tp and sp too: the handler runs on the exception stack and our handler
 * never uses thisenv), store them all in before, execute one faulting
 * instruction, then store them all in after. gp is the base register for
 * those stores: it is the one register a handled fault may clobber, so it
 * is also the only one we may reload freely after the fault. a0 holds the
 * address the instruction faults on.
 */
#include <inc/lib.h>

#define PATTERN(n)	(0x5eed000000000000UL + (n) * 0x0001000100010001UL)
#define NREGS		31	/* x1..x31, the order of struct PushRegs */
#define RW		(PTE_V | PTE_U | PTE_R | PTE_W)

/* Shared with the assembly, so not static. */
struct PushRegs before, after;
uint64_t faultregs_saved[32];	/* the caller's ra, sp, tp, s0..s11, indexed by register number */
uint64_t faultregs_addr;	/* a0 at the fault: the address it faults on */

void faultregs_store(void), faultregs_load(void);
extern char faultregs_store_pc[], faultregs_load_pc[];	/* the faulting instructions */

/*
 * FAULTREGS NAME, INSN: a routine NAME that runs INSN (which must fault on
 * 0(a0)) at label NAME_pc, with every register holding a known value.
 */
__asm__(
	"	.pushsection .text\n"
	"	.macro FAULTREGS name, insn\n"
	"	.globl \\name\n"
	"	.type \\name, @function\n"
	"	.balign 4\n"
	"\\name:\n"
	/* Save what our C caller expects back: ra, sp, tp, s0..s11. */
	"	lla	gp, faultregs_saved\n"
	"	.irp n, 1,2,4,8,9,18,19,20,21,22,23,24,25,26,27\n"
	"	sd	x\\n, (\\n * 8)(gp)\n"
	"	.endr\n"
	/* a0 = the address; every other register but gp gets PATTERN(n). */
	"	lla	gp, faultregs_addr\n"
	"	ld	a0, 0(gp)\n"
	"	.irp n, 1,2,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	li	x\\n, 0x5eed000000000000 + \\n * 0x0001000100010001\n"
	"	.endr\n"
	/* Store them all; gp = &before at the fault. */
	"	lla	gp, before\n"
	"	.irp n, 1,2,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	sd	x\\n, ((\\n - 1) * 8)(gp)\n"
	"	.endr\n"
	/* The handler maps the page and this instruction runs again. */
	"	.globl \\name\\()_pc\n"
	"\\name\\()_pc:\n"
	"	\\insn\n"
	/* gp came back clobbered, the rest must not have: store them again. */
	"	lla	gp, after\n"
	"	.irp n, 1,2,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	sd	x\\n, ((\\n - 1) * 8)(gp)\n"
	"	.endr\n"
	/* Back to C. */
	"	lla	gp, faultregs_saved\n"
	"	.irp n, 1,2,4,8,9,18,19,20,21,22,23,24,25,26,27\n"
	"	ld	x\\n, (\\n * 8)(gp)\n"
	"	.endr\n"
	"	ret\n"
	"	.size \\name, . - \\name\n"
	"	.endm\n"
	"\n"
	"	FAULTREGS faultregs_store, \"sd t0, 0(a0)\"\n"
	"	FAULTREGS faultregs_load, \"ld zero, 0(a0)\"\n"
	"	.popsection\n");

static const char *const regname[NREGS + 1] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
	"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
	"s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
	"t3", "t4", "t5", "t6",
};

static struct UTrapframe frame;	/* the handler's copy of the last frame */
static int nfaults;

/* Record the frame and map a writable page where the fault was: the instruction then works. */
static void handler(struct UTrapframe *utf)
{
	int r;

	frame = *utf;
	if (++nfaults > 3) {	/* the page we mapped did not help: give up */
		cprintf("faultregs: FAIL: fault at %lx keeps coming back\n", utf->utf_fault_va);
		sys_env_destroy(0);
	}
	if ((r = sys_page_alloc(0, (void *)ROUNDDOWN(utf->utf_fault_va, PGSIZE), RW)) < 0)
		panic("sys_page_alloc: %e", r);
}

/* Register n (1..31) of r. */
static uint64_t reg(const struct PushRegs *r, int n)
{
	return ((const uint64_t *)r)[n - 1];
}

/* Print a FAIL line per register (gp too unless skip_gp) where got differs from want. */
static int compare(const char *what, const struct PushRegs *got, const struct PushRegs *want, bool skip_gp)
{
	int bad = 0;
	for (int n = 1; n <= NREGS; n++) {
		if (n == 3 && skip_gp)
			continue;
		if (reg(got, n) != reg(want, n)) {
			cprintf("faultregs: FAIL %s: %s is 0x%lx, want 0x%lx\n",
				what, regname[n], reg(got, n), reg(want, n));
			bad++;
		}
	}
	return bad;
}

/* Check one number; print a FAIL line if it is wrong. */
static int check(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		return 0;
	cprintf("faultregs: FAIL %s is 0x%lx, want 0x%lx\n", what, got, want);
	return 1;
}

/* Run one faulting routine on addr and check everything it and the handler recorded. */
static int run(const char *name, void (*routine)(void), char *pc, uint64_t addr,
	       uint64_t cause, uint64_t present)
{
	struct PushRegs want;
	int bad = 0;

	cprintf("faultregs: %s at 0x%lx\n", name, addr);
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	memset(&frame, 0, sizeof(frame));
	nfaults = 0;
	faultregs_addr = addr;

	routine();

	if (thisenv->env_id != sys_getenvid())	/* tp came back from faultregs_saved */
		panic("thisenv is wrong after %s", name);
	bad += check("number of faults", nfaults, 1);

	/* What the routine loaded: the patterns, a0 = addr, and gp (not stored) = &before. */
	for (int n = 1; n <= NREGS; n++)
		((uint64_t *)&want)[n - 1] = PATTERN(n);
	want.a0 = addr;
	want.gp = (uint64_t)&before;
	bad += compare("before the fault", &before, &want, true);

	int regs_bad = compare("after the fault", &after, &want, true);
	if (regs_bad == 0)
		cprintf("faultregs: registers ok before and after\n");
	bad += regs_bad;

	int frame_bad = compare("utf_regs", &frame.utf_regs, &want, false);
	frame_bad += check("utf_epc", frame.utf_epc, (uint64_t)pc);
	frame_bad += check("utf_fault_va", frame.utf_fault_va, addr);
	frame_bad += check("utf_cause", frame.utf_cause, cause);
	frame_bad += check("utf_present", frame.utf_present, present);
	frame_bad += check("utf_depth", frame.utf_depth, 1);
	if (frame_bad == 0)
		cprintf("faultregs: frame matches trap-time registers\n");
	bad += frame_bad;

	/* The store ran again once its page was there. */
	if (cause == FAULT_STORE)
		bad += check("the stored value", *(volatile uint64_t *)addr, PATTERN(5));
	return bad;
}

void umain(int argc, char **argv)
{
	uint64_t missing = 0x20000000, readonly = 0x20001000, missing2 = 0x20002000;
	int r, bad = 0;

	set_pgfault_handler(handler);

	bad += run("store to an unmapped page", faultregs_store, faultregs_store_pc,
		   missing, FAULT_STORE, 0);

	/* A protection fault: the page is there, read-only; the handler replaces it writable. */
	if ((r = sys_page_alloc(0, (void *)readonly, PTE_V | PTE_U | PTE_R)) < 0)
		panic("sys_page_alloc: %e", r);
	int rbad = run("store to a read-only page", faultregs_store, faultregs_store_pc,
		       readonly, FAULT_STORE, 1);
	if (rbad == 0 && frame.utf_present == 1)
		cprintf("faultregs: present ok\n");
	bad += rbad;

	bad += run("load from an unmapped page", faultregs_load, faultregs_load_pc,
		   missing2, FAULT_LOAD, 0);

	if (bad == 0)
		cprintf("faultregs: all checks passed\n");
	else
		cprintf("faultregs: FAIL: %d checks failed\n", bad);
}
