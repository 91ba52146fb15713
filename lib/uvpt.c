/* Reading the page-table views safely: look at each level before the one below it. */
#include <inc/lib.h>

/* How many references the kernel counts on the page mapped at va (0 if none). */
uint32_t page_refs(uint64_t va)
{
	pte_t pte = uvpt_lookup(va);
	return (pte & PTE_V) ? pages[PGNUM(PTE_ADDR(pte))].pp_ref : 0;
}
