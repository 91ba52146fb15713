#ifndef KERN_PMAP_H
#define KERN_PMAP_H

#include <inc/memlayout.h>
#include <inc/assert.h>
#include <inc/types.h>
#include <inc/riscv.h>
#include <kern/cpu.h>
#include <inc/env.h>
#include <kern/kcheck.h>

struct Env;

extern struct PageInfo *pages;
extern size_t npages;		/* pages[] covers [mem_base, mem_base + npages * PGSIZE) */
extern uint64_t mem_base;
extern size_t npages_free;
extern pte_t *kern_pgdir;
extern uint64_t kern_satp;
extern char kern_start[], etext[], erodata[], end[];	/* from kern/kernel.ld */

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

/* The kernel address of the table an entry that points to the next level names. */
static inline pte_t *pte_next_table(pte_t pte)
{
	return KADDR(PTE_ADDR(pte));
}

/* Makes the missing table under *slot (the entry for va at level) and fills *slot in; <0 if it cannot. */
typedef int table_maker(void *ctx, pte_t *slot, uint64_t va, int level);

/*
 * The page-table walker, the only one: the entry for va at level (0 = the
 * leaf, 1 = a 2 MiB entry) in the tables under root. A missing table is
 * made by make (if not NULL), else the answer is NULL. Always inlined: with
 * make a constant it becomes two loads and two tests, no call (the fault
 * path and page_insert rely on that); make runs only for a missing table.
 */
static inline __attribute__((always_inline)) pte_t *pt_walk(pte_t *root, uint64_t va, int level,
							   table_maker *make, void *ctx)
{
	pte_t *table = root;
#pragma GCC unroll 2	/* two plain steps: GCC keeps a counted loop otherwise */
	for (int l = 2; l > level; l--) {
		pte_t *slot = &table[PTX(l, va)];
		if (!(*slot & PTE_V) && (!make || make(ctx, slot, va, l) < 0))
			return NULL;
		table = pte_next_table(*slot);
	}
	return &table[PTX(level, va)];
}

/* kern/pmap.c: makes a missing user table for va and its view (table_maker; ctx = the Env). */
int pgdir_add_tables(void *env, pte_t *slot, uint64_t va, int level);

/*
 * The leaf PTE slot for va (below ULIM) in e's address space: pt_walk on
 * e's root. With create (only below UTOP), missing tables are made, with
 * their views; NULL if va is not mapped that far or memory ran out, in
 * which case nothing changed.
 */
static inline __attribute__((always_inline)) pte_t *pgdir_walk(struct Env *e, uint64_t va, bool create)
{
	if (va >= ULIM || (create && va >= UTOP))
		return NULL;
	if (create)	/* KCHECK: new tables change e's views. A lookup only reads: writes go through pte_write */
		kcheck_touch(e);
	return pt_walk(e->env_pgdir, va, 0, create ? pgdir_add_tables : NULL, e);
}

/* The page mapped at va (below UTOP) in e, or NULL; *pte_store gets its PTE slot (NULL if no table). */
static inline struct PageInfo *page_lookup(struct Env *e, uint64_t va, pte_t **pte_store)
{
	pte_t *pte = va < UTOP ? pgdir_walk(e, va, false) : NULL;
	if (pte_store)
		*pte_store = pte;
	if (!pte || !(*pte & PTE_V))
		return NULL;
	return pa2page(PTE_ADDR(*pte));
}

/* kern/smp.c: e is loaded on another hart (RFENCE; OpenSBI returns when that hart has fenced). */
void tlb_shootdown(struct Env *e, uint64_t va);
void icache_shootdown(struct Env *e);

/*
 * After any change to e's translation for va, even invalid -> valid
 * (docs/design.md, SMP: the shootdown rules). Only the hart e is loaded on
 * can cache it (no ASIDs: every satp write flushes); a hart e ran on before
 * has flushed it since. An env loaded nowhere needs nothing.
 */
static inline void tlb_invalidate(struct Env *e, uint64_t va)
{
	if (e == curenv)
		sfence_vma_addr(va);
	else if (e->env_cpunum >= 0)
		tlb_shootdown(e, va);
}

int page_insert(struct Env *e, struct PageInfo *pp, uint64_t va, int perm);
void page_remove(struct Env *e, uint64_t va);

/*
 * The one way to write a table entry that holds a reference: a user leaf
 * below UTOP, or a pointer to an L1 table, shadow or L0 table. In a KCHECK
 * build the checker counts the change; otherwise it is a plain store.
 */
static inline void pte_write(struct Env *e, pte_t *pte, pte_t val)
{
	kcheck_pte(e, pte, val);
}

/* Checking user pointers without faulting: walk the tables. */
int user_mem_check(struct Env *e, uint64_t va, size_t len, int perm);
void user_mem_assert(struct Env *e, uint64_t va, size_t len, int perm);
int copy_from_user(struct Env *e, void *dst, uint64_t va, size_t len);
extern uint64_t user_mem_check_addr;

void map_shared_region(uint64_t uva, const void *kva, size_t size);
int pgdir_check_views(struct Env *e);

/* kern/pmap_check.c: the boot self-checks. */
void check_page_alloc(void);
void check_pgdir(void);

#endif
