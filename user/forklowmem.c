/*
 * fork with memory nearly full. A helper environment (the hog) holds all
 * free memory and gives back k pages on request. For k = 0, 1, 2, ... we
 * fork from a frame placed just above a stack page boundary, so that
 * fork's callees write the stack page below the one holding fork's frame.
 * Each fork must either fail with E_NO_MEM, leaving us fully usable, or
 * succeed with us able to return and carry on with no free page. The
 * child writes a global: with no page left, that copy-on-write fault ends
 * it with one line naming the address and the error.
 */
#include <inc/lib.h>

#define RW	(PTE_V | PTE_U | PTE_R | PTE_W)
#define FILL	0x100000000UL	/* gigabyte 4: the hog's pages */
#define STACK2	(USTACKTOP - 2 * PGSIZE)	/* a second stack page */
#define ALL	(-1UL)		/* to the hog: give back everything and exit */

volatile int global = 1;

/*
 * The hog: on message k, take every free page, then free k of them;
 * answers with the number it holds. The pages go into environments it
 * exoforks (never run), one L0 table's worth (PER) to each: the checking
 * kernel (KCHECK=1) rescans the tables of each environment a call touched,
 * and every 64 calls those of all, so small tables keep it fast.
 */
#define PER	NPTENTRIES
#define KIDS	((envid_t *)0x30000000UL)	/* the hog's list of them */
static _Noreturn void hog(envid_t parent)
{
	uint64_t n = 0, nkids = 0;
	if (sys_page_alloc(0, KIDS, RW) < 0)
		panic("hog: no page for its list");
	for (;;) {
		uint64_t k = ipc_recv(NULL, NULL, NULL);
		while (k != ALL) {
			if (n == nkids * PER) {
				envid_t kid = sys_exofork();
				if (kid <= 0)	/* out of memory (a kid never runs: 0 is not returned) */
					break;
				KIDS[nkids++] = kid;
			}
			if (sys_page_alloc(KIDS[n / PER], (void *)(FILL + n % PER * PGSIZE), RW) < 0)
				break;
			n++;
		}
		for (uint64_t i = 0; k != ALL && i < k && n > 0; i++, n--)
			sys_page_unmap(KIDS[(n - 1) / PER], (void *)(FILL + (n - 1) % PER * PGSIZE));
		if (k == ALL)	/* destroying a kid frees its pages */
			for (n = 0; nkids > 0;)
				sys_env_destroy(KIDS[--nkids]);
		ipc_send(parent, n, NULL, 0);
		if (k == ALL)
			exit();
	}
}

/* Uses a few hundred bytes of stack; returns a checksum. */
static int __attribute__((noinline)) use_stack(int depth)
{
	volatile char buf[200];
	for (int i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)(depth + i);
	int sum = depth ? use_stack(depth - 1) : 0;
	return sum + buf[depth % sizeof(buf)];
}

/* fork, with our frame 64 bytes above the boundary between the two stack pages. */
static envid_t __attribute__((noinline)) fork_low(void)
{
	uint64_t sp = (uint64_t)__builtin_frame_address(0);
	char pad[sp - (STACK2 + PGSIZE) - 64];
	__asm__ volatile("" : : "r"(pad) : "memory");	/* keep pad */
	return fork();
}

void umain(int argc, char **argv)
{
	int nomem = 0, forked = 0, r;
	int want = use_stack(8);
	envid_t parent = sys_getenvid();

	envid_t h = fork();
	if (h < 0)
		panic("fork: %e", h);
	if (h == 0)
		hog(parent);
	global = 1;	/* our data page is ours again, before memory runs out */
	if ((r = sys_page_alloc(0, (void *)STACK2, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	for (int k = 0; k <= 40 && forked < 3; k++) {
		ipc_send(h, k, NULL, 0);
		ipc_recv(NULL, NULL, NULL);
		envid_t c = fork_low();
		if (c == 0) {
			global = 2;	/* copy-on-write: may find no page */
			exit();
		}
		if (c < 0 && c != -E_NO_MEM)
			panic("fork with %d pages free: %e, want E_NO_MEM", k, c);
		if (use_stack(8) != want)	/* carry on: our stack is ours */
			panic("stack changed under us");
		if (c > 0) {
			forked++;
			wait(c);
		} else {
			nomem++;
		}
		global = 3;	/* no child holds our pages now: no page needed */
	}
	ipc_send(h, ALL, NULL, 0);
	ipc_recv(NULL, NULL, NULL);
	wait(h);
	if (global != 3)
		panic("global %d, want 3", global);
	cprintf("forklowmem: %d forks out of memory, %d succeeded; the parent carried on\n", nomem, forked);
}
