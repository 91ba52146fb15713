/*
 * System calls. Every argument is checked; a bad one gets a negative E_*
 * code and changes nothing. The exokernel part (exofork and the page calls)
 * follows JOS: a caller may act on itself and its immediate children.
 */
#include <kern/trap.h>
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <kern/console.h>
#include <inc/syscall.h>
#include <inc/error.h>
#include <inc/string.h>

/* An env id argument must fit in an envid_t; anything else becomes an id no env has. */
static envid_t envid_arg(uint64_t v)
{
	return (uint64_t)(int64_t)(envid_t)v == v ? (envid_t)v : -1;
}

/*
 * Print the first MIN(len, CPUTS_MAX) bytes of [s, s+len) of the caller's
 * memory and return how many: one call never holds the CPU for long (the
 * library loops). A range that wraps or reaches past ULIM, or a bad pointer
 * among the bytes printed, destroys the caller.
 */
static int sys_cputs(uint64_t s, size_t len)
{
	bool past_ulim = len > 0 && (s + len < s || s + len > ULIM);
	len = MIN(len, CPUTS_MAX);
	user_mem_assert(curenv, s, len, PTE_R);
	if (past_ulim)	/* no walk to ULIM: name the first byte surely out of reach (always fails) */
		user_mem_assert(curenv, MAX(s, ULIM), 1, PTE_R);
	cons_user_line(curenv->env_id);
	for (size_t left = len; left > 0;) {	/* through the direct map, page by page */
		pte_t *pte = pgdir_walk(curenv, s, false);
		size_t n = MIN(left, PGSIZE - PGOFF(s));
		const char *p = (const char *)KADDR(PTE_ADDR(*pte)) + PGOFF(s);
		for (size_t i = 0; i < n; i++)
			cons_putc_user(p[i]);
		s += n, left -= n;
	}
	return len;
}

static int sys_cgetc(void)
{
	return cons_getc();
}

static envid_t sys_getenvid(void)
{
	return curenv->env_id;
}

static int sys_env_destroy(envid_t envid)
{
	struct Env *e;
	int r = envid2env(envid, &e, true);
	if (r < 0)
		return r;
	if (e == curenv)
		cprintf("[%08x] exiting gracefully\n", curenv->env_id);
	else
		cprintf("[%08x] destroying %08x\n", curenv->env_id, e->env_id);
	env_destroy(e);
	return 0;
}

static _Noreturn int sys_yield(void)
{
	curenv->env_tf.tf_regs.a0 = 0;
	sched_yield();
}

/* A child with the caller's registers (returning 0 in it) and an empty address space. */
static envid_t sys_exofork(void)
{
	struct Env *e;
	int r = env_alloc(&e, curenv->env_id);
	if (r < 0)
		return r;
	e->env_status = ENV_NOT_RUNNABLE;
	e->env_tf = curenv->env_tf;
	e->env_tf.tf_regs.a0 = 0;
	env_fix_thisenv(e);
	strlcpy(e->env_name, curenv->env_name, sizeof(e->env_name));
	return e->env_id;
}

static int sys_env_set_status(envid_t envid, uint64_t status)
{
	struct Env *e;
	if (status != ENV_RUNNABLE && status != ENV_NOT_RUNNABLE)
		return -E_INVAL;
	int r = envid2env(envid, &e, true);
	if (r < 0)
		return r;
	if (e->env_ipc_recving)	/* only a message may wake a blocked receiver */
		return -E_INVAL;
	if (env_loaded_elsewhere(e)) {	/* running on another hart */
		if (status == ENV_NOT_RUNNABLE) {	/* it stops now, not at the end of its time slice */
			e->env_status = status;
			smp_kick(e->env_cpunum);
		}
		return 0;	/* RUNNABLE: it runs already (never on two harts at once) */
	}
	e->env_status = status;
	return 0;
}

static int sys_env_set_pgfault_upcall(envid_t envid, uint64_t func)
{
	struct Env *e;
	int r = envid2env(envid, &e, true);
	if (r < 0)
		return r;
	e->env_pgfault_upcall = func;
	return 0;
}

/* perm must have V, U and R or X; may have W (only with R), COW and SHARE; nothing else. */
static bool perm_ok(uint64_t perm)
{
	return (perm & (PTE_V | PTE_U)) == (PTE_V | PTE_U) && (perm & (PTE_R | PTE_X)) &&
	       !(perm & ~(uint64_t)PTE_SYSCALL) && !((perm & PTE_W) && !(perm & PTE_R));
}

static bool uva_ok(uint64_t va)
{
	return va < UTOP && va % PGSIZE == 0;
}

static int sys_page_alloc(envid_t envid, uint64_t va, uint64_t perm)
{
	struct Env *e;
	int r = envid2env(envid, &e, true);
	if (r < 0)
		return r;
	if (!uva_ok(va) || !perm_ok(perm))
		return -E_INVAL;
	struct PageInfo *pp = page_alloc(ALLOC_ZERO);
	if (!pp)
		return -E_NO_MEM;
	if ((r = page_insert(e, pp, va, perm)) < 0)
		page_free(pp);
	return r;
}

/*
 * The page src may hand to dst at dstva with perm (page_map and IPC), or
 * NULL if it may not: srcva must be aligned and mapped below UTOP, perm
 * valid, and write is never granted to a page read-only at the source,
 * with one exception: a page may be mapped writable over its own read-only
 * mapping (R without W or X: code never becomes writable) at the same
 * address when that mapping is its only reference, since nobody else can
 * see it (fork's copy-on-write fault on a page the other side has let go). The kernel counts the references itself, so the
 * answer cannot go stale; it never reads the software bits (PTE_COW), which
 * are user space's.
 */
static struct PageInfo *grantable_page(struct Env *src, uint64_t srcva, struct Env *dst, uint64_t dstva,
				       uint64_t perm)
{
	pte_t *pte;
	struct PageInfo *pp;
	if (!uva_ok(srcva) || !perm_ok(perm) || !(pp = page_lookup(src, srcva, &pte)))
		return NULL;
	if ((perm & PTE_W) && !(*pte & PTE_W)) {
		bool sole_mapping_in_place = !(*pte & PTE_X) && src == dst && srcva == dstva && pp->pp_ref == 1;
		if (!sole_mapping_in_place)
			return NULL;
	}
	return pp;
}

static int sys_page_map(envid_t srcenvid, uint64_t srcva, envid_t dstenvid, uint64_t dstva, uint64_t perm)
{
	struct Env *src, *dst;
	struct PageInfo *pp;
	int r;
	if ((r = envid2env(srcenvid, &src, true)) < 0 || (r = envid2env(dstenvid, &dst, true)) < 0)
		return r;
	if (!uva_ok(dstva) || !(pp = grantable_page(src, srcva, dst, dstva, perm)))
		return -E_INVAL;
	return page_insert(dst, pp, dstva, perm);
}

static int sys_page_unmap(envid_t envid, uint64_t va)
{
	struct Env *e;
	int r = envid2env(envid, &e, true);
	if (r < 0)
		return r;
	if (!uva_ok(va))
		return -E_INVAL;
	page_remove(e, va);
	return 0;
}

/*
 * Block until a message arrives (returning only on a bad argument).
 * dstva below UTOP (page-aligned) says the caller will take a page there;
 * at or above UTOP, no page.
 */
static int sys_ipc_recv(uint64_t dstva)
{
	struct Env *e = curenv;
	if (dstva < UTOP && dstva % PGSIZE != 0)
		return -E_INVAL;
	e->env_ipc_recving = true;
	e->env_ipc_dstva = dstva;
	e->env_status = ENV_NOT_RUNNABLE;	/* costs no CPU until a sender wakes it */
	e->env_tf.tf_regs.a0 = 0;
	sched_yield();
}

/*
 * Deliver value (and, if srcva is below UTOP and the receiver asked for a
 * page, the page at srcva with perm) to envid, if it is blocked in
 * sys_ipc_recv. Any environment may send to any other.
 */
static int sys_ipc_try_send(envid_t envid, uint64_t value, uint64_t srcva, uint64_t perm)
{
	struct Env *e;
	int r = envid2env(envid, &e, false);
	if (r < 0)
		return r;
	if (!e->env_ipc_recving)
		return -E_IPC_NOT_RECV;
	int sent_perm = 0;
	if (srcva < UTOP) {
		struct PageInfo *pp = grantable_page(curenv, srcva, e, e->env_ipc_dstva, perm);
		if (!pp)
			return -E_INVAL;
		if (e->env_ipc_dstva < UTOP) {
			if ((r = page_insert(e, pp, e->env_ipc_dstva, perm)) < 0)
				return r;	/* the receiver keeps waiting */
			sent_perm = perm;
		}
	}
	e->env_ipc_recving = false;
	e->env_ipc_from = curenv->env_id;
	e->env_ipc_value = value;
	e->env_ipc_perm = sent_perm;
	e->env_status = ENV_RUNNABLE;
	return 0;
}

/*
 * envid's saved registers and pc become those of the Trapframe at tf in the
 * caller's memory (tf_cause and tf_tval are not taken). Called on the
 * caller itself it does not return: the caller goes on at tf, through
 * env_resume, which reloads every register; the system-call return would
 * reload only the caller-saved ones (kern/trapentry.S) and lose the rest.
 */
static int sys_env_set_trapframe(envid_t envid, uint64_t tf)
{
	struct Env *e;
	struct Trapframe new;
	int r = envid2env(envid, &e, true);
	if (r < 0)
		return r;
	if (env_loaded_elsewhere(e))	/* its registers are in that hart's hands */
		return -E_INVAL;
	if ((r = copy_from_user(curenv, &new, tf, sizeof(new))) < 0)
		return r;
	e->env_tf.tf_regs = new.tf_regs;
	e->env_tf.tf_epc = new.tf_epc;
	if (e == curenv)
		env_resume(e);
	return 0;
}

/*
 * The dispatch table, made from the list in inc/syscall.h: for each call a
 * small entry do_NAME that passes the caller's a0..a4 to sys_NAME as the
 * list says. One function per call, not a switch, so that each saves only
 * the registers it needs (a switch inlines them all into one big frame).
 * +trace reports every call from one place, syscall_done (kern/trap.c).
 */
#define SYSCALL_ENTRY(name, ...)									\
	static int64_t do_##name(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)	\
	{												\
		return sys_##name(__VA_ARGS__);								\
	}
SYSCALLS(SYSCALL_ENTRY)

#define SYSCALL_SLOT(name, ...)	[SYS_##name] = do_##name,
syscall_fn *const syscalls[NSYSCALLS] = { SYSCALLS(SYSCALL_SLOT) };
