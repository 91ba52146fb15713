/*
 * Virtual memory layout (Sv39: 39-bit addresses, user space is the lower
 * half 0 .. 0x3F_FFFF_FFFF, the kernel the sign-extended upper half).
 *
 *  0xFFFFFFFFFFFFFFFF  +------------------------------------+
 *                      |  (unused)                          |
 *  KERNBASE + RAM end  +------------------------------------+
 *                      |  direct map of physical memory     | RW kernel,
 *                      |  kernel image at KERNBASE+0x80200000| text RX
 *  KERNBASE            +------------------------------------+ 0xFFFFFFC000000000
 *                      |  non-canonical hole                |
 *  ULIM                +------------------------------------+ 0x0000004000000000
 *                      |  UVPGD: the root table       (1 pg)| R-U  gigabyte 255:
 *  UVPGD               +------------------------------------+      page-table views,
 *                      |  UVPD: every L1 table  (256 pages) | R-U  per environment
 *  UVPD                +------------------------------------+
 *                      |  UVPT: every L0 table, 2 MiB per   | R-U
 *                      |  gigabyte of user space            |
 *  UVPT = UVIEWS       +------------------------------------+ 0x0000003FC0000000
 *                      |  UPAGES: pages[], page ref counts  | R-U  gigabyte 254:
 *  UPAGES              +------------------------------------+      shared by all
 *                      |  UENVS: envs[]                     | R-U
 *  UENVS = UTOP        +------------------------------------+ 0x0000003F80000000
 *                      |  user exception stack       (1 pg) | RW-U
 *  UXSTACKTOP-PGSIZE   +------------------------------------+
 *                      |  empty guard page                  |
 *  USTACKTOP           +------------------------------------+ UTOP - 2 pages
 *                      |  normal user stack  (grows down)   | RW-U
 *  PFTEMP = UTOP - 2 MiB  ...  scratch page for copy-on-write
 *                      |  ... free for the program ...      |
 *                      |  program text, data, bss           |
 *  UTEXT               +------------------------------------+ 0x0000000000800000
 *                      |  empty (catches null pointers)     |
 *  0                   +------------------------------------+
 *
 * Everything below UTOP is the environment's own, managed with the page
 * system calls; everything from UTOP to ULIM is read-only and kept by the
 * kernel. See docs/design.md for how the views are built.
 */
#ifndef INC_MEMLAYOUT_H
#define INC_MEMLAYOUT_H

#include <inc/mmu.h>

#define KERNBASE	_UL(0xFFFFFFC000000000)	/* physical address p is at KERNBASE + p */
#define KERNLINK	_UL(0xFFFFFFC080200000)	/* where the kernel image is linked */

#define ULIM		_UL(0x0000004000000000)	/* end of the user half */
#define UVIEWS		(ULIM - GIGAPGSIZE)	/* gigabyte 255: page-table views */
#define UVPT		UVIEWS			/* uvpt[PGNUM(va)]: leaf PTE of va */
#define UVPD		(UVIEWS + 255 * MEGAPGSIZE)	/* uvpd[PDNUM(va)]: L1 entry of va */
#define UVPGD		(UVPD + 256 * PGSIZE)	/* uvpgd[GDNUM(va)]: root entry of va */
#define UTOP		(UVIEWS - GIGAPGSIZE)	/* gigabyte 254: shared read-only data */
#define UENVS		UTOP
#define UENVS_SIZE	(64 * MEGAPGSIZE)	/* room reserved for envs[] */
#define UPAGES		(UENVS + UENVS_SIZE)	/* pages[PGNUM(pa)]: struct PageInfo of pa */

#define UXSTACKTOP	UTOP
#define USTACKTOP	(UTOP - 2 * PGSIZE)
#define UTEXT		_UL(0x800000)
/* Scratch addresses for the library: below the program, and in the stack's own 2 MiB table.
 * Pointers in C, as in JOS (memmove(UTEMP, ...) compiles); plain numbers in assembly. */
#ifdef __ASSEMBLER__
#define UTEMP		0x400000
#define PFTEMP		(UTOP - MEGAPGSIZE)
#else
#define UTEMP		((void *)0x400000UL)
#define PFTEMP		((void *)(UTOP - MEGAPGSIZE))
#endif

#ifndef __ASSEMBLER__
#include <inc/types.h>

/* One per physical page; readable by user space at UPAGES. */
struct PageInfo {
	struct PageInfo *pp_link;	/* next on the free list */
	uint32_t pp_ref;		/* mappings + kernel uses; 0 = free */
	uint32_t pp_flags;		/* kernel bookkeeping (PP_*) */
};
#endif

#endif
