/*
 * Every exokernel system call given a bad argument returns the right error
 * and changes nothing. After each call we compare a snapshot of what it
 * could have touched (our PTEs and page counts, seen through uvpt and
 * envs[], and those of the child we are poking) with the one taken before.
 *
 * "Strangers" (environments that are neither the caller nor its immediate
 * child) need a second running environment: we copy ourselves into a child
 * A, dumbfork-style, and share one page with it. A pokes at us (its parent)
 * and creates a grandchild G that we then poke at.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define RO	(PTE_V | PTE_U | PTE_R)

/* Addresses: P is mapped, U and U2 are unmapped pages in P's table, FAR is in a gigabyte with no table. */
#define P	0x10000000UL
#define U	0x10001000UL
#define U2	0x10002000UL
#define FAR	0x200000000UL
#define SHARED	0x11000000UL	/* the page we share with child A */
#define NOENV	0x12345		/* an id no environment has */

/* The page we share with child A. */
struct mailbox {
	envid_t grandchild;	/* set by A once it has created G */
	int child_fails;	/* A's count of failed checks */
	int parent_done;	/* we are done with G: A may destroy it and exit */
	int child_finished;
};
static volatile struct mailbox *const box = (volatile struct mailbox *)SHARED;

/* What a bad call might change. */
struct state {
	pte_t p, u, u2, text;
	pte_t far_gd;		/* the root entry of FAR's gigabyte */
	uint32_t npages, nptpages;
	uint32_t cstatus, cnpages, cnptpages;	/* of the child we poke, if any */
};

static int fails;
static envid_t child;		/* the child whose state we watch, 0 if none */
static struct state baseline;

/* va's leaf PTE, reading uvpt only when the tables above it exist (else 0). */
static pte_t leaf(uint64_t va)
{
	if (!(uvpgd[GDNUM(va)] & PTE_V) || !(uvpd[PDNUM(va)] & PTE_V))
		return 0;
	return uvpt[PGNUM(va)];
}

static struct state snap(void)
{
	struct state s;
	memset(&s, 0, sizeof(s));
	s.p = leaf(P);
	s.u = leaf(U);
	s.u2 = leaf(U2);
	s.text = leaf(UTEXT);
	s.far_gd = uvpgd[GDNUM(FAR)];
	s.npages = thisenv->env_npages;
	s.nptpages = thisenv->env_nptpages;
	if (child) {
		volatile const struct Env *c = &envs[ENVX(child)];
		s.cstatus = c->env_status;
		s.cnpages = c->env_npages;
		s.cnptpages = c->env_nptpages;
	}
	return s;
}

/* A return value as text: the error's name, or the number if it is not an error. */
static const char *result(char *buf, int64_t v)
{
	if (v < 0)
		snprintf(buf, 40, "%e", (int)v);
	else
		snprintf(buf, 40, "%ld", v);
	return buf;
}

/* The call returned got; it should have returned want and left everything as it was. */
static void expect(const char *call, int64_t got, int64_t want)
{
	char b1[40], b2[40];

	if (got != want) {
		cprintf("exoforkbad: FAIL %s: got %s, want %s\n", call, result(b1, got), result(b2, want));
		fails++;
	}
	struct state now = snap();
	if (memcmp(&now, &baseline, sizeof(now)) != 0) {
		cprintf("exoforkbad: FAIL %s changed something: P %lx->%lx U %lx->%lx FAR %lx->%lx "
			"pages %u->%u tables %u->%u child status %u->%u pages %u->%u\n",
			call, baseline.p, now.p, baseline.u, now.u, baseline.far_gd, now.far_gd,
			baseline.npages, now.npages, baseline.nptpages, now.nptpages,
			baseline.cstatus, now.cstatus, baseline.cnpages, now.cnpages);
		fails++;
		baseline = now;	/* report each change once */
	}
}
#define EXPECT(call, want)	expect(#call, (call), (want))

static void check(bool ok, const char *what)
{
	if (!ok) {
		cprintf("exoforkbad: FAIL %s\n", what);
		fails++;
	}
}

/* Print "<group> ok" if no check failed since fails was at start. */
static void group_done(const char *group, int start)
{
	if (fails == start)
		cprintf("exoforkbad: %s ok\n", group);
}

/* A system call with a full 64-bit number. */
static int64_t raw_syscall(uint64_t num, uint64_t a0)
{
	return syscall(num, a0, 0, 0, 0, 0);
}

static void page_alloc_checks(void)
{
	int start = fails;

	/* Bad addresses: unaligned, at or above UTOP, kernel; nowhere gets a page or a table. */
	EXPECT(sys_page_alloc(0, (void *)(U + 8), RW), -E_INVAL);
	EXPECT(sys_page_alloc(0, (void *)(FAR + 8), RW), -E_INVAL);
	EXPECT(sys_page_alloc(0, (void *)UTOP, RW), -E_INVAL);
	EXPECT(sys_page_alloc(0, (void *)UVPT, RW), -E_INVAL);
	EXPECT(sys_page_alloc(0, (void *)ULIM, RW), -E_INVAL);
	EXPECT(sys_page_alloc(0, (void *)KERNLINK, RW), -E_INVAL);
	EXPECT(sys_page_alloc(0, (void *)(U | (1UL << 63)), RW), -E_INVAL);

	/* Bad permissions, at an unmapped page and over a mapped one (which must stay). */
	uint64_t vas[] = { U, P };
	for (int i = 0; i < 2; i++) {
		void *va = (void *)vas[i];
		EXPECT(sys_page_alloc(0, va, 0), -E_INVAL);
		EXPECT(sys_page_alloc(0, va, PTE_V | PTE_R | PTE_W), -E_INVAL);	/* no U */
		EXPECT(sys_page_alloc(0, va, PTE_U | PTE_R | PTE_W), -E_INVAL);	/* no V */
		EXPECT(sys_page_alloc(0, va, PTE_V | PTE_U), -E_INVAL);	/* neither R nor X */
		EXPECT(sys_page_alloc(0, va, PTE_V | PTE_U | PTE_W), -E_INVAL);	/* W without R */
		EXPECT(sys_page_alloc(0, va, PTE_V | PTE_U | PTE_W | PTE_X), -E_INVAL);
		EXPECT(sys_page_alloc(0, va, RW | PTE_G), -E_INVAL);
		EXPECT(sys_page_alloc(0, va, RW | PTE_A), -E_INVAL);
		EXPECT(sys_page_alloc(0, va, RW | PTE_D), -E_INVAL);
		EXPECT(sys_page_alloc(0, va, RW | 0x400), -E_INVAL);	/* a PPN bit */
		EXPECT(syscall(SYS_page_alloc, 0, (uint64_t)va, RW | (1UL << 32), 0, 0), -E_INVAL);
		EXPECT(syscall(SYS_page_alloc, 0, (uint64_t)va, RW | (1UL << 63), 0, 0), -E_INVAL);
	}

	/* Good permissions: each maps U with exactly what was asked (plus A, and D if writable). */
	int good[] = { PTE_V | PTE_U | PTE_X, RO, RO | PTE_X, RW, RW | PTE_X, RW | PTE_COW, RO | PTE_SHARE };
	for (int i = 0; i < ARRAY_SIZE(good); i++) {
		int r = sys_page_alloc(0, (void *)U, good[i]);
		pte_t want = good[i] | PTE_A | ((good[i] & PTE_W) ? PTE_D : 0);
		if (r < 0 || PTE_FLAGS(leaf(U)) != want) {
			cprintf("exoforkbad: FAIL sys_page_alloc(U, perm 0x%x): got %e, pte flags 0x%lx, want 0x%lx\n",
				good[i], r, PTE_FLAGS(leaf(U)), want);
			fails++;
		}
		if ((r = sys_page_unmap(0, (void *)U)) < 0)
			panic("sys_page_unmap: %e", r);
	}
	baseline = snap();	/* its table may hold more now, nothing else */
	group_done("page_alloc", start);
}

static void page_map_checks(void)
{
	int start = fails;

	/* Nothing at the source. */
	EXPECT(sys_page_map(0, (void *)U, 0, (void *)U2, RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)U, 0, (void *)P, RO), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)FAR, 0, (void *)U2, RO), -E_INVAL);

	/* Write permission on a read-only page (our text), even over ourselves. */
	EXPECT(sys_page_map(0, (void *)UTEXT, 0, (void *)U, RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)UTEXT, 0, (void *)P, RW | PTE_X), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)UTEXT, 0, (void *)UTEXT, RW | PTE_X), -E_INVAL);

	/* Bad addresses on either side. */
	EXPECT(sys_page_map(0, (void *)(P + 8), 0, (void *)U, RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)(U + 8), RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)(FAR + 8), RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)UTOP, RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)KERNLINK, RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)UENVS, 0, (void *)U, RO), -E_INVAL);	/* mapped, but not ours */
	EXPECT(sys_page_map(0, (void *)UVPT, 0, (void *)U, RO), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)KERNLINK, 0, (void *)U, RO), -E_INVAL);

	/* Bad permissions. */
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)U, PTE_V | PTE_R | PTE_W), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)U, PTE_V | PTE_U | PTE_W), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, 0, (void *)P, RW | PTE_G), -E_INVAL);
	EXPECT(syscall(SYS_page_map, 0, P, 0, U, RW | (1UL << 32)), -E_INVAL);

	/* A read-only page may be mapped read-execute; a writable one read-only. */
	int r;
	if ((r = sys_page_map(0, (void *)UTEXT, 0, (void *)U, RO | PTE_X)) < 0 ||
	    PTE_ADDR(leaf(U)) != PTE_ADDR(leaf(UTEXT)) || (leaf(U) & PTE_W)) {
		cprintf("exoforkbad: FAIL mapping the text page read-execute: %e\n", r);
		fails++;
	}
	sys_page_unmap(0, (void *)U);
	baseline = snap();
	group_done("page_map", start);
}

static void page_unmap_checks(void)
{
	int start = fails;

	EXPECT(sys_page_unmap(0, (void *)(P + 8)), -E_INVAL);
	EXPECT(sys_page_unmap(0, (void *)UTOP), -E_INVAL);
	EXPECT(sys_page_unmap(0, (void *)UENVS), -E_INVAL);
	EXPECT(sys_page_unmap(0, (void *)UVPT), -E_INVAL);
	EXPECT(sys_page_unmap(0, (void *)KERNLINK), -E_INVAL);
	/* Unmapping what is not mapped is fine, and creates no table. */
	EXPECT(sys_page_unmap(0, (void *)U), 0);
	EXPECT(sys_page_unmap(0, (void *)FAR), 0);
	group_done("page_unmap", start);
}

/* Every env-taking call with id must fail with E_BAD_ENV. */
static void bad_env(envid_t id)
{
	char call[64];

	snprintf(call, sizeof(call), "sys_page_alloc(%x)", id);
	expect(call, sys_page_alloc(id, (void *)U, RW), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_page_map(%x, ..., 0, ...)", id);
	expect(call, sys_page_map(id, (void *)P, 0, (void *)U, RO), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_page_map(0, ..., %x, ...)", id);
	expect(call, sys_page_map(0, (void *)P, id, (void *)U, RO), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_page_unmap(%x)", id);
	expect(call, sys_page_unmap(id, (void *)U), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_env_set_status(%x, RUNNABLE)", id);
	expect(call, sys_env_set_status(id, ENV_RUNNABLE), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_env_set_status(%x, NOT_RUNNABLE)", id);
	expect(call, sys_env_set_status(id, ENV_NOT_RUNNABLE), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_env_set_pgfault_upcall(%x)", id);
	expect(call, sys_env_set_pgfault_upcall(id, (void *)UTEXT), -E_BAD_ENV);
	snprintf(call, sizeof(call), "sys_env_destroy(%x)", id);
	expect(call, sys_env_destroy(id), -E_BAD_ENV);
}

static void envid_checks(void)
{
	envid_t self = sys_getenvid();
	int start = fails;

	bad_env(NOENV);
	bad_env(-1);
	bad_env(0x80000000);
	bad_env(self + 7 * NENV);	/* our slot, another generation */
	/* Ids with bits above 32 set: the kernel must not truncate them to ours (or to 0, us). */
	EXPECT(syscall(SYS_page_alloc, (1UL << 32) | self, U, RW, 0, 0), -E_BAD_ENV);
	EXPECT(syscall(SYS_page_alloc, 1UL << 32, U, RW, 0, 0), -E_BAD_ENV);
	EXPECT(syscall(SYS_page_unmap, 1UL << 32, P, 0, 0, 0), -E_BAD_ENV);
	EXPECT(syscall(SYS_page_map, 1UL << 32, P, 0, U, RO), -E_BAD_ENV);
	EXPECT(syscall(SYS_page_map, 0, P, 1UL << 32, U, RO), -E_BAD_ENV);
	EXPECT(syscall(SYS_env_set_status, 1UL << 32, ENV_RUNNABLE, 0, 0, 0), -E_BAD_ENV);
	EXPECT(syscall(SYS_env_set_pgfault_upcall, 1UL << 32, UTEXT, 0, 0, 0), -E_BAD_ENV);
	EXPECT(syscall(SYS_env_destroy, (1UL << 32) | self, 0, 0, 0, 0), -E_BAD_ENV);
	EXPECT(syscall(SYS_env_destroy, 1UL << 32, 0, 0, 0, 0), -E_BAD_ENV);
	group_done("bad env ids", start);
}

/* sys_env_set_status takes only ENV_RUNNABLE and ENV_NOT_RUNNABLE. */
static void bad_status(envid_t id)
{
	EXPECT(sys_env_set_status(id, ENV_FREE), -E_INVAL);
	EXPECT(sys_env_set_status(id, ENV_NOT_RUNNABLE + 1), -E_INVAL);
	EXPECT(sys_env_set_status(id, ENV_RUNNING), -E_INVAL);
	EXPECT(sys_env_set_status(id, 99), -E_INVAL);
	EXPECT(sys_env_set_status(id, -1), -E_INVAL);
	EXPECT(syscall(SYS_env_set_status, id, (1UL << 32) | ENV_RUNNABLE, 0, 0, 0), -E_INVAL);
	EXPECT(syscall(SYS_env_set_status, id, (1UL << 32) | ENV_NOT_RUNNABLE, 0, 0, 0), -E_INVAL);
}

static void syscall_number_checks(void)
{
	int start = fails;

	EXPECT(syscall(NSYSCALLS, 0, 0, 0, 0, 0), -E_NO_SYS);
	EXPECT(syscall(1000, 0, 0, 0, 0, 0), -E_NO_SYS);
	EXPECT(syscall(-1, 0, 0, 0, 0, 0), -E_NO_SYS);
	EXPECT(raw_syscall((1UL << 32) | SYS_getenvid, 0), -E_NO_SYS);
	EXPECT(raw_syscall((1UL << 32) | SYS_env_destroy, 0), -E_NO_SYS);
	group_done("syscall numbers", start);
}

/* An exofork child: bad arguments on it, then its stale id once destroyed, even after its slot is reused. */
static void child_checks(void)
{
	int start = fails, r;
	envid_t c, d;

	if ((c = sys_exofork()) < 0)
		panic("sys_exofork: %e", c);
	if (c == 0)
		panic("the exofork child ran");	/* it is never made runnable */
	if ((r = sys_page_alloc(c, (void *)P, RW)) < 0)
		panic("sys_page_alloc in the child: %e", r);
	child = c;
	baseline = snap();
	check(baseline.cstatus == ENV_NOT_RUNNABLE && baseline.cnpages == 1, "the child's state");

	bad_status(c);
	EXPECT(sys_page_alloc(c, (void *)(P + 8), RW), -E_INVAL);
	EXPECT(sys_page_alloc(c, (void *)UTOP, RW), -E_INVAL);
	EXPECT(sys_page_alloc(c, (void *)P, PTE_V | PTE_U | PTE_W), -E_INVAL);
	EXPECT(sys_page_map(c, (void *)U, 0, (void *)U, RO), -E_INVAL);	/* unmapped in the child */
	EXPECT(sys_page_map(0, (void *)UTEXT, c, (void *)U, RW), -E_INVAL);
	EXPECT(sys_page_map(0, (void *)P, c, (void *)UTOP, RW), -E_INVAL);
	EXPECT(sys_page_unmap(c, (void *)(P + 8)), -E_INVAL);
	EXPECT(sys_page_unmap(c, (void *)U), 0);
	group_done("exofork child", start);

	start = fails;
	child = 0;	/* stop watching it: destroying it changes it */
	baseline = snap();
	EXPECT(sys_env_destroy(c), 0);
	check(envs[ENVX(c)].env_status == ENV_FREE, "the destroyed child's slot is free");
	bad_env(c);
	/* The slot is reused (the free list is LIFO), with a new generation. */
	if ((d = sys_exofork()) < 0)
		panic("sys_exofork: %e", d);
	if (d == 0)
		panic("the exofork child ran");
	check(ENVX(d) == ENVX(c) && d != c, "the new child reuses the slot with a new id");
	child = d;
	baseline = snap();
	bad_env(c);
	EXPECT(sys_page_map(d, (void *)P, 0, (void *)U, RO), -E_INVAL);	/* the new child has nothing */
	child = 0;
	baseline = snap();
	EXPECT(sys_env_destroy(d), 0);
	group_done("stale child id", start);
}

/* Give dstenv a copy of our page at addr with our permissions (as in dumbfork). */
static void duppage(envid_t dstenv, uint64_t addr)
{
	int perm = uvpt[PGNUM(addr)] & PTE_SYSCALL;
	int r;

	if ((r = sys_page_alloc(dstenv, (void *)addr, RW)) < 0 ||
	    (r = sys_page_map(dstenv, (void *)addr, 0, (void *)UTEMP, RW)) < 0)
		panic("duppage: %e", r);
	memmove((void *)UTEMP, (void *)addr, PGSIZE);
	if ((r = sys_page_unmap(0, (void *)UTEMP)) < 0 ||
	    (perm != RW && (r = sys_page_map(dstenv, (void *)addr, dstenv, (void *)addr, perm)) < 0))
		panic("duppage: %e", r);
}

/* In child A: poke at our parent, then make a grandchild for the parent to poke at. */
static _Noreturn void child_a(void)
{
	envid_t parent = thisenv->env_parent_id;
	envid_t g;

	fails = 0;
	child = 0;
	baseline = snap();
	bad_env(parent);
	/* The parent may not be acted on even with good arguments. */
	EXPECT(sys_page_map(parent, (void *)UTEXT, 0, (void *)U, RO | PTE_X), -E_BAD_ENV);
	EXPECT(sys_page_unmap(parent, (void *)P), -E_BAD_ENV);
	group_done("child A on its parent", 0);

	if ((g = sys_exofork()) < 0)
		panic("sys_exofork: %e", g);
	if (g == 0)
		panic("the grandchild ran");
	box->child_fails = fails;
	box->grandchild = g;
	while (!box->parent_done)
		sys_yield();
	baseline = snap();
	EXPECT(sys_env_destroy(g), 0);	/* our own child: allowed */
	box->child_fails = fails;
	box->child_finished = 1;
	exit();
}

static void stranger_checks(void)
{
	extern unsigned char end[];
	int start = fails, r;
	envid_t a, g;

	if ((r = sys_page_alloc(0, (void *)SHARED, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	if ((a = sys_exofork()) < 0)
		panic("sys_exofork: %e", a);
	if (a == 0)
		child_a();
	for (uint64_t va = UTEXT; va < (uint64_t)end; va += PGSIZE)
		if (uvpt[PGNUM(va)] & PTE_V)
			duppage(a, va);
	duppage(a, USTACKTOP - PGSIZE);
	if ((r = sys_page_map(0, (void *)SHARED, a, (void *)SHARED, RW)) < 0)
		panic("sys_page_map: %e", r);
	if ((r = sys_env_set_status(a, ENV_RUNNABLE)) < 0)
		panic("sys_env_set_status: %e", r);
	baseline = snap();

	/* A runs its checks on us, then creates G. */
	while (!box->grandchild)
		sys_yield();
	g = box->grandchild;
	expect("child A's calls on its parent", 0, 0);	/* nothing of ours changed */
	check(envs[ENVX(g)].env_id == g && envs[ENVX(g)].env_parent_id == a, "the grandchild exists");

	/* G is A's child, not ours: everything fails and G stays as it is. */
	child = g;
	baseline = snap();
	bad_env(g);
	check(envs[ENVX(g)].env_id == g && envs[ENVX(g)].env_status == ENV_NOT_RUNNABLE,
	      "the grandchild survived");
	child = 0;
	baseline = snap();

	box->parent_done = 1;
	while (!box->child_finished ||	/* until A has exited */
	       (envs[ENVX(a)].env_id == a && envs[ENVX(a)].env_status != ENV_FREE))
		sys_yield();
	if (box->child_fails) {
		cprintf("exoforkbad: FAIL child A had %d failed checks\n", box->child_fails);
		fails++;
	}
	check(envs[ENVX(g)].env_id != g || envs[ENVX(g)].env_status == ENV_FREE, "A destroyed the grandchild");
	if ((r = sys_page_unmap(0, (void *)SHARED)) < 0)
		panic("sys_page_unmap: %e", r);
	baseline = snap();
	group_done("strangers", start);
}

void umain(int argc, char **argv)
{
	int r;

	if ((r = sys_page_alloc(0, (void *)P, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	*(volatile int *)P = 0x5eed;
	baseline = snap();

	page_alloc_checks();
	page_map_checks();
	page_unmap_checks();
	envid_checks();

	int start = fails;
	bad_status(0);
	bad_status(sys_getenvid());
	group_done("env_set_status", start);

	syscall_number_checks();
	child_checks();
	stranger_checks();

	check(*(volatile int *)P == 0x5eed, "P still holds its data");
	if (fails == 0)
		cprintf("exoforkbad: all checks passed\n");
	else
		cprintf("exoforkbad: FAIL: %d checks failed\n", fails);
}
