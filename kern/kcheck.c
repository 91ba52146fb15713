/*
 * Kernel invariant checks, built in with `make KCHECK=1`. See docs/design.md
 * section 11. The invariants:
 *  - each page's pp_ref equals the references to it: user leaves below UTOP
 *    in all environments, plus one per page table or view page owned by an
 *    environment, plus one for a reserved page;
 *  - the free list holds exactly the pages with no reference, and
 *    npages_free says how many;
 *  - every environment's page-table views agree with its tables.
 *
 * The checker keeps its own count of each page's references (refs), changed
 * only from the table entries written through pte_write() (old entry out,
 * new entry in) and from the tables of an environment being born or dying;
 * pp_ref is kept separately by page_insert and page_decref. It also keeps its
 * own free flag per page (page_alloc, page_free), and a fingerprint (count
 * and sum of a hash of every reference entry: where it is and what it holds)
 * per page table and per environment.
 *
 * After every system call or trap (kcheck, from env_run) and every env_free,
 * it checks what the kernel touched since the last check: every page whose
 * references, pp_ref or free state changed, every table written (rescanned:
 * 512 entries against its fingerprint), and the views of every environment
 * whose tables were made, removed or walked. A dying environment is rescanned
 * whole against its fingerprint. Now and then, when the touched sets
 * overflow, and at power-off, kcheck_full recounts everything from scratch:
 * every table of every environment and the whole free list. That catches what
 * no hook saw: a pp_ref changed on an untouched page, an entry written behind
 * pte_write's back in a table not written since, a free list broken behind
 * page_free's. The recount runs when the work of the checks since the last
 * one reaches what the last one cost, so it at most doubles the checker's
 * cost, and the checker's cost follows the work the kernel does, not the
 * size of memory times the number of calls.
 */
#include <kern/spinlock.h>
#include <kern/kcheck.h>
#include <kern/pmap.h>
#include <kern/env.h>
#include <inc/string.h>
#include <inc/stdio.h>

#ifdef KCHECK

/* What a check costs besides its scans (the call it follows did about as much), in entries visited. */
#define KCHECK_CALL_COST 64
#define MAXDIRTY_PAGES 1024
#define MAXDIRTY_TABLES 64
#define MAXDIRTY_ENVS 16

#define KCP_FREE	0x1	/* on the free list (as page_alloc and page_free say) */
#define KCP_DIRTY	0x2	/* in dirty_pages[] */
#define KCP_TDIRTY	0x4	/* in dirty_tables[] */
#define KCP_ROOT	0x10	/* a page table, and which: its reference entries are those below UTOP */
#define KCP_VIEWS	0x20	/* below UTOP and the dirview's */
#define KCP_L1		0x40	/* all */
#define KCP_L0		0x80	/* all */
#define KCP_ROLE	(KCP_ROOT | KCP_VIEWS | KCP_L1 | KCP_L0)

struct kcpage *kcheck_pages;

static bool on;			/* from kcheck_init (after the boot self-checks) */
static size_t nfree;		/* pages with KCP_FREE */
static uint32_t dirty_pages[MAXDIRTY_PAGES];
static int ndirty_pages;
static uint32_t dirty_tables[MAXDIRTY_TABLES];
static int ndirty_tables;
static uint16_t dirty_envs[MAXDIRTY_ENVS];	/* their views to check */
static int ndirty_envs;
static bool overflow;		/* a dirty set overflowed: check everything */
static uint64_t work;		/* entries visited by the checks since the last full recount (in one: by it) */
static uint64_t full_cost;	/* entries the last full recount visited */
static uint64_t nchecks, nfull, nscans, ntables;	/* for the power-off line */

/* Per environment: what pte_write and kcheck_env_born recorded about its reference entries. */
static struct {
	uint64_t sum;		/* sum of entry_hash over them */
	uint64_t n;		/* how many */
	bool dirty;		/* in dirty_envs[] */
} kenv[NENV];

static inline size_t kva_index(const void *kva)
{
	return PGNUM(PADDR(kva) - mem_base);
}

enum { SCAN_BORN, SCAN_DYING, SCAN_RECOUNT };
struct scan {
	int how;
	uint64_t sum, n;
};

static uint64_t entry_hash(const void *where, pte_t val)
{
	/* A/D are left out in case hardware sets them (the kernel sets them up front). */
	uint64_t x = (uint64_t)where * 0x9E3779B97F4A7C15UL ^ (val & ~(uint64_t)(PTE_A | PTE_D));
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9UL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBUL;
	return x ^ (x >> 31);
}

static size_t page_index(pte_t val, const struct Env *e, const char *what)
{
	physaddr_t pa = PTE_ADDR(val);
	if (pa < mem_base || PGNUM(pa - mem_base) >= npages)
		panic("kcheck: %s of env %08x points outside RAM: %lx", what, e->env_id, pa);
	return PGNUM(pa - mem_base);
}

/* Page i into a dirty set (flag says it is there already); a full set means: check everything. */
static void mark_dirty(size_t i, uint32_t flag, uint32_t *set, int *n, int max)
{
	if (kcheck_pages[i].flags & flag)
		return;
	if (*n == max) {
		overflow = true;
		return;
	}
	kcheck_pages[i].flags |= flag;
	set[(*n)++] = i;
}

static void mark_page(size_t i)
{
	mark_dirty(i, KCP_DIRTY, dirty_pages, &ndirty_pages, MAXDIRTY_PAGES);
}

static void mark_table(size_t t)
{
	mark_dirty(t, KCP_TDIRTY, dirty_tables, &ndirty_tables, MAXDIRTY_TABLES);
}

static void mark_env(struct Env *e)
{
	size_t x = e - envs;
	if (x >= NENV || kenv[x].dirty)	/* x >= NENV: not in envs[] (never, once on) */
		return;
	if (ndirty_envs == MAXDIRTY_ENVS) {
		overflow = true;
		return;
	}
	kenv[x].dirty = true;
	dirty_envs[ndirty_envs++] = x;
}

static void visit(struct scan *s, const struct Env *e, const void *where, pte_t val, const char *what)
{
	size_t i = page_index(val, e, what);
	s->sum += entry_hash(where, val);
	s->n++;
	if (s->how == SCAN_BORN) {
		kcheck_pages[i].refs++;
		mark_page(i);
	} else if (s->how == SCAN_DYING) {
		if (kcheck_pages[i].refs == 0)
			panic("kcheck: env %08x dies holding %s %lx, which the checker never counted",
			      e->env_id, what, PTE_ADDR(val));
		kcheck_pages[i].refs--;
		mark_page(i);
	} else if (s->how == SCAN_RECOUNT) {
		kcheck_pages[i].recount++;
	}
}

/* Every reference e holds: its root and views tables, dirview, L1 tables, shadows, L0 tables, user pages. */
static void scan_env(struct Env *e, struct scan *s)
{
	pte_t *root = e->env_pgdir, *views = e->env_views;
	s->sum = s->n = 0;
	visit(s, e, &e->env_pgdir, PA2PTE(PADDR(root)) | PTE_V, "root");
	visit(s, e, &e->env_views, PA2PTE(PADDR(views)) | PTE_V, "views table");
	visit(s, e, &views[255], views[255], "dirview");
	for (int g = 0; g < GDNUM(UTOP); g++) {
		if (!(root[g] & PTE_V))
			continue;
		visit(s, e, &root[g], root[g], "L1 table");
		visit(s, e, &views[g], views[g], "shadow table");
		pte_t *l1 = KADDR(PTE_ADDR(root[g]));
		for (int j = 0; j < NPTENTRIES; j++) {
			if (!(l1[j] & PTE_V))
				continue;
			visit(s, e, &l1[j], l1[j], "L0 table");
			pte_t *l0 = KADDR(PTE_ADDR(l1[j]));
			for (int i = 0; i < NPTENTRIES; i++)
				if (l0[i] & PTE_V)
					visit(s, e, &l0[i], l0[i], "user page");
		}
	}
}

/* e's views agree with its tables. Returns about how many entries that read. */
static uint64_t check_views(struct Env *e, const char *when)
{
	int r = pgdir_check_views(e);
	if (r < 0)
		panic("kcheck (%s): env %08x: page-table views disagree with the tables (%d)", when, e->env_id, r);
	return GDNUM(UVIEWS) + NPTENTRIES * e->env_nptpages / 4;
}

/* e's tables hold what the checker was told, and its views agree with them. */
static void check_env(struct Env *e, const char *when, struct scan *s)
{
	size_t x = e - envs;
	if (s->sum != kenv[x].sum || s->n != kenv[x].n)
		panic("kcheck (%s): env %08x: its tables hold %lu references, pte_write recorded %lu%s: "
		      "a table entry was written behind pte_write's back", when, e->env_id, s->n, kenv[x].n,
		      s->n == kenv[x].n ? " (but different ones)" : "");
	work += s->n + check_views(e, when);
}

/* Page table t holds the reference entries pte_write recorded in it (its role says which entries count). */
static void check_table(size_t t, const char *when)
{
	const pte_t *tab = page2kva(&pages[t]);
	uint32_t role = kcheck_pages[t].flags & KCP_ROLE, n = 0;
	uint64_t sum = 0;
	int end = (role & (KCP_ROOT | KCP_VIEWS)) ? GDNUM(UTOP) : NPTENTRIES;
	for (int k = 0; k < end; k++)
		if (tab[k] & PTE_V) {
			sum += entry_hash(&tab[k], tab[k]);
			n++;
		}
	if (role == KCP_VIEWS && (tab[255] & PTE_V)) {	/* the dirview */
		sum += entry_hash(&tab[255], tab[255]);
		n++;
	}
	if (sum != kcheck_pages[t].sum || n != kcheck_pages[t].n)
		panic("kcheck (%s): page table %lx holds %u references, pte_write recorded %u%s: "
		      "a table entry was written behind pte_write's back", when, page2pa(&pages[t]), n, kcheck_pages[t].n,
		      n == kcheck_pages[t].n ? " (but different ones)" : "");
	work += NPTENTRIES;
	ntables++;
}

/* pp_ref, the checker's count and the free state of page i agree. */
static void check_page(size_t i, const char *when)
{
	struct PageInfo *pp = &pages[i];
	bool isfree = kcheck_pages[i].flags & KCP_FREE;
	if (pp->pp_ref != kcheck_pages[i].refs)
		panic("kcheck (%s): page %lx has count %u but %u references%s", when, page2pa(pp),
		      pp->pp_ref, kcheck_pages[i].refs, isfree ? " and is on the free list" : "");
	if (isfree != (pp->pp_ref == 0))
		panic("kcheck (%s): page %lx has count %u but is %son the free list", when, page2pa(pp),
		      pp->pp_ref, isfree ? "" : "not ");
	/* The free list links free pages only; page_free insists on a NULL link. */
	if (isfree ? pp->pp_link && !(kcheck_pages[pp->pp_link - pages].flags & KCP_FREE) : pp->pp_link != NULL)
		panic("kcheck (%s): page %lx (%s) links to page %lx", when, page2pa(pp),
		      isfree ? "free" : "in use", pp->pp_link ? page2pa(pp->pp_link) : 0);
}

static void check_nfree(const char *when)
{
	struct PageInfo *head = kcheck_free_list();
	if (npages_free != nfree)
		panic("kcheck (%s): npages_free is %lu but %lu pages were freed and not allocated since",
		      when, npages_free, nfree);
	if (head ? !(kcheck_pages[head - pages].flags & KCP_FREE) : nfree != 0)
		panic("kcheck (%s): the free list starts with page %lx, which is not free", when,
		      head ? page2pa(head) : 0);
}

static void kcheck_full(const char *when);

static void clear_dirty(void)
{
	for (int k = 0; k < ndirty_pages; k++)
		kcheck_pages[dirty_pages[k]].flags &= ~KCP_DIRTY;
	for (int k = 0; k < ndirty_tables; k++)
		kcheck_pages[dirty_tables[k]].flags &= ~KCP_TDIRTY;
	for (int k = 0; k < ndirty_envs; k++)
		kenv[dirty_envs[k]].dirty = false;
	ndirty_pages = ndirty_tables = ndirty_envs = 0;
	overflow = false;
}

/* The checker starts from the booted state: reserved pages, the free list, no environment. */
void kcheck_init(void)
{
	for (size_t i = 0; i < npages; i++) {
		kcheck_pages[i].refs = (pages[i].pp_flags & PP_RESERVED) ? 1 : 0;
		kcheck_pages[i].flags = 0;
	}
	nfree = 0;
	for (struct PageInfo *pp = kcheck_free_list(); pp && nfree <= npages; pp = pp->pp_link, nfree++)
		kcheck_pages[pp - pages].flags |= KCP_FREE;
	on = true;
	kcheck_full("boot");
}

/*
 * The multiprocessor invariants (docs/design.md, SMP): the checker runs
 * under the kernel lock; each hart's environment is loaded there and only
 * there (env_cpunum), and its frame leads trap entry back to that hart's
 * struct cpu (env_tf_cpu); an idle hart has none. With all: every RUNNING env is
 * loaded on a hart, every DYING one on another hart (this hart reaps its own
 * before it does anything else).
 */
static void check_smp(const char *when, bool all)
{
	if (!holding_kernel_lock())
		panic("kcheck (%s): CPU %d runs the kernel without the kernel lock", when, mycpu()->id);
	for (int i = 0; i < ncpu; i++) {
		struct Env *e = cpus[i].env;
		if (e && (e->env_cpunum != i || e->env_status == ENV_FREE || cpus[i].idle))
			panic("kcheck (%s): CPU %d has env %08x loaded, but its env_cpunum is %d, status %u%s", when,
			      i, e->env_id, e->env_cpunum, e->env_status, cpus[i].idle ? ", and the CPU is idle" : "");
		/* trap entry finds the struct cpu through the frame (kern/trapentry.S) */
		if (e && (cpus[i].tf != &e->env_tf || e->env_tf_cpu != &cpus[i]))
			panic("kcheck (%s): CPU %d has env %08x loaded, but its frame or the frame's CPU is another's",
			      when, i, e->env_id);
	}
	for (int i = 0; all && i < NENV; i++) {
		struct Env *e = &envs[i];
		int c = e->env_cpunum;
		if (c >= 0 && (c >= ncpu || cpus[c].env != e))
			panic("kcheck (%s): env %08x says it is loaded on CPU %d, which has another", when, e->env_id, c);
		if ((e->env_status == ENV_RUNNING && c < 0) ||
		    (e->env_status == ENV_DYING && (c < 0 || c == mycpu()->id)))
			panic("kcheck (%s): env %08x is %s but loaded on CPU %d", when, e->env_id,
			      e->env_status == ENV_RUNNING ? "running" : "dying", c);
	}
}

/*
 * Check what was touched since the last check; everything when the checks
 * since the last full recount have cost as much as it did.
 */
void kcheck(const char *when)
{
	if (!on)
		return;
	check_smp(when, false);
	nchecks++;
	if (overflow || work >= full_cost) {
		kcheck_full(when);
		return;
	}
	work += KCHECK_CALL_COST + ndirty_pages;
	for (int k = 0; k < ndirty_tables; k++) {
		size_t t = dirty_tables[k];
		if ((kcheck_pages[t].flags & KCP_ROLE) && !(kcheck_pages[t].flags & KCP_FREE))	/* still a table */
			check_table(t, when);
	}
	for (int k = 0; k < ndirty_envs; k++) {
		struct Env *e = &envs[dirty_envs[k]];
		if (e->env_status == ENV_FREE || !e->env_pgdir)
			continue;
		work += check_views(e, when);
		nscans++;
	}
	for (int k = 0; k < ndirty_pages; k++)
		check_page(dirty_pages[k], when);
	check_nfree(when);
	clear_dirty();
}

/* Recount everything from scratch and compare it with pp_ref, the checker's counts and the free list. */
static void kcheck_full(const char *why)
{
	char when[64];
	snprintf(when, sizeof(when), "%s, full recount", why);
	check_smp(when, true);
	nfull++;
	work = 2 * npages;	/* the loops over every page, and the free list; check_env adds the tables */
	for (size_t i = 0; i < npages; i++)
		kcheck_pages[i].recount = (pages[i].pp_flags & PP_RESERVED) ? 1 : 0;
	for (int x = 0; x < NENV; x++) {
		struct Env *e = &envs[x];
		if (e->env_status == ENV_FREE || !e->env_pgdir)
			continue;
		struct scan s = { .how = SCAN_RECOUNT };
		scan_env(e, &s);
		check_env(e, when, &s);
	}

	size_t listed = 0;
	for (struct PageInfo *pp = kcheck_free_list(); pp; pp = pp->pp_link) {
		if (!(kcheck_pages[pp - pages].flags & KCP_FREE))
			panic("kcheck (%s): page %lx is on the free list but was never freed", when, page2pa(pp));
		if (++listed > npages)
			panic("kcheck (%s): the free list loops", when);
	}
	if (listed != npages_free)
		panic("kcheck (%s): %lu pages on the free list, npages_free says %lu", when, listed, npages_free);
	for (size_t i = 0; i < npages; i++) {
		if (pages[i].pp_ref != kcheck_pages[i].recount)
			panic("kcheck (%s): page %lx has count %u but %u references", when,
			      page2pa(&pages[i]), pages[i].pp_ref, kcheck_pages[i].recount);
		if (kcheck_pages[i].refs != kcheck_pages[i].recount)
			panic("kcheck (%s): page %lx has %u references but pte_write saw %u: "
			      "a table entry was written behind its back", when,
			      page2pa(&pages[i]), kcheck_pages[i].recount, kcheck_pages[i].refs);
		check_page(i, when);
	}
	/* Every listed page is KCP_FREE and the list has no repeats, so equal counts mean equal sets. */
	check_nfree(when);
	clear_dirty();
	full_cost = work;
	work = 0;
}

/* At power-off: one last full recount, and what the checker did. */
void kcheck_halt(void)
{
	if (!on)
		return;
	kcheck_full("power-off");
	cprintf("kcheck: %lu checks (%lu full recounts, %lu table scans, %lu view checks): OK\n", nchecks, nfull,
		ntables, nscans);
}

/* pte_write: the table entry *pte of e becomes val. */
void kcheck_pte(struct Env *e, pte_t *pte, pte_t val)
{
	pte_t old = *pte;
	*pte = val;
	if (!on)
		return;
	size_t x = e - envs, t = kva_index(pte);
	if (x >= NENV)
		panic("kcheck: pte_write for an environment outside envs[]");
	if (t >= npages)
		panic("kcheck: pte_write of env %08x to %p, not in a page table", e->env_id, pte);
	if (old & PTE_V) {
		size_t i = page_index(old, e, "entry");
		uint64_t h = entry_hash(pte, old);
		if (kcheck_pages[i].refs == 0)
			panic("kcheck: env %08x drops a reference to page %lx, which the checker never counted",
			      e->env_id, PTE_ADDR(old));
		kcheck_pages[i].refs--;
		kenv[x].sum -= h;
		kenv[x].n--;
		kcheck_pages[t].sum -= h;
		kcheck_pages[t].n--;
		mark_page(i);
	}
	uint32_t role = kcheck_pages[t].flags & KCP_ROLE;
	if (val & PTE_V) {
		size_t i = page_index(val, e, "entry");
		uint64_t h = entry_hash(pte, val);
		kcheck_pages[i].refs++;
		kenv[x].sum += h;
		kenv[x].n++;
		kcheck_pages[t].sum += h;
		kcheck_pages[t].n++;
		if (role == KCP_ROOT)	/* what the new entry points to is a table too */
			kcheck_pages[i].flags |= KCP_L1;
		else if (role == KCP_L1)
			kcheck_pages[i].flags |= KCP_L0;
		mark_page(i);
	}
	mark_table(t);
	if (role != KCP_L0)	/* a table made or removed: its views change */
		mark_env(e);
}

/*
 * e's tables were walked (to create tables, or to read them): its views are
 * checked. An entry written through a pointer from the walk without
 * pte_write shows when its table is next written, when e dies, or at the
 * next full recount.
 */
void kcheck_touch(struct Env *e)
{
	if (on)
		mark_env(e);
}

void kcheck_page(struct PageInfo *pp, int what)
{
	if (!on)
		return;
	size_t i = pp - pages;
	if (what != KC_DECREF) {	/* a fresh page, or one given back: no table (any more) */
		kcheck_pages[i].flags &= ~KCP_ROLE;
		kcheck_pages[i].sum = kcheck_pages[i].n = 0;
	}
	if (what == KC_ALLOC) {
		if (!(kcheck_pages[i].flags & KCP_FREE))
			panic("kcheck: page_alloc returned page %lx, which is not free", page2pa(pp));
		kcheck_pages[i].flags &= ~KCP_FREE;
		nfree--;
	} else if (what == KC_FREE) {
		if (kcheck_pages[i].flags & KCP_FREE)
			panic("kcheck: page %lx freed twice", page2pa(pp));
		kcheck_pages[i].flags |= KCP_FREE;
		nfree++;
	}
	mark_page(i);
}

/* e's root, views and dirview are set up: count them. */
void kcheck_env_born(struct Env *e)
{
	if (!on)
		return;
	struct scan s = { .how = SCAN_BORN };
	scan_env(e, &s);
	kenv[e - envs].sum = s.sum;
	kenv[e - envs].n = s.n;
	size_t root = kva_index(e->env_pgdir), views = kva_index(e->env_views);
	kcheck_pages[root].flags |= KCP_ROOT;	/* no user entries yet */
	kcheck_pages[views].flags |= KCP_VIEWS;	/* the dirview */
	kcheck_pages[views].sum = entry_hash(&e->env_views[255], e->env_views[255]);
	kcheck_pages[views].n = 1;
	mark_table(root);
	mark_table(views);
	mark_env(e);
}

/* e's tables are about to be freed: check them one last time, then uncount everything e holds. */
void kcheck_env_dying(struct Env *e)
{
	if (!on)
		return;
	struct scan s = { .how = SCAN_DYING };
	scan_env(e, &s);
	check_env(e, "environment dying", &s);
	kenv[e - envs].sum = kenv[e - envs].n = 0;
}

#endif
