/*
 * +trace: one line per event a student needs to follow a page fault's life
 * (docs/design.md section 8; tools/trace.py turns them into a timeline).
 * Every line is "trace: ICOUNT hHART EVENT env=ID key=value...", ICOUNT
 * being instret (exact under QEMU -icount). The hooks are one-line calls
 * guarded by the trace flag, so a kernel without +trace pays one branch.
 */
#ifndef KERN_TRACE_H
#define KERN_TRACE_H

#include <inc/types.h>
#include <inc/trap.h>

struct Env;

void trace_env_new(const struct Env *e);		/* env_create, exofork */
void trace_env_free(const struct Env *e);		/* env_free */
void trace_run(const struct Env *e);			/* env_run: a scheduling decision */
void trace_pgfault(void);				/* deliver, for curenv */
void trace_syscall(const struct Trapframe *tf, uint64_t a0, int64_t ret);	/* syscall_trap */

/* For the console: "RW-U", "R--U+COW" (buf of at least TRACE_PERM_LEN bytes); "E_INVAL". */
#define TRACE_PERM_LEN	40
const char *trace_perm(uint64_t perm, char *buf);
const char *trace_errname(int64_t err);

#endif
