/* Reading the page-table views safely: look at each level before the one below it. */
#include <inc/lib.h>

/* How many references the kernel counts on the page mapped at va (0 if none). */
uint32_t page_refs(uint64_t va)
{
	pte_t pte = uvpt_lookup(va);
	return (pte & PTE_V) ? pages[PGNUM(PTE_ADDR(pte))].pp_ref : 0;
}

/*
 * Free pages: those whose count is 0 in pages[] (at UPAGES, where the views
 * say it is mapped); *total (if not NULL) gets how many pages there are.
 */
uint64_t pages_free(uint64_t *total)
{
	uint64_t nfree = 0, all = 0;
	const uint64_t per = PGSIZE / sizeof(struct PageInfo);
	for (uint64_t va = UPAGES; va < UTOP + GIGAPGSIZE; va += MEGAPGSIZE) {
		if (!(uvpd[PDNUM(va)] & PTE_V))
			continue;
		for (uint64_t pg = va; pg < va + MEGAPGSIZE; pg += PGSIZE) {
			if (!(uvpt[PGNUM(pg)] & PTE_V))
				continue;
			volatile const struct PageInfo *pi = (volatile const struct PageInfo *)pg;
			for (uint64_t i = 0; i < per; i++)
				nfree += pi[i].pp_ref == 0;
			all += per;
		}
	}
	if (total)
		*total = all;
	return nfree;
}
