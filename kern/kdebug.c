/*
 * Stack backtraces with function names. The kernel is built with frame
 * pointers: in every frame, fp-8 holds the return address and fp-16 the
 * caller's fp. Names come from a table tools/mksyms.sh builds from the
 * first link of the kernel (section .ksyms, sorted by address).
 */
#include <kern/kdebug.h>
#include <inc/memlayout.h>
#include <inc/stdio.h>
#include <kern/cpu.h>

struct ksym {
	uint64_t addr;
	uint64_t name;		/* offset into ksym_names */
};

extern const struct ksym ksyms[];
extern const uint64_t nksyms;
extern const char ksym_names[];
extern char kern_start[], etext[];

const char *ksym_lookup(uint64_t pc, uint64_t *offset)
{
	uint64_t lo = 0, hi = nksyms;
	if (nksyms == 0 || pc < ksyms[0].addr || pc >= (uint64_t)etext) {
		*offset = 0;
		return "?";
	}
	while (hi - lo > 1) {	/* last symbol at or below pc */
		uint64_t mid = (lo + hi) / 2;
		if (ksyms[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	*offset = pc - ksyms[lo].addr;
	return ksym_names + ksyms[lo].name;
}

static bool in_kernel_stack(uint64_t fp)
{
	uint64_t lo = (uint64_t)kstacks, hi = lo + NCPU * (KSTKSIZE + KSTKGUARD);
	return fp > lo + 16 && fp <= hi && fp % 8 == 0;
}

void backtrace(uint64_t fp)
{
	cprintf("Stack backtrace:\n");
	for (int depth = 0; depth < 32 && in_kernel_stack(fp); depth++) {
		uint64_t ra = ((uint64_t *)fp)[-1];
		uint64_t off;
		const char *name = ksym_lookup(ra - 4, &off);
		cprintf("  fp %016lx ra %016lx %s+%lu\n", fp, ra, name, off + 4);
		fp = ((uint64_t *)fp)[-2];
	}
}
