/*
 * sfork: a global counter is shared (each side sees the other's
 * increments); stack variables are not; thisenv is right in both.
 */
#include <inc/lib.h>

volatile int counter;
volatile int turn;		/* whose turn to increment: 0 parent, 1 child */

void umain(int argc, char **argv)
{
	volatile int mine = 0;	/* on the stack: private after sfork */
	envid_t parent = sys_getenvid();

	envid_t child = sfork();
	if (child < 0)
		panic("sfork: %e", child);
	int me = child == 0 ? 1 : 0;
	if (thisenv->env_id != sys_getenvid())
		panic("thisenv is %08x in %s, want %08x", thisenv->env_id, me ? "child" : "parent", sys_getenvid());
	if (me == 1 && thisenv->env_parent_id != parent)
		panic("child's thisenv names parent %08x, want %08x", thisenv->env_parent_id, parent);

	int last = 0;	/* the counter as this side left it: read later, the other side may have moved it */
	for (int i = 0; i < 10; i++) {
		while (turn != me)
			sys_yield();
		if (counter != 2 * i + me)
			panic("%s: counter %d, want %d", me ? "child" : "parent", counter, 2 * i + me);
		last = ++counter;
		mine += me ? 100 : 1;
		turn = !me;
	}
	if (mine != (me ? 1000 : 10))
		panic("stack variable %d: shared between parent and child?", mine);
	cprintf("sforktest: %s ok, counter %d, stack %d\n", me ? "child" : "parent", last, mine);
	if (me == 0)
		wait(child);
}
