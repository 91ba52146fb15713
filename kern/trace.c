/*
 * +trace: the event lines (format in kern/trace.h and README "Trace lines").
 * Stamps are instret minus the instructions the tracing itself executed
 * (per hart), so the counts between two events are what an untraced run
 * executes. The trap entry stamp comes from uservec_traced
 * (kern/trapentry.S), which stvec points at only under +trace.
 */
#include <kern/trace.h>
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <inc/riscv.h>
#include <inc/stdarg.h>
#include <inc/stdio.h>
#include <inc/string.h>
#include <inc/syscall.h>

/* From the rdinstret in lib/pfentry.S to the faulting instruction: it, the store, 31 loads, jr gp. */
#define UPCALL_RESTORE_INSNS	34
/* Upcalls delivered and not yet seen returning, all environments together (more get no resume line). */
#define PENDING_MAX	64

/*
 * Instructions a traced run executes that an untraced one does not, and
 * which the stamps leave out: uservec_traced (STUB_BEFORE of them before
 * its rdinstret, STUB_INSNS in all) and, per hook, the call and the
 * wrapper's own instructions outside its two instret reads (HOOK_BEFORE/AFTER,
 * counted from the disassembly; grade.sh trace_counts checks that a traced
 * copy-on-write fault costs what make bench measures untraced).
 */
#define STUB_BEFORE	2
#define STUB_INSNS	12
#define HOOK_BEFORE	10	/* the call and the wrapper's prologue */
#define HOOK_AFTER	18	/* the wrapper's epilogue */
/* page_fault_trap (kern/trap.c) tail-calls trace_pgfault: a jump and its prologue before, its epilogue after
   (whose ret stands for page_fault_trap's own). */
#define PGFAULT_BEFORE	7
#define PGFAULT_AFTER	14
/* syscall_done (kern/trap.c), which only +trace calls after every call, adds to both. */
#define SYSCALL_BEFORE	22
#define SYSCALL_AFTER	29

static uint64_t trace_cost[NCPU];	/* instructions spent tracing, per hart */
static uint64_t last_entry[NCPU];	/* raw stamp of the last trap accounted */
static uint64_t entry_stamp[NCPU];	/* that trap's entry, as a stamp */
static uint64_t cost_at_entry[NCPU];	/* trace_cost before that trap */
static envid_t last_run[NCPU];		/* environment this hart ran last */
static struct pending {			/* an upcall delivered and not yet seen returning */
	envid_t env;			/* 0: a free slot */
	uint32_t depth;
	uint64_t frame, delivered, epc;
} pending[PENDING_MAX];

static uint64_t stamp(uint64_t raw)
{
	return raw - trace_cost[mycpu()->id];
}

/* Every trap reaches some hook: the first one after it takes the entry stub out of the stamps. */
static void account_trap(void)
{
	struct cpu *c = mycpu();
	if (c->trace_entry != last_entry[c->id]) {
		last_entry[c->id] = c->trace_entry;
		cost_at_entry[c->id] = trace_cost[c->id];
		entry_stamp[c->id] = c->trace_entry - trace_cost[c->id] - STUB_BEFORE;
		trace_cost[c->id] += STUB_INSNS;
	}
}

static void hook_done(uint64_t start, uint64_t after)
{
	trace_cost[mycpu()->id] += csr_read(instret) - start + after;
}

/* Each hook: read instret, account the trap, print (body), count all of it as tracing. */
#define HOOK(body, before, after) do { \
		uint64_t now_ = csr_read(instret); \
		account_trap(); \
		trace_cost[mycpu()->id] += before; \
		body; \
		hook_done(now_, after); \
	} while (0)

/* One line: "trace: STAMP hHART EVENT ...", built whole so that harts do not interleave. */
static void vline(uint64_t stamp, const char *fmt, va_list ap)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "trace: %lu h%d ", stamp, mycpu()->id);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	cprintf("%s\n", buf);
}

/* A line for now (a raw instret read in this hook). */
static void __attribute__((format(printf, 2, 3))) line(uint64_t now, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(stamp(now), fmt, ap);
	va_end(ap);
}

/* A line for a raw instret read in user mode before the trap this hook follows. */
static void __attribute__((format(printf, 2, 3))) line_before_trap(uint64_t raw, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(raw - cost_at_entry[mycpu()->id], fmt, ap);
	va_end(ap);
}

const char *trace_perm(uint64_t perm, char *buf)
{
	static const struct { uint64_t bit; const char *name; } extra[] = {
		{ PTE_COW, "+COW" }, { PTE_SHARE, "+SHARE" }, { PTE_G, "+G" }, { PTE_A, "+A" }, { PTE_D, "+D" },
	};
	buf[0] = perm & PTE_R ? 'R' : '-';
	buf[1] = perm & PTE_W ? 'W' : '-';
	buf[2] = perm & PTE_X ? 'X' : '-';
	buf[3] = perm & PTE_U ? 'U' : '-';
	buf[4] = '\0';
	int n = 4;
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		if (perm & extra[i].bit)
			n += snprintf(buf + n, TRACE_PERM_LEN - n, "%s", extra[i].name);
	if (!(perm & PTE_V))
		n += snprintf(buf + n, TRACE_PERM_LEN - n, "+noV");
	uint64_t known = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A | PTE_D | PTE_COW | PTE_SHARE;
	if (perm & ~known)
		snprintf(buf + n, TRACE_PERM_LEN - n, "+0x%lx", perm & ~known);
	return buf;
}

const char *trace_errname(int64_t err)
{
	static const char *const names[] = {
		[E_UNSPECIFIED] = "E_UNSPECIFIED", [E_BAD_ENV] = "E_BAD_ENV", [E_INVAL] = "E_INVAL",
		[E_NO_MEM] = "E_NO_MEM", [E_NO_FREE_ENV] = "E_NO_FREE_ENV", [E_FAULT] = "E_FAULT",
		[E_IPC_NOT_RECV] = "E_IPC_NOT_RECV", [E_EOF] = "E_EOF", [E_NO_SYS] = "E_NO_SYS",
	};
	if (err < 0 && -err < MAXERROR)
		return names[-err];
	return "E_?";
}

/* Every call's name, from the one list (inc/syscall.h). */
#define SYSCALL_NAME(name, ...)	[SYS_##name] = #name,
static const char *const call_names[NSYSCALLS] = { SYSCALLS(SYSCALL_NAME) };

/*
 * What each call's arguments are, in order (a0, a1, ...), and its result:
 * e env id, v address, p permissions, s env status, x hex, d decimal;
 * the result is r (0, a count or an error), e (an env id or an error) or d.
 * A call missing here prints its five argument registers in hex.
 */
static const struct { const char *args, *argkinds, ret; } calls[NSYSCALLS] = {
	[SYS_cputs] = { "s len", "vd", 'r' },
	[SYS_cgetc] = { "", "", 'd' },
	[SYS_getenvid] = { "", "", 'e' },
	[SYS_env_destroy] = { "target", "e", 'r' },
	[SYS_yield] = { "", "", 'r' },
	[SYS_exofork] = { "", "", 'e' },
	[SYS_env_set_status] = { "target status", "es", 'r' },
	[SYS_page_alloc] = { "target va perm", "evp", 'r' },
	[SYS_page_map] = { "src srcva dst dstva perm", "evevp", 'r' },
	[SYS_page_unmap] = { "target va", "ev", 'r' },
	[SYS_env_set_pgfault_upcall] = { "target upcall", "ev", 'r' },
	[SYS_ipc_try_send] = { "to value srcva perm", "exvp", 'r' },
	[SYS_ipc_recv] = { "dstva", "v", 'r' },
	[SYS_env_set_trapframe] = { "target tf", "ev", 'r' },
};

static int fmt_arg(char *buf, int size, char kind, uint64_t v)
{
	char perm[TRACE_PERM_LEN];
	static const char *const status[] = { [ENV_FREE] = "FREE", [ENV_RUNNABLE] = "RUNNABLE", [ENV_RUNNING] = "RUNNING",
					      [ENV_NOT_RUNNABLE] = "NOT_RUNNABLE" };
	switch (kind) {
	case 'e':
		return snprintf(buf, size, "%08x", (uint32_t)v);
	case 'p':
		return snprintf(buf, size, "%s", trace_perm(v, perm));
	case 's':
		return v < ARRAY_SIZE(status) ? snprintf(buf, size, "%s", status[v]) : snprintf(buf, size, "%lu", v);
	case 'd':
		return snprintf(buf, size, "%ld", (int64_t)v);
	default:
		return snprintf(buf, size, "0x%lx", v);
	}
}

static int fmt_ret(char *buf, int size, char kind, int64_t r)
{
	if (r < 0 && kind != 'd')
		return snprintf(buf, size, "%s", trace_errname(r));
	if (kind == 'e')
		return snprintf(buf, size, "%08x", (uint32_t)r);
	return snprintf(buf, size, "%ld", r);
}

/* The PTE of e's exception stack page, or NULL. */
static pte_t *xstack_pte(const struct Env *e)
{
	return pgdir_walk((struct Env *)e, UXSTACKTOP - PGSIZE, false);
}

/* The slot for e's frame at depth, or a free one (NULL if none is left). */
static struct pending *pending_slot(envid_t env, uint32_t depth)
{
	struct pending *free = NULL;
	for (int i = 0; i < PENDING_MAX; i++) {
		if (pending[i].env == env && pending[i].depth == depth)
			return &pending[i];
		if (!pending[i].env && !free)
			free = &pending[i];
	}
	return free;
}

static void pending_forget(envid_t env)
{
	for (int i = 0; i < PENDING_MAX; i++)
		if (pending[i].env == env)
			pending[i].env = 0;
}

/*
 * The upcall (lib/pfentry.S) stores instret in its frame's gp slot once
 * the handler has returned, just before it restores the registers and
 * jumps back. At the environment's next trap, a frame whose record is
 * newer than its delivery has been returned from: one resume line each,
 * innermost first, stamped when the faulting instruction ran again.
 */
static void check_resumes(const struct Env *e)
{
	pte_t *xpte = xstack_pte(e);
	if (!xpte || !(*xpte & PTE_V))
		return;
	for (;;) {
		struct pending *p = NULL;
		uint64_t record = 0;
		for (int i = 0; i < PENDING_MAX; i++) {
			struct pending *q = &pending[i];
			if (q->env != e->env_id || (p && q->depth < p->depth))
				continue;
			const struct UTrapframe *utf =
				(const struct UTrapframe *)((char *)KADDR(PTE_ADDR(*xpte)) + PGOFF(q->frame));
			if (utf->utf_regs.gp > q->delivered && utf->utf_regs.gp < csr_read(instret))
				p = q, record = utf->utf_regs.gp;
		}
		if (!p)
			return;
		line_before_trap(record + UPCALL_RESTORE_INSNS, "resume env=%08x depth=%u ip=0x%lx frame=0x%lx",
				 e->env_id, p->depth, p->epc, p->frame);
		p->env = 0;
	}
}

static void __attribute__((noinline)) env_new_line(const struct Env *e, uint64_t now)
{
	static bool layout_said;
	if (!layout_said) {	/* once: the addresses tools/trace.py names */
		line(now, "layout UTEXT=0x%lx UTEMP=0x%lx PFTEMP=0x%lx USTACKTOP=0x%lx UXSTACKTOP=0x%lx UTOP=0x%lx "
		     "UENVS=0x%lx UPAGES=0x%lx UVPT=0x%lx ULIM=0x%lx", (uint64_t)UTEXT, (uint64_t)UTEMP, (uint64_t)PFTEMP,
		     (uint64_t)USTACKTOP, (uint64_t)UXSTACKTOP, (uint64_t)UTOP, (uint64_t)UENVS, (uint64_t)UPAGES,
		     (uint64_t)UVPT, (uint64_t)ULIM);
		layout_said = true;
	}
	line(now, "new env=%08x parent=%08x name=%s", e->env_id, e->env_parent_id, e->env_name);
}

void trace_env_new(const struct Env *e)
{
	HOOK(env_new_line(e, now_), HOOK_BEFORE, HOOK_AFTER);
}

static void __attribute__((noinline)) env_free_line(const struct Env *e, uint64_t now)
{
	struct Env *cur = curenv;
	if (e == cur)
		check_resumes(e);
	pending_forget(e->env_id);
	line(now, "free env=%08x by=%08x", e->env_id, cur ? cur->env_id : 0);
}

void trace_env_free(const struct Env *e)
{
	HOOK(env_free_line(e, now_), HOOK_BEFORE, HOOK_AFTER);
}

/* Why the environment this hart ran last stopped running, as the scheduler left it. */
static const char *why_stopped(envid_t id, bool *recv)
{
	const struct Env *prev = &envs[ENVX(id)];
	*recv = false;
	if (!id)
		return "start";
	if (prev->env_id != id || prev->env_status == ENV_FREE)
		return "exit";
	if (prev->env_status == ENV_NOT_RUNNABLE) {
		*recv = prev->env_ipc_recving;
		return "block";
	}
	return (prev->env_tf.tf_cause & SCAUSE_INTR) ? "preempt" : "yield";
}

static void __attribute__((noinline)) run_line(const struct Env *e, uint64_t now)
{
	int id = mycpu()->id;
	envid_t prev = last_run[id];
	bool recv;
	const char *why = why_stopped(prev, &recv);
	if (prev && envs[ENVX(prev)].env_id == prev && envs[ENVX(prev)].env_status != ENV_FREE)
		check_resumes(&envs[ENVX(prev)]);
	line(now, "run env=%08x name=%s ip=0x%lx prev=%08x why=%s%s", e->env_id, e->env_name, e->env_tf.tf_epc, prev, why,
	     recv ? " on=ipc_recv" : "");
	last_run[id] = e->env_id;
}

void trace_run(const struct Env *e)
{
	HOOK(run_line(e, now_), HOOK_BEFORE, HOOK_AFTER);
}

static void __attribute__((noinline)) pgfault_line(const struct Env *e, const struct Trapframe *tf, uint64_t now)
{
	const struct UTrapframe *utf = NULL;
	uint64_t frame = tf->tf_regs.sp;
	pte_t *xpte = xstack_pte(e);
	check_resumes(e);
	if (xpte && (*xpte & PTE_V))
		utf = (const struct UTrapframe *)((char *)KADDR(PTE_ADDR(*xpte)) + PGOFF(frame));
	if (!utf)
		return;
	const char *cause = utf->utf_cause == FAULT_STORE ? "store" : utf->utf_cause == FAULT_LOAD ? "load" : "exec";
	line(now,
	     "pgfault env=%08x va=0x%lx cause=%s present=%lu depth=%lu ip=0x%lx frame=0x%lx handler=0x%lx entry=%lu",
	     e->env_id, utf->utf_fault_va, cause, utf->utf_present, utf->utf_depth, utf->utf_epc, frame,
	     tf->tf_epc, entry_stamp[mycpu()->id]);
	struct pending *p = pending_slot(e->env_id, utf->utf_depth);
	if (p)
		*p = (struct pending){ e->env_id, utf->utf_depth, frame, mycpu()->trace_entry, utf->utf_epc };
}

void trace_pgfault(void)
{
	HOOK(pgfault_line(curenv, &curenv->env_tf, now_), PGFAULT_BEFORE, PGFAULT_AFTER);
}

/* After a call that returned (yield, a blocking ipc_recv and exit show as run and free lines). */
static void __attribute__((noinline)) syscall_line(const struct Trapframe *tf, uint64_t a0, int64_t ret, uint64_t now)
{
	const struct PushRegs *r = &tf->tf_regs;
	struct Env *e = curenv;
	uint64_t num = r->a7, entry = entry_stamp[mycpu()->id];
	uint64_t args[5] = { a0, r->a1, r->a2, r->a3, r->a4 };
	char buf[200];
	int n = 0;

	check_resumes(e);
	if (num == SYS_exofork && ret > 0)
		env_new_line(&envs[ENVX(ret)], now);
	if (num >= NSYSCALLS || !call_names[num]) {
		line(now, "syscall env=%08x num=%lu ip=0x%lx entry=%lu ret=%s", e->env_id, num, tf->tf_epc - 4,
		     entry, trace_errname(ret));
		return;
	}
	const char *names = calls[num].args ? calls[num].args : "a0 a1 a2 a3 a4";
	const char *kinds = calls[num].argkinds ? calls[num].argkinds : "xxxxx";
	for (int i = 0; kinds[i] && n < (int)sizeof(buf); i++) {
		const char *end = strchr(names, ' ');
		int len = end ? end - names : (int)strlen(names);
		n += snprintf(buf + n, sizeof(buf) - n, " %.*s=", len, names);
		n += fmt_arg(buf + n, sizeof(buf) - n, kinds[i], args[i]);
		names += len + (end ? 1 : 0);
	}
	if (n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, " ret=");
	if (n < (int)sizeof(buf))
		fmt_ret(buf + n, sizeof(buf) - n, calls[num].ret ? calls[num].ret : 'r', ret);
	line(now, "%s env=%08x ip=0x%lx ra=0x%lx entry=%lu%s", call_names[num], e->env_id, tf->tf_epc - 4, r->ra,
	     entry, buf);
	if (num == SYS_ipc_try_send && ret == 0) {	/* the message is delivered now; the receiver runs later */
		const struct Env *to = &envs[ENVX(args[0])];
		char perm[TRACE_PERM_LEN];
		line(now, "ipc_recv env=%08x from=%08x value=0x%lx perm=%s", to->env_id, e->env_id, to->env_ipc_value,
		     to->env_ipc_perm ? trace_perm(to->env_ipc_perm, perm) : "none");
	}
}

void trace_syscall(const struct Trapframe *tf, uint64_t a0, int64_t ret)
{
	HOOK(syscall_line(tf, a0, ret, now_), SYSCALL_BEFORE, SYSCALL_AFTER);
}
