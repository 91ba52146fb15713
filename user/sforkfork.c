/*
 * fork after sfork, and sfork after fork. A and B share memory (sfork);
 * B forks C. C must see a snapshot taken at the fork, which A's later
 * writes do not change; A and B must keep sharing, A seeing what B writes
 * after the fork. Then A forks D and D sforks E: D and E share, A sees
 * neither.
 */
#include <inc/lib.h>

volatile int snap = 1;		/* A writes it after C is forked: C must not see it */
volatile int after = 0;		/* B writes it after forking C: A must see it */
volatile envid_t c_id;		/* B tells A (shared) who C is */
volatile int pair = 0;		/* D and E share it; A keeps 0 */

/* Wait (yielding) until *p == want; false if it never comes. */
static bool await(volatile int *p, int want)
{
	for (int i = 0; i < 500 && *p != want; i++)
		sys_yield();
	return *p == want;
}

static void fork_after_sfork(void)
{
	envid_t b = sfork();
	if (b < 0)
		panic("sfork: %e", b);
	if (b == 0) {	/* B */
		envid_t c = fork();
		if (c < 0)
			panic("fork: %e", c);
		if (c == 0) {	/* C */
			ipc_recv(NULL, NULL, NULL);	/* A has written snap = 2 by now */
			if (snap != 1 || after != 0)
				panic("C: snap %d after %d, want the snapshot 1 0", snap, after);
			cprintf("sforkfork: C sees the snapshot taken at fork time\n");
			exit();
		}
		c_id = c;
		after = 7;
		wait(c);
		exit();
	}
	/* A */
	for (int i = 0; i < 500 && c_id == 0; i++)
		sys_yield();
	if (c_id == 0 || !await(&after, 7))
		panic("A: B's writes after its fork are not shared with A (c_id %x, after %d)", c_id, after);
	cprintf("sforkfork: A sees B's writes after B forked\n");
	snap = 2;
	ipc_send(c_id, 0, NULL, 0);
	wait(b);
	if (snap != 2)
		panic("A: snap %d, want 2", snap);
}

static void sfork_after_fork(void)
{
	envid_t d = fork();
	if (d < 0)
		panic("fork: %e", d);
	if (d == 0) {	/* D */
		envid_t e = sfork();
		if (e < 0)
			panic("sfork: %e", e);
		if (e == 0) {	/* E */
			pair = 5;
			exit();
		}
		if (!await(&pair, 5))
			panic("D: E's write is not shared");
		wait(e);
		cprintf("sforkfork: D and E share after D was forked\n");
		exit();
	}
	wait(d);
	if (pair != 0)
		panic("A: sees pair %d, written by its fork child's sfork", pair);
	cprintf("sforkfork: A does not see its fork child's sfork writes\n");
}

void umain(int argc, char **argv)
{
	fork_after_sfork();
	sfork_after_fork();
}
