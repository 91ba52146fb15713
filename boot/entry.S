/*
 * First kernel instructions. OpenSBI enters here in S-mode at physical
 * 0x80200000 with paging off, a0 = hart id, a1 = physical address of the FDT.
 * We turn on a boot page table of 1 GiB pages that maps the first 6 GiB of
 * physical memory twice (identity, so this code keeps running, and at
 * KERNBASE, where the kernel is linked), jump to the linked address and call
 * kern_init(hartid, fdt). kern/pmap.c replaces the boot table with a proper one.
 */
#include <inc/memlayout.h>
#include <inc/riscv.h>
#include <kern/cpu.h>

#define GIGA_RWX	(PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* Paging on with boot_pgtable (found pc-relative: its physical address here), then jump high. */
.macro BOOT_PAGING high
	la	t0, boot_pgtable
	srli	t0, t0, PGSHIFT
	li	t1, SATP_SV39
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	ld	t0, \high			/* absolute, linked address */
	jr	t0
.endm

	.section .text.entry, "ax"
	.globl _start
_start:
	csrr	a2, instret			/* kern_init's third argument: for +bench's boot_to_user */
	BOOT_PAGING .Lhigh

	.balign 8
.Lhigh:
	.dword	high_entry

high_entry:
	/*
	 * Only the first hart here boots. OpenSBI 1.1's hart_start marks the
	 * hart START_PENDING before it writes the start address, so a hart
	 * that wakes in between jumps here, to the default address, and not to
	 * mp_entry: it is one of the others all the same.
	 */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, mp_high
	/* Boot stack: the kernel stack of slot 0 in cpus[] (above its guard page). */
	la	sp, kstacks
	li	t0, KSTKSIZE + KSTKGUARD
	add	sp, sp, t0
	la	tp, cpus			/* tp always holds this hart's struct cpu */
	mv	s0, zero			/* ends the backtrace */
	call	kern_init
1:	wfi
	j	1b

/*
 * The other harts (kern/smp.c starts them with SBI HSM): S-mode, paging off,
 * a0 = hart id. The same boot page table; then the cpus[] entry (index > 0)
 * the boot hart filled in for this hart id, with its kernel stack; mp_main.
 * (a1, the opaque argument, is not used: a hart that came in at _start, see
 * above, has the firmware's default there.)
 */
	.globl mp_entry
	.balign 4
mp_entry:
	BOOT_PAGING .Lmp_high

	.balign 8
.Lmp_high:
	.dword	mp_high

mp_high:
	la	tp, cpus
	li	t1, NCPU - 1
3:	addi	tp, tp, CPU_SIZE
	lw	t2, CPU_ID(tp)
	beqz	t2, 4f				/* an unused entry */
	ld	t2, CPU_HARTID(tp)
	beq	t2, a0, 5f
4:	addi	t1, t1, -1
	bnez	t1, 3b
2:	wfi					/* not started by us: stay out of the way */
	j	2b
5:	ld	sp, CPU_KSTACK(tp)
	mv	s0, zero
	call	mp_main
	j	2b

	.section .data
boot_claimed:
	.word	0
	.balign PGSIZE
	.globl boot_pgtable
boot_pgtable:
	.dword	0, 0				/* identity map of gigabytes 2..5 */
	.dword	(0x080000000 >> 2) | GIGA_RWX
	.dword	(0x0C0000000 >> 2) | GIGA_RWX
	.dword	(0x100000000 >> 2) | GIGA_RWX
	.dword	(0x140000000 >> 2) | GIGA_RWX
	.zero	(256 - 6) * 8
	.dword	(0x000000000 >> 2) | GIGA_RWX	/* KERNBASE + 0: MMIO (UART) */
	.dword	(0x040000000 >> 2) | GIGA_RWX
	.dword	(0x080000000 >> 2) | GIGA_RWX	/* KERNBASE + RAM */
	.dword	(0x0C0000000 >> 2) | GIGA_RWX
	.dword	(0x100000000 >> 2) | GIGA_RWX
	.dword	(0x140000000 >> 2) | GIGA_RWX
	.zero	(512 - 262) * 8

	/* Per-hart kernel stacks, each above an unmapped guard page. */
	.section .bss.kstacks, "aw", @nobits
	.balign PGSIZE
	.globl kstacks
kstacks:
	.space	NCPU * (KSTKSIZE + KSTKGUARD)
