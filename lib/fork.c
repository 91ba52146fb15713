/*
 * fork() in user space, with copy-on-write. The kernel only offers
 * exofork and the page calls; this library decides which pages are
 * shared, copied or marked copy-on-write, and copies a page when a write
 * faults on it. How this composes with executable pages, sfork, fork on
 * the exception stack, low memory and the region table: docs/design.md,
 * section 9.
 */
#include <inc/lib.h>

extern void _pgfault_upcall(void);

#define PERM_RW		(PTE_V | PTE_U | PTE_R | PTE_W)
/* How far below fork's frame fork and its callees write (GCC -fstack-usage says under 500 bytes). */
#define FORK_STACK_USE	1024

/* What a copy-on-write page becomes when it is ours again: its own permissions, minus COW, plus W. */
static inline int writable_perm(pte_t pte)
{
	return (pte & PTE_SYSCALL & ~PTE_COW) | PTE_W;
}

/* Replace the page at va (page-aligned) with a private copy mapped with perm. */
static int copy_private(uint64_t va, int perm)
{
	int r;
	if ((r = sys_page_alloc(0, (void *)PFTEMP, PERM_RW)) < 0)
		return r;
	memcpy((void *)PFTEMP, (void *)va, PGSIZE);
	r = sys_page_map(0, (void *)PFTEMP, 0, (void *)va, perm);
	sys_page_unmap(0, (void *)PFTEMP);
	return r;
}

/*
 * Make the copy-on-write page at va (mapped by pte) writable here. Nobody
 * else holds the page (the other side exited): remap it in place, no copy.
 * The kernel re-checks the count and refuses if it changed; then we copy.
 */
static inline __attribute__((always_inline)) int make_writable(uint64_t va, pte_t pte)
{
	int perm = writable_perm(pte);
	if (pages[PGNUM(PTE_ADDR(pte))].pp_ref == 1 && sys_page_map(0, (void *)va, 0, (void *)va, perm) == 0)
		return 0;
	return copy_private(va, perm);
}

/* A store to a copy-on-write page (the dispatcher in lib/pgfault.c checked): a page of our own, or the end. */
void _cow_fault(struct UTrapframe *utf, pte_t pte)
{
	int r = make_writable(ROUNDDOWN(utf->utf_fault_va, PGSIZE), pte);
	if (r < 0)
		pgfault_die(utf, "copy-on-write: %e", r);
}

/*
 * What a page walk needs to know. Kept on the stack, not in globals: after
 * sfork, globals are shared with environments that may be forking too.
 */
struct forkwalk {
	envid_t child;
	bool on_xstack;		/* fork was called on the exception stack (in a fault handler) */
	uint64_t stack_lo;	/* [stack_lo, USTACKTOP): stack pages the parent keeps writable */
};

/*
 * Give the child its own copy (with perm) of our writable page at va now.
 * The child only returns from fork, through registers fork's prologue
 * saved in this frame before sys_exofork and never changes, so a copy
 * taken during the walk (or, for the exception stack, at its end) gives
 * it the stack it needs.
 */
static int copypage(envid_t envid, uint64_t va, int perm)
{
	int r;
	if ((r = sys_page_alloc(envid, (void *)va, perm)) < 0 ||
	    (r = sys_page_map(envid, (void *)va, 0, (void *)PFTEMP, PERM_RW)) < 0)
		return r;
	memcpy((void *)PFTEMP, (void *)va, PGSIZE);
	return sys_page_unmap(0, (void *)PFTEMP);
}

/*
 * Map page number pn into the child:
 *  - PTE_SHARE pages stay shared, with the same permissions;
 *  - read-only pages are shared read-only;
 *  - a writable page that another environment shares with us (sfork:
 *    not PTE_SHARE, more than one reference) is copied for the child now,
 *    and stays shared writable here: copy-on-write in us alone would
 *    break both our sharing and the child's snapshot;
 *  - the stack pages we write while forking and right after (from
 *    stack_lo up) are copied for the child now and stay writable here;
 *  - other writable and copy-on-write pages become copy-on-write in both,
 *    keeping their other permissions (X included).
 */
static int duppage(const struct forkwalk *w, uint64_t pn)
{
	envid_t envid = w->child;
	void *va = (void *)(pn << PGSHIFT);
	pte_t pte = uvpt[pn];
	int perm = pte & PTE_SYSCALL;
	int r;

	if ((pte & PTE_SHARE) || !(pte & (PTE_W | PTE_COW)))
		return sys_page_map(0, va, envid, va, perm);
	if ((pte & PTE_W) && ((uint64_t)va >= w->stack_lo || pages[PGNUM(PTE_ADDR(pte))].pp_ref > 1))
		return copypage(envid, (uint64_t)va, perm);

	perm = (perm & ~PTE_W) | PTE_COW;
	/*
	 * The child first, then ourselves. The other order is wrong: once our
	 * page is copy-on-write, our next write to it gives us a fresh writable
	 * copy, and mapping "va" into the child would then hand it that copy
	 * while we keep writing to it.
	 */
	if ((r = sys_page_map(0, va, envid, va, perm)) < 0)
		return r;
	if (pte & PTE_W)	/* already copy-on-write here: nothing to change */
		r = sys_page_map(0, va, 0, va, perm);
	return r;
}

/* Call fn(w, pn) for every mapped page below USTACKTOP, skipping absent tables whole. */
static int for_each_user_page(int (*fn)(const struct forkwalk *, uint64_t), const struct forkwalk *w)
{
	int r;
	for (uint64_t g = 0; g <= GDNUM(USTACKTOP - 1); g++) {
		if (!(uvpgd[g] & PTE_V))
			continue;
		uint64_t dend = MIN((g + 1) * NPTENTRIES, PDNUM(USTACKTOP - 1) + 1);
		for (uint64_t d = g * NPTENTRIES; d < dend; d++) {
			if (!(uvpd[d] & PTE_V))
				continue;
			uint64_t pn = d * NPTENTRIES, pend = MIN((d + 1) * NPTENTRIES, PGNUM(USTACKTOP));
			for (; pn < pend; pn++) {
				/* most entries are empty: skip them eight at a time */
				while (pn + 8 <= pend && !(uvpt[pn] | uvpt[pn + 1] | uvpt[pn + 2] | uvpt[pn + 3] |
							  uvpt[pn + 4] | uvpt[pn + 5] | uvpt[pn + 6] | uvpt[pn + 7]))
					pn += 8;
				if (pn < pend && (uvpt[pn] & PTE_V) && (r = fn(w, pn)) < 0)
					return r;
			}
		}
	}
	return 0;
}

/*
 * The child's exception stack and upcall, then let it run. Forked inside a
 * fault handler, the child resumes on its exception stack (in fork, below
 * the handler's frames): it gets a copy of ours, taken now that fork's
 * frame is final, and returns from the handler as we do.
 */
static int start_child(const struct forkwalk *w)
{
	int r;
	if (w->on_xstack)
		r = copypage(w->child, UXSTACKTOP - PGSIZE, PERM_RW);
	else
		r = sys_page_alloc(w->child, (void *)(UXSTACKTOP - PGSIZE), PERM_RW);
	if (r < 0 || (r = sys_env_set_pgfault_upcall(w->child, _pgfault_upcall)) < 0 ||
	    (r = sys_env_set_status(w->child, ENV_RUNNABLE)) < 0)
		return r;
	return 0;
}

/*
 * The stack pages the parent writes while forking and on its way out of
 * fork, made writable and its own now, while fork can still fail cleanly:
 * from FORK_STACK_USE below sp (or, on the exception stack, from the sp
 * of the code the handler interrupted) up to USTACKTOP. Copy-on-write ones
 * get copied or upgraded, and unmapped ones below sp in a stack or
 * demand-zero region are mapped. duppage then gives the child copies, so
 * once fork has succeeded the parent needs no page to return from it.
 */
static int own_stack(struct forkwalk *w, uint64_t sp)
{
	uint64_t lo;
	int r = 0;
	w->on_xstack = sp - (UXSTACKTOP - PGSIZE) < PGSIZE;
	if (w->on_xstack)
		sp = ((const struct UTrapframe *)(UXSTACKTOP - UTF_SIZE))->utf_regs.sp;
	lo = ROUNDDOWN(sp - (w->on_xstack ? 0 : FORK_STACK_USE), PGSIZE);
	w->stack_lo = USTACKTOP;	/* sp not on the stack: no stack pages to keep */
	if (lo < UREGIONS + PGSIZE || lo >= USTACKTOP)
		return 0;
	w->stack_lo = lo;
	for (uint64_t va = lo; va < USTACKTOP && r == 0; va += PGSIZE) {
		pte_t pte = uvpt_lookup(va);
		if (pte & PTE_COW)
			r = make_writable(va, pte);
		else if (!(pte & PTE_V) && va < sp)
			r = region_prefault(va);
	}
	return r;
}

/* On failure: destroy the half-built child (which gives back its pages) and pass the error on. */
static envid_t fork_failed(envid_t envid, int r)
{
	sys_env_destroy(envid);
	return r;
}

/* sfork's rule: the library's page and the stack area (UREGIONS up) are private, the rest shared. */
static int sharepage(const struct forkwalk *w, uint64_t pn)
{
	uint64_t va = pn << PGSHIFT;
	int r;
	if (va >= UREGIONS)
		return duppage(w, pn);
	pte_t pte = uvpt[pn];
	if (pte & PTE_COW) {	/* still shared with an earlier fork child: make it ours first */
		if ((r = make_writable(va, pte)) < 0)
			return r;
		pte = uvpt[pn];
	}
	return sys_page_map(0, (void *)va, w->child, (void *)va, pte & PTE_SYSCALL);
}

/* fork (share false) and sfork (share true). Not inlined: FORK_STACK_USE is measured from its frame. */
static envid_t __attribute__((noinline)) fork_or_sfork(bool share)
{
	int r;
	struct forkwalk w = { 0 };
	if ((r = pgfault_setup()) < 0 || (r = own_stack(&w, (uint64_t)__builtin_frame_address(0))) < 0)
		return r;
	envid_t envid = sys_exofork();
	if (envid <= 0)
		return envid;	/* 0: we are the child */
	w.child = envid;
	if ((r = for_each_user_page(share ? sharepage : duppage, &w)) < 0 || (r = start_child(&w)) < 0)
		return fork_failed(envid, r);
	return envid;
}

/*
 * Copy-on-write fork. Returns the child's id in the parent, 0 in the child,
 * or a negative error (E_NO_FREE_ENV, E_NO_MEM) with no child left behind
 * and the parent as usable as before. The kernel points the child's tp at
 * its own envs[] slot, so thisenv is right in the child from its first
 * instruction. The child keeps our region table (its own copy) and
 * set_pgfault_handler's handler.
 */
envid_t fork(void)
{
	return fork_or_sfork(false);
}

/*
 * Shared-memory fork: parent and child share every page writable except
 * the stack area and the region table's page (from UREGIONS up), which are
 * private to each. thisenv lives in tp, which is per environment, so it
 * stays right in both.
 */
envid_t sfork(void)
{
	return fork_or_sfork(true);
}
