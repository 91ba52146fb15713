/*
 * User-level page-fault handling: the exception stack and the upcall, set
 * up once, and the one dispatcher every fault goes through. In order:
 * a store to a copy-on-write page goes to fork's handler, wherever it is;
 * then each region of the table whose range holds the address, until one
 * says it handled the fault; then set_pgfault_handler's handler; else the
 * environment ends with one line.
 */
#include <inc/lib.h>

extern void _pgfault_upcall(void);	/* lib/pfentry.S */
void (*_pgfault_handler)(struct UTrapframe *utf);
void _cow_fault(struct UTrapframe *utf, pte_t pte);	/* lib/fork.c */

/*
 * The region table, on the library's own page. Not a global: after sfork
 * globals are shared, and each environment must keep its own table (sfork
 * gives the child a copy-on-write copy of this page, as of the stack).
 */
struct region_table {
	uint64_t n;
	struct region r[NREGIONS];
};
_Static_assert(sizeof(struct region_table) <= PGSIZE, "region table fits its page");
#define TABLE	((struct region_table *)UREGIONS)

/* The table, or NULL if this environment has none. Its 2 MiB is the exception stack's, so uvpt's view of it exists. */
static inline struct region_table *region_table(void)
{
	return (uvpt[PGNUM(UREGIONS)] & PTE_V) ? TABLE : NULL;
}

static void unclaimed(struct UTrapframe *utf)
{
	if (!_pgfault_handler)
		pgfault_die(utf, "no handler");
	_pgfault_handler(utf);
}

/* Offer the fault to each region holding its address, in order, until one handles it; then the fallback. */
static void __attribute__((noinline)) region_dispatch(struct UTrapframe *utf)
{
	uint64_t va = utf->utf_fault_va;
	for (const struct region *rg = TABLE->r, *end = rg + TABLE->n; rg < end; rg++)
		if (region_holds(rg, va) && rg->handler(utf, rg))
			return;
	unclaimed(utf);
}

/*
 * Called by _pgfault_upcall for every fault, so kept short: it only tests
 * and tail-calls (its cost: docs/design.md, section 9). No frame pointer,
 * as in bench's fast handler, and so no frame at all.
 */
__attribute__((optimize("omit-frame-pointer"))) void _pgfault_dispatch(struct UTrapframe *utf)
{
	if (utf->utf_cause == FAULT_STORE && utf->utf_present) {
		pte_t pte = uvpt_lookup(utf->utf_fault_va);
		if (pte & PTE_COW) {
			_cow_fault(utf, pte);
			return;
		}
	}
	if (region_table())
		region_dispatch(utf);
	else
		unclaimed(utf);
}

/*
 * End this environment for the fault in utf with one line, in the kernel's
 * format plus why: "[id] user fault va V ip P (store page fault: WHY)".
 */
_Noreturn void pgfault_die(const struct UTrapframe *utf, const char *fmt, ...)
{
	static const char *const kinds[] = { [FAULT_EXEC] = "instruction", [FAULT_LOAD] = "load",
					     [FAULT_STORE] = "store" };
	char why[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	const char *kind = utf->utf_cause < ARRAY_SIZE(kinds) && kinds[utf->utf_cause] ? kinds[utf->utf_cause] : "?";
	cprintf("[%08x] user fault va %08lx ip %08lx (%s page fault: %s)\n", thisenv->env_id,
		utf->utf_fault_va, utf->utf_epc, kind, why);
	sys_env_destroy(0);
	for (;;)
		;
}

/*
 * The exception stack (the page below UXSTACKTOP) and the upcall, if this
 * environment has not got them yet. Returns E_NO_MEM rather than failing:
 * fork calls it.
 */
int pgfault_setup(void)
{
	int r;
	bool have_xstack = uvpt_lookup(UXSTACKTOP - PGSIZE) & PTE_W;
	if (have_xstack && thisenv->env_pgfault_upcall == (uint64_t)_pgfault_upcall)
		return 0;
	if (!have_xstack && (r = sys_page_alloc(0, (void *)(UXSTACKTOP - PGSIZE), PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
		return r;
	return sys_env_set_pgfault_upcall(0, _pgfault_upcall);
}

/*
 * Make handler the C function that gets every page fault no region claims
 * and that is not a copy-on-write fault (JOS's meaning when it is used alone).
 * The first call allocates the exception stack and sets the upcall.
 */
void set_pgfault_handler(void (*handler)(struct UTrapframe *utf))
{
	int r;
	if ((r = pgfault_setup()) < 0)
		panic("set_pgfault_handler: %e", r);
	if (_pgfault_handler != handler)	/* no write (and no copy-on-write fault) when unchanged */
		_pgfault_handler = handler;
}

/* ---- the region table ---- */

/* Consult handler for faults in [start, end), after the regions added before it. */
int region_add(uint64_t start, uint64_t end, region_handler handler, const char *name, uint64_t arg)
{
	int r;
	if (start % PGSIZE || end % PGSIZE || start >= end || end > UTOP || !handler)
		return -E_INVAL;
	if ((r = pgfault_setup()) < 0)
		return r;
	struct region_table *t = region_table();
	if (!t) {
		if ((r = sys_page_alloc(0, (void *)UREGIONS, PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
			return r;
		t = TABLE;
	}
	if (t->n == NREGIONS)
		return -E_NO_MEM;
	t->r[t->n] = (struct region){ start, end, handler, name, arg };
	t->n++;
	return 0;
}

/* Drop the region that starts at start (the first one, if several do). */
int region_remove(uint64_t start)
{
	struct region_table *t = region_table();
	for (uint64_t i = 0; t && i < t->n; i++)
		if (t->r[i].start == start) {
			memmove(&t->r[i], &t->r[i + 1], (t->n - i - 1) * sizeof(t->r[0]));
			t->n--;
			return 0;
		}
	return -E_INVAL;
}

/* The first region that holds va, or NULL. */
const struct region *region_find(uint64_t va)
{
	const struct region_table *t = region_table();
	for (uint64_t i = 0; t && i < t->n; i++)
		if (region_holds(&t->r[i], va))
			return &t->r[i];
	return NULL;
}
