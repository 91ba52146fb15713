/* Environments (processes): the table the kernel keeps and user space reads at UENVS. */
#ifndef INC_ENV_H
#define INC_ENV_H

#include <inc/types.h>
#include <inc/trap.h>
#include <inc/mmu.h>

/*
 * An envid_t has three parts: bit 31 is 0 (negative values are errors),
 * bits 30..12 a generation that changes each time a slot is reused, so a
 * stale id is refused, bits 11..10 zero, and bits 9..0 the slot in envs[].
 * The generation wraps after ENVGENBITS bits (2^19 - 1 reuses of one slot;
 * a kernel built with ENVGENBITS=2 wraps after 3, for the tests): an id
 * can come back, so the kernel never keeps a dead environment's id where
 * it grants rights (a dying parent's children forget it).
 */
#define LOG2NENV	10
#define NENV		(1 << LOG2NENV)
#define ENVX(envid)	((envid) & (NENV - 1))
#define ENVGENSHIFT	12	/* first id is 0x1000, as in JOS */
#ifndef ENVGENBITS
#define ENVGENBITS	19
#endif
#define ENVGENMASK	((((uint32_t)1 << ENVGENBITS) - 1) << ENVGENSHIFT)
_Static_assert(ENVGENBITS >= 1 && ENVGENSHIFT + ENVGENBITS <= 31, "the generation must fit below bit 31");

enum {
	ENV_FREE = 0,
	ENV_RUNNABLE,
	ENV_RUNNING,
	ENV_NOT_RUNNABLE,
	ENV_DYING		/* destroyed while it runs on another hart, which frees it (docs/design.md, SMP) */
};

/* Most upcall frames that fit on the one-page exception stack. */
#define UXFRAMES_MAX	(PGSIZE / (UTF_SIZE + UTF_GAP))

/* Most argv entries env_create passes to a program. */
#define MAXARGS		32

enum EnvType {
	ENV_TYPE_USER = 0,
};

struct cpu;

struct Env {
	struct Trapframe env_tf;	/* saved registers while not running */
	/* Just past env_tf (ENV_TF_CPU): the struct cpu of the hart it was last loaded on, which trap
	   entry (kern/trapentry.S) reaches from the frame that sscratch points at. */
	struct cpu *env_tf_cpu;
	struct Env *env_link;		/* next free Env */
	envid_t env_id;
	envid_t env_parent_id;
	enum EnvType env_type;
	unsigned env_status;
	uint32_t env_runs;		/* times it has been run */
	int env_cpunum;			/* cpus[] index of the hart it is loaded on (its satp there), -1 if none */
	uint64_t env_satp;		/* satp value for its address space */
	pte_t *env_pgdir;		/* root page table (kernel address) */
	pte_t *env_views;		/* level 1 table of the view gigabyte */
	uint64_t env_pgfault_upcall;	/* user entry point for page faults, 0 if none */
	uint32_t env_npages;		/* user pages mapped below UTOP */
	uint32_t env_nptpages;		/* page-table and view pages it owns */
	/*
	 * Upcall frames live on the exception stack, outermost first. The range
	 * of sp says whether a fault came from a handler (JOS's test, and the
	 * kernel's too); this list is what says how deep (utf_depth, +trace),
	 * which sp alone cannot, since the handlers' own stack use sits between frames.
	 */
	uint32_t env_nxframes;
	uint64_t env_xframes[UXFRAMES_MAX];

	/* IPC */
	bool env_ipc_recving;		/* blocked in sys_ipc_recv */
	uint64_t env_ipc_dstva;		/* where to map a sent page */
	uint64_t env_ipc_value;
	envid_t env_ipc_from;
	int env_ipc_perm;		/* perm of the page received, 0 if none */

	char env_name[16];		/* program it was loaded from */
	envid_t env_destroyer;		/* ENV_DYING: who destroyed it (named in the "free env" line) */
};

#endif
