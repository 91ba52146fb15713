/*
 * A parent that changes a running child's address space under it.
 *
 * Phase 1: the child keeps rewriting and checking a pattern in NPAGES
 * pages at VICTIM (pages the parent gave it), while the parent, between
 * yields, unmaps one of them and maps the same page back, maps it
 * read-only and writable again, or maps a second alias of it. The child's
 * handler waits (yielding) until its page is back with the access it
 * needs. Since the parent always puts the same physical page back, the
 * child must see its own data every time: it finishes ROUNDS rounds with
 * the pattern intact, or it reports FAIL.
 *
 * Phase 2: a second child runs the same loop; the parent replaces one of
 * its pages with a fresh zero page, which the child must notice (and
 * exit). A third child has its exception stack and text taken away: it
 * faults with no way to run its handler, and the kernel destroys it. Calls
 * on the dead children get E_BAD_ENV, and every page comes back.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define RO	(PTE_V | PTE_U | PTE_R)
#define VICTIM	0x20000000UL
#define ALIAS	0x30000000UL
#define HOLD	0x40000000UL	/* where the parent keeps the pages it takes away */
#define NPAGES	8
#define ROUNDS	300

static uint64_t pattern(int page, int round, int word)
{
	return ((uint64_t)page << 48) ^ ((uint64_t)round << 20) ^ (uint64_t)word * 0x9E3779B1UL;
}

/*
 * The child's page faults: on a victim page, wait until the parent has put
 * the page back with the access we need; elsewhere, a copy-on-write write
 * (our stack and data after fork), handled as lib/fork.c does.
 */
static void handler(struct UTrapframe *utf)
{
	uint64_t va = ROUNDDOWN(utf->utf_fault_va, PGSIZE);
	int r;

	if (va >= VICTIM && va < VICTIM + NPAGES * PGSIZE) {
		pte_t need = utf->utf_cause == FAULT_STORE ? PTE_V | PTE_W : PTE_V;
		while ((uvpt_lookup(va) & need) != need) {
			if (envs[ENVX(thisenv->env_parent_id)].env_id != thisenv->env_parent_id)
				panic("remapchild: child: the parent is gone");
			sys_yield();
		}
		return;
	}
	if (utf->utf_cause != FAULT_STORE || !(uvpt_lookup(va) & PTE_COW))
		panic("remapchild: child: unexpected fault at %lx", utf->utf_fault_va);
	if ((r = sys_page_alloc(0, (void *)PFTEMP, RW)) < 0)
		panic("remapchild: child: %e", r);
	memcpy((void *)PFTEMP, (void *)va, PGSIZE);
	if ((r = sys_page_map(0, (void *)PFTEMP, 0, (void *)va, RW)) < 0)
		panic("remapchild: child: %e", r);
	sys_page_unmap(0, (void *)PFTEMP);
}

/* Rewrite every victim page with this round's pattern, after checking last round's. */
static _Noreturn void child(const char *name)
{
	set_pgfault_handler(handler);
	for (int round = 1; round <= ROUNDS; round++) {
		for (int p = 0; p < NPAGES; p++) {
			volatile uint64_t *w = (volatile uint64_t *)(VICTIM + p * PGSIZE);
			for (int i = 0; i < PGSIZE / 8; i += 61) {
				if (w[i] != pattern(p, round - 1, i)) {
					cprintf("remapchild: %s: page %d changed (word %d, round %d: %lx)\n", name,
						p, i, round, w[i]);
					exit();
				}
				w[i] = pattern(p, round, i);
			}
		}
		sys_yield();
	}
	cprintf("remapchild: %s: %d rounds, every page held its data\n", name, ROUNDS);
	exit();
}

/* Start a child and give it its victim pages, filled with round 0's pattern before it can look. */
static envid_t start(const char *name)
{
	int r;
	for (int p = 0; p < NPAGES; p++) {
		uint64_t *hold = (uint64_t *)(HOLD + p * PGSIZE);
		if ((r = sys_page_alloc(0, hold, RW | PTE_SHARE)) < 0)	/* fork leaves it writable */
			panic("sys_page_alloc: %e", r);
		for (int i = 0; i < PGSIZE / 8; i++)
			hold[i] = pattern(p, 0, i);
	}
	envid_t id = fork();
	if (id < 0)
		panic("fork: %e", id);
	if (id == 0)
		child(name);
	for (int p = 0; p < NPAGES; p++) {
		if ((r = sys_page_map(0, (void *)(HOLD + p * PGSIZE), id, (void *)(VICTIM + p * PGSIZE), RW)) < 0)
			panic("victim page: %e", r);
		sys_page_unmap(0, (void *)(HOLD + p * PGSIZE));
	}
	return id;
}

static bool alive(envid_t id)
{
	return envs[ENVX(id)].env_id == id && envs[ENVX(id)].env_status != ENV_FREE;
}

/* A call on the child must work, unless the child has finished meanwhile (while we yielded). */
static void must(int r, const char *what)
{
	if (r < 0 && r != -E_BAD_ENV)
		panic("%s: %e", what, r);
}

void umain(int argc, char **argv)
{
	uint64_t rng = 12345;
	int ops = 0, r;

	/* Phase 1: the same page always comes back. */
	envid_t a = start("child 1");
	while (alive(a)) {
		rng = rng * 6364136223846793005UL + 1442695040888963407UL;
		uint64_t va = VICTIM + ((rng >> 33) % NPAGES) * PGSIZE;
		must(sys_page_map(a, (void *)va, 0, (void *)HOLD, RW), "taking the page");
		switch ((rng >> 40) % 3) {
		case 0:	/* gone for a while */
			must(sys_page_unmap(a, (void *)va), "unmap");
			sys_yield();
			must(sys_page_map(0, (void *)HOLD, a, (void *)va, RW), "map back");
			break;
		case 1:	/* read-only for a while */
			must(sys_page_map(0, (void *)HOLD, a, (void *)va, RO), "map read-only");
			sys_yield();
			must(sys_page_map(0, (void *)HOLD, a, (void *)va, RW), "map writable");
			break;
		default:	/* a second mapping of it, then not */
			must(sys_page_map(0, (void *)HOLD, a, (void *)ALIAS, RW), "alias");
			sys_yield();
			must(sys_page_unmap(a, (void *)ALIAS), "unmap alias");
			break;
		}
		sys_page_unmap(0, (void *)HOLD);
		ops++;
		sys_yield();
	}
	cprintf("remapchild: phase 1: child 1 gone after %d remaps\n", ops);

	/* Phase 2: a page replaced for good, then the text and exception stack taken. */
	envid_t b = start("child 2");
	for (int i = 0; i < 20; i++)
		sys_yield();
	must(sys_page_alloc(b, (void *)VICTIM, RW), "replacing a victim page");
	while (alive(b))
		sys_yield();
	envid_t c = start("child 3");
	for (int i = 0; i < 20; i++)
		sys_yield();
	must(sys_page_unmap(c, (void *)(UXSTACKTOP - PGSIZE)), "taking the exception stack");
	for (uint64_t va = UTEXT; va < UTEXT + 16 * PGSIZE; va += PGSIZE)
		must(sys_page_unmap(c, (void *)va), "taking the text");
	while (alive(c))
		sys_yield();
	if ((r = sys_page_alloc(b, (void *)VICTIM, RW)) != -E_BAD_ENV ||
	    (r = sys_page_map(0, (void *)UTEXT, c, (void *)UTEXT, RO | PTE_X)) != -E_BAD_ENV)
		panic("a call on a dead child returned %e", r);
	cprintf("remapchild: phase 2: children 2 and 3 gone; calls on them get %e\n", r);
}
