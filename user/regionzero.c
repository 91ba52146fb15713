/*
 * A demand-zero region of 1 GiB: a touched page is mapped zero-filled on
 * first access (load or store); untouched pages stay unmapped, as uvpt
 * shows. After fork the child sees our touched pages copy-on-write and
 * maps new ones on its own, which we never see.
 */
#include <inc/lib.h>

#define ZERO	0x40000000UL	/* gigabyte 1 */
#define ZSIZE	0x40000000UL
#define BITS	(PTE_V | PTE_W | PTE_COW)

static const uint64_t touched[] = { 0, 5 * PGSIZE + 8, 300 * 0x100000UL + 123, ZSIZE - 8 };
#define NTOUCHED	ARRAY_SIZE(touched)

/* Pages mapped in [ZERO, ZERO + ZSIZE), through the views, level by level. */
static int mapped_pages(void)
{
	int n = 0;
	if (!(uvpgd[GDNUM(ZERO)] & PTE_V))
		return 0;
	for (uint64_t d = PDNUM(ZERO); d < PDNUM(ZERO) + NPTENTRIES; d++) {
		if (!(uvpd[d] & PTE_V))
			continue;
		for (uint64_t pn = d * NPTENTRIES; pn < (d + 1) * NPTENTRIES; pn++)
			n += (uvpt[pn] & PTE_V) != 0;
	}
	return n;
}

static void expect_pages(const char *who, int want)
{
	int n = mapped_pages();
	if (n != want)
		panic("%s: %d pages mapped in the region, want %d", who, n, want);
}

void umain(int argc, char **argv)
{
	int r;
	if ((r = region_zero(ZERO, ZSIZE, "sparse")) < 0)
		panic("region_zero: %e", r);
	expect_pages("before", 0);
	/* the first by a load, the others by stores */
	if (*(volatile uint64_t *)(ZERO + touched[0]) != 0)
		panic("a loaded page is not zero");
	for (int i = 1; i < NTOUCHED; i++) {
		volatile uint8_t *p = (volatile uint8_t *)(ZERO + touched[i]);
		*p = i;
	}
	const volatile uint64_t *page = (const volatile uint64_t *)ROUNDDOWN(ZERO + touched[2], PGSIZE);
	for (int i = 0; i < PGSIZE / 8; i++)
		if (page[i] != (i == 123 / 8 ? (uint64_t)2 << 24 : 0))
			panic("page not zero-filled at word %d: %lx", i, page[i]);
	expect_pages("parent", NTOUCHED);
	if (uvpt_lookup(ZERO + touched[1] + PGSIZE) & PTE_V)
		panic("a neighbour of a touched page is mapped");
	cprintf("regionzero: %d pages touched of 1 GiB, %d mapped, each zero-filled\n", (int)NTOUCHED, mapped_pages());

	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	if (child == 0) {
		expect_pages("child", NTOUCHED);
		for (int i = 0; i < NTOUCHED; i++)
			if ((uvpt_lookup(ZERO + touched[i]) & BITS) != (PTE_V | PTE_COW))
				panic("child: page %lx not copy-on-write", ZERO + touched[i]);
		*(volatile uint8_t *)(ZERO + touched[1]) = 0x55;	/* copy-on-write */
		*(volatile uint8_t *)(ZERO + 700 * 0x100000UL) = 0x66;	/* new: zero-filled here */
		expect_pages("child", NTOUCHED + 1);
		cprintf("regionzero: child sees the parent's pages copy-on-write and fills new ones itself\n");
		exit();
	}
	wait(child);
	expect_pages("parent after the child", NTOUCHED);
	if (*(volatile uint8_t *)(ZERO + touched[1]) != 1)
		panic("parent: the child's write shows through");
	cprintf("regionzero: parent unchanged by the child\n");
}
