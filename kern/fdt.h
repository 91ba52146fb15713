/* Minimal reader for the flattened device tree (DTB) passed in a1 at boot. */
#ifndef KERN_FDT_H
#define KERN_FDT_H

#include <inc/types.h>

#define FDT_MAGIC	0xd00dfeed
#define FDT_MAXHARTS	8	/* = NCPU (kern/cpu.h) */

struct fdt_info {
	uint64_t mem_base, mem_size;	/* first /memory node's first reg entry */
	int ncpus;			/* number of /cpus/cpu@N nodes (device_type = "cpu") */
	int nharts;			/* those not disabled, with a reg: their hart ids, in tree order */
	uint64_t hartids[FDT_MAXHARTS];
	uint64_t timebase;		/* /cpus timebase-frequency, Hz (0 if absent) */
	uint64_t uart_base;		/* reg of the first node whose compatible list contains "ns16550a" (0 if none) */
	uint64_t finisher_base;		/* the same for "sifive,test0", QEMU virt's test finisher (0 if none) */
	char bootargs[256];		/* /chosen bootargs, "" if absent; truncated safely */
};

/*
 * Fill *info from the blob at fdt.  Returns 0, or -E_INVAL if the header
 * is bad (magic, version, offsets) or the structure block is corrupt; in
 * the latter case fields found before the corruption are still filled in.
 * Does not print, allocate or write anything but *info.
 */
int fdt_parse(const void *fdt, struct fdt_info *info);

#endif
