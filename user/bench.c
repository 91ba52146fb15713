/*
 * The benchmark suite (make bench). Every figure is a count of guest
 * instructions read from the instret CSR, which under QEMU's -icount
 * shift=0 counts exactly and repeatably. On one hart instret counts
 * every instruction the machine runs, kernel included, so a round trip
 * through the kernel is measured whole. Run with +nopreempt so that no
 * timer interrupt lands in a sample; each figure is the median of its
 * samples.
 *
 * Prints "bench: NAME VALUE" per figure. "bench quick" repeats less (grade.sh).
 */
#include <inc/lib.h>
#include <inc/riscv.h>	/* rdtime, rdinstret */

#define PERM_RW		(PTE_V | PTE_U | PTE_R | PTE_W)
#define REGION		0x10000000UL	/* scratch pages for the fork and fault figures */
#define MAXSAMPLES	64

static int reps = 31;


static uint64_t overhead;	/* instret; instret with nothing between */

static void sort(uint64_t *a, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && a[j - 1] > a[j]; j--) {
			uint64_t t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

static uint64_t median(uint64_t *a, int n)
{
	sort(a, n);
	return a[n / 2];
}

static void report(const char *name, uint64_t value)
{
	cprintf("bench: %s %lu\n", name, value);
}

static void check(int r, const char *what)
{
	if (r < 0)
		panic("bench: %s: %e", what, r);
}

/* Allocate and write n pages at REGION. */
static void fill_region(int n)
{
	for (int i = 0; i < n; i++) {
		check(sys_page_alloc(0, (void *)(REGION + i * PGSIZE), PERM_RW), "page_alloc");
		*(volatile uint64_t *)(REGION + i * PGSIZE) = i;
	}
}

static void clear_region(int n)
{
	for (int i = 0; i < n; i++)
		check(sys_page_unmap(0, (void *)(REGION + i * PGSIZE)), "page_unmap");
}

/* ---- the system call and the upcall ---- */

static void null_syscall(void)
{
	uint64_t s[MAXSAMPLES];
	for (int i = 0; i < reps; i++) {
		uint64_t t0 = rdinstret();
		sys_getenvid();
		s[i] = rdinstret() - t0 - overhead;
	}
	report("null_syscall", median(s, reps));
}

/* The handler upcall_null measures the mechanism with: no frame of its own, three instructions. */
static __attribute__((optimize("omit-frame-pointer"))) void skip_handler(struct UTrapframe *utf)
{
	utf->utf_epc += 4;	/* the faulting load is 4 bytes long (norvc below) */
}

static void upcall_null(void)
{
	uint64_t s[MAXSAMPLES];
	set_pgfault_handler(skip_handler);
	for (int i = 0; i < reps; i++) {
		uint64_t t0 = rdinstret(), t1;
		__asm__ volatile(".option push\n.option norvc\n"
				 "ld zero, 0(zero)\n"
				 ".option pop\n" ::: "memory");
		t1 = rdinstret();
		s[i] = t1 - t0 - overhead;
	}
	report("upcall_null", median(s, reps));
}

static void alloc_handler(struct UTrapframe *utf)
{
	int r = sys_page_alloc(0, (void *)ROUNDDOWN(utf->utf_fault_va, PGSIZE), PERM_RW);
	if (r < 0)
		panic("alloc_handler: %e", r);
}

static void pgfault_alloc(void)
{
	uint64_t s[MAXSAMPLES];
	set_pgfault_handler(alloc_handler);
	for (int i = 0; i < reps; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(REGION + i * PGSIZE);
		uint64_t t0 = rdinstret();
		*p = 1;
		s[i] = rdinstret() - t0 - overhead;
	}
	clear_region(reps);
	report("pgfault_alloc", median(s, reps));
}

/* ---- copy-on-write faults (fork's handler is installed by fork) ---- */

/* A write to each of reps pages still shared with a live child, or (sole) after it exited. */
static void cow_fault(bool sole)
{
	uint64_t s[MAXSAMPLES];
	fill_region(reps);
	envid_t child = fork();
	check(child, "fork");
	if (child == 0) {
		if (!sole)
			ipc_recv(NULL, NULL, NULL);	/* keep the pages shared until told */
		exit();
	}
	if (sole)
		wait(child);
	for (int i = 0; i < reps; i++) {
		volatile uint64_t *p = (volatile uint64_t *)(REGION + i * PGSIZE);
		uint64_t t0 = rdinstret();
		*p = 2;
		s[i] = rdinstret() - t0 - overhead;
	}
	if (!sole) {
		ipc_send(child, 0, NULL, 0);
		wait(child);
	}
	clear_region(reps);
	report(sole ? "cow_fault_sole" : "cow_fault", median(s, reps));
}

/* ---- fork ---- */

/* fork() until it returns in the parent, with npages written pages at REGION. */
static uint64_t fork_cost(int npages)
{
	uint64_t s[MAXSAMPLES];
	int n = npages > 256 ? (reps + 1) / 4 : reps;	/* big forks vary little */
	fill_region(npages);
	for (int i = 0; i < n; i++) {
		/* written pages: the last fork left them copy-on-write; a write makes them ours again */
		for (int j = 0; j < npages; j++)
			*(volatile uint64_t *)(REGION + j * PGSIZE) = j;
		uint64_t t0 = rdinstret();
		envid_t child = fork();
		uint64_t t1 = rdinstret();
		if (child == 0)
			exit();
		check(child, "fork");
		s[i] = t1 - t0 - overhead;
		wait(child);
	}
	clear_region(npages);
	return median(s, n);
}

static void fork_wait_base(void)
{
	uint64_t s[MAXSAMPLES];
	for (int i = 0; i < reps; i++) {
		uint64_t t0 = rdinstret();
		envid_t child = fork();
		if (child == 0)
			exit();
		check(child, "fork");
		wait(child);
		s[i] = rdinstret() - t0 - overhead;
	}
	report("fork_wait_base", median(s, reps));
}

/* Pages in use now, by the kernel's own count (pages[] at UPAGES, read-only): those with a nonzero count. */
static int used_pages(void)
{
	uint64_t total, nfree = pages_free(&total);
	return total - nfree;
}

/* Pages a fork of this (small) program takes before either side writes. */
static void pages_per_fork(void)
{
	int before = used_pages();
	envid_t child = fork();
	if (child == 0)
		exit();
	check(child, "fork");
	int after = used_pages();
	wait(child);
	report("pages_per_fork", after - before);
}

/* ---- forktree, as user/forktree.c, timed from the root's start to the last exit ---- */

struct treestat {
	uint64_t last;		/* instret at the last exit */
	int left;		/* environments still to finish */
	envid_t root;
};
#define TREESTAT ((struct treestat *)(REGION - PGSIZE))

static int tree_depth;

static void tree_done(void)
{
	uint64_t t = rdinstret();
	if (__atomic_sub_fetch(&TREESTAT->left, 1, __ATOMIC_SEQ_CST) == 0) {
		TREESTAT->last = t;
		if (sys_getenvid() != TREESTAT->root)
			ipc_send(TREESTAT->root, 0, NULL, 0);
	}
}

static void tree(const char *cur);

static void tree_child(const char *cur, char branch)
{
	char nxt[16];
	if ((int)strlen(cur) >= tree_depth)
		return;
	snprintf(nxt, sizeof(nxt), "%s%c", cur, branch);
	if (fork() == 0) {
		tree(nxt);
		tree_done();
		exit();
	}
}

static void tree(const char *cur)
{
	cprintf("%04x: I am '%s'\n", sys_getenvid(), cur);
	tree_child(cur, '0');
	tree_child(cur, '1');
}

static void forktree(int depth, const char *name)
{
	check(sys_page_alloc(0, TREESTAT, PERM_RW | PTE_SHARE), "page_alloc");
	tree_depth = depth;
	TREESTAT->left = (2 << depth) - 1;
	TREESTAT->root = sys_getenvid();
	uint64_t t0 = rdinstret();
	tree("");
	envid_t last_one = 0;
	tree_done();
	if (TREESTAT->left > 0)
		ipc_recv(&last_one, NULL, NULL);	/* the last one to finish wakes us */
	uint64_t last = TREESTAT->last;
	if (last_one)
		wait(last_one);	/* it may still be on its way out */
	report(name, last - t0);
	check(sys_page_unmap(0, TREESTAT), "page_unmap");
}

/* ---- the copy floor ---- */

/* In REGION, not in .bss, so that they do not make the forked program bigger. */
#define src_page ((uint64_t *)REGION)
#define dst_page ((uint64_t *)(REGION + PGSIZE))

/* The reference: 8 loads then 8 stores per 64 bytes. */
static void __attribute__((noinline)) copy_unrolled8(uint64_t *d, const uint64_t *s, size_t n)
{
	for (const uint64_t *e = s + n / 8; s < e; s += 8, d += 8) {
		uint64_t a = s[0], b = s[1], c = s[2], x = s[3], y = s[4], z = s[5], u = s[6], v = s[7];
		d[0] = a, d[1] = b, d[2] = c, d[3] = x, d[4] = y, d[5] = z, d[6] = u, d[7] = v;
	}
}

static void copy_floor(void)
{
	uint64_t s[MAXSAMPLES], r[MAXSAMPLES];
	fill_region(2);
	for (int i = 0; i < reps; i++) {
		src_page[i] = i;
		uint64_t t0 = rdinstret();
		memcpy(dst_page, src_page, PGSIZE);
		uint64_t t1 = rdinstret();
		copy_unrolled8(dst_page, src_page, PGSIZE);
		uint64_t t2 = rdinstret();
		s[i] = t1 - t0 - overhead;
		r[i] = t2 - t1 - overhead;
	}
	clear_region(2);
	report("copy_floor", median(s, reps));
	report("copy_unrolled8", median(r, reps));
}

static void fork_base(void)
{
	report("fork_base", fork_cost(0));
}

/* fork_pages_N for the plot, and fork_per_page: the least-squares slope over 16, 256 and 1024 pages. */
static void fork_per_page(void)
{
	static const int sizes[] = { 16, 64, 256, 1024 };
	uint64_t cost[4];
	char name[32];
	for (int i = 0; i < 4; i++) {
		cost[i] = fork_cost(sizes[i]);
		snprintf(name, sizeof(name), "fork_pages_%d", sizes[i]);
		report(name, cost[i]);
	}
	const int xs[] = { 16, 256, 1024 };
	const uint64_t ys[] = { cost[0], cost[2], cost[3] };
	int64_t sx = 0, sy = 0, sxx = 0, sxy = 0;
	for (int i = 0; i < 3; i++)
		sx += xs[i], sy += ys[i], sxx += (int64_t)xs[i] * xs[i], sxy += (int64_t)xs[i] * ys[i];
	report("fork_per_page", (3 * sxy - sx * sy) / (3 * sxx - sx * sx));
}

static void cow_fault_shared(void)
{
	cow_fault(false);
}

static void cow_fault_sole(void)
{
	cow_fault(true);
}

static void forktree_d3(void)
{
	forktree(3, "forktree_d3");
}

static void forktree_d6(void)
{
	forktree(6, "forktree_d6");
}

/* In this order: fork first, while nothing but the program is mapped (the smallest program we have). */
static const struct {
	const char *name;
	void (*run)(void);
} figures[] = {
	{ "fork_base", fork_base },
	{ "fork_wait_base", fork_wait_base },
	{ "null_syscall", null_syscall },
	{ "upcall_null", upcall_null },
	{ "pgfault_alloc", pgfault_alloc },
	{ "copy_floor", copy_floor },
	{ "fork_per_page", fork_per_page },
	{ "cow_fault", cow_fault_shared },
	{ "cow_fault_sole", cow_fault_sole },
	{ "forktree_d3", forktree_d3 },
	{ "forktree_d6", forktree_d6 },
	{ "pages_per_fork", pages_per_fork },
};

/* bench [quick] [NAME...]: every figure, or only those named; quick repeats less. */
void umain(int argc, char **argv)
{
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "quick") == 0) {
		reps = 5;
		first = 2;
	}
	uint64_t t0 = rdinstret();
	overhead = rdinstret() - t0;

	for (size_t i = 0; i < ARRAY_SIZE(figures); i++) {
		bool wanted = first >= argc;
		for (int j = first; j < argc; j++)
			wanted |= strcmp(argv[j], figures[i].name) == 0;
		if (wanted)
			figures[i].run();
	}
	cprintf("bench: done\n");
}
