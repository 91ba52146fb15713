/*
 * The region kinds the library ships: demand-zero memory, a growable
 * stack with a guard below it, and guard regions. Each is a handler for
 * the region table (lib/pgfault.c); arg holds what the kind needs.
 */
#include <inc/lib.h>

#define PERM_RW	(PTE_V | PTE_U | PTE_R | PTE_W)

/* demand-zero and the stack: a missing page gets a zeroed one; a protection fault is not ours */
static bool zero_fill(struct UTrapframe *utf, const struct region *rg)
{
	int r;
	if (utf->utf_present)
		return false;
	if ((r = sys_page_alloc(0, (void *)ROUNDDOWN(utf->utf_fault_va, PGSIZE), PERM_RW)) < 0)
		pgfault_die(utf, "region '%s': %e", rg->name, r);
	return true;
}

static bool guard(struct UTrapframe *utf, const struct region *rg)
{
	pgfault_die(utf, "guard region '%s'", rg->name);
}

/* arg: the stack's limit in bytes */
static bool stack_overflow(struct UTrapframe *utf, const struct region *rg)
{
	pgfault_die(utf, "stack overflow: sp %lx, past the %lu KiB stack limit", utf->utf_regs.sp, rg->arg / 1024);
}

/* Pages of [start, start+size) are mapped zero-filled (read-write) when first touched. */
int region_zero(uint64_t start, uint64_t size, const char *name)
{
	return region_add(start, start + size, zero_fill, name, 0);
}

/* Any access to [start, start+size) ends the environment with a line naming the region. */
int region_guard(uint64_t start, uint64_t size, const char *name)
{
	return region_add(start, start + size, guard, name, 0);
}

/*
 * The stack grows on demand from USTACKTOP down to USTACKTOP - limit;
 * everything below that, down to the library's page, is a guard whose
 * fault says "stack overflow".
 */
int region_stack(uint64_t limit)
{
	int r;
	if (limit % PGSIZE || limit == 0 || limit > STACK_LIMIT_MAX)
		return -E_INVAL;
	if ((r = region_add(USTACKTOP - limit, USTACKTOP, zero_fill, "stack", limit)) < 0)
		return r;
	if ((r = region_add(UREGIONS + PGSIZE, USTACKTOP - limit, stack_overflow, "stack guard", limit)) < 0)
		region_remove(USTACKTOP - limit);
	return r;
}

/*
 * If a zero-filling region (demand-zero, the stack) holds the unmapped page
 * va, map it now: fork does this for the stack pages it is about to write,
 * so that it can return E_NO_MEM instead of dying in a fault. 0 if mapped
 * (or not such a region's), or the error.
 */
int region_prefault(uint64_t va)
{
	const struct region *rg = region_find(va);
	if (!rg || rg->handler != zero_fill || (uvpt_lookup(va) & PTE_V))
		return 0;
	return sys_page_alloc(0, (void *)ROUNDDOWN(va, PGSIZE), PERM_RW);
}
