/*
 * Children that can never run again die with their parent; the others go
 * on without one. Each round our child P leaves behind, when it exits:
 *  - S, an exofork child holding pages, never made runnable;
 *  - K, a fork child that made itself not runnable, with children of its own:
 *    G (exofork, holding pages: stuck, so it dies with K), R (running) and
 *    Q (waiting in ipc_recv).
 * S, K and G must be freed with P; R and Q must go on, with no parent. After
 * each round every page must be free again (counted in pages[], at UPAGES).
 *   orphans [ROUNDS]    (default 20)
 */
#include <inc/lib.h>

#define BOX	0x0ff00000UL	/* shared by everyone */
#define GIFT	0x20000000UL	/* where the stuck children get their pages */
#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)

struct box {
	volatile envid_t s, k, g, r, q;
	volatile int go;
};
static struct box *const box = (struct box *)BOX;

/* An exofork child that never runs, holding n pages. */
static envid_t stuck_child(int n)
{
	envid_t id = sys_exofork();
	if (id < 0)
		panic("sys_exofork: %e", id);
	if (id == 0)
		panic("a stuck child ran");
	for (int i = 0; i < n; i++) {
		int r = sys_page_alloc(id, (void *)(GIFT + i * PGSIZE), RW);
		if (r < 0)
			panic("sys_page_alloc: %e", r);
	}
	return id;
}

static void k_main(void)
{
	box->g = stuck_child(4);
	envid_t r = fork();
	if (r == 0) {	/* R runs on until told */
		while (!box->go)
			sys_yield();
		return;
	}
	box->r = r;
	envid_t q = fork();
	if (q == 0) {	/* Q waits for a message */
		ipc_recv(NULL, NULL, NULL);
		return;
	}
	box->q = q;
	sys_env_set_status(0, ENV_NOT_RUNNABLE);	/* the kernel does not come back to us */
	panic("K ran again");
}

static bool gone(envid_t id)
{
	return envs[ENVX(id)].env_id != id || envs[ENVX(id)].env_status == ENV_FREE;
}

void umain(int argc, char **argv)
{
	int rounds = argc > 1 ? strtol(argv[1], NULL, 0) : 20, r;
	if ((r = sys_page_alloc(0, (void *)BOX, RW | PTE_SHARE)) < 0)
		panic("sys_page_alloc: %e", r);
	envid_t w = fork();	/* the first fork gives us an exception stack: count after it */
	if (w == 0)
		return;
	wait(w);
	uint64_t before = pages_free(NULL);
	cprintf("orphans: %lu pages free\n", before);
	for (int round = 1; round <= rounds; round++) {
		memset(box, 0, sizeof(*box));
		envid_t p = fork();
		if (p < 0)
			panic("fork: %e", p);
		if (p == 0) {
			envid_t k = fork();
			if (k == 0) {
				k_main();
				return;
			}
			box->k = k;
			box->s = stuck_child(8);
			while (!box->q || envs[ENVX(k)].env_status != ENV_NOT_RUNNABLE)
				sys_yield();
			return;	/* P exits */
		}
		wait(p);
		const char *problem = NULL;
		if (!gone(box->s) || !gone(box->k) || !gone(box->g))
			problem = "a child that can never run outlived its parent";
		else if (gone(box->r) || gone(box->q))
			problem = "a running or receiving orphan died with its parent";
		else if (envs[ENVX(box->r)].env_parent_id != 0 || envs[ENVX(box->q)].env_parent_id != 0)
			problem = "an orphan still names a parent";
		box->go = 1;
		if (!gone(box->q))
			ipc_send(box->q, 0, NULL, 0);
		wait(box->r);
		wait(box->q);
		uint64_t now = pages_free(NULL);
		cprintf("orphans: round %d: %lu pages free\n", round, now);
		if (!problem && now != before)
			problem = "pages were not given back";
		if (problem) {
			cprintf("orphans: FAIL in round %d: %s\n", round, problem);
			return;
		}
	}
	cprintf("orphans: %d rounds, every stuck child freed with its parent, every page back\n", rounds);
}
