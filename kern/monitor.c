/*
 * The kernel monitor, as JOS users know it: entered on a user ebreak
 * (after the register dump) and, with +monitor, instead of powering off.
 * It reads the console by polling the UART; every command checks its
 * arguments, so no input can make the kernel fault.
 */
#include <kern/spinlock.h>
#include <kern/monitor.h>
#include <kern/console.h>
#include <kern/kdebug.h>
#include <kern/trap.h>
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <inc/riscv.h>
#include <inc/string.h>

#define MON_LINE	80	/* longest command line */
#define MON_MAXARGS	16
#define EBREAK		0x00100073
#define C_EBREAK	0x9002

bool monitor_at_halt;
static bool powering_off;	/* poweroff asked for: sched_halt must not come back here */

/* The environment stopped in the monitor (NULL when entered at power-off) and its registers. */
static struct Env *mon_env;
static struct Trapframe *mon_tf;

/*
 * The one temporary c.ebreak that si plants after an instruction: in the
 * environment env, at va, written into the physical page pa, replacing saved.
 */
static struct {
	envid_t env;	/* 0: none planted */
	uint64_t va, pa;
	uint16_t saved;
} step;

/* ---- reading user instructions through the direct map ---- */

/* The 16-bit parcel at user va in e, if va is 2-aligned and mapped V|U|X; the kernel never faults on it. */
static uint16_t *user_parcel(struct Env *e, uint64_t va)
{
	const pte_t need = PTE_V | PTE_U | PTE_X;
	pte_t *pte = va < UTOP && va % 2 == 0 ? pgdir_walk(e, va, false) : NULL;
	if (!pte || (*pte & need) != need)
		return NULL;
	return (uint16_t *)((char *)KADDR(PTE_ADDR(*pte)) + PGOFF(va));
}

/* The instruction at va in e and its length (2 or 4); 0 if it cannot be read or is longer than 4 bytes. */
static int user_insn(struct Env *e, uint64_t va, uint32_t *insn)
{
	uint16_t *lo = user_parcel(e, va), *hi;
	if (!lo)
		return 0;
	if ((*lo & 3) != 3) {
		*insn = *lo;
		return 2;
	}
	if ((*lo & 0x1f) == 0x1f || !(hi = user_parcel(e, va + 2)))	/* 48-bit and longer: no such extension here */
		return 0;
	*insn = *lo | (uint32_t)*hi << 16;
	return 4;
}

/* ---- where the next instruction is ---- */

static uint64_t reg(const struct Trapframe *tf, unsigned n)
{
	return n ? ((const uint64_t *)&tf->tf_regs)[n - 1] : 0;
}

/* Bits hi..lo of x, moved to bit position at. */
static uint64_t field(uint32_t x, int hi, int lo, int at)
{
	return ((x >> lo) & ((1u << (hi - lo + 1)) - 1)) << at;
}

static int64_t sext(uint64_t v, int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static bool branch_taken(unsigned funct3, uint64_t a, uint64_t b)
{
	switch (funct3) {
	case 0: return a == b;
	case 1: return a != b;
	case 4: return (int64_t)a < (int64_t)b;
	case 5: return (int64_t)a >= (int64_t)b;
	case 6: return a < b;
	case 7: return a >= b;
	}
	return false;	/* reserved: the instruction is illegal and will trap */
}

/* The pc after the instruction insn (len bytes) at tf_epc executes, from the registers in tf. */
static uint64_t next_pc(const struct Trapframe *tf, uint32_t insn, int len)
{
	uint64_t pc = tf->tf_epc;
	if (len == 2) {
		unsigned op = insn & 3, f3 = insn >> 13;
		if (op == 1 && f3 == 5)	/* c.j */
			return pc + sext(field(insn, 12, 12, 11) | field(insn, 11, 11, 4) | field(insn, 10, 9, 8) |
					 field(insn, 8, 8, 10) | field(insn, 7, 7, 6) | field(insn, 6, 6, 7) |
					 field(insn, 5, 3, 1) | field(insn, 2, 2, 5), 12);
		if (op == 1 && f3 >= 6) {	/* c.beqz, c.bnez */
			bool zero = reg(tf, 8 + ((insn >> 7) & 7)) == 0;
			if (zero != (f3 == 6))
				return pc + 2;
			return pc + sext(field(insn, 12, 12, 8) | field(insn, 11, 10, 3) | field(insn, 6, 5, 6) |
					 field(insn, 4, 3, 1) | field(insn, 2, 2, 5), 9);
		}
		if (op == 2 && f3 == 4 && ((insn >> 2) & 0x1f) == 0 && ((insn >> 7) & 0x1f) != 0)	/* c.jr, c.jalr */
			return reg(tf, (insn >> 7) & 0x1f) & ~1UL;
		return pc + 2;
	}
	unsigned rs1 = (insn >> 15) & 0x1f, rs2 = (insn >> 20) & 0x1f;
	switch (insn & 0x7f) {
	case 0x6f:	/* jal */
		return pc + sext(field(insn, 31, 31, 20) | field(insn, 30, 21, 1) | field(insn, 20, 20, 11) |
				 field(insn, 19, 12, 12), 21);
	case 0x67:	/* jalr */
		return (reg(tf, rs1) + ((int32_t)insn >> 20)) & ~1UL;
	case 0x63:	/* branches */
		if (!branch_taken((insn >> 12) & 7, reg(tf, rs1), reg(tf, rs2)))
			return pc + 4;
		return pc + sext(field(insn, 31, 31, 12) | field(insn, 30, 25, 5) | field(insn, 11, 8, 1) |
				 field(insn, 7, 7, 11), 13);
	}
	return pc + 4;	/* everything else, ecall included (the kernel resumes after it) */
}

/* ---- the temporary breakpoint ---- */

/* Take the planted c.ebreak out again, if its environment still has that page there. */
static void step_remove(void)
{
	struct Env *e;
	uint16_t *p;
	if (step.env && envid2env(step.env, &e, false) == 0 && (p = user_parcel(e, step.va)) &&
	    ROUNDDOWN(PADDR(p), PGSIZE) == step.pa && *p == C_EBREAK) {
		*p = step.saved;
		fence_i();
	}
	step.env = 0;
}

/* Plant a c.ebreak at va in e, in a page of e's own: a page others map too is copied first. */
static const char *step_plant(struct Env *e, uint64_t va)
{
	pte_t *pte;
	struct PageInfo *pp = page_lookup(e, va, &pte);
	uint16_t *p = user_parcel(e, va);
	if (!p)
		return "is not mapped executable user memory";
	if (*pte & PTE_SHARE)
		return "is in a page shared on purpose (PTE_SHARE): a breakpoint there would stop others";
	if (pp->pp_ref > 1) {
		struct PageInfo *copy = page_alloc(0);
		if (!copy)
			return "needs a private copy of its page: out of memory";
		memcpy(page2kva(copy), page2kva(pp), PGSIZE);
		int perm = *pte & (PTE_R | PTE_W | PTE_X | PTE_U | PTE_COW);
		if (page_insert(e, copy, ROUNDDOWN(va, PGSIZE), perm) < 0) {
			page_free(copy);
			return "needs a private copy of its page: out of memory";
		}
		p = user_parcel(e, va);
	}
	step.env = e->env_id;
	step.va = va;
	step.pa = ROUNDDOWN(PADDR(p), PGSIZE);
	step.saved = *p;
	*p = C_EBREAK;
	fence_i();
	return NULL;
}

/* ---- commands ---- */

static bool need_env(const char *cmd)
{
	if (!mon_env)
		cprintf("%s: no environment is stopped\n", cmd);
	return mon_env != NULL;
}

/* The live environment a hex id names, or NULL with a message. */
static struct Env *env_arg(const char *s)
{
	char *end;
	long id = strtol(s, &end, 16);
	struct Env *e;
	if (*end || strlen(s) > 10 || id <= 0 || id > INT32_MAX || envid2env((envid_t)id, &e, false) < 0) {
		cprintf("no environment '%s' (ids are hex, as 'envs' shows them)\n", s);
		return NULL;
	}
	return e;
}

static int mon_help(int argc, char **argv);

static int mon_kerninfo(int argc, char **argv)
{
	extern char _start[], etext[], edata[], end[];
	const struct { const char *name; char *addr; } syms[] = {
		{ "_start", _start }, { "etext", etext }, { "edata", edata }, { "end", end },
	};
	cprintf("Special kernel symbols:\n");
	for (size_t i = 0; i < ARRAY_SIZE(syms); i++)
		cprintf("  %-6s %016lx (virt)  %016lx (phys)\n", syms[i].name, (uint64_t)syms[i].addr,
			(uint64_t)syms[i].addr - KERNBASE);
	cprintf("Kernel executable memory footprint: %luKB\n", (uint64_t)(end - _start + 1023) / 1024);
	return 0;
}

static int mon_backtrace(int argc, char **argv)
{
	backtrace((uint64_t)__builtin_frame_address(0));
	if (mon_env)
		cprintf("  user environment %08x: ip %08lx ra %08lx sp %08lx\n", mon_env->env_id,
			mon_tf->tf_epc, mon_tf->tf_regs.ra, mon_tf->tf_regs.sp);
	return 0;
}

static int mon_continue(int argc, char **argv)
{
	return need_env(argv[0]) ? -1 : 0;
}

static void report_stop(const struct Env *e, const struct Trapframe *tf)
{
	cprintf("[%08x] single step: ip %08lx\n", e->env_id, tf->tf_epc);
}

/*
 * One instruction: its successor is computed from the registers (branches,
 * jumps, compressed ones included) and a c.ebreak planted there; the next
 * breakpoint trap at that address takes it out and stops again.
 */
static int mon_si(int argc, char **argv)
{
	if (!need_env(argv[0]))
		return 0;
	uint32_t insn;
	uint64_t pc = mon_tf->tf_epc;
	int len = user_insn(mon_env, pc, &insn);
	if (!len) {
		cprintf("si: no instruction the kernel can decode at ip %08lx; not stepped\n", pc);
		return 0;
	}
	if (insn == EBREAK || insn == C_EBREAK) {	/* executing it would only stop here again */
		mon_tf->tf_epc += len;
		report_stop(mon_env, mon_tf);
		return 0;
	}
	uint64_t next = next_pc(mon_tf, insn, len);
	const char *why = next - pc < (uint64_t)len ? "is inside the instruction itself" : step_plant(mon_env, next);
	if (why) {
		cprintf("si: the instruction at ip %08lx goes to %08lx, which %s; not stepped\n", pc, next, why);
		return 0;
	}
	return -1;
}

static const char *status_name(unsigned status)
{
	static const char *const names[] = {
		[ENV_FREE] = "free", [ENV_RUNNABLE] = "runnable",
		[ENV_RUNNING] = "running", [ENV_NOT_RUNNABLE] = "not runnable",
	};
	return status < ARRAY_SIZE(names) && names[status] ? names[status] : "?";
}

static int mon_envs(int argc, char **argv)
{
	cprintf("  id       parent   status        runs pages tables name\n");
	for (int i = 0; i < NENV; i++) {
		struct Env *e = &envs[i];
		if (e->env_status == ENV_FREE)
			continue;
		cprintf("%c %08x %08x %-12s %5u %5u %6u %s\n", e == mon_env ? '*' : ' ', e->env_id,
			e->env_parent_id, status_name(e->env_status), e->env_runs, e->env_npages,
			e->env_nptpages, e->env_name);
	}
	return 0;
}

/* Every page mapped below UTOP in the environment, with its permissions and reference count. */
static int mon_vm(int argc, char **argv)
{
	struct Env *e;
	if (argc != 2) {
		cprintf("usage: vm ENVID\n");
		return 0;
	}
	if (!(e = env_arg(argv[1])))
		return 0;
	unsigned n = 0;
	pte_t *root = e->env_pgdir;
	cprintf("  va         pa               perm       ref\n");
	for (uint64_t g = 0; g < GDNUM(UTOP); g++) {
		if (!(root[g] & PTE_V))
			continue;
		pte_t *l1 = KADDR(PTE_ADDR(root[g]));
		for (uint64_t j = 0; j < NPTENTRIES; j++) {
			if (!(l1[j] & PTE_V))
				continue;
			pte_t *l0 = KADDR(PTE_ADDR(l1[j]));
			for (uint64_t i = 0; i < NPTENTRIES; i++) {
				pte_t pte = l0[i];
				if (!(pte & PTE_V))
					continue;
				n++;
				cprintf("  %010lx %016lx %c%c%c%c%-6s %u\n", g << 30 | j << 21 | i << 12, PTE_ADDR(pte),
					pte & PTE_R ? 'r' : '-', pte & PTE_W ? 'w' : '-', pte & PTE_X ? 'x' : '-',
					pte & PTE_U ? 'u' : '-', pte & PTE_COW ? " cow" : pte & PTE_SHARE ? " share" : "",
					pa2page(PTE_ADDR(pte))->pp_ref);
			}
		}
	}
	cprintf("[%08x] %u pages mapped below UTOP, %u page-table pages\n", e->env_id, n, e->env_nptpages);
	return 0;
}

static int mon_kill(int argc, char **argv)
{
	struct Env *e = mon_env;
	if (argc > 2) {
		cprintf("usage: %s [ENVID]\n", argv[0]);
		return 0;
	}
	if (argc == 2 && !(e = env_arg(argv[1])))
		return 0;
	if (!e)
		return need_env(argv[0]), 0;
	if (e == mon_env)
		mon_env = NULL;
	env_destroy(e);	/* does not return if e is the stopped environment: the next one runs */
	return 0;
}

static int mon_poweroff(int argc, char **argv)
{
	powering_off = true;
	if (!mon_env)
		return -1;	/* entered from sched_halt: it powers off */
	for (int i = 0; i < NENV; i++)
		if (envs[i].env_status != ENV_FREE && &envs[i] != mon_env)
			env_destroy(&envs[i]);
	mon_kill(1, argv);	/* the stopped one last: then sched_halt, which powers off */
	return -1;
}

static const struct command {
	const char *name, *desc;
	int (*func)(int argc, char **argv);
} commands[] = {
	{ "help", "Display this list of commands", mon_help },
	{ "kerninfo", "Display information about the kernel", mon_kerninfo },
	{ "backtrace", "Display the kernel's stack backtrace and the stopped environment's pc", mon_backtrace },
	{ "continue", "Resume the stopped environment (after its ebreak); also 'c'", mon_continue },
	{ "c", NULL, mon_continue },
	{ "si", "Execute one instruction of the stopped environment and stop again", mon_si },
	{ "envs", "List the environments (id, parent, status, runs, pages, tables, name)", mon_envs },
	{ "vm", "vm ENVID: an environment's pages, with permissions and reference counts", mon_vm },
	{ "kill", "kill [ENVID]: destroy an environment (default: the stopped one); also 'exit'", mon_kill },
	{ "exit", NULL, mon_kill },
	{ "poweroff", "Destroy every environment and power off; also 'quit'", mon_poweroff },
	{ "quit", NULL, mon_poweroff },
};

static int mon_help(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].desc)
			cprintf("%s - %s\n", commands[i].name, commands[i].desc);
	return 0;
}

/* ---- the command loop ---- */

/* A line from the console, echoed, with backspace; a line too long is refused whole. */
static char *readline(const char *prompt, char *buf, size_t size)
{
	size_t n = 0;
	bool toolong = false;
	cprintf("%s", prompt);
	for (;;) {
		int c = cons_getc();
		if (c == '\b' || c == 0x7f) {
			if (n > 0) {
				n--;
				cprintf("\b \b");
			}
		} else if (c == '\n') {
			cons_putc('\n');
			buf[n] = '\0';
			if (toolong)
				cprintf("line too long (at most %lu characters): ignored\n", size - 1);
			return toolong ? NULL : buf;
		} else if (c >= ' ' && c < 0x7f) {
			if (n < size - 1) {
				buf[n++] = c;
				cons_putc(c);
			} else {
				toolong = true;
			}
		}
	}
}

/* Run one command line; -1 leaves the monitor. */
static int runcmd(char *line)
{
	char *argv[MON_MAXARGS + 1];
	int argc = 0;
	for (char *p = line; p && *p;) {
		if (*p == ' ' || *p == '\t') {
			*p++ = '\0';
			continue;
		}
		if (argc == MON_MAXARGS) {
			cprintf("Too many arguments (max %d)\n", MON_MAXARGS);
			return 0;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			return commands[i].func(argc, argv);
	cprintf("Unknown command '%s'\n", argv[0]);
	return 0;
}

static void monitor(struct Env *e, struct Trapframe *tf, bool greet)
{
	char buf[MON_LINE];
	if (greet) {
		cprintf("Welcome to the JOS kernel monitor!\n");
		cprintf("Type 'help' for a list of commands.\n");
	}
	mon_env = e;
	mon_tf = tf;
	/*
	 * The kernel lock is held while we wait for the console: no watchdog.
	 * Other harts go on running their environments in user mode and wait
	 * for the lock at their next trap; none runs anything new meanwhile.
	 */
	kernel_lock.long_hold = true;
	while (runcmd(readline("K> ", buf, sizeof(buf))) >= 0)
		;
	kernel_lock.long_hold = false;
	mon_env = NULL;
	mon_tf = NULL;
}

void monitor_breakpoint(struct Env *e, struct Trapframe *tf)
{
	bool stepped = step.env == e->env_id && step.va == tf->tf_epc;
	step_remove();	/* whatever stopped e, no step is pending any more */
	if (stepped) {
		report_stop(e, tf);
		monitor(e, tf, false);
		return;
	}
	uint32_t insn;
	int len = user_insn(e, tf->tf_epc, &insn);
	cprintf("[%08x] breakpoint at ip %08lx\n", e->env_id, tf->tf_epc);
	print_trapframe(tf);
	tf->tf_epc += len ? len : 4;	/* it resumes after the ebreak (c.ebreak: 2 bytes) */
	monitor(e, tf, true);
}

void monitor_halt(void)
{
	if (monitor_at_halt && !powering_off)
		monitor(NULL, NULL, true);
}
