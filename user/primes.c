/*
 * Concurrent prime sieve: each stage is a forked environment that prints
 * the first number it receives (a prime), then passes on the numbers that
 * prime does not divide. Primes up to argv[1] (default 100).
 */
#include <inc/lib.h>

static uint64_t limit = 100;

static _Noreturn void primeproc(void)
{
	envid_t from, next;
	uint64_t p, i;
top:	/* a newly forked stage starts here */
	next = 0;
	p = ipc_recv(&from, NULL, NULL);
	if (p == 0)	/* end of the stream */
		exit();
	cprintf("CPU %d: %lu\n", thisenv->env_cpunum, p);
	for (;;) {
		i = ipc_recv(&from, NULL, NULL);
		if (i != 0 && i % p == 0)
			continue;
		if (next == 0 && i != 0) {
			if ((next = fork()) < 0)
				panic("fork: %e", next);
			if (next == 0)
				goto top;
		}
		if (next)
			ipc_send(next, i, NULL, 0);
		if (i == 0) {	/* pass the end on, wait for the rest of the pipeline */
			if (next)
				wait(next);
			exit();
		}
	}
}

void umain(int argc, char **argv)
{
	envid_t id;
	if (argc > 1)
		limit = strtol(argv[1], NULL, 10);
	if ((id = fork()) < 0)
		panic("fork: %e", id);
	if (id == 0)
		primeproc();
	for (uint64_t i = 2; i <= limit; i++)
		ipc_send(id, i, NULL, 0);
	ipc_send(id, 0, NULL, 0);
	wait(id);
	cprintf("primes: done up to %lu\n", limit);
}
