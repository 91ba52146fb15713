#ifndef KERN_PMAP_H
#define KERN_PMAP_H

#include <inc/memlayout.h>
#include <inc/assert.h>
#include <inc/types.h>
#include <inc/riscv.h>
#include <kern/cpu.h>
#include <inc/env.h>

struct Env;

extern struct PageInfo *pages;
extern size_t npages;		/* pages[] covers [mem_base, mem_base + npages * PGSIZE) */
extern uint64_t mem_base;
extern size_t npages_free;
extern pte_t *kern_pgdir;
extern uint64_t kern_satp;

#define PP_RESERVED	0x1	/* kernel image, firmware, boot allocations: never freed */

#define KADDR(pa)	((void *)((uint64_t)(pa) + KERNBASE))
#define PADDR(kva)	_paddr(__FILE__, __LINE__, (kva))

static inline physaddr_t _paddr(const char *file, int line, const void *kva)
{
	if ((uint64_t)kva < KERNBASE)
		_panic(file, line, "PADDR called with user address %p", kva);
	return (uint64_t)kva - KERNBASE;
}

static inline physaddr_t page2pa(const struct PageInfo *pp)
{
	return mem_base + ((uint64_t)(pp - pages) << PGSHIFT);
}

static inline void *page2kva(const struct PageInfo *pp)
{
	return KADDR(page2pa(pp));
}

static inline struct PageInfo *pa2page(physaddr_t pa)
{
	if (pa < mem_base || (pa - mem_base) >> PGSHIFT >= npages)
		panic("pa2page: %lx is not RAM", pa);
	return &pages[(pa - mem_base) >> PGSHIFT];
}

enum { ALLOC_ZERO = 1 };

void pmap_init(uint64_t base, uint64_t size, const uint64_t *devices, int ndevices);
struct PageInfo *page_alloc(int flags);
void page_free(struct PageInfo *pp);
void page_decref(struct PageInfo *pp);

/* User address spaces (each environment's root table plus its page-table views). */
int pgdir_setup(struct Env *e);
void pgdir_free(struct Env *e);
pte_t *pgdir_walk(struct Env *e, uint64_t va, bool create);
/* The leaf PTE slot for va (below ULIM) if its tables exist, else NULL: pgdir_walk without create, inline for the fault path. */
static inline __attribute__((always_inline)) pte_t *pgdir_lookup(pte_t *root, uint64_t va)
{
	pte_t l = root[PTX(2, va)];
	if (!(l & PTE_V))
		return NULL;
	l = ((pte_t *)KADDR(PTE_ADDR(l)))[PTX(1, va)];
	if (!(l & PTE_V))
		return NULL;
	return &((pte_t *)KADDR(PTE_ADDR(l)))[PTX(0, va)];
}
/* The page mapped at va (below UTOP) in e, or NULL; *pte_store gets its PTE slot (NULL if no table). */
static inline struct PageInfo *page_lookup(struct Env *e, uint64_t va, pte_t **pte_store)
{
	pte_t *pte = va < UTOP ? pgdir_lookup(e->env_pgdir, va) : NULL;
	if (pte_store)
		*pte_store = pte;
	if (!pte || !(*pte & PTE_V))
		return NULL;
	return pa2page(PTE_ADDR(*pte));
}

/* After changing e's PTE for va. Others are flushed when their satp is next loaded. */
static inline void tlb_invalidate(struct Env *e, uint64_t va)
{
	if (e == curenv)
		sfence_vma_addr(va);
}

int page_insert(struct Env *e, struct PageInfo *pp, uint64_t va, int perm);
void page_remove(struct Env *e, uint64_t va);

/* Checking user pointers without faulting: walk the tables. */
int user_mem_check(struct Env *e, uint64_t va, size_t len, int perm);
void user_mem_assert(struct Env *e, uint64_t va, size_t len, int perm);
extern uint64_t user_mem_check_addr;

void map_shared_region(uint64_t uva, const void *kva, size_t size);
int pgdir_check_views(struct Env *e);

#endif
