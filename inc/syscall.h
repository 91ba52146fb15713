/* System calls: the number goes in a7, arguments in a0..a4, the result comes back in a0. */
#ifndef INC_SYSCALL_H
#define INC_SYSCALL_H

/*
 * The one list of system calls, in number order: X(name, arguments), where
 * arguments say how the kernel's sys_name (kern/syscall.c) takes the
 * caller's registers a0..a4 (envid_arg: an env id, checked to fit). The
 * numbers below and the kernel's dispatch table are both made from it.
 * docs/design.md, "How to add a system call".
 */
#define SYSCALLS(X) \
	X(cputs,		a0, a1) \
	X(cgetc) \
	X(getenvid) \
	X(env_destroy,		envid_arg(a0)) \
	X(yield) \
	X(exofork) \
	X(env_set_status,	envid_arg(a0), a1) \
	X(page_alloc,		envid_arg(a0), a1, a2) \
	X(page_map,		envid_arg(a0), a1, envid_arg(a2), a3, a4) \
	X(page_unmap,		envid_arg(a0), a1) \
	X(env_set_pgfault_upcall, envid_arg(a0), a1) \
	X(ipc_try_send,		envid_arg(a0), a1, a2, a3) \
	X(ipc_recv,		a0) \
	X(env_set_trapframe,	envid_arg(a0), a1)

#define SYSCALL_NUMBER(name, ...)	SYS_##name,
enum { SYSCALLS(SYSCALL_NUMBER) NSYSCALLS };

/* Most bytes one sys_cputs prints (it returns how many it printed; the library loops). */
#define CPUTS_MAX	4096

#endif
