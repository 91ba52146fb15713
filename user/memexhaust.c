/*
 * Running out of physical memory. We allocate pages until E_NO_MEM, free
 * them and allocate the same number again. Then, with memory full, we free
 * exactly k pages and make calls that need more than k: exofork, a page in
 * a gigabyte with no tables yet (data page + L1 + its view + L0), a page in
 * a new 2 MiB region, page_map and an IPC page into a new gigabyte, and
 * fork. Each must fail with E_NO_MEM and leave everything as it was: no
 * table or view appears, no environment, and exactly k pages are still free
 * (we count them by allocating into a table that already exists). With
 * enough pages the same calls succeed.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define FILL	0x100000000UL	/* gigabyte 4: the pages that fill memory */
#define SPARE	0x140000000UL	/* gigabyte 5: a table kept with free slots, to count free pages */
#define FARG	0x200000000UL	/* gigabyte 8: no tables until the page_alloc test makes them */
#define FARG2	0x240000000UL	/* gigabyte 9: for page_map */
#define RCVVA	0x280000000UL	/* gigabyte 10: where the receiver takes pages */
#define DONE	0xd0d0d0d0UL	/* the receiver exits on this value */
#define MOP	(SPARE + (NPTENTRIES - 1) * PGSIZE)	/* takes a last page that FILL cannot use */

static int fails;
static uint64_t nfill, top;	/* filler pages mapped now, and most ever mapped */
static envid_t receiver;

/* What a failed call must not change. */
struct state {
	pte_t gd[3], pd;
	uint32_t npages, nptpages, nfree_envs;
	uint32_t rnpages, rnptpages, rstatus, rrecving;
};

static struct state snap(void)
{
	struct state s;
	memset(&s, 0, sizeof(s));
	s.gd[0] = uvpgd[GDNUM(FARG)];
	s.gd[1] = uvpgd[GDNUM(FARG2)];
	s.gd[2] = uvpgd[GDNUM(RCVVA)];
	s.pd = (uvpgd[GDNUM(FARG)] & PTE_V) ? uvpd[PDNUM(FARG + MEGAPGSIZE)] : 0;
	s.npages = thisenv->env_npages;
	s.nptpages = thisenv->env_nptpages;
	for (int i = 0; i < NENV; i++)
		if (envs[i].env_status == ENV_FREE)
			s.nfree_envs++;
	volatile const struct Env *r = &envs[ENVX(receiver)];
	s.rnpages = r->env_npages;
	s.rnptpages = r->env_nptpages;
	s.rstatus = r->env_status;
	s.rrecving = r->env_ipc_recving;
	return s;
}

static void fail(const char *fmt, int k, int64_t got)
{
	cprintf("memexhaust: FAIL ");
	cprintf(fmt, k, got);
	cprintf("\n");
	fails++;
}

/* How many pages are free: allocate into SPARE (its table exists) until E_NO_MEM, then give them back. */
static int nfree(void)
{
	int n = 0;
	while (n < NPTENTRIES - 1 && sys_page_alloc(0, (void *)(SPARE + n * PGSIZE), RW) == 0)
		n++;
	for (int i = 0; i < n; i++)
		sys_page_unmap(0, (void *)(SPARE + i * PGSIZE));
	return n;
}

/* Allocate filler pages up from FILL until E_NO_MEM (or up to limit); returns how many. */
static uint64_t fill(uint64_t limit)
{
	int r;
	while (nfill < limit && (r = sys_page_alloc(0, (void *)(FILL + nfill * PGSIZE), RW)) == 0)
		nfill++;
	if (nfill < limit && r != -E_NO_MEM)
		panic("filling: %e", r);
	return nfill;
}

/* Memory is full; free exactly k filler pages. */
static void release(int k)
{
	for (int i = 0; i < k; i++)
		sys_page_unmap(0, (void *)(FILL + --nfill * PGSIZE));
}

/* Take back what is free, into filler slots whose table exists; then nothing is free. */
static void refill(void)
{
	fill(top);
	int n = nfree();
	if (n != 0)
		fail("%d: %ld pages still free after refilling", 0, n);
}

/* After a call that failed (got), with k pages free: E_NO_MEM, nothing changed, k pages free. */
static void check_failed(const char *what, int k, int64_t got, const struct state *before)
{
	struct state now = snap();
	if (got != -E_NO_MEM) {
		cprintf("memexhaust: FAIL %s with %d free pages: got %ld, want E_NO_MEM\n", what, k, got);
		fails++;
	}
	if (memcmp(&now, before, sizeof(now)) != 0) {
		cprintf("memexhaust: FAIL %s with %d free pages changed something: gd %lx %lx %lx -> %lx %lx %lx "
			"pd %lx -> %lx tables %u -> %u free envs %u -> %u receiver tables %u -> %u recving %u -> %u\n",
			what, k, before->gd[0], before->gd[1], before->gd[2], now.gd[0], now.gd[1], now.gd[2],
			before->pd, now.pd, before->nptpages, now.nptpages, before->nfree_envs, now.nfree_envs,
			before->rnptpages, now.rnptpages, before->rrecving, now.rrecving);
		fails++;
	}
	int n = nfree();
	if (n != k) {
		cprintf("memexhaust: FAIL %s with %d free pages: %d free afterwards\n", what, k, n);
		fails++;
	}
}

/* Print "memexhaust: <what>" if no check failed since start. */
static void group_ok(int start, const char *what)
{
	if (fails == start)
		cprintf("memexhaust: %s\n", what);
}

static void check_free(const char *what, int want)
{
	int n = nfree();
	if (n != want) {
		cprintf("memexhaust: FAIL %s: %d pages free afterwards, want %d\n", what, n, want);
		fails++;
	}
}

static void exofork_test(void)
{
	int start = fails;
	for (int k = 0; k < 3; k++) {	/* a new address space needs root, views and dirview */
		release(k);
		struct state s = snap();
		envid_t c = sys_exofork();
		if (c == 0)
			panic("the exofork child ran");
		check_failed("exofork", k, c, &s);
		refill();
	}
	release(3);
	envid_t c = sys_exofork();
	if (c <= 0)
		fail("exofork with %d free pages: %e", 3, c);
	else
		sys_env_destroy(c);
	check_free("exofork and destroy with 3 free pages", 3);
	refill();
	group_ok(start, "exofork with 0..2 free pages: out of memory, nothing changed");
}

static void page_alloc_test(void)
{
	int start = fails;
	/* A new gigabyte needs the page, an L1 table, its view and an L0 table. */
	for (int k = 0; k < 4; k++) {
		release(k);
		struct state s = snap();
		check_failed("page_alloc in a new gigabyte", k, sys_page_alloc(0, (void *)FARG, RW), &s);
		refill();
	}
	release(4);
	int r = sys_page_alloc(0, (void *)FARG, RW);
	if (r < 0 || !(uvpt_lookup(FARG) & PTE_V))
		fail("page_alloc in a new gigabyte with %d free pages: %e", 4, r);
	sys_page_unmap(0, (void *)FARG);
	check_free("page_alloc in a new gigabyte with 4 free pages, then unmap", 1);	/* the tables stay */
	refill();
	group_ok(start, "page_alloc in a new gigabyte with 0..3 free pages: out of memory, nothing changed");

	/* A new 2 MiB region of that gigabyte needs the page and an L0 table. */
	start = fails;
	for (int k = 0; k < 2; k++) {
		release(k);
		struct state s = snap();
		check_failed("page_alloc in a new 2 MiB region", k,
			     sys_page_alloc(0, (void *)(FARG + MEGAPGSIZE), RW), &s);
		refill();
	}
	release(2);
	if ((r = sys_page_alloc(0, (void *)(FARG + MEGAPGSIZE), RW)) < 0)
		fail("page_alloc in a new 2 MiB region with %d free pages: %e", 2, r);
	sys_page_unmap(0, (void *)(FARG + MEGAPGSIZE));
	check_free("page_alloc in a new 2 MiB region with 2 free pages, then unmap", 1);
	refill();
	group_ok(start, "page_alloc in a new 2 MiB region with 0..1 free pages: out of memory, nothing changed");
}

static void page_map_test(void)
{
	int start = fails;
	/* Mapping an existing page into a new gigabyte needs only the three tables. */
	for (int k = 0; k < 3; k++) {
		release(k);
		struct state s = snap();
		check_failed("page_map into a new gigabyte", k,
			     sys_page_map(0, (void *)FILL, 0, (void *)FARG2, RW), &s);
		refill();
	}
	release(3);
	int r = sys_page_map(0, (void *)FILL, 0, (void *)FARG2, RW);
	if (r < 0 || PTE_ADDR(uvpt_lookup(FARG2)) != PTE_ADDR(uvpt_lookup(FILL)))
		fail("page_map into a new gigabyte with %d free pages: %e", 3, r);
	sys_page_unmap(0, (void *)FARG2);
	check_free("page_map into a new gigabyte with 3 free pages, then unmap", 0);
	refill();
	group_ok(start, "page_map into a new gigabyte with 0..2 free pages: out of memory, nothing changed");
}

static void wait_receiving(void)
{
	while (!envs[ENVX(receiver)].env_ipc_recving)
		sys_yield();
}

static void ipc_test(void)
{
	int start = fails;
	uint64_t *msg = (uint64_t *)FILL;
	for (int k = 0; k < 3; k++) {	/* the receiver has no tables in RCVVA's gigabyte */
		release(k);
		wait_receiving();
		struct state s = snap();
		*msg = k;
		check_failed("ipc page into a new gigabyte", k, sys_ipc_try_send(receiver, k, msg, RW), &s);
		refill();
	}
	release(3);
	*msg = 3;
	int r = sys_ipc_try_send(receiver, 3, msg, RW);
	if (r < 0)
		fail("ipc page into a new gigabyte with %d free pages: %e", 3, r);
	wait_receiving();	/* it has checked the page and unmapped it */
	check_free("ipc page into a new gigabyte with 3 free pages", 0);
	refill();
	group_ok(start, "ipc page into a new gigabyte with 0..2 free pages: out of memory, nothing changed");
}

static void fork_test(void)
{
	int start = fails;
	/* fork needs 3 pages for exofork, 3 per gigabyte of ours and 2 more for the stack, > 14 */
	int ks[] = { 0, 2, 3, 8, 14 };
	for (int i = 0; i < ARRAY_SIZE(ks); i++) {
		release(ks[i]);
		struct state s = snap();
		envid_t c = fork();
		if (c == 0)	/* fork should have failed: the check below says so */
			exit();
		s.npages = thisenv->env_npages;	/* fork may touch (copy-on-write) our pages, not count them */
		check_failed("fork", ks[i], c, &s);
		refill();
	}
	group_ok(start, "fork with 0..14 free pages: out of memory, nothing changed");
}

/* Write every writable or copy-on-write page of our image once: no copy is needed with memory full. */
static void unshare(void)
{
	extern char end[];
	for (uint64_t va = UTEXT; va < (uint64_t)end; va += PGSIZE) {
		pte_t pte = uvpt_lookup(va);
		if (pte & (PTE_W | PTE_COW)) {
			volatile char *p = (volatile char *)va;
			*p = *p;
		}
	}
}

void umain(int argc, char **argv)
{
	int r;

	/* The receiver: takes pages at RCVVA, checks and unmaps them, until DONE. */
	if ((receiver = fork()) < 0)
		panic("fork: %e", receiver);
	if (receiver == 0) {
		for (;;) {
			int perm;
			uint64_t v = ipc_recv(NULL, (void *)RCVVA, &perm);
			if (v == DONE)
				exit();
			if (perm != RW || *(volatile uint64_t *)RCVVA != v)
				cprintf("memexhaust: FAIL receiver: message %lu, perm %x, page holds %lu\n", v, perm,
					*(volatile uint64_t *)RCVVA);
			sys_page_unmap(0, (void *)RCVVA);
		}
	}
	unshare();
	wait_receiving();

	/* SPARE's table, with its slots free. */
	if ((r = sys_page_alloc(0, (void *)SPARE, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	sys_page_unmap(0, (void *)SPARE);

	uint64_t first = fill(~0UL);
	cprintf("memexhaust: filled %lu pages until out of memory\n", first);
	release(nfill);
	top = fill(~0UL);
	if (top != first)
		fail("%d: filled %ld pages the second time", 0, top);
	cprintf("memexhaust: freed them and filled %lu pages again\n", top);
	/* If the last filler call needed a new L0 table, one page is still free: take it. */
	bool mopped = sys_page_alloc(0, (void *)MOP, RW) == 0;
	refill();

	exofork_test();
	page_alloc_test();
	page_map_test();
	ipc_test();
	fork_test();

	release(nfill);
	if (mopped)
		sys_page_unmap(0, (void *)MOP);
	while ((r = sys_ipc_try_send(receiver, DONE, (void *)UTOP, 0)) == -E_IPC_NOT_RECV)
		sys_yield();
	if (r < 0)
		panic("telling the receiver to exit: %e", r);
	wait(receiver);
	if (fails == 0)
		cprintf("memexhaust: all checks passed\n");
	else
		cprintf("memexhaust: FAIL: %d checks failed\n", fails);
}
