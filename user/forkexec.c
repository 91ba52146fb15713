/*
 * Copy-on-write keeps a page's own permissions. CODE is mapped R|W|X and
 * holds a two-instruction function that returns a number; DATA is R|W.
 * After fork, each write must leave CODE executable (and DATA not): the
 * copy (the child writes while we still hold the page), the sole owner's
 * write (after our copy-on-write partner has let go: DATA is upgraded in
 * place, CODE copied, as the kernel upgrades only non-executable pages) and sfork's
 * private copy (we sfork while CODE is still copy-on-write with a child).
 */
#include <inc/lib.h>

#define CODE	0x20000000UL
#define DATA	0x20001000UL
#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define RWX	(RW | PTE_X)
#define BITS	(PTE_V | PTE_U | PTE_R | PTE_W | PTE_X | PTE_COW)

/* CODE: addi a0, zero, value; ret */
static volatile int parent_checked;	/* after sfork: shared, so the twin waits for the parent's look */

static void set_code(int value)
{
	volatile uint32_t *p = (volatile uint32_t *)CODE;
	p[0] = ((uint32_t)value << 20) | (10 << 7) | 0x13;
	p[1] = 0x00008067;
	__asm__ volatile("fence.i" ::: "memory");
}

static int call_code(void)
{
	__asm__ volatile("fence.i" ::: "memory");
	return ((int (*)(void))CODE)();
}

static void expect(const char *who, const char *what, uint64_t va, pte_t want)
{
	pte_t got = uvpt_lookup(va) & BITS;
	if (got != want)
		panic("%s: %s: pte bits %lx, want %lx", who, what, got, want);
}

static void expect_code(const char *who, int want)
{
	int got = call_code();
	if (got != want)
		panic("%s: the code returned %d, want %d", who, got, want);
}

void umain(int argc, char **argv)
{
	int r;
	if ((r = sys_page_alloc(0, (void *)CODE, RWX)) < 0 || (r = sys_page_alloc(0, (void *)DATA, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	set_code(1);
	*(volatile int *)DATA = 1;

	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	const char *who = child ? "parent" : "child";
	expect(who, "after fork, code", CODE, (RWX & ~PTE_W) | PTE_COW);
	expect(who, "after fork, data", DATA, (RW & ~PTE_W) | PTE_COW);
	expect_code(who, 1);
	if (child == 0) {
		set_code(2);	/* the parent still holds the page: a copy */
		expect(who, "copied code", CODE, RWX);
		expect_code(who, 2);
		*(volatile int *)DATA = 2;
		expect(who, "copied data", DATA, RW);
		cprintf("forkexec: child: the copy kept R|W|X, code returns 2\n");
		exit();
	}
	wait(child);
	set_code(3);	/* the child is gone: the page is ours alone (the kernel upgrades only non-executable pages in place, so this one is copied) */
	expect(who, "upgraded code", CODE, RWX);
	expect_code(who, 3);
	*(volatile int *)DATA = 3;
	expect(who, "upgraded data", DATA, RW);
	cprintf("forkexec: parent: the sole owner's write kept R|W|X, code returns 3\n");

	/* A child that keeps CODE copy-on-write with us while we sfork. */
	envid_t keeper = fork();
	if (keeper < 0)
		panic("fork: %e", keeper);
	if (keeper == 0) {
		ipc_recv(NULL, NULL, NULL);
		expect_code("keeper", 3);
		cprintf("forkexec: keeper: still sees its snapshot, code returns 3\n");
		exit();
	}
	envid_t twin = sfork();	/* copies CODE for us (it is copy-on-write), then shares it */
	if (twin < 0)
		panic("sfork: %e", twin);
	who = twin ? "parent" : "sfork child";
	expect(who, "sfork's private copy", CODE, RWX);
	expect_code(who, 3);
	if (twin == 0) {
		while (!parent_checked)	/* the parent must see 3 first, however the two are scheduled */
			sys_yield();
		set_code(4);	/* shared: the parent sees it */
		exit();
	}
	parent_checked = 1;
	wait(twin);
	expect_code(who, 4);
	cprintf("forkexec: sfork: the private copy kept R|W|X and is shared, code returns 4\n");
	ipc_send(keeper, 0, NULL, 0);
	wait(keeper);
}
