/*
 * Stores to memory a program may read but never write, or may not touch at
 * all: hostilewrite TARGET, TARGET one of uvpt, uvpd, uvpgd, uenvs, upages
 * (read-only views the kernel keeps), ktext, kdata (the kernel's text and
 * the kernel's data; no PTE_U). No handler is set, so the store page fault
 * destroys the program with one "user fault" line; the kernel and anything
 * running beside it carry on.
 */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint64_t va;
	} targets[] = {
		{ "uvpt", UVPT + PGNUM(UTEXT) * sizeof(pte_t) },	/* the PTE of our own text */
		{ "uvpd", UVPD },
		{ "uvpgd", UVPGD },
		{ "uenvs", UENVS },
		{ "upages", 0 },	/* set below: our text page's entry in pages[] */
		{ "ktext", KERNLINK },
		{ "kdata", KERNLINK + 0x200000 },	/* past the kernel's text, in its data or free RAM */
	};
	const char *want = argc > 1 ? argv[1] : "uvpt";

	for (int i = 0; i < ARRAY_SIZE(targets); i++) {
		if (strcmp(targets[i].name, want) != 0)
			continue;
		volatile uint64_t *p = (volatile uint64_t *)targets[i].va;
		if (!p)
			p = (volatile uint64_t *)&pages[PGNUM(PTE_ADDR(uvpt[PGNUM(UTEXT)]))];
		cprintf("hostilewrite: writing to %s at %lx\n", want, (uint64_t)p);
		*p = 0x3ff;
		cprintf("hostilewrite: the write to %s at %lx went through!\n", want, (uint64_t)p);
		return;
	}
	panic("unknown target %s", want);
}
