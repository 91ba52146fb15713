/*
 * A growable stack: region_stack(1 MiB) lets the stack grow on demand
 * below USTACKTOP. A recursion 600 frames of about 1 KiB deep works and
 * maps the pages it used; then a child recurses far deeper than the limit and is ended
 * by the guard below the limit with a stack-overflow line.
 */
#include <inc/lib.h>

#define LIMIT	(1024 * 1024)

/* About 1 KiB of stack per level; returns a checksum that needs every frame intact. */
static uint64_t __attribute__((noinline)) deep(int n)
{
	volatile uint8_t buf[1000];
	for (int i = 0; i < (int)sizeof(buf); i += 64)
		buf[i] = (uint8_t)(n + i);
	uint64_t sum = n ? deep(n - 1) : 0;
	for (int i = 0; i < (int)sizeof(buf); i += 64)
		if (buf[i] != (uint8_t)(n + i))
			panic("frame %d changed", n);
	return sum + n;
}

static int stack_pages(void)
{
	int n = 0;
	for (uint64_t va = USTACKTOP - LIMIT; va < USTACKTOP; va += PGSIZE)
		n += (uvpt_lookup(va) & PTE_V) != 0;
	return n;
}

void umain(int argc, char **argv)
{
	int r;
	if ((r = region_stack(LIMIT)) < 0)
		panic("region_stack: %e", r);
	int before = stack_pages();
	uint64_t sum = deep(600);
	if (sum != 600 * 601 / 2)
		panic("sum %lu", sum);
	int after = stack_pages();
	if (after < 140)
		panic("only %d stack pages mapped after the recursion", after);
	cprintf("regionstack: recursion 600 deep ok, the stack grew from %d to %d pages\n", before, after);

	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	if (child == 0) {
		cprintf("regionstack: child: recursing past the limit\n");
		deep(100000);	/* about 100 MiB of stack */
		panic("the deep recursion returned");
	}
	wait(child);
	if (stack_pages() != after)
		panic("the child's stack growth shows here");
	cprintf("regionstack: parent: the child is gone, our stack unchanged\n");
}
