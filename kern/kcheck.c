/*
 * Kernel invariant checks, built in with `make KCHECK=1` and run after every
 * system call and at every environment's death:
 *  - each page's reference count equals the mappings to it below UTOP in all
 *    environments, plus one for each page table or view page that owns it,
 *    plus one for reserved pages;
 *  - the free list holds exactly the pages whose count is 0, and
 *    npages_free says how many;
 *  - every environment's page-table views agree with its tables.
 * Slow by design (it recounts everything); it is for tests, not for use.
 */
#include <kern/kcheck.h>
#include <kern/pmap.h>
#include <kern/env.h>
#include <inc/string.h>

#ifdef KCHECK

/* Per page: the count we recompute (set aside by pmap_init with boot_alloc). */
#define expected kcheck_counts

static void count_page(physaddr_t pa, const char *what, const struct Env *e)
{
	if (pa < mem_base || PGNUM(pa - mem_base) >= npages)
		panic("kcheck: %s of env %08x points outside RAM: %lx", what, e ? e->env_id : 0, pa);
	expected[PGNUM(pa - mem_base)]++;
}

static void count_env(const struct Env *e)
{
	const pte_t *root = e->env_pgdir;
	count_page(PADDR(root), "root", e);
	count_page(PADDR(e->env_views), "views table", e);
	count_page(PTE_ADDR(e->env_views[255]), "dirview", e);
	for (int g = 0; g < GDNUM(UTOP); g++) {
		if (!(root[g] & PTE_V))
			continue;
		count_page(PTE_ADDR(root[g]), "L1 table", e);
		count_page(PTE_ADDR(e->env_views[g]), "shadow table", e);
		const pte_t *l1 = KADDR(PTE_ADDR(root[g]));
		for (int j = 0; j < NPTENTRIES; j++) {
			if (!(l1[j] & PTE_V))
				continue;
			count_page(PTE_ADDR(l1[j]), "L0 table", e);
			const pte_t *l0 = KADDR(PTE_ADDR(l1[j]));
			for (int i = 0; i < NPTENTRIES; i++)
				if (l0[i] & PTE_V)
					count_page(PTE_ADDR(l0[i]), "user page", e);
		}
	}
	int r = pgdir_check_views((struct Env *)e);
	if (r < 0)
		panic("kcheck: env %08x: page-table views disagree with the tables (%d)", e->env_id, r);
}

void kcheck(const char *when)
{
	memset(expected, 0, npages * sizeof(uint32_t));
	for (size_t i = 0; i < npages; i++)
		if (pages[i].pp_flags & PP_RESERVED)
			expected[i] = 1;
	for (int i = 0; i < NENV; i++)
		if (envs[i].env_status != ENV_FREE && envs[i].env_pgdir)
			count_env(&envs[i]);

	size_t nfree = 0;
	for (struct PageInfo *pp = kcheck_free_list(); pp; pp = pp->pp_link) {
		if (pp->pp_ref != 0)
			panic("kcheck (%s): page %lx is on the free list with count %u", when, page2pa(pp), pp->pp_ref);
		if (++nfree > npages)
			panic("kcheck (%s): the free list loops", when);
	}
	if (nfree != npages_free)
		panic("kcheck (%s): %lu pages on the free list, npages_free says %lu", when, nfree, npages_free);
	size_t zero = 0;
	for (size_t i = 0; i < npages; i++) {
		if (pages[i].pp_ref != expected[i])
			panic("kcheck (%s): page %lx has count %u but %u references", when,
			      page2pa(&pages[i]), pages[i].pp_ref, expected[i]);
		zero += expected[i] == 0;
	}
	if (zero != nfree)
		panic("kcheck (%s): %lu pages unreferenced but %lu free", when, zero, nfree);
}

#endif
