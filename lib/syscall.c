/* System call stubs: number in a7, arguments in a0..a5, result in a0. */
#include <inc/lib.h>

int64_t syscall(int num, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	register uint64_t a0 __asm__("a0") = a1;
	register uint64_t r1 __asm__("a1") = a2;
	register uint64_t r2 __asm__("a2") = a3;
	register uint64_t r3 __asm__("a3") = a4;
	register uint64_t r4 __asm__("a4") = a5;
	register uint64_t a7 __asm__("a7") = (uint64_t)num;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(a7)
			 : "memory");
	return (int64_t)a0;
}

void sys_cputs(const char *s, size_t len)
{
	syscall(SYS_cputs, (uint64_t)s, len, 0, 0, 0);
}

int sys_cgetc(void)
{
	return syscall(SYS_cgetc, 0, 0, 0, 0, 0);
}

envid_t sys_getenvid(void)
{
	return syscall(SYS_getenvid, 0, 0, 0, 0, 0);
}

int sys_env_destroy(envid_t envid)
{
	return syscall(SYS_env_destroy, envid, 0, 0, 0, 0);
}

void sys_yield(void)
{
	syscall(SYS_yield, 0, 0, 0, 0, 0);
}

int sys_env_set_status(envid_t envid, int status)
{
	return syscall(SYS_env_set_status, envid, status, 0, 0, 0);
}

int sys_env_set_pgfault_upcall(envid_t envid, void *upcall)
{
	return syscall(SYS_env_set_pgfault_upcall, envid, (uint64_t)upcall, 0, 0, 0);
}

int sys_page_alloc(envid_t envid, void *va, int perm)
{
	return syscall(SYS_page_alloc, envid, (uint64_t)va, perm, 0, 0);
}

int sys_page_map(envid_t srcenv, void *srcva, envid_t dstenv, void *dstva, int perm)
{
	return syscall(SYS_page_map, srcenv, (uint64_t)srcva, dstenv, (uint64_t)dstva, perm);
}

int sys_page_unmap(envid_t envid, void *va)
{
	return syscall(SYS_page_unmap, envid, (uint64_t)va, 0, 0, 0);
}

int sys_ipc_try_send(envid_t to_env, uint64_t value, void *pg, int perm)
{
	return syscall(SYS_ipc_try_send, to_env, value, (uint64_t)pg, perm, 0);
}

int sys_ipc_recv(void *pg)
{
	return syscall(SYS_ipc_recv, (uint64_t)pg, 0, 0, 0, 0);
}
