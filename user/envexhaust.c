/*
 * Running out of environments. We exofork children and leave them not
 * runnable (the cheap way: 3 pages each) until exofork fails with
 * E_NO_FREE_ENV, which must happen exactly when every slot of envs[] is in
 * use (on a machine with little memory E_NO_MEM may come first; we say
 * so). With the table full, fork fails cleanly and other calls still work.
 * Then we destroy a child and exofork again, many times: the slot is reused
 * with a new id each time, and every old id is refused with E_BAD_ENV by
 * every call that takes an id. At the end every slot is free again.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define PAGE	0x10000000UL
#define ROUNDS	50

static envid_t kids[NENV];
static envid_t old_ids[ROUNDS];
static int fails;

static void check(bool ok, const char *what, long v)
{
	if (!ok) {
		cprintf("envexhaust: FAIL %s (%ld)\n", what, v);
		fails++;
	}
}

static int free_slots(void)
{
	int n = 0;
	for (int i = 0; i < NENV; i++)
		if (envs[i].env_status == ENV_FREE)
			n++;
	return n;
}

static void no_faults(struct UTrapframe *utf)
{
	panic("page fault at %lx before fork", utf->utf_fault_va);
}

/* Every call that takes an env id refuses a stale one. */
static void stale(envid_t id)
{
	check(sys_page_alloc(id, (void *)PAGE, RW) == -E_BAD_ENV, "page_alloc with a stale id", id);
	check(sys_page_map(0, (void *)PAGE, id, (void *)PAGE, RW) == -E_BAD_ENV, "page_map to a stale id", id);
	check(sys_page_map(id, (void *)PAGE, 0, (void *)PAGE, RW) == -E_BAD_ENV, "page_map from a stale id", id);
	check(sys_page_unmap(id, (void *)PAGE) == -E_BAD_ENV, "page_unmap with a stale id", id);
	check(sys_env_set_status(id, ENV_RUNNABLE) == -E_BAD_ENV, "env_set_status with a stale id", id);
	check(sys_env_set_pgfault_upcall(id, (void *)UTEXT) == -E_BAD_ENV, "set_pgfault_upcall with a stale id", id);
	check(sys_ipc_try_send(id, 1, (void *)UTOP, 0) == -E_BAD_ENV, "ipc_try_send to a stale id", id);
	check(sys_env_destroy(id) == -E_BAD_ENV, "env_destroy with a stale id", id);
}

void umain(int argc, char **argv)
{
	int n = 0, r;
	int before = free_slots();

	if ((r = sys_page_alloc(0, (void *)PAGE, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	set_pgfault_handler(no_faults);	/* now, while there is memory for the exception stack fork needs */
	for (;;) {
		envid_t id = sys_exofork();
		if (id == 0)
			panic("an exofork child ran");
		if (id < 0) {
			r = id;
			break;
		}
		kids[n++] = id;
	}
	if (r == -E_NO_FREE_ENV) {
		check(n == before, "children made before E_NO_FREE_ENV, want the free slots", n);
		check(free_slots() == 0, "free slots left with the table full", free_slots());
	} else if (r != -E_NO_MEM) {
		panic("exofork failed with %e", r);
	}
	cprintf("envexhaust: exofork #%d failed: %e\n", n + 1, r);
	if (n < 2)
		panic("only %d children", n);

	/* Full: fork fails and leaves nothing behind; our own calls still work. */
	int left = free_slots();
	envid_t f = fork();
	if (f == 0)
		panic("a fork child ran with the table full");
	check(f == r, "fork with the table full", f);
	check(free_slots() == left, "free slots after the failed fork", free_slots());
	if (r == -E_NO_FREE_ENV) {	/* (out of memory, these could fail too) */
		check(sys_page_alloc(0, (void *)PAGE, RW) == 0, "page_alloc with the table full", 0);
		check(sys_page_map(0, (void *)PAGE, kids[0], (void *)PAGE, RW) == 0, "page_map to a child", 0);
	}
	cprintf("envexhaust: with the table full, fork fails with %e and other calls work\n", f);

	/* Reuse one slot again and again: a new id each time, old ones refused. */
	int k = n / 2;
	for (int i = 0; i < ROUNDS; i++) {
		envid_t old = kids[k];
		old_ids[i] = old;
		check(sys_env_destroy(old) == 0, "destroying a child", old);
		envid_t id = sys_exofork();
		if (id == 0)
			panic("an exofork child ran");
		check(id > 0 && ENVX(id) == ENVX(old), "the new child's slot", id);
		for (int j = 0; j <= i; j++)
			check(id != old_ids[j], "a reused slot gave an id seen before", id);
		stale(old);
		kids[k] = id;
		if (r == -E_NO_FREE_ENV)
			check(sys_exofork() == -E_NO_FREE_ENV, "exofork with the table full again", 0);
	}
	for (int j = 0; j < ROUNDS; j++)
		stale(old_ids[j]);
	cprintf("envexhaust: slot %d reused %d times, every id new, every stale id refused\n", ENVX(kids[k]), ROUNDS);

	for (int i = 0; i < n; i++)
		check(sys_env_destroy(kids[i]) == 0, "destroying a child", kids[i]);
	check(free_slots() == before, "free slots at the end", free_slots());
	envid_t id = sys_exofork();
	check(id > 0, "exofork after freeing them all", id);
	if (id > 0)
		sys_env_destroy(id);
	for (int i = 0; i < n; i++)
		stale(kids[i]);
	if (fails == 0)
		cprintf("envexhaust: all %d children destroyed, all checks passed\n", n);
	else
		cprintf("envexhaust: FAIL: %d checks failed\n", fails);
}
