/*
 * Fork until fork fails. The error must be E_NO_FREE_ENV or E_NO_MEM; then
 * every child exits, all memory comes back, and the next fork succeeds.
 */
#include <inc/lib.h>

/*
 * The list of children lives in a PTE_SHARE page, so that writing it after
 * a fork needs no copy-on-write fault: when memory runs out, a fault the
 * parent could not serve would kill it before fork ever reports E_NO_MEM.
 */
#define kids ((envid_t *)0x50000000)
_Static_assert(NENV * sizeof(envid_t) <= PGSIZE, "the child list fits a page");

void umain(int argc, char **argv)
{
	int n = 0, r;
	if ((r = sys_page_alloc(0, kids, PTE_V | PTE_U | PTE_R | PTE_W | PTE_SHARE)) < 0)
		panic("sys_page_alloc: %e", r);
	for (;;) {
		envid_t id = fork();
		if (id == 0) {	/* child: park until the parent lets us go, then exit */
			sys_env_set_status(0, ENV_NOT_RUNNABLE);
			exit();
		}
		if (id < 0) {
			r = id;
			break;
		}
		kids[n++] = id;
	}
	if (r != -E_NO_FREE_ENV && r != -E_NO_MEM)
		panic("fork failed with %e, want E_NO_FREE_ENV or E_NO_MEM", r);
	cprintf("forkbomb: fork #%d failed: %e\n", n + 1, r);

	/* Let every child run up to its park (envs[] shows it), then wake them all. */
	for (int i = 0; i < n; i++)
		while (envs[ENVX(kids[i])].env_status != ENV_NOT_RUNNABLE)
			sys_yield();
	for (int i = 0; i < n; i++)
		if ((r = sys_env_set_status(kids[i], ENV_RUNNABLE)) < 0)
			panic("waking child %08x: %e", kids[i], r);
	for (int i = 0; i < n; i++)
		wait(kids[i]);
	cprintf("forkbomb: all %d children exited\n", n);

	envid_t id = fork();
	if (id < 0)
		panic("fork after the bomb: %e", id);
	if (id == 0)
		exit();
	wait(id);
	cprintf("forkbomb: fork works again\n");
}
