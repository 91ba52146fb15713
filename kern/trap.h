#ifndef KERN_TRAP_H
#define KERN_TRAP_H

#include <inc/trap.h>

void trap_init_percpu(void);
const char *trap_cause_name(uint64_t scause);
_Noreturn void user_trap(struct Trapframe *tf);
_Noreturn void kernel_trap(struct Trapframe *tf);

/* kern/syscall.c */
int64_t syscall(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

#endif
