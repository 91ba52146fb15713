/*
 * Twenty environments each yield ten times, with a busy loop between,
 * incrementing a shared counter; none starves, all finish, and no
 * increment is lost (the counter page is PTE_SHARE and each increment is
 * atomic).
 */
#include <inc/lib.h>

#define NKIDS	20
#define ROUNDS	10
#define COUNTER	((volatile int *)0x30000000)

void umain(int argc, char **argv)
{
	int r;
	envid_t kids[NKIDS];

	if ((r = sys_page_alloc(0, (void *)COUNTER, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE)) < 0)
		panic("sys_page_alloc: %e", r);
	for (int i = 0; i < NKIDS; i++) {
		if ((kids[i] = fork()) < 0)
			panic("fork: %e", kids[i]);
		if (kids[i] == 0) {
			for (int j = 0; j < ROUNDS; j++) {
				for (volatile int k = 0; k < 2000; k++)
					;
				__atomic_fetch_add(COUNTER, 1, __ATOMIC_SEQ_CST);
				sys_yield();
			}
			cprintf("[%08x] stresssched on CPU %d\n", thisenv->env_id, thisenv->env_cpunum);
			exit();
		}
	}
	for (int i = 0; i < NKIDS; i++)
		wait(kids[i]);
	if (*COUNTER != NKIDS * ROUNDS)
		panic("counter is %d, want %d", *COUNTER, NKIDS * ROUNDS);
	cprintf("stresssched: all %d environments finished, counter %d\n", NKIDS, *COUNTER);
}
