/*
 * After fork, parent and children write the same globals, heap page and
 * stack variables; each must see only its own writes. A chain of forks of
 * forks checks that a child starts from its parent's values at the moment
 * of the fork, and a counter loop forks at several counts.
 */
#include <inc/lib.h>

#define HEAP ((volatile int *)0x10000000)	/* a "heap" page we allocate ourselves */

int global = 1;			/* .data */
int zeroed;			/* .bss */

static void check(const char *who, int g, int z, int h, int s, volatile int *stackvar)
{
	if (global != g || zeroed != z || HEAP[0] != h || *stackvar != s)
		panic("%s: saw global %d zeroed %d heap %d stack %d, want %d %d %d %d",
		      who, global, zeroed, HEAP[0], *stackvar, g, z, h, s);
}

static void set(int g, int z, int h, int s, volatile int *stackvar)
{
	global = g;
	zeroed = z;
	HEAP[0] = h;
	*stackvar = s;
}

/* A child forked at count k must start from k, then count on alone. */
static void counter_test(void)
{
	volatile int counter = 0;
	envid_t kids[4];
	int nkids = 0;
	for (int i = 0; i < 20; i++) {
		counter++;
		if (counter % 5 == 0) {
			envid_t id = fork();
			if (id < 0)
				panic("fork: %e", id);
			if (id == 0) {
				int start = counter;
				if (start != i + 1)
					panic("counter child: started at %d, want %d", start, i + 1);
				for (int j = 0; j < 100; j++)
					counter++;
				sys_yield();
				if (counter != start + 100)
					panic("counter child: %d, want %d", counter, start + 100);
				cprintf("forkcow: counter child forked at %d ok\n", start);
				exit();
			}
			kids[nkids++] = id;
		}
	}
	for (int i = 0; i < nkids; i++)
		wait(kids[i]);
	if (counter != 20)
		panic("counter parent: %d, want 20", counter);
	cprintf("forkcow: counter parent ok\n");
}

void umain(int argc, char **argv)
{
	volatile int stackvar = 10;
	int r;

	if ((r = sys_page_alloc(0, (void *)HEAP, PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
		panic("sys_page_alloc: %e", r);
	set(1, 0, 100, 10, &stackvar);

	envid_t child = fork();
	if (child < 0)
		panic("fork: %e", child);
	if (child == 0) {
		check("child at start", 1, 0, 100, 10, &stackvar);
		set(2, 22, 200, 20, &stackvar);
		sys_yield();
		check("child after writing", 2, 22, 200, 20, &stackvar);

		envid_t grandchild = fork();
		if (grandchild < 0)
			panic("fork: %e", grandchild);
		if (grandchild == 0) {
			check("grandchild at start", 2, 22, 200, 20, &stackvar);
			set(3, 33, 300, 30, &stackvar);
			sys_yield();
			check("grandchild after writing", 3, 33, 300, 30, &stackvar);
			cprintf("forkcow: grandchild ok\n");
			exit();
		}
		sys_yield();
		wait(grandchild);
		check("child after grandchild", 2, 22, 200, 20, &stackvar);
		cprintf("forkcow: child ok\n");
		exit();
	}

	set(5, 55, 500, 50, &stackvar);
	sys_yield();
	wait(child);
	check("parent", 5, 55, 500, 50, &stackvar);
	cprintf("forkcow: parent ok\n");

	counter_test();
}
