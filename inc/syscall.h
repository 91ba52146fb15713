/* System call numbers: the number goes in a7, arguments in a0..a5, the result comes back in a0. */
#ifndef INC_SYSCALL_H
#define INC_SYSCALL_H

enum {
	SYS_cputs = 0,
	SYS_cgetc,
	SYS_getenvid,
	SYS_env_destroy,
	SYS_yield,
	SYS_exofork,
	SYS_env_set_status,
	SYS_page_alloc,
	SYS_page_map,
	SYS_page_unmap,
	SYS_env_set_pgfault_upcall,
	SYS_ipc_try_send,
	SYS_ipc_recv,
	NSYSCALLS
};

/* Most bytes one sys_cputs prints (it returns how many it printed; the library loops). */
#define CPUTS_MAX	4096

#endif
