/*
 * sys_page_map's one exception to "never grant write to a read-only page":
 * a page may be mapped writable over its own read-only mapping at the same
 * address when that mapping is its only reference. The kernel decides from
 * its own reference count, whatever the software bits (PTE_COW) say.
 */
#include <inc/lib.h>

#define RO	(PTE_V | PTE_U | PTE_R)
#define RW	(RO | PTE_W)
#define A	0x30000000UL
#define B	0x30001000UL

static int fails;

static void expect(const char *what, int got, int want)
{
	if (got != want) {
		cprintf("soleupgrade: FAIL %s: got %d, want %d\n", what, got, want);
		fails++;
	}
}

static void upgrade(const char *what, uint64_t va, int want)
{
	expect(what, sys_page_map(0, (void *)va, 0, (void *)va, RW), want);
	if (want == 0) {
		*(volatile int *)va = 42;	/* writable now */
		expect("the upgraded page keeps its data", *(volatile int *)va, 42);
	} else {
		expect("a refused upgrade leaves the page read-only", !!(uvpt_lookup(va) & PTE_W), 0);
	}
	sys_page_unmap(0, (void *)va);
}

void umain(int argc, char **argv)
{
	/* Sole reference, read-only, no PTE_COW: it may become writable in place. */
	sys_page_alloc(0, (void *)A, RO);
	upgrade("sole read-only page, no PTE_COW", A, 0);
	sys_page_alloc(0, (void *)A, RO | PTE_COW);
	upgrade("sole read-only page with PTE_COW", A, 0);

	/* Shared: refused while the other mapping lives, allowed once it is gone. */
	sys_page_alloc(0, (void *)A, RO | PTE_COW);
	sys_page_map(0, (void *)A, 0, (void *)B, RO);
	expect("shared page, in place", sys_page_map(0, (void *)A, 0, (void *)A, RW), -E_INVAL);
	sys_page_unmap(0, (void *)B);
	upgrade("the same page once no longer shared", A, 0);

	/* Not in place: another address, another environment, or code. */
	sys_page_alloc(0, (void *)A, RO);
	expect("sole page at another address", sys_page_map(0, (void *)A, 0, (void *)B, RW), -E_INVAL);
	envid_t child = sys_exofork();
	if (child == 0) {
		for (;;)
			sys_yield();	/* never made runnable: destroyed below */
	}
	expect("sole page into a child", sys_page_map(0, (void *)A, child, (void *)A, RW), -E_INVAL);
	sys_env_destroy(child);
	sys_page_unmap(0, (void *)A);
	expect("our text (read-execute)", sys_page_map(0, (void *)UTEXT, 0, (void *)UTEXT, RW), -E_INVAL);

	if (fails == 0)
		cprintf("soleupgrade: all checks passed\n");
}
