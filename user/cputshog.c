/*
 * One system call must not keep everyone else off the CPU. A 4 MiB buffer
 * (one page mapped 1024 times over) is printed, KiB of it (default 256:
 * every byte costs the host a write) with one library sys_cputs, while a
 * sibling keeps reading the clock: it must be scheduled again and again
 * meanwhile, and never wait for long. Then one raw call with the whole
 * 4 MiB must print CPUTS_MAX bytes and say so.
 *   cputshog [KiB]
 */
#include <inc/lib.h>
#include <inc/riscv.h>	/* rdtime, rdinstret */

#define BUF	0x10000000UL	/* the buffer: one page, mapped again and again */
#define BOX	0x0ff00000UL	/* shared with the sibling */
#define RO	(PTE_V | PTE_U | PTE_R)
#define RW	(RO | PTE_W)
#define BIG	(4UL << 20)

struct box {
	volatile int started, phase, done;	/* phase: 0 before printing, 1 during, 2 after */
	volatile uint64_t maxgap;	/* longest the sibling waited for the CPU while we printed (rdtime ticks) */
};
static struct box *const box = (struct box *)BOX;


/* Spin on the clock; a gap between two readings is time we were kept off the CPU. */
static void sibling(void)
{
	uint64_t last = rdtime();
	int last_phase = 0;
	box->started = 1;
	while (!box->done) {
		uint64_t t = rdtime();
		int phase = box->phase;
		if (phase >= 1 && last_phase <= 1 && t - last > box->maxgap)	/* overlaps the printing */
			box->maxgap = t - last;
		last = t, last_phase = phase;
	}
}

void umain(int argc, char **argv)
{
	uint64_t kib = argc > 1 ? strtol(argv[1], NULL, 0) : 256, len = MIN(kib * 1024, BIG);
	int r;
	if ((r = sys_page_alloc(0, (void *)BOX, RW | PTE_SHARE)) < 0 || (r = sys_page_alloc(0, (void *)BUF, RW)) < 0)
		panic("sys_page_alloc: %e", r);
	char *page = (char *)BUF;
	memset(page, 'x', PGSIZE - 1);
	page[PGSIZE - 1] = '\n';
	for (uint64_t off = PGSIZE; off < BIG; off += PGSIZE)
		if ((r = sys_page_map(0, (void *)BUF, 0, (void *)(BUF + off), RO)) < 0)
			panic("sys_page_map: %e", r);

	envid_t sib = fork();
	if (sib < 0)
		panic("fork: %e", sib);
	if (sib == 0) {
		sibling();
		return;
	}
	while (!box->started)
		sys_yield();

	volatile const struct Env *s = &envs[ENVX(sib)];
	uint32_t runs0 = s->env_runs;
	box->phase = 1;
	uint64_t t0 = rdtime();
	sys_cputs((const char *)BUF, len);
	uint64_t t1 = rdtime();
	box->phase = 2;
	uint32_t runs = s->env_runs - runs0;
	int64_t one = syscall(SYS_cputs, BUF, BIG, 0, 0, 0);	/* one raw call: CPUTS_MAX bytes */
	box->done = 1;
	wait(sib);

	/* rdtime ticks at 10 MHz on QEMU virt */
	cprintf("cputshog: printed %lu KiB in %lu ms; the sibling was scheduled %u times meanwhile, "
		"longest wait %lu ms\n", len / 1024, (t1 - t0) / 10000, runs, box->maxgap / 10000);
	if (one != CPUTS_MAX)
		cprintf("cputshog: FAIL: one sys_cputs of %lu bytes returned %ld, want %d\n", BIG, one, CPUTS_MAX);
	else if (runs < 2 || box->maxgap > (t1 - t0) / 2)
		cprintf("cputshog: FAIL: the sibling was kept off the CPU\n");
	else
		cprintf("cputshog: the sibling kept running; one call printed %ld bytes\n", one);
}
