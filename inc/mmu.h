/* Sv39 paging: page sizes, page-table index macros and PTE bits. */
#ifndef INC_MMU_H
#define INC_MMU_H

/* Constants usable from both C and assembly. */
#ifdef __ASSEMBLER__
#define _UL(x)		x
#else
#define _UL(x)		x##UL
#endif

#define PGSHIFT		12
#define PGSIZE		(_UL(1) << PGSHIFT)		/* 4 KiB */
#define PTSHIFT(l)	(PGSHIFT + 9 * (l))		/* level 0: 4 KiB, 1: 2 MiB, 2: 1 GiB */
#define MEGAPGSIZE	(_UL(1) << PTSHIFT(1))
#define GIGAPGSIZE	(_UL(1) << PTSHIFT(2))
#define PTSIZE		MEGAPGSIZE	/* JOS's name: the bytes one level-1 entry maps (2 MiB) */
#define NPTENTRIES	512

/* Index of va in the page table of level l (2 = root). */
#define PTX(l, va)	((((uint64_t)(va)) >> PTSHIFT(l)) & 0x1FF)

/* Page numbers: which 4 KiB page, 2 MiB region and 1 GiB region va lies in. */
#define PGNUM(va)	(((uint64_t)(va)) >> PGSHIFT)
#define PDNUM(va)	(((uint64_t)(va)) >> PTSHIFT(1))
#define GDNUM(va)	(((uint64_t)(va)) >> PTSHIFT(2))

#define PGOFF(va)	(((uint64_t)(va)) & (PGSIZE - 1))

/* PTE bits (RISC-V privileged spec, Sv39). */
#define PTE_V		0x001	/* valid */
#define PTE_R		0x002	/* readable */
#define PTE_W		0x004	/* writable (only together with R) */
#define PTE_X		0x008	/* executable */
#define PTE_U		0x010	/* user accessible */
#define PTE_G		0x020	/* global */
#define PTE_A		0x040	/* accessed */
#define PTE_D		0x080	/* dirty */
/* The two bits the spec leaves to software; the kernel lets user space own them. */
#define PTE_COW		0x100	/* copy-on-write (lib/fork.c) */
#define PTE_SHARE	0x200	/* stays shared writable across fork */
#define PTE_SYSCALL	(PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_COW | PTE_SHARE)

#define PTE_FLAGS(pte)	((pte) & 0x3FF)
#define PTE_PPN_SHIFT	10
#define PTE_ADDR(pte)	((((uint64_t)(pte)) >> PTE_PPN_SHIFT) << PGSHIFT)
#define PA2PTE(pa)	((((uint64_t)(pa)) >> PGSHIFT) << PTE_PPN_SHIFT)
/* A valid entry with none of R, W, X points to the next level. */
#define PTE_LEAF(pte)	(((pte) & (PTE_R | PTE_W | PTE_X)) != 0)

#ifndef __ASSEMBLER__
#include <inc/types.h>
typedef uint64_t pte_t;
#endif

#endif
