/*
 * A seeded system-call fuzzer: fuzz [SEED [COUNT [NCHILDREN]]].
 *
 * The parent forks NCHILDREN children (default 3); then each of them makes
 * COUNT calls (default 5000) chosen by its own xorshift64 stream: every
 * system call and unknown numbers, with arguments drawn from sets of
 * interesting values (see fuzz_va, fuzz_perm, fuzz_envid). Each result
 * must be one the call may return (and for calls on itself, exactly the
 * error or effect the arguments call for); anything else prints
 * "fuzz: FAIL" and stops. Every 512 steps, and at the end, each fuzzer
 * checks that a canary array of its memory is intact; the parent also
 * checks that every page it sees mapped has a reference and that their
 * number is the kernel's count. Now and then a fuzzer fills memory through
 * an exofork child, so that the calls after it run out of pages.
 *
 * A fuzzer must not destroy itself by accident, so calls aimed at itself
 * are tamed: destination addresses below UTOP go to its scratch region,
 * pages it gives away are scratch or read-only ones, its upcall stays the
 * real one, it never suspends itself or blocks (children may block in
 * ipc_recv). Calls aimed at children are wild: the parent may unmap,
 * replace, suspend or destroy them, and they may then die with a fault.
 */
#include <inc/lib.h>
#include <inc/riscv.h>	/* rdtime, rdinstret */

#define SCRATCH_A	0x1000000000UL	/* gigabyte 64 */
#define SCRATCH_B	0x1040200000UL	/* gigabyte 65, second 2 MiB region */
#define NSCRATCH	64		/* pages: 32 in each */
#define STATS		0x0f00000000UL	/* a PTE_SHARE page where children add up their calls */
#define MAXKIDS		8		/* exofork children kept at once (the oldest is destroyed) */
#define MAXFORKS	8
#define CHECK_EVERY	512

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define RO	(PTE_V | PTE_U | PTE_R)

extern void _pgfault_upcall(void);
extern char end[];

struct stats {
	uint64_t calls[MAXFORKS];
	int done[MAXFORKS];
};
static volatile struct stats *const stats = (volatile struct stats *)STATS;

static uint64_t rng, seed;
static uint64_t ncalls, count;
static int me = -1;		/* -1: the parent; else the child's index */
static envid_t self, parent;
static envid_t kids[MAXKIDS];	/* exofork children, 0 = empty */
static envid_t forks[MAXFORKS];	/* the parent's fuzzing children */
static int nforks;
static envid_t dead[16];	/* ids we destroyed: stale from now on */
static int ndead;
static uint64_t canary[256];
static uint64_t last[6];	/* the call being made, for the FAIL line */
static uint64_t results[MAXERROR + 1];	/* [0]: successes, [e]: -e returned */

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}


static uint64_t pick(uint64_t n)
{
	return next() % n;
}

static const char *name(void)
{
	static char buf[32];
	if (me < 0)
		return "parent";
	snprintf(buf, sizeof(buf), "child %d", me);
	return buf;
}

static _Noreturn void fail(const char *fmt, int64_t r)
{
	cprintf("fuzz: FAIL seed %lu %s %08x call #%lu: syscall %ld(%lx, %lx, %lx, %lx, %lx): ",
		seed, name(), self, ncalls, (int64_t)last[0], last[1], last[2], last[3], last[4], last[5]);
	cprintf(fmt, r);
	cprintf("\n");
	exit();
}

static int64_t sc(uint64_t num, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	last[0] = num, last[1] = a1, last[2] = a2, last[3] = a3, last[4] = a4, last[5] = a5;
	int64_t r = syscall(num, a1, a2, a3, a4, a5);
	ncalls++;
	results[r < 0 && r > -MAXERROR ? -r : 0]++;
	if (me >= 0)
		stats->calls[me] = ncalls;
	return r;
}

/* ---- argument sets ---- */

static uint64_t scratch_va(void)
{
	uint64_t i = pick(NSCRATCH);
	return i < NSCRATCH / 2 ? SCRATCH_A + i * PGSIZE : SCRATCH_B + (i - NSCRATCH / 2) * PGSIZE;
}

static bool in_scratch(uint64_t va)
{
	return (va >= SCRATCH_A && va < SCRATCH_A + NSCRATCH / 2 * PGSIZE) ||
	       (va >= SCRATCH_B && va < SCRATCH_B + NSCRATCH / 2 * PGSIZE);
}

static const uint64_t special_vas[] = {
	0, PGSIZE, (uint64_t)UTEMP, UTEXT, UTEXT + PGSIZE, UTEXT + 2 * PGSIZE, UTEXT + 3 * PGSIZE,
	STATS, (uint64_t)PFTEMP, USTACKTOP - PGSIZE, USTACKTOP, UXSTACKTOP - PGSIZE,
	UTOP - PGSIZE, UTOP, UENVS, UENVS + PGSIZE, UPAGES, UPAGES + 0x80000 * 16,
	UVPT, UVPT + 0x3FF000, UVPD, UVPGD, UVIEWS - PGSIZE, ULIM - PGSIZE, ULIM,
	KERNBASE, KERNBASE + 0x10000000, KERNLINK, KERNLINK + 0x100000, 0xFFFFFFFFFFFFF000UL,
	0x0000008000000000UL, 0x00007FFFFFFFF000UL, 0x8000000000000000UL, 0xFFFFFFBFFFFFF000UL,
	0x7FFFFFFFFFFFF000UL, 0x4000000000000000UL, 0xDEADB000, 0x100000000UL, 0x3F00000000UL,
};

/* An address: scratch, special, unaligned, anywhere below UTOP, anything at all. */
static uint64_t fuzz_va(void)
{
	switch (pick(8)) {
	case 0:
	case 1:
	case 2:
		return scratch_va();
	case 3:
		return special_vas[pick(ARRAY_SIZE(special_vas))];
	case 4: {
		static const uint64_t offs[] = { 1, 2, 4, 8, PGSIZE / 2, PGSIZE - 1, PGSIZE - 8 };
		uint64_t base = pick(2) ? scratch_va() : special_vas[pick(ARRAY_SIZE(special_vas))];
		return base + offs[pick(ARRAY_SIZE(offs))];
	}
	case 5:	/* a page in one of a few gigabytes (each new one costs the target tables) */
		return ((uint64_t[]){ 0, 1, 64, 200, 253 })[pick(5)] * GIGAPGSIZE + pick(NPTENTRIES * 4) * PGSIZE;
	case 6:
		return next();
	default:	/* our own image */
		return ROUNDDOWN(UTEXT + pick((uint64_t)end - UTEXT + PGSIZE), PGSIZE);
	}
}

static const uint64_t good_perms[] = {
	RW, RO, RO | PTE_X, RW | PTE_X, PTE_V | PTE_U | PTE_X, RW | PTE_COW, RO | PTE_COW,
	RO | PTE_SHARE, RW | PTE_SHARE, RW | PTE_COW | PTE_SHARE,
};
static const uint64_t bad_perms[] = {
	0, ~0UL, PTE_V, PTE_V | PTE_U, PTE_U | PTE_R, PTE_V | PTE_R | PTE_W,
	PTE_V | PTE_U | PTE_W, PTE_V | PTE_U | PTE_W | PTE_X, RW | PTE_G, RW | PTE_A, RW | PTE_D,
	RW | 0x400, RW | (1UL << 32), RW | (1UL << 63), RO | (0xFFFUL << 52),
};

static uint64_t fuzz_perm(void)
{
	switch (pick(4)) {
	case 0:
	case 1:
		return good_perms[pick(ARRAY_SIZE(good_perms))];
	case 2:
		return next() & 0x3FF;	/* any mix of the low bits, W without R included */
	default:
		return pick(4) ? bad_perms[pick(ARRAY_SIZE(bad_perms))] : next();
	}
}

/* An env id: ourselves, children (live or dead), strangers, nonsense. */
static uint64_t fuzz_envid(void)
{
	envid_t id;
	switch (pick(10)) {
	case 0:
		return 0;
	case 1:
		return self;
	case 4:	/* a fuzzing child, now and then: they should get some work done */
		if (nforks > 0 && pick(4) == 0)
			return forks[pick(nforks)];
		/* fall through */
	case 2:
	case 3:
		if ((id = kids[pick(MAXKIDS)]))
			return id;
		return pick(2) ? self : parent;
	case 5:
		return ndead ? dead[pick(ndead)] : (uint64_t)self + NENV;
	case 6:
		return envs[pick(NENV)].env_id;	/* whoever has that slot, or its last id */
	case 7:
		return parent;
	case 8: {
		static const uint64_t odd[] = { -1UL, 0x80000000UL, 0x7FFFFFFFUL, 1, NENV - 1, 0x1000, 0xFFFFFFFFUL,
						1UL << 32, 1UL << 63 };
		uint64_t v = odd[pick(ARRAY_SIZE(odd))];
		return pick(2) ? v : v | (uint64_t)self;	/* self with high bits is not self */
	}
	default:
		return pick(2) ? next() : (uint32_t)next();
	}
}

/*
 * Nobody but ourselves can change our address space between a call and
 * our look at it afterwards: true of the parent only (children belong to it).
 */
static bool alone(void)
{
	return me < 0;
}

static bool is_self(uint64_t id)
{
	return id == 0 || id == (uint64_t)self;
}

/* A destination address in env id: for ourselves, only scratch (or one the kernel refuses anyway). */
static uint64_t dst_va(uint64_t id, uint64_t va)
{
	if (is_self(id) && va < UTOP && va % PGSIZE == 0 && !in_scratch(va))
		return scratch_va();
	return va;
}

/* A page we give away: never one of our writable pages outside scratch (nobody may write our memory). */
static uint64_t src_va(uint64_t id, uint64_t va)
{
	if (is_self(id) && va < UTOP && !in_scratch(va) && (uvpt_lookup(va) & PTE_W))
		return scratch_va();
	return va;
}

static bool uva_ok(uint64_t va)
{
	return va < UTOP && va % PGSIZE == 0;
}

static bool perm_ok(uint64_t perm)
{
	return (perm & (PTE_V | PTE_U)) == (PTE_V | PTE_U) && (perm & (PTE_R | PTE_X)) &&
	       !(perm & ~(uint64_t)PTE_SYSCALL) && !((perm & PTE_W) && !(perm & PTE_R));
}

/* An id the kernel must refuse: high bits set, negative, or one we destroyed. */
static bool surely_bad(uint64_t id)
{
	if ((uint64_t)(int64_t)(int32_t)id != id || (int32_t)id < 0)
		return true;
	for (int i = 0; i < ndead; i++)
		if (dead[i] == (envid_t)id)
			return true;
	return false;
}

static void expect_in(int64_t r, const int64_t *ok, int n)
{
	for (int i = 0; i < n; i++)
		if (r == ok[i])
			return;
	fail("returned %ld, not one of its results", r);
}
#define EXPECT_IN(r, ...)	do { const int64_t ok_[] = { __VA_ARGS__ }; expect_in((r), ok_, ARRAY_SIZE(ok_)); } while (0)

static void remember_dead(envid_t id)
{
	if (ndead < ARRAY_SIZE(dead))
		dead[ndead++] = id;
	else
		dead[pick(ARRAY_SIZE(dead))] = id;
	for (int i = 0; i < MAXKIDS; i++)
		if (kids[i] == id)
			kids[i] = 0;
}

/* ---- one call ---- */

static void fuzz_page_alloc(void)
{
	uint64_t id = fuzz_envid(), va = dst_va(id, fuzz_va()), perm = fuzz_perm();
	int64_t r = sc(SYS_page_alloc, id, va, perm, 0, 0);
	EXPECT_IN(r, 0, -E_BAD_ENV, -E_INVAL, -E_NO_MEM);
	if (surely_bad(id) && r != -E_BAD_ENV)
		fail("returned %ld for a bad env id", r);
	if (is_self(id)) {
		if ((!uva_ok(va) || !perm_ok(perm)) && r != -E_INVAL)
			fail("returned %ld for a bad va or perm, want E_INVAL", r);
		if (alone() && r == 0 && PTE_FLAGS(uvpt_lookup(va)) != (perm | PTE_A | ((perm & PTE_W) ? PTE_D : 0)))
			fail("succeeded (%ld) but the page is not mapped as asked", r);
	}
}

static void fuzz_page_map(void)
{
	uint64_t src = fuzz_envid(), dst = fuzz_envid(), perm = fuzz_perm();
	uint64_t srcva = src_va(src, fuzz_va()), dstva = dst_va(dst, fuzz_va());
	pte_t spte = is_self(src) ? uvpt_lookup(srcva) : 0;
	/* Our page's count can only fall meanwhile (a child unmapping its share), never rise. */
	uint32_t refs = (spte & PTE_V) && srcva < UTOP ? page_refs(srcva) : 0;
	int64_t r = sc(SYS_page_map, src, srcva, dst, dstva, perm);
	EXPECT_IN(r, 0, -E_BAD_ENV, -E_INVAL, -E_NO_MEM);
	if ((surely_bad(src) || surely_bad(dst)) && r != -E_BAD_ENV)
		fail("returned %ld for a bad env id", r);
	if (is_self(src) && is_self(dst)) {
		bool ok = uva_ok(srcva) && uva_ok(dstva) && perm_ok(perm) && (spte & PTE_V);
		if (!ok && r != -E_INVAL)
			fail("returned %ld for a bad va, perm or unmapped source, want E_INVAL", r);
		/* sys_page_map's rule: write over a read-only mapping only in place, not executable, only reference */
		bool upgrade = ok && (perm & PTE_W) && !(spte & PTE_W);
		bool in_place = srcva == dstva && !(spte & PTE_X);
		if (upgrade && !in_place && r == 0)
			fail("granted write to a read-only page (%ld)", r);
		if (upgrade && in_place && refs == 1 && r != 0)
			fail("refused write over our only, read-only mapping in place (%ld)", r);
		if (alone() && r == 0 && PTE_ADDR(uvpt_lookup(dstva)) != PTE_ADDR(spte))
			fail("succeeded (%ld) but the destination is not the source page", r);
	}
}

static void fuzz_page_unmap(void)
{
	uint64_t id = fuzz_envid(), va = dst_va(id, fuzz_va());
	int64_t r = sc(SYS_page_unmap, id, va, 0, 0, 0);
	EXPECT_IN(r, 0, -E_BAD_ENV, -E_INVAL);
	if (surely_bad(id) && r != -E_BAD_ENV)
		fail("returned %ld for a bad env id", r);
	if (is_self(id)) {
		if (r != (uva_ok(va) ? 0 : -E_INVAL))
			fail("returned %ld on ourselves", r);
		if (alone() && r == 0 && (uvpt_lookup(va) & PTE_V))
			fail("succeeded (%ld) but the page is still mapped", r);
	}
}

static void fuzz_exofork(void)
{
	int64_t r = sc(SYS_exofork, 0, 0, 0, 0, 0);
	if (r == 0)	/* the child, made runnable with enough of our pages by a wild call */
		sys_env_destroy(0);
	if (r < 0) {
		EXPECT_IN(r, -E_NO_FREE_ENV, -E_NO_MEM);
		return;
	}
	volatile const struct Env *e = &envs[ENVX(r)];
	if (r > 0x7FFFFFFF || e->env_id != r || e->env_parent_id != self || e->env_status != ENV_NOT_RUNNABLE)
		fail("returned %lx, not a new not-runnable child of ours", r);
	int i = pick(MAXKIDS);
	if (kids[i] && sc(SYS_env_destroy, kids[i], 0, 0, 0, 0) == 0)
		remember_dead(kids[i]);
	kids[i] = r;
}

static void fuzz_destroy(void)
{
	uint64_t id = fuzz_envid();
	for (int i = 0; i < nforks; i++)	/* a fuzzing child only rarely */
		if (id == (uint64_t)forks[i] && pick(16))
			id = fuzz_envid();
	if (is_self(id))
		return;
	int64_t r = sc(SYS_env_destroy, id, 0, 0, 0, 0);
	EXPECT_IN(r, 0, -E_BAD_ENV);
	if (surely_bad(id) && r != -E_BAD_ENV)
		fail("returned %ld for a bad env id", r);
	if (r == 0)
		remember_dead(id);
}

static void fuzz_set_status(void)
{
	static const uint64_t statuses[] = { ENV_RUNNABLE, ENV_NOT_RUNNABLE, ENV_FREE, ENV_NOT_RUNNABLE + 1, ENV_RUNNING,
					     99, -1UL, (1UL << 32) | ENV_RUNNABLE };
	uint64_t id = fuzz_envid(), st = pick(5) ? statuses[pick(ARRAY_SIZE(statuses))] : next();
	if (is_self(id) && st == ENV_NOT_RUNNABLE)	/* nobody would wake us */
		st = ENV_RUNNABLE;
	int64_t r = sc(SYS_env_set_status, id, st, 0, 0, 0);
	EXPECT_IN(r, 0, -E_BAD_ENV, -E_INVAL);
	if (st != ENV_RUNNABLE && st != ENV_NOT_RUNNABLE && r != -E_INVAL)
		fail("returned %ld for a bad status, want E_INVAL", r);
}

static void fuzz_set_upcall(void)
{
	uint64_t id = fuzz_envid(), fn = pick(4) ? fuzz_va() : (uint64_t)_pgfault_upcall;
	if (is_self(id))	/* ours must stay the real one */
		fn = (uint64_t)_pgfault_upcall;
	int64_t r = sc(SYS_env_set_pgfault_upcall, id, fn, 0, 0, 0);
	EXPECT_IN(r, 0, -E_BAD_ENV);
	if (surely_bad(id) && r != -E_BAD_ENV)
		fail("returned %ld for a bad env id", r);
}

static void fuzz_ipc_send(void)
{
	uint64_t id = fuzz_envid(), va = pick(3) ? src_va(0, fuzz_va()) : UTOP, perm = fuzz_perm();
	int64_t r = sc(SYS_ipc_try_send, id, next(), va, perm, 0);
	EXPECT_IN(r, 0, -E_BAD_ENV, -E_IPC_NOT_RECV, -E_INVAL, -E_NO_MEM);
	if (surely_bad(id) && r != -E_BAD_ENV)
		fail("returned %ld for a bad env id", r);
	if (is_self(id) && r != -E_IPC_NOT_RECV)	/* we are running, not receiving */
		fail("sending to ourselves returned %ld", r);
}

static void fuzz_ipc_recv(void)
{
	uint64_t va = fuzz_va();
	if (me >= 0 && pick(256) == 0) {	/* a child may block; a send from anyone or its death ends it */
		if (va < UTOP)
			va = scratch_va();
		int64_t r = sc(SYS_ipc_recv, va, 0, 0, 0, 0);
		if (r != 0)
			fail("a blocking receive returned %ld", r);
		return;
	}
	if (va >= UTOP || va % PGSIZE == 0)	/* would block: make it unaligned */
		va = ROUNDDOWN(va % UTOP, PGSIZE) + 1 + pick(PGSIZE - 1);
	int64_t r = sc(SYS_ipc_recv, va, 0, 0, 0, 0);
	if (r != -E_INVAL)
		fail("an unaligned receive returned %ld, want E_INVAL", r);
}

static void fuzz_misc(void)
{
	int64_t r;
	switch (pick(6)) {
	case 0:
		if ((r = sc(SYS_getenvid, next(), next(), 0, 0, 0)) != self)
			fail("getenvid returned %lx", r);
		break;
	case 1:
		if ((r = sc(SYS_cgetc, next(), 0, 0, 0, 0)) < 0 || r > 255)
			fail("cgetc returned %ld", r);
		break;
	case 2:
		if ((r = sc(SYS_yield, next(), 0, 0, 0, 0)) != 0)
			fail("yield returned %ld", r);
		break;
	case 3:	/* length 0: any pointer is fine and nothing is printed */
		if ((r = sc(SYS_cputs, fuzz_va(), 0, 0, 0, 0)) != 0)
			fail("cputs of 0 bytes returned %ld", r);
		if (pick(64) == 0) {	/* a long one prints CPUTS_MAX bytes, whatever lies beyond them */
			static char blank[CPUTS_MAX];
			uint64_t len = CPUTS_MAX + 1 + pick(2) * next() % (ULIM - (uint64_t)blank - CPUTS_MAX);
			memset(blank, '\n', sizeof(blank));
			if ((r = sc(SYS_cputs, (uint64_t)blank, len, 0, 0, 0)) != CPUTS_MAX)
				fail("a long cputs returned %ld, want CPUTS_MAX", r);
		}
		break;
	default: {
		static const uint64_t nums[] = { NSYSCALLS, NSYSCALLS + 1, NSYSCALLS + 10, 255, 0x7FFFFFFF,
						 0x80000000UL, -1UL, -2UL, 1UL << 32, (1UL << 32) | SYS_page_alloc,
						 (1UL << 63) | SYS_env_destroy, (uint32_t)-1 };
		uint64_t num = pick(2) ? nums[pick(ARRAY_SIZE(nums))] : NSYSCALLS + pick(11);
		if (pick(4) == 0 && (num = next()) < NSYSCALLS)
			num += NSYSCALLS;
		if ((r = sc(num, fuzz_envid(), fuzz_va(), fuzz_perm(), next(), next())) != -E_NO_SYS)
			fail("an unknown system call returned %ld, want E_NO_SYS", r);
	}
	}
}

/* A child, rarely, does what gets a program destroyed: the kernel must only destroy it. */
static void suicide(void)
{
	static const uint64_t ptrs[] = { 0, 1, KERNLINK, KERNBASE, ULIM, ULIM - 1, 0x8000000000000000UL,
					 UTOP - 1 + NENV * sizeof(struct Env) };
	cprintf("fuzz: %s: passing sys_cputs a bad pointer, as planned\n", name());
	if (pick(2))
		sc(SYS_cputs, UTEXT, ~0UL - pick(4), 0, 0, 0);	/* wraps around */
	else
		sc(SYS_cputs, ptrs[pick(ARRAY_SIZE(ptrs))], 2 + pick(64), 0, 0, 0);
	fail("survived a bad sys_cputs (%ld)", 0);
}

/* Now and then fill memory (up to 2048 pages) through an exofork child: the calls after it run short. */
static void hog(void)
{
	envid_t k = kids[pick(MAXKIDS)];
	uint64_t va = pick(GDNUM(UTOP)) * GIGAPGSIZE;
	for (int i = 0; k && i < 2048 && ncalls < count; i++) {
		int64_t r = sc(SYS_page_alloc, k, va + i * PGSIZE, RW, 0, 0);
		EXPECT_IN(r, 0, -E_BAD_ENV, -E_NO_MEM);
		if (r < 0)
			break;
	}
}

static void one_call(void)
{
	if (pick(4096) == 0)
		hog();
	switch (pick(16)) {
	case 0:
	case 1:
	case 2:
		fuzz_page_alloc();
		break;
	case 3:
	case 4:
	case 5:
		fuzz_page_map();
		break;
	case 6:
	case 7:
		fuzz_page_unmap();
		break;
	case 8:
		fuzz_exofork();
		break;
	case 9:
		fuzz_destroy();
		break;
	case 10:
		fuzz_set_status();
		break;
	case 11:
		fuzz_set_upcall();
		break;
	case 12:
	case 13:
		fuzz_ipc_send();
		break;
	case 14:
		fuzz_ipc_recv();
		break;
	default:
		fuzz_misc();
		break;
	}
}

/* ---- our own state ---- */

/*
 * Our memory is intact, and every page we see mapped is counted by the
 * kernel and has a reference. A child's memory is its parent's to change,
 * so a child only notices that and leaves.
 */
static void check_self(void)
{
	for (int i = 0; i < ARRAY_SIZE(canary); i++)
		if (canary[i] != (seed ^ (uint64_t)i) * 0x9E3779B97F4A7C15UL) {
			if (alone())
				fail("canary word %ld changed", i);
			cprintf("fuzz: %s %08x: our memory was changed, exiting\n", name(), self);
			exit();
		}
	if (!alone())
		return;
	uint32_t n = 0;
	for (uint64_t g = 0; g < GDNUM(UTOP); g++) {
		if (!(uvpgd[g] & PTE_V))
			continue;
		for (uint64_t d = g * NPTENTRIES; d < (g + 1) * NPTENTRIES; d++) {
			if (!(uvpd[d] & PTE_V))
				continue;
			for (uint64_t pn = d * NPTENTRIES; pn < (d + 1) * NPTENTRIES; pn++) {
				pte_t pte = uvpt[pn];
				if (!(pte & PTE_V))
					continue;
				n++;
				if (pages[PGNUM(PTE_ADDR(pte))].pp_ref == 0)
					fail("a mapped page has no reference (pte %lx)", pte);
			}
		}
	}
	if (n != thisenv->env_npages)
		fail("%ld pages mapped, the kernel counts a different number", n);
}

/* Faults are copy-on-write writes; anything else (a child whose pages the parent took) ends us. */
static void handler(struct UTrapframe *utf)
{
	uint64_t va = ROUNDDOWN(utf->utf_fault_va, PGSIZE);
	pte_t pte = uvpt_lookup(va);
	int r;
	if (utf->utf_cause == FAULT_STORE && (pte & PTE_COW)) {
		if ((r = sys_page_alloc(0, (void *)PFTEMP, RW)) == 0) {
			memcpy((void *)PFTEMP, (void *)va, PGSIZE);
			if ((r = sys_page_map(0, (void *)PFTEMP, 0, (void *)va, RW)) == 0) {
				sys_page_unmap(0, (void *)PFTEMP);
				return;
			}
		}
		cprintf("fuzz: %s %08x: copy-on-write copy failed: %e\n", name(), self, r);
	}
	if (me < 0)
		fail("the parent faulted at %lx", utf->utf_fault_va);
	cprintf("fuzz: %s %08x: fault at va %lx pc %lx, exiting\n", name(), self, utf->utf_fault_va,
		utf->utf_epc);
	exit();
}

/* Write each of our copy-on-write pages once now, while memory is plentiful. */
static void unshare(void)
{
	for (uint64_t va = UTEXT; va < (uint64_t)end; va += PGSIZE)
		if (uvpt_lookup(va) & PTE_COW) {
			volatile char *p = (volatile char *)va;
			*p = *p;
		}
}

static void fuzz_loop(void)
{
	uint64_t iter = 0;
	for (int i = 0; i < ARRAY_SIZE(canary); i++)
		canary[i] = (seed ^ (uint64_t)i) * 0x9E3779B97F4A7C15UL;
	while (ncalls < count) {
		if (me >= 0 && pick(4 * count) == 0)	/* about one child in four */
			suicide();
		one_call();
		if (++iter % CHECK_EVERY == 0)
			check_self();
	}
	check_self();
	for (int i = 0; i < MAXKIDS; i++)	/* our exofork children */
		if (kids[i] && sys_env_destroy(kids[i]) == 0)
			kids[i] = 0;
}

static void child(int i)
{
	me = i;
	self = sys_getenvid();
	parent = thisenv->env_parent_id;
	nforks = 0;
	set_pgfault_handler(handler);
	unshare();
	rng = seed * 0x2545F4914F6CDD1DUL + i + 1;
	if (!rng)
		rng = 1;
	fuzz_loop();
	stats->calls[me] = ncalls;
	stats->done[me] = 1;
	cprintf("fuzz: seed %lu child %d: %lu calls, done\n", seed, me, ncalls);
}

void umain(int argc, char **argv)
{
	int r, nchildren = 3;

	seed = argc > 1 ? strtol(argv[1], NULL, 0) : 1;
	count = argc > 2 ? strtol(argv[2], NULL, 0) : 5000;
	if (argc > 3)
		nchildren = MIN(MAXFORKS, MAX(0, (int)strtol(argv[3], NULL, 0)));
	self = sys_getenvid();
	if ((r = sys_page_alloc(0, (void *)STATS, RW | PTE_SHARE)) < 0)
		panic("sys_page_alloc: %e", r);
	for (int i = 0; i < nchildren; i++) {
		envid_t id = fork();
		if (id < 0)
			panic("fork: %e", id);
		if (id == 0) {
			child(i);
			return;
		}
		forks[nforks++] = id;
	}
	set_pgfault_handler(handler);
	unshare();
	rng = seed ? seed : 1;
	fuzz_loop();

	/*
	 * Let the children finish: wake one that is suspended or blocked in
	 * ipc_recv; destroy one that makes no calls for 0.2 s.
	 */
	for (int i = 0; i < nforks; i++) {
		volatile const struct Env *e = &envs[ENVX(forks[i])];
		uint64_t seen = stats->calls[i], since = rdtime();
		while (e->env_id == forks[i] && e->env_status != ENV_FREE) {
			if (stats->calls[i] != seen)
				seen = stats->calls[i], since = rdtime();
			if (e->env_status == ENV_NOT_RUNNABLE && e->env_ipc_recving)
				sys_ipc_try_send(forks[i], 0, (void *)UTOP, 0);
			else if (e->env_status == ENV_NOT_RUNNABLE)
				sys_env_set_status(forks[i], ENV_RUNNABLE);
			if (rdtime() - since > 2000000) {
				sys_env_destroy(forks[i]);
				break;
			}
			sys_yield();
		}
	}
	uint64_t total = ncalls;
	int finished = 0;
	for (int i = 0; i < nforks; i++) {
		total += stats->calls[i];
		finished += stats->done[i];
	}
	check_self();
	cprintf("fuzz: parent's results: %lu ok", results[0]);
	for (int e = 1; e < MAXERROR; e++)
		if (results[e])
			cprintf(", %lu %e", results[e], -e);
	cprintf("\n");
	cprintf("fuzz: seed %lu: %lu calls (%lu by the parent), %d children, %d finished, done\n", seed, total,
		ncalls, nforks, finished);
}
