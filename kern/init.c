/* Boot: read the device tree, set up memory, check it, create the first environments, schedule. */
#include <kern/fdt.h>
#include <kern/console.h>
#include <kern/pmap.h>
#include <kern/env.h>
#include <kern/trap.h>
#include <kern/cpu.h>
#include <kern/sbi.h>
#include <kern/poweroff.h>
#include <kern/timer.h>
#include <kern/kcheck.h>
#include <kern/monitor.h>
#include <kern/spinlock.h>
#include <inc/riscv.h>
#include <inc/string.h>

#ifndef DEFAULT_PROG
#define DEFAULT_PROG "hello"
#endif

struct cpu cpus[NCPU];
uint64_t boot_instret;	/* instret at kernel entry */
bool bench_boot;	/* +bench */
int ncpu;

/*
 * The command line (FDT /chosen/bootargs, QEMU's -append) is a list of
 * programs separated by ';', each "NAME ARG...", created in that order.
 * Words starting with '+' are kernel options: +trace, +nopreempt, +bench
 * (print the instructions from kernel entry to the first user instruction),
 * +monitor (the kernel monitor instead of power-off when nothing is left),
 * +noshootdown (no remote TLB fences: deliberately broken, for a test).
 */
static void kernel_option(const char *word)
{
	if (strcmp(word, "+trace") == 0) {
		trace = true;
		trap_init_percpu();	/* traps enter through uservec_traced from now on */
	}
	else if (strcmp(word, "+nopreempt") == 0)
		preempt = false;
	else if (strcmp(word, "+bench") == 0)
		bench_boot = true;
	else if (strcmp(word, "+monitor") == 0)
		monitor_at_halt = true;
	else if (strcmp(word, "+noshootdown") == 0)
		shootdown = false;	/* a broken kernel, for the staletlb tests (grade.sh) */
	else
		cprintf("kernel: unknown option '%s'\n", word);
}

static void start_program(int argc, char **argv)
{
	argv[argc] = NULL;
	int r = env_create(argv[0], argc, argv, NULL);
	if (r < 0) {
		cprintf("kernel: cannot start '%s': %e; programs are:", argv[0], r);
		for (uint64_t i = 0; i < nprograms; i++)
			cprintf(" %s", programs[i].name);
		cprintf("\n");
	}
}

static void create_from_cmdline(char *cmdline)
{
	int commands = 0;
	for (char *cmd = cmdline, *next; cmd; cmd = next) {
		if ((next = strchr(cmd, ';')))
			*next++ = '\0';
		char *argv[MAXARGS + 1];
		int argc = 0;
		for (char *p = cmd; *p;) {
			if (*p == ' ' || *p == '\t') {
				p++;
				continue;
			}
			char *word = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			if (*p)
				*p++ = '\0';
			if (word[0] == '+')
				kernel_option(word);
			else if (argc < MAXARGS)
				argv[argc++] = word;
		}
		if (argc > 0) {
			start_program(argc, argv);
			commands++;
		}
	}
	if (commands == 0) {
		char *argv[] = { DEFAULT_PROG, NULL };
		start_program(1, argv);
	}
}

void kern_init(uint64_t hartid, uint64_t fdt_pa, uint64_t entry_instret)
{
	boot_instret = entry_instret;
	/* Clear .bss, except the kernel stacks at its start: we are running on one. */
	char *bss_rest = kstacks + NCPU * (KSTKSIZE + KSTKGUARD);
	memset(bss_rest, 0, end - bss_rest);
	trap_init_percpu();
	lock_kernel();	/* the kernel lock (KCHECK checks it is held); env_run releases it on the way to user mode */

	struct fdt_info info;
	int fdt_ok = fdt_parse(KADDR(fdt_pa), &info);
	cons_init(fdt_ok == 0 ? info.uart_base : 0);
	poweroff_init(fdt_ok == 0 ? info.finisher_base : 0);	/* the boot page table maps it already */
	if (fdt_ok < 0)
		panic("no usable device tree at %lx", fdt_pa);
	if (info.mem_size == 0)
		panic("device tree names no memory");

	struct cpu *c = mycpu();
	c->hartid = hartid;	/* the boot hart (OpenSBI's lottery: any of them) is cpus[0] */
	c->id = 0;
	ncpu = 1;
	cprintf("\nexokernel: hart %lu, %d hart%s, %lu MiB RAM at 0x%lx, timebase %lu Hz\n",
		hartid, info.ncpus, info.ncpus == 1 ? "" : "s", info.mem_size >> 20, info.mem_base, info.timebase);

	/* Our copy of the command line: the FDT's memory becomes free pages. */
	static char cmdline[sizeof(info.bootargs)];
	strlcpy(cmdline, info.bootargs, sizeof(cmdline));

	uint64_t devices[] = { info.uart_base, info.finisher_base };
	pmap_init(info.mem_base, info.mem_size, devices, ARRAY_SIZE(devices));
	check_page_alloc();
	env_init();
	check_pgdir();
	kcheck_init();	/* KCHECK=1: the checker starts from here */
	cprintf("exokernel: %lu pages free, %lu programs linked in\n", npages_free, nprograms);

	boot_free_pages = npages_free;
	create_from_cmdline(cmdline);
	timer_init(info.timebase);
	timer_init_percpu();
	cprintf("SMP: CPU 0 of %d starting (hart %lu)\n", MAX(1, MIN(info.nharts, NCPU)), hartid);
	smp_start_others(info.hartids, info.nharts);	/* and waits for their SMP lines */
	sched_yield();
}
