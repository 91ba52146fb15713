/*
 * sys_env_set_status(child, RUNNABLE) hammered while the child runs on
 * another hart must never make it run twice at once. The child counts how
 * many copies of it are inside a short critical section (a PTE_SHARE page);
 * two harts running the same environment would both be inside. Fails
 * unless the child really ran on another hart during most calls.
 */
#include <inc/lib.h>

#define SHARED	((volatile struct shared *)0x42000000UL)
#define CALLS	20000

struct shared {
	int32_t inside, overlaps, started;
};

static _Noreturn void child(void)
{
	SHARED->started = 1;
	for (;;) {
		if (__atomic_fetch_add(&SHARED->inside, 1, __ATOMIC_SEQ_CST) != 0)
			__atomic_fetch_add(&SHARED->overlaps, 1, __ATOMIC_SEQ_CST);
		for (volatile int i = 0; i < 50; i++)
			;
		__atomic_fetch_sub(&SHARED->inside, 1, __ATOMIC_SEQ_CST);
	}
}

void umain(int argc, char **argv)
{
	if (sys_page_alloc(0, (void *)SHARED, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE) < 0)
		panic("page_alloc");
	envid_t c = fork();
	if (c < 0)
		panic("fork: %e", c);
	if (c == 0)
		child();
	while (!SHARED->started)
		sys_yield();
	const volatile struct Env *e = &envs[ENVX(c)];
	int remote = 0;
	for (int i = 0; i < CALLS; i++) {
		if (e->env_status == ENV_RUNNING && e->env_cpunum != thisenv->env_cpunum)
			remote++;
		int r = sys_env_set_status(c, ENV_RUNNABLE);
		if (r < 0)
			panic("set_status: %e", r);
	}
	sys_env_destroy(c);
	wait(c);
	cprintf("statusrace: %d calls, child on another hart for %d, %d double runs\n", CALLS, remote,
		SHARED->overlaps);
	if (remote < CALLS / 2)
		cprintf("statusrace: cannot arrange it: the child ran on another hart for only %d calls\n", remote);
	else if (SHARED->overlaps == 0)
		cprintf("statusrace: OK\n");
}
