/*
 * A recycled environment id must not inherit a dead parent's rights. Our
 * child P forks C (which waits for a message) and exits. Then we fork
 * again and again: each child lands in P's old slot with the next
 * generation, until the generation wraps and a child gets P's very id.
 * That child must have no rights over C (destroy, page calls, status):
 * C's parent died, so C has none. Reaching the wrap takes 2^19 - 1 forks
 * on the normal kernel; grade.sh runs this on one built with ENVGENBITS=2.
 */
#include <inc/lib.h>

#define BOX	0x0ff00000UL	/* shared with the children */
#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define MAXTRIES 64

static volatile envid_t *const orphan = (volatile envid_t *)BOX;

/* We are P's namesake: try every right a parent has over C. */
static void namesake(envid_t p, envid_t c)
{
	int d = sys_env_destroy(c);
	int a = sys_page_alloc(c, (void *)UTEMP, RW);
	int m = sys_page_map(0, (void *)BOX, c, (void *)UTEMP, RW);
	int u = sys_page_unmap(c, (void *)BOX);
	int s = sys_env_set_status(c, ENV_NOT_RUNNABLE);
	int f = sys_env_set_pgfault_upcall(c, 0);
	cprintf("genwrap: %08x (the dead parent's id again) on the orphan %08x: destroy %e, page_alloc %e, "
		"page_map %e, page_unmap %e, set_status %e, set_pgfault_upcall %e\n", p, c, d, a, m, u, s, f);
	if (d == -E_BAD_ENV && a == -E_BAD_ENV && m == -E_BAD_ENV && u == -E_BAD_ENV && s == -E_BAD_ENV &&
	    f == -E_BAD_ENV)
		cprintf("genwrap: no rights over the orphan\n");
	else
		cprintf("genwrap: FAIL: the recycled id acted as the orphan's parent\n");
}

void umain(int argc, char **argv)
{
	int r;
	if ((r = sys_page_alloc(0, (void *)BOX, RW | PTE_SHARE)) < 0)
		panic("sys_page_alloc: %e", r);
	envid_t p = fork();
	if (p < 0)
		panic("fork: %e", p);
	if (p == 0) {
		envid_t c = fork();
		if (c < 0)
			panic("fork: %e", c);
		if (c == 0) {	/* C: wait for the word to exit */
			ipc_recv(NULL, NULL, NULL);
			cprintf("genwrap: the orphan got its message and exits\n");
			return;
		}
		*orphan = c;
		return;
	}
	wait(p);
	envid_t c = *orphan;
	volatile const struct Env *ce = &envs[ENVX(c)];
	if (ce->env_id != c || ce->env_status == ENV_FREE)
		panic("the orphan %08x died with its parent", c);
	cprintf("genwrap: parent %08x exited; its child %08x waits on with parent %08x\n", p, c, ce->env_parent_id);

	int tries;
	for (tries = 1; tries <= MAXTRIES; tries++) {
		envid_t x = fork();
		if (x < 0)
			panic("fork: %e", x);
		if (x == 0) {
			if (sys_getenvid() == p)
				namesake(p, c);
			return;
		}
		wait(x);
		if (x == p)
			break;
	}
	if (tries > MAXTRIES) {
		cprintf("genwrap: id %08x did not come back in %d forks (a kernel with a small ENVGENBITS wraps sooner)\n",
			p, MAXTRIES);
		sys_env_destroy(c);
		return;
	}
	cprintf("genwrap: id %08x came back after %d forks\n", p, tries);
	if (ce->env_id != c || ce->env_status == ENV_FREE)
		cprintf("genwrap: FAIL: the orphan %08x is gone\n", c);
	else {
		ipc_send(c, 0, NULL, 0);
		wait(c);
	}
}
