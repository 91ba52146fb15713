/* Boot-time self-checks of the page allocator and of user page tables with their views, as JOS does. */
#include <kern/pmap.h>
#include <kern/env.h>
#include <kern/cpu.h>
#include <inc/riscv.h>
#include <inc/string.h>

static size_t count_free_list(void)
{
	size_t n = 0;
	struct PageInfo *pp = page_alloc(0), *taken = NULL;
	/* Drain the list to count it, then give everything back. */
	while (pp) {
		assert(pp->pp_ref == 0 && !(pp->pp_flags & PP_RESERVED));
		pp->pp_link = taken;
		taken = pp;
		n++;
		pp = page_alloc(0);
	}
	assert(npages_free == 0);
	while (taken) {
		pp = taken;
		taken = pp->pp_link;
		pp->pp_link = NULL;
		page_free(pp);
	}
	return n;
}

void check_page_alloc(void)
{
	size_t nfree = npages_free;
	assert(nfree > 16);
	assert(count_free_list() == nfree);

	struct PageInfo *a = page_alloc(0), *b = page_alloc(0), *c = page_alloc(0);
	assert(a && b && c && a != b && b != c && a != c);
	for (struct PageInfo *pp = a; pp; pp = (pp == a ? b : pp == b ? c : NULL)) {
		assert(page2pa(pp) >= PADDR(end) && page2pa(pp) < mem_base + npages * PGSIZE);
		memset(page2kva(pp), 0xA5, PGSIZE);
	}
	assert(npages_free == nfree - 3);
	page_free(a);
	struct PageInfo *z = page_alloc(ALLOC_ZERO);	/* the page just freed, zeroed */
	assert(z == a);
	for (int i = 0; i < PGSIZE; i++)
		assert(((char *)page2kva(z))[i] == 0);
	z->pp_ref = 1;
	page_decref(z);
	page_free(b);
	page_free(c);
	assert(npages_free == nfree);
	cprintf("check_page_alloc() succeeded!\n");
}

/* Read user memory of the loaded address space (views are user pages: SUM for a moment). */
static pte_t read_user_pte(volatile const pte_t *p)
{
	csr_set(sstatus, SSTATUS_SUM);
	pte_t v = *p;
	csr_clear(sstatus, SSTATUS_SUM);
	return v;
}

void check_pgdir(void)
{
	static struct Env e;	/* a scratch environment, never in envs[] */
	size_t nfree = npages_free;
	const uint64_t va1 = UTEXT, va2 = USTACKTOP - PGSIZE;
	e.env_cpunum = -1;	/* loaded nowhere: .bss's 0 would mean "on hart 0" and cost 9 self-targeted RFENCEs */

	assert(pgdir_setup(&e) == 0 && e.env_nptpages == 3);
	assert(pgdir_check_views(&e) == 0);
	assert(page_lookup(&e, va1, NULL) == NULL);

	struct PageInfo *p1 = page_alloc(ALLOC_ZERO), *p2 = page_alloc(ALLOC_ZERO);
	assert(p1 && p2);
	assert(page_insert(&e, p1, va1, PTE_U | PTE_R) == 0);
	assert(p1->pp_ref == 1 && page_lookup(&e, va1, NULL) == p1);
	assert(e.env_nptpages == 3 + 3);	/* L1 + its shadow + L0 */
	assert(page_insert(&e, p1, va1, PTE_U | PTE_R | PTE_W) == 0);	/* same page again */
	assert(p1->pp_ref == 1 && e.env_npages == 1);
	assert(page_insert(&e, p2, va2, PTE_U | PTE_R | PTE_W) == 0);
	assert(page_insert(&e, p2, va1, PTE_U | PTE_R) == 0);	/* replaces p1 ... */
	assert(p2->pp_ref == 2 && p1->pp_ref == 0);	/* ... which is now free */
	assert(pgdir_check_views(&e) == 0);

	/* The kernel's user-pointer check follows permissions and never faults. */
	assert(user_mem_check(&e, va1, 8, PTE_R) == 0);
	assert(user_mem_check(&e, va1, 8, PTE_W) < 0 && user_mem_check_addr == va1);
	assert(user_mem_check(&e, va2 + 100, PGSIZE - 100, PTE_W) == 0);
	assert(user_mem_check(&e, va2 + 100, PGSIZE, PTE_W) < 0 && user_mem_check_addr == USTACKTOP);
	assert(user_mem_check(&e, UENVS, PGSIZE, PTE_R) == 0 && user_mem_check(&e, UENVS, 8, PTE_W) < 0);
	assert(user_mem_check(&e, KERNBASE, 8, PTE_R) < 0 && user_mem_check(&e, ~0UL - 4, 8, PTE_R) < 0);

	/* Through the address space itself: the views show the tables. */
	csr_write(satp, e.env_satp);
	sfence_vma();
	const volatile pte_t *vpt = (const pte_t *)UVPT, *vpd = (const pte_t *)UVPD, *vpgd = (const pte_t *)UVPGD;
	assert(PTE_ADDR(read_user_pte(&vpt[PGNUM(va1)])) == page2pa(p2));
	assert(PTE_ADDR(read_user_pte(&vpt[PGNUM(va2)])) == page2pa(p2));
	assert(read_user_pte(&vpt[PGNUM(va1 + PGSIZE)]) == 0);
	assert(read_user_pte(&vpd[PDNUM(va1)]) & PTE_V);
	assert(!(read_user_pte(&vpd[PDNUM(va1 + MEGAPGSIZE)]) & PTE_V));
	assert(read_user_pte(&vpgd[GDNUM(va2)]) & PTE_V);
	assert(!(read_user_pte(&vpgd[GDNUM(va1 + GIGAPGSIZE)]) & PTE_V));
	assert(read_user_pte(&vpgd[PTX(2, KERNBASE)]) == kern_pgdir[PTX(2, KERNBASE)]);
	csr_write(satp, kern_satp);
	sfence_vma();

	page_remove(&e, va1);
	assert(p2->pp_ref == 1);
	page_remove(&e, va1);	/* nothing there: nothing happens */
	pgdir_free(&e);	/* frees p2 and every table: all back */
	assert(npages_free == nfree);
	cprintf("check_pgdir() succeeded!\n");
}
