/*
 * The read-only views of our page tables: uvpgd[] (root entries), uvpd[]
 * (level-1 entries) and uvpt[] (leaf PTEs) show what is mapped, with the
 * right permission bits and physical pages, and UENVS shows envs[]. Writes
 * to the views fault (present, store) and change nothing.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)

int data_word = 1;	/* in .data: a writable page */

static int bad;

static void check(bool ok, const char *what)
{
	if (!ok) {
		cprintf("faultuvpt: FAIL %s\n", what);
		bad++;
	}
}

/* va's leaf PTE, reading uvpt only when the tables above it exist (else 0). */
static pte_t leaf(uint64_t va)
{
	if (!(uvpgd[GDNUM(va)] & PTE_V) || !(uvpd[PDNUM(va)] & PTE_V))
		return 0;
	return uvpt[PGNUM(va)];
}

/* The table entries above va exist and point to tables (not leaves), and its leaf has want and not unwanted. */
static void check_mapped(const char *name, uint64_t va, pte_t want, pte_t unwanted)
{
	pte_t g = uvpgd[GDNUM(va)];
	check((g & PTE_V) && !PTE_LEAF(g), "uvpgd entry is a table");
	pte_t d = uvpd[PDNUM(va)];
	check((d & PTE_V) && !PTE_LEAF(d), "uvpd entry is a table");
	pte_t pte = uvpt[PGNUM(va)];
	if ((pte & want) != want || (pte & unwanted)) {
		cprintf("faultuvpt: FAIL %s at 0x%lx: pte 0x%lx, want bits 0x%lx set and 0x%lx clear\n",
			name, va, pte, want, unwanted);
		bad++;
	} else {
		cprintf("faultuvpt: %s ok (pte flags 0x%lx)\n", name, PTE_FLAGS(pte));
	}
}

static int nfaults;
static struct UTrapframe last;

/* Note the fault and step over the faulting instruction (2 or 4 bytes long). */
static void handler(struct UTrapframe *utf)
{
	uint16_t insn = *(uint16_t *)utf->utf_epc;

	nfaults++;
	last = *utf;
	utf->utf_epc += (insn & 3) == 3 ? 4 : 2;
}

/* Store to a view address: must fault as a store to a present page, and the word must not change. */
static void try_write(const char *name, uint64_t va)
{
	uint64_t old = *(volatile uint64_t *)va;
	int n = nfaults;

	*(volatile uint64_t *)va = 0;
	__asm__ volatile("" ::: "memory");	/* the handler changed nfaults and last */
	if (nfaults != n + 1 || last.utf_fault_va != va || last.utf_cause != FAULT_STORE ||
	    last.utf_present != 1) {
		cprintf("faultuvpt: FAIL writing %s at 0x%lx: %d faults, va 0x%lx cause %ld present %ld\n",
			name, va, nfaults - n, last.utf_fault_va, last.utf_cause, last.utf_present);
		bad++;
		return;
	}
	cprintf("faultuvpt: write to %s faulted: va 0x%lx, store, present 1\n", name, va);
	check(*(volatile uint64_t *)va == old, "the write changed the view");
}

void umain(int argc, char **argv)
{
	uint64_t a = 0x10000000, b = 0x10001000, hole = 0x10005000;
	uint64_t far = 0x100000000, emptyregion = 0x10000000 + 5 * MEGAPGSIZE;
	int stack_word = 2;
	int r;

	/* What the loader and the kernel mapped. */
	check_mapped("text", UTEXT, PTE_V | PTE_U | PTE_R | PTE_X, PTE_W);
	check_mapped("data", (uint64_t)&data_word, RW, PTE_X);
	check_mapped("stack", (uint64_t)&stack_word, RW, PTE_X);
	check_mapped("UENVS", UENVS, PTE_V | PTE_U | PTE_R, PTE_W | PTE_X);

	/* One page at two addresses, then a fresh page at one of them. */
	int bad0 = bad;
	if ((r = sys_page_alloc(0, (void *)a, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	if ((r = sys_page_map(0, (void *)a, 0, (void *)b, PTE_V | PTE_U | PTE_R)) < 0)
		panic("sys_page_map: %e", r);
	check(PTE_ADDR(leaf(a)) != 0 && PTE_ADDR(leaf(a)) == PTE_ADDR(leaf(b)), "two mappings, one page");
	check((leaf(a) & PTE_W) && !(leaf(b) & PTE_W), "each mapping has its own perm");
	*(volatile int *)a = 42;
	check(*(volatile int *)b == 42, "a write through one mapping shows in the other");
	if (bad == bad0)
		cprintf("faultuvpt: shared page ok (both map pa 0x%lx)\n", PTE_ADDR(leaf(a)));
	bad0 = bad;
	if ((r = sys_page_alloc(0, (void *)b, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	check(PTE_ADDR(leaf(b)) != 0 && PTE_ADDR(leaf(a)) != PTE_ADDR(leaf(b)), "sys_page_alloc gave a new page");
	check(*(volatile int *)b == 0, "the new page is zeroed");
	if (bad == bad0)
		cprintf("faultuvpt: replaced page ok (pa 0x%lx and 0x%lx)\n", PTE_ADDR(leaf(a)), PTE_ADDR(leaf(b)));

	/* Absence, at each level: a hole in a table, a 2 MiB region without one, a gigabyte without one. */
	bad0 = bad;
	check((uvpd[PDNUM(hole)] & PTE_V) && uvpt[PGNUM(hole)] == 0, "unmapped page in a table reads 0");
	check(uvpd[PDNUM(emptyregion)] == 0, "uvpd shows a 2 MiB region without a table");
	check(uvpgd[GDNUM(far)] == 0, "uvpgd shows a gigabyte without a table");
	check(leaf(far) == 0, "nothing mapped far away");
	if (bad == bad0)
		cprintf("faultuvpt: absent ok (uvpt at 0x%lx, uvpd at 0x%lx, uvpgd at 0x%lx)\n",
			hole, emptyregion, far);

	/* envs[] at UENVS: our own slot. */
	bad0 = bad;
	check(envs[ENVX(sys_getenvid())].env_id == sys_getenvid(), "envs[ENVX(id)].env_id == id");
	check(thisenv == &envs[ENVX(sys_getenvid())], "thisenv is our envs[] slot");
	if (bad == bad0)
		cprintf("faultuvpt: envs ok (envs[%d].env_id = %08x)\n", ENVX(sys_getenvid()),
			envs[ENVX(sys_getenvid())].env_id);

	/* The views and envs[] are read-only. */
	set_pgfault_handler(handler);
	pte_t text_pte = uvpt[PGNUM(UTEXT)];
	try_write("uvpt", (uint64_t)&uvpt[PGNUM(UTEXT)]);
	try_write("uvpd", (uint64_t)&uvpd[PDNUM(UTEXT)]);
	try_write("uvpgd", (uint64_t)&uvpgd[GDNUM(UTEXT)]);
	try_write("UENVS", (uint64_t)&envs[ENVX(sys_getenvid())].env_id);
	check(uvpt[PGNUM(UTEXT)] == text_pte, "text PTE unchanged");
	check(envs[ENVX(sys_getenvid())].env_id == sys_getenvid(), "env_id unchanged");

	if (bad == 0)
		cprintf("faultuvpt: all checks passed\n");
	else
		cprintf("faultuvpt: FAIL: %d checks failed\n", bad);
}
