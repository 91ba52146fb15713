/* System call stubs: number in a7, arguments in a0..a4, result in a0. */
#include <inc/lib.h>

/*
 * The one ecall. Every stub goes through SYSCALL(num, args...), which
 * fills the arguments a call does not take with NOARG: a value the
 * compiler believes is in some register already, so those registers are
 * passed as they are, at no cost (null_syscall would pay 4 instructions
 * for zeros). The kernel reads only the registers a call takes.
 */
static inline __attribute__((always_inline)) int64_t
ecall(uint64_t num, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4)
{
	register uint64_t a0 __asm__("a0") = x0;
	register uint64_t a1 __asm__("a1") = x1;
	register uint64_t a2 __asm__("a2") = x2;
	register uint64_t a3 __asm__("a3") = x3;
	register uint64_t a4 __asm__("a4") = x4;
	register uint64_t a7 __asm__("a7") = num;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory");
	return (int64_t)a0;
}

static inline __attribute__((always_inline)) uint64_t noarg(void)
{
	uint64_t v;
	__asm__ volatile("" : "=r"(v));	/* no instruction: "v is whatever its register holds" */
	return v;
}
#define NOARG		noarg()
#define SYSCALL(...)	SYSCALL_(__VA_ARGS__, NOARG, NOARG, NOARG, NOARG, NOARG)
#define SYSCALL_(num, x0, x1, x2, x3, x4, ...)	ecall(num, (uint64_t)(x0), (uint64_t)(x1), (uint64_t)(x2), \
						      (uint64_t)(x3), (uint64_t)(x4))

int64_t syscall(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	return SYSCALL(num, a0, a1, a2, a3, a4);
}

/* The kernel prints at most CPUTS_MAX bytes a call and says how many. */
void sys_cputs(const char *s, size_t len)
{
	do {
		int64_t n = SYSCALL(SYS_cputs, s, len);
		if (n <= 0)
			return;
		s += n, len -= n;
	} while (len > 0);
}

int sys_cgetc(void)
{
	return SYSCALL(SYS_cgetc);
}

envid_t sys_getenvid(void)
{
	return SYSCALL(SYS_getenvid);
}

int sys_env_destroy(envid_t envid)
{
	return SYSCALL(SYS_env_destroy, envid);
}

void sys_yield(void)
{
	SYSCALL(SYS_yield);
}

int sys_env_set_status(envid_t envid, int status)
{
	return SYSCALL(SYS_env_set_status, envid, status);
}

int sys_env_set_pgfault_upcall(envid_t envid, void *upcall)
{
	return SYSCALL(SYS_env_set_pgfault_upcall, envid, upcall);
}

int sys_page_alloc(envid_t envid, void *va, int perm)
{
	return SYSCALL(SYS_page_alloc, envid, va, perm);
}

int sys_page_map(envid_t srcenv, void *srcva, envid_t dstenv, void *dstva, int perm)
{
	return SYSCALL(SYS_page_map, srcenv, srcva, dstenv, dstva, perm);
}

int sys_page_unmap(envid_t envid, void *va)
{
	return SYSCALL(SYS_page_unmap, envid, va);
}

int sys_ipc_try_send(envid_t to_env, uint64_t value, void *pg, int perm)
{
	return SYSCALL(SYS_ipc_try_send, to_env, value, pg, perm);
}

int sys_ipc_recv(void *pg)
{
	return SYSCALL(SYS_ipc_recv, pg);
}

int sys_env_set_trapframe(envid_t envid, const struct Trapframe *tf)
{
	return SYSCALL(SYS_env_set_trapframe, envid, tf);
}
