/*
 * The user library: what every program includes. Names and signatures are
 * JOS's. Two registers are the library's, never the compiler's (GCC does not
 * allocate them): tp holds thisenv, gp is used by the page-fault upcall to
 * jump back to the faulting instruction and so does not survive a handled
 * page fault (docs/design.md).
 */
#ifndef INC_LIB_H
#define INC_LIB_H

#include <inc/types.h>
#include <inc/stdio.h>
#include <inc/stdarg.h>
#include <inc/string.h>
#include <inc/error.h>
#include <inc/assert.h>
#include <inc/env.h>
#include <inc/memlayout.h>
#include <inc/syscall.h>
#include <inc/trap.h>

#define USED(x) (void)(x)

/*
 * The read-only views of this environment's page tables, and the kernel's tables.
 * Constant pointers, not macros, so that a local variable of the same name shadows
 * them as it does JOS's arrays; GCC folds them to the address. (JOS's absolute
 * symbols cannot be reached from code at UTEXT: 255 GiB is beyond a pc-relative reach.)
 */
#define USER_VIEW(type, name, addr) \
	static volatile const type *const name __attribute__((unused)) = (volatile const type *)(addr)
USER_VIEW(pte_t, uvpt, UVPT);		/* uvpt[PGNUM(va)]: leaf PTE */
USER_VIEW(pte_t, uvpd, UVPD);		/* uvpd[PDNUM(va)]: level-1 entry */
USER_VIEW(pte_t, uvpgd, UVPGD);		/* uvpgd[GDNUM(va)]: root entry */
USER_VIEW(struct Env, envs, UENVS);
USER_VIEW(struct PageInfo, pages, UPAGES);
#undef USER_VIEW

/* This environment's slot in envs[]: kept in tp, so each env of an sfork has its own. */
register volatile const struct Env *thisenv __asm__("tp");

extern const char *binaryname;

/* lib/libmain.c, user/NAME.c */
void umain(int argc, char **argv);
void libmain(int argc, char **argv);

/* lib/exit.c */
_Noreturn void exit(void);

/* lib/pgfault.c: the one dispatcher every page fault goes through (docs/design.md, section 9) */
void set_pgfault_handler(void (*handler)(struct UTrapframe *utf));
int pgfault_setup(void);
_Noreturn void pgfault_die(const struct UTrapframe *utf, const char *fmt, ...);

/*
 * Fault handling by address region: the table in lib/pgfault.c, the
 * kinds (demand-zero, growable stack, guard) in lib/region.c. A region's handler
 * returns true when it handled the fault, false for "not mine" (the
 * dispatcher then tries the next region, then set_pgfault_handler's).
 * The table is per environment: fork and sfork give the child its own copy.
 */
struct region;
typedef bool (*region_handler)(struct UTrapframe *utf, const struct region *rg);
struct region {
	uint64_t start, end;		/* [start, end), page-aligned */
	region_handler handler;
	const char *name;		/* said in messages */
	uint64_t arg;			/* the handler's own (the stack's limit, say) */
};
/* Whether rg holds va (one unsigned compare). */
static inline bool region_holds(const struct region *rg, uint64_t va)
{
	return va - rg->start < rg->end - rg->start;
}
#define NREGIONS	32
/* The library's private page (in the stack's 2 MiB table): the region table; sfork copies it. */
#define UREGIONS	((uint64_t)PFTEMP + PGSIZE)
#define STACK_LIMIT_MAX	(USTACKTOP - UREGIONS - 2 * PGSIZE)

int region_add(uint64_t start, uint64_t end, region_handler handler, const char *name, uint64_t arg);
int region_remove(uint64_t start);
const struct region *region_find(uint64_t va);
int region_zero(uint64_t start, uint64_t size, const char *name);
int region_guard(uint64_t start, uint64_t size, const char *name);
int region_stack(uint64_t limit);
int region_prefault(uint64_t va);

/* lib/readline.c */
char *readline(const char *prompt);

/* lib/console.c */
int getchar(void);
void cputchar(int c);
int iscons(int fd);

/* lib/syscall.c */
void sys_cputs(const char *string, size_t len);
int sys_cgetc(void);
envid_t sys_getenvid(void);
int sys_env_destroy(envid_t envid);
void sys_yield(void);
int sys_env_set_status(envid_t envid, int status);
int sys_env_set_pgfault_upcall(envid_t envid, void *upcall);
int sys_page_alloc(envid_t envid, void *va, int perm);
int sys_page_map(envid_t srcenv, void *srcva, envid_t dstenv, void *dstva, int perm);
int sys_page_unmap(envid_t envid, void *va);
int sys_ipc_try_send(envid_t to_env, uint64_t value, void *pg, int perm);
int sys_ipc_recv(void *rcv_pg);
int sys_env_set_trapframe(envid_t envid, const struct Trapframe *tf);
int64_t syscall(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* The JOS inline exofork: returns the child's id, or 0 in the child. */
static inline envid_t __attribute__((always_inline)) sys_exofork(void)
{
	register uint64_t a0 __asm__("a0");
	register uint64_t a7 __asm__("a7") = SYS_exofork;
	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return (envid_t)a0;
}

/* The leaf PTE that maps va in this environment, or 0 if any level is absent (inline: fork and its fault handler call it often). */
static inline pte_t uvpt_lookup(uint64_t va)
{
	if (va >= UTOP || !(uvpgd[GDNUM(va)] & PTE_V) || !(uvpd[PDNUM(va)] & PTE_V))
		return 0;
	return uvpt[PGNUM(va)];
}

/* lib/uvpt.c */
uint32_t page_refs(uint64_t va);
uint64_t pages_free(uint64_t *total);

/* lib/fork.c */
envid_t fork(void);
envid_t sfork(void);

/* lib/ipc.c */
void ipc_send(envid_t to_env, uint64_t val, void *pg, int perm);
uint64_t ipc_recv(envid_t *from_env_store, void *pg, int *perm_store);
envid_t ipc_find_env(enum EnvType type);

/* lib/wait.c */
void wait(envid_t envid);

#endif
