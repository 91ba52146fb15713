/* Environments: allocation, the ELF loader, destruction and running. */
#include <kern/env.h>
#include <kern/pmap.h>
#include <kern/cpu.h>
#include <inc/elf.h>
#include <inc/error.h>
#include <inc/riscv.h>
#include <inc/string.h>
#include <kern/kcheck.h>
#include <kern/trace.h>

struct Env envs[NENV] __attribute__((aligned(PGSIZE)));
static struct Env *env_free_list;

/* Each environment's live children, by slot (-1: none), so a death costs what it leaves behind. */
static int16_t first_child[NENV], next_sibling[NENV], prev_sibling[NENV];

static void link_child(int parent, int c)
{
	prev_sibling[c] = -1;
	next_sibling[c] = first_child[parent];
	if (first_child[parent] >= 0)
		prev_sibling[first_child[parent]] = c;
	first_child[parent] = c;
}

static void unlink_child(int parent, int c)
{
	if (prev_sibling[c] >= 0)
		next_sibling[prev_sibling[c]] = next_sibling[c];
	else
		first_child[parent] = next_sibling[c];
	if (next_sibling[c] >= 0)
		prev_sibling[next_sibling[c]] = prev_sibling[c];
}

/* What thisenv (register tp) holds in the environment: its own slot, as user space sees it. */
static inline uint64_t user_thisenv(const struct Env *e)
{
	return UENVS + (uint64_t)(e - envs) * sizeof(struct Env);
}

void env_init(void)
{
	for (int i = NENV - 1; i >= 0; i--) {	/* envs[0] first, as in JOS */
		envs[i].env_status = ENV_FREE;
		envs[i].env_id = 0;
		envs[i].env_cpunum = -1;	/* loaded nowhere (check_pgdir's environments too) */
		envs[i].env_link = env_free_list;
		env_free_list = &envs[i];
		first_child[i] = -1;
	}
}

/* Take a free Env, with a new id and an empty address space, for a child of parent_id (0: none). */
int env_alloc(struct Env **newenv_store, envid_t parent_id)
{
	struct Env *e = env_free_list;
	if (!e)
		return -E_NO_FREE_ENV;
	int r = pgdir_setup(e);
	if (r < 0)
		return r;

	/* Unsigned: the next generation wraps to 1, never to 0 or a negative id. */
	uint32_t generation = ((uint32_t)e->env_id + ((uint32_t)1 << ENVGENSHIFT)) & ENVGENMASK;
	if (generation == 0)
		generation = (uint32_t)1 << ENVGENSHIFT;
	e->env_id = (envid_t)(generation | (uint32_t)(e - envs));
	e->env_parent_id = parent_id;	/* a live environment (or 0): it forgets its children when it dies */
	if (parent_id)
		link_child(ENVX(parent_id), e - envs);
	e->env_type = ENV_TYPE_USER;
	e->env_status = ENV_RUNNABLE;
	e->env_runs = 0;
	e->env_cpunum = -1;
	e->env_pgfault_upcall = 0;
	e->env_nxframes = 0;
	e->env_ipc_recving = false;
	e->env_name[0] = '\0';

	memset(&e->env_tf, 0, sizeof(e->env_tf));
	e->env_tf.tf_regs.sp = USTACKTOP;
	e->env_tf.tf_regs.tp = user_thisenv(e);

	env_free_list = e->env_link;
	e->env_link = NULL;
	*newenv_store = e;
	cprintf("[%08x] new env %08x\n", curenv ? curenv->env_id : 0, e->env_id);
	return 0;
}

/* The exofork child's tp must name the child, not the parent. */
void env_fix_thisenv(struct Env *e)
{
	e->env_tf.tf_regs.tp = user_thisenv(e);
}

static int segment_perm(uint32_t flags)
{
	int perm = PTE_U;
	if (flags & PF_R)
		perm |= PTE_R;
	if (flags & PF_W)
		perm |= PTE_R | PTE_W;	/* W without R is reserved in Sv39 */
	if (flags & PF_X)
		perm |= PTE_X;
	return perm;
}

/* Map each PT_LOAD segment with the permissions its flags ask for; .bss is left zero. */
static int load_icode(struct Env *e, const uint8_t *binary, size_t size)
{
	const struct Elf *elf = (const struct Elf *)binary;
	if (size < sizeof(*elf) || elf->e_magic != ELF_MAGIC || elf->e_class != ELFCLASS64 ||
	    elf->e_machine != EM_RISCV || elf->e_phentsize != sizeof(struct Proghdr) ||
	    elf->e_phoff > size || elf->e_phnum > (size - elf->e_phoff) / sizeof(struct Proghdr) ||
	    elf->e_entry >= UTOP)
		return -E_INVAL;

	const struct Proghdr *ph = (const struct Proghdr *)(binary + elf->e_phoff);
	for (int i = 0; i < elf->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t va = ph->p_va, memend = va + ph->p_memsz;
		if (ph->p_filesz > ph->p_memsz || memend < va || memend > UTOP || va < PGSIZE ||
		    ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
			return -E_INVAL;
		int perm = segment_perm(ph->p_flags);
		for (uint64_t pg = ROUNDDOWN(va, PGSIZE); pg < memend; pg += PGSIZE) {
			pte_t *pte;
			struct PageInfo *pp = page_lookup(e, pg, &pte);
			if (pp) {	/* a page two segments share gets both permissions */
				pte_write(e, pte, *pte | perm | ((perm & PTE_W) ? PTE_D : 0));
			} else {
				if (!(pp = page_alloc(ALLOC_ZERO)))
					return -E_NO_MEM;
				if (page_insert(e, pp, pg, perm) < 0) {
					page_free(pp);
					return -E_NO_MEM;
				}
			}
			/* The file bytes that fall in this page. */
			uint64_t lo = MAX(pg, va), hi = MIN(pg + PGSIZE, va + ph->p_filesz);
			if (lo < hi)
				memcpy((char *)page2kva(pp) + (lo - pg), binary + ph->p_offset + (lo - va), hi - lo);
		}
	}
	e->env_tf.tf_epc = elf->e_entry;
	return 0;
}

/* One stack page below USTACKTOP holding argc/argv: a0 = argc, a1 = argv. */
static int setup_stack(struct Env *e, int argc, char **argv)
{
	struct PageInfo *pp = page_alloc(ALLOC_ZERO);
	if (!pp)
		return -E_NO_MEM;
	if (page_insert(e, pp, USTACKTOP - PGSIZE, PTE_U | PTE_R | PTE_W) < 0) {
		page_free(pp);
		return -E_NO_MEM;
	}
	char *page = page2kva(pp);
	uint64_t sp = USTACKTOP, uargv[MAXARGS + 1];
	for (int i = argc - 1; i >= 0; i--) {
		size_t n = strlen(argv[i]) + 1;
		sp -= n;
		memcpy(page + (sp - (USTACKTOP - PGSIZE)), argv[i], n);
		uargv[i] = sp;
	}
	uargv[argc] = 0;
	sp = ROUNDDOWN(sp - (argc + 1) * sizeof(uint64_t), 16);
	memcpy(page + (sp - (USTACKTOP - PGSIZE)), uargv, (argc + 1) * sizeof(uint64_t));
	e->env_tf.tf_regs.sp = sp;
	e->env_tf.tf_regs.a0 = argc;
	e->env_tf.tf_regs.a1 = sp;
	return 0;
}

/* Create an environment running the linked-in program name with the given arguments. */
int env_create(const char *name, int argc, char **argv, struct Env **store)
{
	const struct program *prog = NULL;
	for (uint64_t i = 0; i < nprograms; i++)
		if (strcmp(programs[i].name, name) == 0)
			prog = &programs[i];
	if (!prog)
		return -E_INVAL;
	size_t argbytes = 0;
	for (int i = 0; i < argc; i++)
		argbytes += strlen(argv[i]) + 1 + sizeof(uint64_t);
	if (argc > MAXARGS || argbytes > PGSIZE / 2)
		return -E_INVAL;

	struct Env *e;
	int r = env_alloc(&e, 0);
	if (r < 0)
		return r;
	strlcpy(e->env_name, name, sizeof(e->env_name));
	if (trace)
		trace_env_new(e);
	if ((r = load_icode(e, prog->start, prog->end - prog->start)) < 0 ||
	    (r = setup_stack(e, argc, argv)) < 0) {
		env_free(e);
		return r;
	}
	if (store)
		*store = e;
	return 0;
}

/* A child that can never run again: not runnable, and not waiting for a message that would wake it. */
static bool env_stuck(const struct Env *e)
{
	return e->env_status == ENV_NOT_RUNNABLE && !e->env_ipc_recving;
}

/*
 * e is loaded on another hart: mark it dying and interrupt that hart, which
 * frees it the next time it holds the kernel lock (env_reap). Until then its
 * slot, tables and pages stay, so that hart's trap entry never saves
 * registers into a reused slot; its id is already invalid (envid2env).
 */
static void env_mark_dying(struct Env *e)
{
	e->env_status = ENV_DYING;
	e->env_destroyer = curenv ? curenv->env_id : 0;
	cpus[e->env_cpunum].reap = true;
	smp_kick(e->env_cpunum);
}

/* c->env is no longer loaded on c (it stays as it is, unless it was running: then runnable). */
static inline void env_leave(struct cpu *c)
{
	struct Env *e = c->env;
	if (e->env_status == ENV_RUNNING)
		e->env_status = ENV_RUNNABLE;
	e->env_cpunum = -1;
	c->env = NULL;
}

/* The hart stops using c->env's tables: the kernel's only (before they are freed, or going idle). */
void env_unload(struct cpu *c)
{
	env_leave(c);
	csr_write(satp, kern_satp);
	sfence_vma();
}

/* Give back e's memory and its slot (e is loaded nowhere, or on this hart). */
static void env_free_one(struct Env *e)
{
	struct cpu *c = mycpu();
	if (trace)
		trace_env_free(e);
	envid_t by = e->env_status == ENV_DYING ? e->env_destroyer : c->env ? c->env->env_id : 0;
	cprintf("[%08x] free env %08x\n", by, e->env_id);
	if (c->env == e)	/* stop using its tables before they go */
		env_unload(c);
	pgdir_free(e);
	if (e->env_parent_id)	/* the parent lives on */
		unlink_child(ENVX(e->env_parent_id), e - envs);
	e->env_status = ENV_FREE;
	e->env_link = env_free_list;
	env_free_list = e;
	kcheck("environment freed");
}

/*
 * The dying environment dead (whose id may come back: the generation wraps)
 * has no children any more. Each child forgets it; a child that can never
 * run again (only its parent could have made it runnable) is freed, and its
 * own children are dealt with in the same way. Children that run or wait in
 * sys_ipc_recv go on, with no parent. Iterative: the stuck ones wait on a
 * list through env_link (unused while an environment lives).
 */
void env_release_children(struct Env *dead)
{
	struct Env *stuck = NULL;
	for (;;) {
		int x = dead - envs;
		for (int c = first_child[x]; c >= 0; c = next_sibling[c]) {
			envs[c].env_parent_id = 0;
			if (env_stuck(&envs[c])) {
				envs[c].env_link = stuck;
				stuck = &envs[c];
			}
		}
		first_child[x] = -1;
		do {
			if (!stuck)
				return;
			dead = stuck;
			stuck = dead->env_link;
			if (env_loaded_elsewhere(dead)) {	/* stopped, but its hart has not left it yet: */
				env_mark_dying(dead);	/* its children go when that hart frees it */
				dead = NULL;
			}
		} while (!dead);
		env_free_one(dead);	/* its children are next */
	}
}

/* e dies: first the children it leaves stuck (one "free env" line each), then e itself. */
void env_free(struct Env *e)
{
	if (env_loaded_elsewhere(e)) {
		env_mark_dying(e);
		return;
	}
	env_release_children(e);
	env_free_one(e);
}

void env_destroy(struct Env *e)
{
	bool self = (e == curenv);
	env_free(e);
	if (self)
		sched_yield();
}

/* Just after taking the lock on a trap: this hart's environment was destroyed from another hart. */
_Noreturn void env_reap(void)
{
	mycpu()->reap = false;
	env_free(curenv);	/* ENV_DYING, loaded here: freed now */
	sched_yield();
}

/* Switch to e (loading its address space if it is not already loaded) and return to user mode. */
void env_run(struct Env *e)
{
	struct cpu *c = mycpu();
	if (trace)
		trace_run(e);
	if (c->env != e) {
		if (c->env)
			env_leave(c);
		c->env = e;
		c->tf = &e->env_tf;
		e->env_tf_cpu = c;	/* for trap entry, which finds only the frame (sscratch) */
		csr_write(satp, e->env_satp);
		sfence_vma();
		fence_i();	/* code the kernel loaded or others copied for e */
		csr_clear(sstatus, SSTATUS_SPP);	/* sret goes to user mode */
		csr_set(sstatus, SSTATUS_SPIE);		/* with interrupts on */
		if (bench_boot) {	/* the first user instruction is a few away */
			cprintf("bench: boot_to_user %lu\n", csr_read(instret) - boot_instret);
			bench_boot = false;
		}
	}
	e->env_status = ENV_RUNNING;
	e->env_cpunum = c->id;
	e->env_runs++;	/* times scheduled, as in JOS (not every return from a trap) */
	env_resume(e);
}

