/*
 * Physical pages and page tables.
 *
 * Physical memory: one struct PageInfo per page of RAM, with a reference
 * count (mappings plus kernel uses) and a free list. The kernel maps all
 * RAM at KERNBASE + pa and reaches every page, user or not, through that
 * direct map; it never sets sstatus.SUM.
 *
 * User address spaces: each environment has a root table whose upper half
 * is the kernel's, plus the read-only page-table views described in
 * docs/design.md: a "views" L1 table for gigabyte 255, one shadow L0 table
 * per user L1 table (its entries are the L1 entries turned into read-only
 * leaves, so uvpt[] lands on the L0 tables), and a "dirview" L0 table whose
 * leaves show every L1 table (uvpd[]) and the root (uvpgd[]).
 */
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <kern/env.h>
#include <inc/env.h>
#include <inc/error.h>
#include <inc/riscv.h>
#include <inc/string.h>
#include <kern/kcheck.h>

struct PageInfo *pages;
size_t npages;
uint64_t mem_base;
size_t npages_free;
pte_t *kern_pgdir;
uint64_t kern_satp;
uint64_t user_mem_check_addr;

static struct PageInfo *page_free_list;
static uint64_t boot_next, boot_limit;	/* boot_alloc's bump pointer (kernel addresses) */
static pte_t *shared_l1;		/* L1 table of gigabyte 254 (UENVS, UPAGES), in every env */
static pte_t *shared_shadow;		/* its view: leaves of its L0 tables */

/* Entries made from a physical address (pte_next_table() goes the other way). */
#define TABLE_PTE(pa)	(PA2PTE(pa) | PTE_V)			/* points to the next level */
#define VIEW_PTE(pa)	(PA2PTE(pa) | PTE_V | PTE_R | PTE_U | PTE_A)	/* read-only user leaf */
#define KPERM_RX	(PTE_R | PTE_X | PTE_A | PTE_G)
#define KPERM_R		(PTE_R | PTE_A | PTE_G)
#define KPERM_RW	(PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)

/* Boot-time allocator: bump from the end of the kernel image, before the free list exists. */
static void *boot_alloc(size_t n)
{
	void *p = (void *)boot_next;
	boot_next = ROUNDUP(boot_next + n, PGSIZE);
	if (boot_next > boot_limit)
		panic("boot_alloc: out of memory");
	memset(p, 0, boot_next - (uint64_t)p);
	return p;
}

/*
 * table_maker for the kernel's table at boot: a table from boot_alloc. In
 * the shared gigabyte 254 the new L0 table also gets its view leaf.
 */
static int boot_add_table(void *ctx, pte_t *slot, uint64_t va, int level)
{
	pte_t *table = boot_alloc(PGSIZE);
	*slot = TABLE_PTE(PADDR(table));
	if (GDNUM(va) == GDNUM(UTOP) && level == 1)
		shared_shadow[PTX(1, va)] = VIEW_PTE(PADDR(table));
	return 0;
}

/* Kernel page table: the entry for va at the given level, its tables made with boot_alloc. */
static pte_t *kern_walk(uint64_t va, int level)
{
	return pt_walk(kern_pgdir, va, level, boot_add_table, NULL);
}

/* Map [va, va+size) to [pa, pa+size) in the kernel half, with 2 MiB pages where alignment allows. */
static void kern_map(uint64_t va, uint64_t pa, uint64_t size, int perm)
{
	uint64_t stop = va + size;
	while (va < stop) {
		if (va % MEGAPGSIZE == 0 && pa % MEGAPGSIZE == 0 && stop - va >= MEGAPGSIZE) {
			assert(!(*kern_walk(va, 1) & PTE_V));	/* a 2 MiB leaf never hides a table */
			*kern_walk(va, 1) = PA2PTE(pa) | perm | PTE_V;
			va += MEGAPGSIZE, pa += MEGAPGSIZE;
		} else {
			*kern_walk(va, 0) = PA2PTE(pa) | perm | PTE_V;
			va += PGSIZE, pa += PGSIZE;
		}
	}
}

/* Map kernel memory read-only for user space in the shared gigabyte 254 (UENVS, UPAGES). */
void map_shared_region(uint64_t uva, const void *kva, size_t size)
{
	assert(uva >= UTOP && uva + size <= UVIEWS && uva % PGSIZE == 0);
	for (uint64_t off = 0; off < size; off += PGSIZE)	/* kern_pgdir holds shared_l1 too */
		*kern_walk(uva + off, 0) = VIEW_PTE(PADDR((char *)kva + off));
}

static void page_init(void)
{
	/* Everything below boot_next is the kernel's for good; the rest is free. */
	uint64_t first_free = PADDR((void *)boot_next);
	npages_free = 0;
	page_free_list = NULL;
	for (size_t i = npages; i-- > 0;) {
		struct PageInfo *pp = &pages[i];
		if (page2pa(pp) < first_free) {
			pp->pp_ref = 1;
			pp->pp_flags = PP_RESERVED;
		} else {
			pp->pp_link = page_free_list;	/* lowest page ends up first */
			page_free_list = pp;
			npages_free++;
		}
	}
}

void pmap_init(uint64_t base, uint64_t size, const uint64_t *devices, int ndevices)
{
	mem_base = base;
	npages = size / PGSIZE;
	boot_next = ROUNDUP((uint64_t)end, PGSIZE);
	boot_limit = KERNBASE + base + npages * PGSIZE;

	kern_pgdir = boot_alloc(PGSIZE);
	pages = boot_alloc(npages * sizeof(struct PageInfo));
#ifdef KCHECK
	kcheck_pages = boot_alloc(npages * sizeof(struct kcpage));
#endif

	/* The direct map of the kernel image, by section, then of the rest of RAM. */
	uint64_t kimg = (uint64_t)kern_start;
	kern_map(kimg, PADDR(kern_start), (uint64_t)etext - kimg, KPERM_RX);
	kern_map((uint64_t)etext, PADDR(etext), (uint64_t)erodata - (uint64_t)etext, KPERM_R);
	kern_map((uint64_t)erodata, PADDR(erodata), (uint64_t)end - (uint64_t)erodata, KPERM_RW);
	kern_map((uint64_t)end, PADDR(end), boot_limit - (uint64_t)end, KPERM_RW);
	for (int i = 0; i < ndevices; i++)	/* a page of registers each (UART, test finisher) */
		if (devices[i])
			kern_map(KERNBASE + ROUNDDOWN(devices[i], PGSIZE), ROUNDDOWN(devices[i], PGSIZE), PGSIZE, KPERM_RW);
	for (int i = 0; i < NCPU; i++) {	/* guard pages under the kernel stacks */
		uint64_t guard = (uint64_t)kstacks + i * (KSTKSIZE + KSTKGUARD);
		assert(!PTE_LEAF(*kern_walk(guard, 1)));	/* mapped with 4 KiB pages */
		*kern_walk(guard, 0) = 0;
	}

	/* Gigabyte 254, identical in every environment: envs[] and pages[], read-only. */
	shared_l1 = boot_alloc(PGSIZE);
	shared_shadow = boot_alloc(PGSIZE);
	kern_pgdir[GDNUM(UTOP)] = TABLE_PTE(PADDR(shared_l1));
	map_shared_region(UENVS, envs, ROUNDUP(NENV * sizeof(struct Env), PGSIZE));
	/* Placed so that user space indexes it by physical page number, as in JOS. */
	uint64_t upages = UPAGES + PGNUM(base) * sizeof(struct PageInfo);
	assert(upages % PGSIZE == 0);
	map_shared_region(upages, pages, ROUNDUP(npages * sizeof(struct PageInfo), PGSIZE));

	page_init();

	kern_satp = MAKE_SATP(PADDR(kern_pgdir));
	csr_write(satp, kern_satp);
	sfence_vma();
}

#ifdef KCHECK
struct PageInfo *kcheck_free_list(void)
{
	return page_free_list;
}
#endif

struct PageInfo *page_alloc(int flags)
{
	struct PageInfo *pp = page_free_list;
	if (!pp)
		return NULL;
	page_free_list = pp->pp_link;
	pp->pp_link = NULL;
	npages_free--;
	kcheck_page(pp, KC_ALLOC);
	if (flags & ALLOC_ZERO)
		memset(page2kva(pp), 0, PGSIZE);
	return pp;
}

void page_free(struct PageInfo *pp)
{
	if (pp->pp_ref != 0 || pp->pp_link != NULL || (pp->pp_flags & PP_RESERVED))
		panic("page_free: page %lx is in use (ref %u)", page2pa(pp), pp->pp_ref);
	pp->pp_link = page_free_list;
	page_free_list = pp;
	npages_free++;
	kcheck_page(pp, KC_FREE);
}

void page_decref(struct PageInfo *pp)
{
	assert(pp->pp_ref > 0);
	kcheck_page(pp, KC_DECREF);
	if (--pp->pp_ref == 0)
		page_free(pp);
}

/* A zeroed page for a page table or view, owned by e. */
static pte_t *table_alloc(struct Env *e)
{
	struct PageInfo *pp = page_alloc(ALLOC_ZERO);
	if (!pp)
		return NULL;
	pp->pp_ref = 1;
	e->env_nptpages++;
	return page2kva(pp);
}

static void table_free(struct Env *e, pte_t *table)
{
	page_decref(pa2page(PADDR(table)));
	e->env_nptpages--;
}

static pte_t *dirview(struct Env *e)
{
	return pte_next_table(e->env_views[255]);
}

int pgdir_setup(struct Env *e)
{
	pte_t *root = table_alloc(e), *views = table_alloc(e), *dv = table_alloc(e);
	if (!root || !views || !dv) {
		pte_t *got[] = { root, views, dv };
		for (int i = 0; i < 3; i++)
			if (got[i])
				table_free(e, got[i]);
		return -E_NO_MEM;
	}
	memcpy(&root[256], &kern_pgdir[256], 256 * sizeof(pte_t));
	root[GDNUM(UTOP)] = kern_pgdir[GDNUM(UTOP)];	/* shared_l1 */
	root[GDNUM(UVIEWS)] = TABLE_PTE(PADDR(views));
	views[GDNUM(UTOP)] = TABLE_PTE(PADDR(shared_shadow));
	views[255] = TABLE_PTE(PADDR(dv));
	dv[GDNUM(UTOP)] = VIEW_PTE(PADDR(shared_l1));
	dv[GDNUM(UVIEWS)] = VIEW_PTE(PADDR(views));
	dv[256] = VIEW_PTE(PADDR(root));
	e->env_pgdir = root;
	e->env_views = views;
	e->env_satp = MAKE_SATP(PADDR(root));
	kcheck_env_born(e);
	return 0;
}

/* Give back every user page and every table and view of e. e's satp must not be loaded. */
void pgdir_free(struct Env *e)
{
	pte_t *root = e->env_pgdir;
	kcheck_env_dying(e);
	for (int g = 0; g < GDNUM(UTOP); g++) {
		if (!(root[g] & PTE_V))
			continue;
		pte_t *l1 = pte_next_table(root[g]);
		for (int j = 0; j < NPTENTRIES; j++) {
			if (!(l1[j] & PTE_V))
				continue;
			pte_t *l0 = pte_next_table(l1[j]);
			for (int i = 0; i < NPTENTRIES; i++)
				if (l0[i] & PTE_V) {
					page_decref(pa2page(PTE_ADDR(l0[i])));
					e->env_npages--;
				}
			table_free(e, l0);
		}
		table_free(e, l1);
		table_free(e, pte_next_table(e->env_views[g]));
	}
	table_free(e, dirview(e));
	table_free(e, e->env_views);
	table_free(e, root);
	assert(e->env_npages == 0 && e->env_nptpages == 0);
	e->env_pgdir = e->env_views = NULL;
	e->env_satp = 0;
}

/*
 * pgdir_walk's table_maker (the only place a user table is made): the
 * table missing under slot for va, with its view. A missing L1 table comes
 * with its shadow and the L0 table for va, all three pages or none, so a
 * failed call leaves no table behind.
 */
int pgdir_add_tables(void *env, pte_t *slot, uint64_t va, int level)
{
	struct Env *e = env;
	int g = PTX(2, va), j = PTX(1, va);
	pte_t *l1 = NULL, *shadow = NULL, *l0 = table_alloc(e);
	if (l0 && level == 2 && (!(l1 = table_alloc(e)) || !(shadow = table_alloc(e)))) {
		if (l1)
			table_free(e, l1);
		table_free(e, l0);
		return -E_NO_MEM;
	}
	if (!l0)
		return -E_NO_MEM;
	if (level == 2) {
		pte_write(e, slot, TABLE_PTE(PADDR(l1)));
		pte_write(e, &e->env_views[g], TABLE_PTE(PADDR(shadow)));
		dirview(e)[g] = VIEW_PTE(PADDR(l1));
		tlb_invalidate(e, UVPD + g * PGSIZE);
	}
	l1 = pte_next_table(e->env_pgdir[g]);
	pte_write(e, &l1[j], TABLE_PTE(PADDR(l0)));
	pte_next_table(e->env_views[g])[j] = VIEW_PTE(PADDR(l0));
	tlb_invalidate(e, UVPT + PDNUM(va) * PGSIZE);
	return 0;
}

/* The leaf PTE mapping pp with perm; A (and D if writable) set so hardware never has to. */
static inline pte_t leaf_pte(const struct PageInfo *pp, int perm)
{
	return PA2PTE(page2pa(pp)) | perm | PTE_V | PTE_A | ((perm & PTE_W) ? PTE_D : 0);
}

/* page_insert when va's tables are missing: make them, then insert again. */
static int __attribute__((noinline)) page_insert_new_tables(struct Env *e, struct PageInfo *pp, uint64_t va,
							    int perm)
{
	if (!pgdir_walk(e, va, true))
		return -E_NO_MEM;
	return page_insert(e, pp, va, perm);
}

/* page_insert once the slot for va is found: every case (page_insert's fast path is a specialisation of this). */
static int __attribute__((noinline)) page_insert_at(struct Env *e, struct PageInfo *pp, pte_t *pte, uint64_t va,
						    int perm)
{
	pte_t old = *pte, new = leaf_pte(pp, perm);
	if (!(old & PTE_V)) {
		pp->pp_ref++;
		e->env_npages++;
	} else if (PTE_ADDR(old) != PTE_ADDR(new)) {	/* else the same page: only the permissions change */
		pp->pp_ref++;
		page_decref(pa2page(PTE_ADDR(old)));
	}
	pte_write(e, pte, new);
	/* Even invalid -> valid: no hart may keep a cached invalid entry (no spurious faults to retry). */
	tlb_invalidate(e, va);
	if (perm & PTE_X) {	/* the page may hold code just written through another mapping */
		fence_i();
		if (e != curenv && e->env_cpunum >= 0)
			icache_shootdown(e);
	}
	return 0;
}

/*
 * Map pp at va (below UTOP) in e with perm (PTE_V is implied), replacing
 * what was there. The walk is inlined and makes no call when va's tables
 * exist. The cases fork and the fault handlers use most, a new mapping, a
 * change of permissions on the same page or the replacement of a page that
 * stays mapped elsewhere, not executable, in the caller or in an
 * environment loaded nowhere (a child being built), are done here
 * with no call (but KCHECK's pte_write), so this function needs no frame
 * (nor a frame pointer: it calls nothing a backtrace passes through);
 * every other case is page_insert_at's.
 * Measured: fork_per_page 732 -> 705 instructions, cow_fault -24, cow_fault_sole and pgfault_alloc -14.
 */
__attribute__((optimize("omit-frame-pointer")))
int page_insert(struct Env *e, struct PageInfo *pp, uint64_t va, int perm)
{
	pte_t *pte = pgdir_walk(e, va, false);
	if (!pte)
		return va < UTOP ? page_insert_new_tables(e, pp, va, perm) : -E_NO_MEM;
	pte_t old = *pte, new = leaf_pte(pp, perm);
	bool loaded_here = e == curenv;
	if ((perm & PTE_X) || (!loaded_here && e->env_cpunum >= 0))
		return page_insert_at(e, pp, pte, va, perm);
	if (!(old & PTE_V)) {
		pp->pp_ref++;
		e->env_npages++;
	} else if (PTE_ADDR(old) != PTE_ADDR(new)) {
		struct PageInfo *replaced = pa2page(PTE_ADDR(old));
		if (replaced->pp_ref <= 1)	/* page_decref would free it: a call */
			return page_insert_at(e, pp, pte, va, perm);
		pp->pp_ref++;
		kcheck_page(replaced, KC_DECREF);	/* page_decref, with nothing to free */
		replaced->pp_ref--;
	}
	pte_write(e, pte, new);
	if (loaded_here)
		sfence_vma_addr(va);	/* tlb_invalidate: loaded nowhere else, by the test above */
	return 0;
}

void page_remove(struct Env *e, uint64_t va)
{
	pte_t *pte;
	struct PageInfo *pp = page_lookup(e, va, &pte);
	if (!pp)
		return;
	pte_write(e, pte, 0);
	e->env_npages--;
	page_decref(pp);
	tlb_invalidate(e, va);
}

/*
 * Can e touch [va, va+len) with perm (plus PTE_U)? Decided by walking the
 * tables, so a bad pointer never makes the kernel fault. On failure
 * user_mem_check_addr is the first address that cannot be touched.
 */
int user_mem_check(struct Env *e, uint64_t va, size_t len, int perm)
{
	perm |= PTE_U | PTE_V;
	if (len == 0)
		return 0;
	uint64_t stop = va + len;
	uint64_t limit = (stop < va || stop > ULIM) ? ULIM : stop;
	for (uint64_t a = ROUNDDOWN(va, PGSIZE); a < limit; a += PGSIZE) {
		pte_t *pte = pgdir_walk(e, a, false);
		if (!pte || (*pte & perm) != (uint64_t)perm) {
			user_mem_check_addr = MAX(a, va);
			return -E_FAULT;
		}
	}
	if (limit != stop) {
		user_mem_check_addr = MAX(va, ULIM);
		return -E_FAULT;
	}
	return 0;
}

/* Copy len bytes at va in e's memory to dst, through the direct map; -E_FAULT if e cannot read them all. */
int copy_from_user(struct Env *e, void *dst, uint64_t va, size_t len)
{
	if (user_mem_check(e, va, len, PTE_R) < 0)
		return -E_FAULT;
	for (size_t n; len > 0; va += n, dst = (char *)dst + n, len -= n) {
		n = MIN(len, PGSIZE - PGOFF(va));
		memcpy(dst, (char *)KADDR(PTE_ADDR(*pgdir_walk(e, va, false))) + PGOFF(va), n);
	}
	return 0;
}

void user_mem_assert(struct Env *e, uint64_t va, size_t len, int perm)
{
	if (user_mem_check(e, va, len, perm) < 0) {
		cprintf("[%08x] user_mem_check assertion failure for va %08lx\n",
			e->env_id, user_mem_check_addr);
		env_destroy(e);	/* does not return if e is running here */
	}
}

/*
 * The views agree with the tables: for every user gigabyte and 2 MiB region,
 * a view entry exists exactly when the table does and shows that table,
 * read-only. Used by the boot checks (and cheap enough to run often).
 */
int pgdir_check_views(struct Env *e)
{
	pte_t *root = e->env_pgdir, *dv = dirview(e);
	const pte_t view_bits = PTE_V | PTE_R | PTE_U | PTE_A;
	if (dv[256] != VIEW_PTE(PADDR(root)) || dv[GDNUM(UVIEWS)] != VIEW_PTE(PADDR(e->env_views)))
		return -1;
	for (int g = 0; g < GDNUM(UVIEWS); g++) {
		bool has = root[g] & PTE_V;
		if (has != !!(dv[g] & PTE_V) || has != !!(e->env_views[g] & PTE_V))
			return -2;
		if (!has)
			continue;
		if (PTE_FLAGS(dv[g]) != view_bits || PTE_ADDR(dv[g]) != PTE_ADDR(root[g]))
			return -3;
		pte_t *l1 = pte_next_table(root[g]), *shadow = pte_next_table(e->env_views[g]);
		for (int j = 0; j < NPTENTRIES; j++) {
			if (!(l1[j] & PTE_V) != !(shadow[j] & PTE_V))
				return -4;
			if ((l1[j] & PTE_V) && (PTE_FLAGS(shadow[j]) != view_bits ||
						PTE_ADDR(shadow[j]) != PTE_ADDR(l1[j])))
				return -5;
		}
	}
	return 0;
}
