/*
 * fork() in user space, with copy-on-write. The kernel only offers
 * exofork and the page calls; this library decides which pages are
 * shared, copied or marked copy-on-write, and copies a page when a write
 * faults on it.
 */
#include <inc/lib.h>

extern void _pgfault_upcall(void);

#define PERM_RW		(PTE_V | PTE_U | PTE_R | PTE_W)

/* Give this environment a private writable copy of the page at va (page-aligned). */
static void copy_page_private(uint64_t va, const char *who)
{
	int r;
	if ((r = sys_page_alloc(0, (void *)PFTEMP, PERM_RW)) < 0)
		panic("%s: allocating a copy of %lx: %e", who, va, r);
	memcpy((void *)PFTEMP, (void *)va, PGSIZE);
	if ((r = sys_page_map(0, (void *)PFTEMP, 0, (void *)va, PERM_RW)) < 0)
		panic("%s: mapping the copy at %lx: %e", who, va, r);
	if ((r = sys_page_unmap(0, (void *)PFTEMP)) < 0)
		panic("%s: unmapping PFTEMP: %e", who, r);
}

/* The page-fault handler fork installs: a write to a copy-on-write page gets its own copy. */
static void pgfault(struct UTrapframe *utf)
{
	uint64_t va = utf->utf_fault_va;
	pte_t pte = uvpt_lookup(va);

	if (utf->utf_cause != FAULT_STORE || !(pte & PTE_COW))
		panic("pgfault: not a write to a copy-on-write page: va %lx, %s fault at pc %lx, pte %lx",
		      va, utf->utf_cause == FAULT_STORE ? "store" : utf->utf_cause == FAULT_LOAD ? "load" : "exec",
		      utf->utf_epc, pte);
	va = ROUNDDOWN(va, PGSIZE);
	/* Nobody else holds the page (the other side exited): make it writable, no copy.
	   The kernel re-checks the count and refuses if it changed; then we copy. */
	if (pages[PGNUM(PTE_ADDR(pte))].pp_ref == 1 &&
	    sys_page_map(0, (void *)va, 0, (void *)va, PERM_RW) == 0)
		return;
	copy_page_private(va, "pgfault");
}

/*
 * What a page walk needs to know. Kept on the stack, not in globals: after
 * sfork, globals are shared with environments that may be forking too.
 */
struct forkwalk {
	envid_t child;
	uint64_t active_stack_page;	/* fork's own frame: copied at once, not copy-on-write */
	uint64_t stack_bottom;		/* sfork: from here to USTACKTOP is the (copy-on-write) stack */
};

/*
 * Give the child its own copy of the page at va now. The child only
 * returns from fork, through registers fork's prologue saved in this
 * frame before sys_exofork and never changes, so copying at the end of
 * fork gives it the stack it needs.
 */
static int copypage(envid_t envid, void *va)
{
	int r;
	if ((r = sys_page_alloc(envid, va, PERM_RW)) < 0 ||
	    (r = sys_page_map(envid, va, 0, (void *)PFTEMP, PERM_RW)) < 0)
		return r;
	memcpy((void *)PFTEMP, va, PGSIZE);
	return sys_page_unmap(0, (void *)PFTEMP);
}

/*
 * Map page number pn into the child envid:
 *  - PTE_SHARE pages stay shared, with the same permissions;
 *  - read-only pages are shared read-only;
 *  - writable and copy-on-write pages become copy-on-write in both, except
 *    the page fork is running on: the parent writes it at once, so marking
 *    it copy-on-write would only buy a fault; the child gets a copy now.
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
	if ((uint64_t)va == w->active_stack_page && (pte & PTE_W))
		return copypage(envid, va);

	perm = (perm & ~PTE_W) | PTE_COW;
	/*
	 * The child first, then ourselves. The other order is wrong: once our
	 * page is copy-on-write, our next write to it (this very stack page,
	 * say) gives us a fresh writable copy, and mapping "va" into the child
	 * would then hand it that copy while we keep writing to it.
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

/* The child's exception stack and upcall, then let it run. */
static int start_child(envid_t envid)
{
	int r;
	if ((r = sys_page_alloc(envid, (void *)(UXSTACKTOP - PGSIZE), PERM_RW)) < 0 ||
	    (r = sys_env_set_pgfault_upcall(envid, _pgfault_upcall)) < 0 ||
	    (r = sys_env_set_status(envid, ENV_RUNNABLE)) < 0)
		return r;
	return 0;
}

/* On failure: destroy the half-built child (which gives back its pages) and pass the error on. */
static envid_t fork_failed(envid_t envid, int r)
{
	sys_env_destroy(envid);
	return r;
}

/*
 * Copy-on-write fork. Returns the child's id in the parent, 0 in the child,
 * or a negative error (E_NO_FREE_ENV, E_NO_MEM) with no child left behind.
 * The kernel points the child's tp at its own envs[] slot, so thisenv is
 * right in the child from its first instruction.
 */
envid_t fork(void)
{
	int r;
	struct forkwalk w = {
		.active_stack_page = ROUNDDOWN((uint64_t)__builtin_frame_address(0) - 1, PGSIZE),
	};
	set_pgfault_handler(pgfault);
	envid_t envid = sys_exofork();
	if (envid <= 0)
		return envid;	/* 0: we are the child */
	w.child = envid;
	if ((r = for_each_user_page(duppage, &w)) < 0 || (r = start_child(envid)) < 0)
		return fork_failed(envid, r);
	return envid;
}

/* sfork's rule: the stack (the mapped pages just below USTACKTOP) is copy-on-write, all else shared. */
static int sharepage(const struct forkwalk *w, uint64_t pn)
{
	uint64_t va = pn << PGSHIFT;
	if (va >= w->stack_bottom)
		return duppage(w, pn);
	pte_t pte = uvpt[pn];
	if (pte & PTE_COW) {	/* still shared with an earlier fork child: make it ours first */
		copy_page_private(va, "sfork");
		pte = uvpt[pn];
	}
	return sys_page_map(0, (void *)va, w->child, (void *)va, pte & PTE_SYSCALL);
}

/*
 * Shared-memory fork: parent and child share every page writable except
 * the stack, which is copy-on-write. thisenv lives in tp, which is per
 * environment, so it stays right in both.
 */
envid_t sfork(void)
{
	int r;
	struct forkwalk w = { .stack_bottom = USTACKTOP };	/* no active page: all of the stack is copy-on-write */
	set_pgfault_handler(pgfault);
	while (w.stack_bottom > (uint64_t)PFTEMP + PGSIZE && (uvpt_lookup(w.stack_bottom - PGSIZE) & PTE_V))
		w.stack_bottom -= PGSIZE;

	envid_t envid = sys_exofork();
	if (envid <= 0)
		return envid;
	w.child = envid;
	if ((r = for_each_user_page(sharepage, &w)) < 0 || (r = start_child(envid)) < 0)
		return fork_failed(envid, r);
	return envid;
}
