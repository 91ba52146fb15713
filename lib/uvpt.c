/* Reading the page-table views safely: look at each level before the one below it. */
#include <inc/lib.h>

/* The leaf PTE that maps va in this environment, or 0 if any level is absent. */
pte_t uvpt_lookup(uint64_t va)
{
	if (va >= UTOP || !(uvpgd[GDNUM(va)] & PTE_V) || !(uvpd[PDNUM(va)] & PTE_V))
		return 0;
	return uvpt[PGNUM(va)];
}

/* How many references the kernel counts on the page mapped at va (0 if none). */
uint32_t page_refs(uint64_t va)
{
	pte_t pte = uvpt_lookup(va);
	return (pte & PTE_V) ? pages[PGNUM(PTE_ADDR(pte))].pp_ref : 0;
}
