/* System call stubs: number in a7, arguments in a0..a5, result in a0. */
#include <inc/lib.h>

/* Each stub loads only the argument registers its call reads. */
#define SYSCALL_ASM(...) __asm__ volatile("ecall" : "+r"(a0) : __VA_ARGS__ : "memory")

static inline int64_t syscall1(int num, uint64_t x1)
{
	register uint64_t a0 __asm__("a0") = x1;
	register uint64_t a7 __asm__("a7") = (uint64_t)num;
	SYSCALL_ASM("r"(a7));
	return (int64_t)a0;
}

static inline int64_t syscall2(int num, uint64_t x1, uint64_t x2)
{
	register uint64_t a0 __asm__("a0") = x1;
	register uint64_t a1 __asm__("a1") = x2;
	register uint64_t a7 __asm__("a7") = (uint64_t)num;
	SYSCALL_ASM("r"(a1), "r"(a7));
	return (int64_t)a0;
}

static inline int64_t syscall3(int num, uint64_t x1, uint64_t x2, uint64_t x3)
{
	register uint64_t a0 __asm__("a0") = x1;
	register uint64_t a1 __asm__("a1") = x2;
	register uint64_t a2 __asm__("a2") = x3;
	register uint64_t a7 __asm__("a7") = (uint64_t)num;
	SYSCALL_ASM("r"(a1), "r"(a2), "r"(a7));
	return (int64_t)a0;
}

static inline int64_t syscall4(int num, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4)
{
	register uint64_t a0 __asm__("a0") = x1;
	register uint64_t a1 __asm__("a1") = x2;
	register uint64_t a2 __asm__("a2") = x3;
	register uint64_t a3 __asm__("a3") = x4;
	register uint64_t a7 __asm__("a7") = (uint64_t)num;
	SYSCALL_ASM("r"(a1), "r"(a2), "r"(a3), "r"(a7));
	return (int64_t)a0;
}

int64_t syscall(int num, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4, uint64_t x5)
{
	register uint64_t a0 __asm__("a0") = x1;
	register uint64_t a1 __asm__("a1") = x2;
	register uint64_t a2 __asm__("a2") = x3;
	register uint64_t a3 __asm__("a3") = x4;
	register uint64_t a4 __asm__("a4") = x5;
	register uint64_t a7 __asm__("a7") = (uint64_t)num;
	SYSCALL_ASM("r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7));
	return (int64_t)a0;
}

/* The kernel prints at most CPUTS_MAX bytes a call and says how many. */
void sys_cputs(const char *s, size_t len)
{
	do {
		int64_t n = syscall2(SYS_cputs, (uint64_t)s, len);
		if (n <= 0)
			return;
		s += n, len -= n;
	} while (len > 0);
}

int sys_cgetc(void)
{
	return syscall1(SYS_cgetc, 0);
}

envid_t sys_getenvid(void)
{
	return syscall1(SYS_getenvid, 0);
}

int sys_env_destroy(envid_t envid)
{
	return syscall1(SYS_env_destroy, envid);
}

void sys_yield(void)
{
	syscall1(SYS_yield, 0);
}

int sys_env_set_status(envid_t envid, int status)
{
	return syscall2(SYS_env_set_status, envid, status);
}

int sys_env_set_pgfault_upcall(envid_t envid, void *upcall)
{
	return syscall2(SYS_env_set_pgfault_upcall, envid, (uint64_t)upcall);
}

int sys_page_alloc(envid_t envid, void *va, int perm)
{
	return syscall3(SYS_page_alloc, envid, (uint64_t)va, perm);
}

int sys_page_map(envid_t srcenv, void *srcva, envid_t dstenv, void *dstva, int perm)
{
	return syscall(SYS_page_map, srcenv, (uint64_t)srcva, dstenv, (uint64_t)dstva, perm);
}

int sys_page_unmap(envid_t envid, void *va)
{
	return syscall2(SYS_page_unmap, envid, (uint64_t)va);
}

int sys_ipc_try_send(envid_t to_env, uint64_t value, void *pg, int perm)
{
	return syscall4(SYS_ipc_try_send, to_env, value, (uint64_t)pg, perm);
}

int sys_ipc_recv(void *pg)
{
	return syscall1(SYS_ipc_recv, (uint64_t)pg);
}
