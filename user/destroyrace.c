/*
 * destroyrace [N]: N times (default 100), destroy a child that runs on
 * another hart, looping on sys_getenvid, then fork again once its slot is
 * free: the new child gets the same slot, and must run its own code with
 * its own id (a slot freed under a hart still running it would show as a
 * hang, a wrong id or a lost page). Fails unless most rounds really had
 * the child running on another hart when it was destroyed.
 */
#include <inc/lib.h>

#define SHARED	((volatile struct shared *)0x42000000UL)

struct shared {
	int32_t alive;		/* the id the child got from sys_getenvid */
	int32_t bad;		/* a child saw an id not its own */
};

static _Noreturn void child(void)
{
	envid_t me = sys_getenvid();
	SHARED->alive = me;
	for (;;)
		if (sys_getenvid() != me)
			SHARED->bad = me;
}

void umain(int argc, char **argv)
{
	int rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 100, remote = 0, reused = 0;
	if (sys_page_alloc(0, (void *)SHARED, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE) < 0)
		panic("page_alloc");
	int slot = -1;
	for (int i = 0; i < rounds; i++) {
		SHARED->alive = 0;
		envid_t c = fork();
		if (c < 0)
			panic("fork: %e", c);
		if (c == 0)
			child();
		if (ENVX(c) == slot)
			reused++;
		slot = ENVX(c);
		for (int t = 0; SHARED->alive != c; t++) {
			if (t > 1000000)
				panic("round %d: child %08x never ran", i, c);
			sys_yield();
		}
		const volatile struct Env *e = &envs[ENVX(c)];
		if (e->env_status == ENV_RUNNING && e->env_cpunum != thisenv->env_cpunum)
			remote++;
		int r = sys_env_destroy(c);
		if (r < 0)
			panic("round %d: destroy: %e", i, r);
		if ((r = sys_env_destroy(c)) != -E_BAD_ENV)	/* dying or gone: the id is dead at once */
			panic("round %d: a second destroy of %08x returned %d", i, c, r);
		wait(c);	/* until the hart it ran on has freed it */
	}
	if (SHARED->bad)
		panic("child %08x saw another id", SHARED->bad);
	cprintf("destroyrace: %d rounds, slot reused %d times, child on another hart %d times\n", rounds, reused,
		remote);
	if (remote < rounds / 2)
		cprintf("destroyrace: cannot arrange it: the child ran on another hart in only %d rounds\n", remote);
	else
		cprintf("destroyrace: OK\n");
}
