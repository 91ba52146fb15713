#ifndef KERN_TRAP_H
#define KERN_TRAP_H

#include <inc/trap.h>
#include <inc/syscall.h>
#include <inc/error.h>

void trap_init_percpu(void);
const char *trap_cause_name(uint64_t scause);
void print_trapframe(const struct Trapframe *tf);
_Noreturn void user_trap(struct Trapframe *tf, uint64_t scause);
void syscall_trap(struct Trapframe *tf);
void page_fault_trap(struct Trapframe *tf, uint64_t scause);	/* returns to enter the upcall */
_Noreturn void kernel_trap(struct Trapframe *tf);

/* kern/syscall.c */
typedef int64_t syscall_fn(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
extern syscall_fn *const syscalls[NSYSCALLS];

/* System call num with the caller's a0..a4; -E_NO_SYS for a number nobody has. */
static inline int64_t syscall(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	if (num >= NSYSCALLS || !syscalls[num])	/* the table has no holes today; a NULL is still refused */
		return -E_NO_SYS;
	return syscalls[num](a0, a1, a2, a3, a4);
}

#endif
