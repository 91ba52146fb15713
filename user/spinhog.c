/*
 * A child that spins forever and never yields cannot stop the others:
 * with preemption the workers still run and finish, and the parent kills
 * the hog at the end.
 */
#include <inc/lib.h>

#define NWORKERS 3

void umain(int argc, char **argv)
{
	envid_t hog, workers[NWORKERS];

	if ((hog = fork()) == 0)
		for (;;)
			;	/* never yields, never makes a system call */
	for (int i = 0; i < NWORKERS; i++) {
		if ((workers[i] = fork()) == 0) {
			volatile uint64_t sum = 0;
			for (uint64_t j = 0; j < 2000000; j++)	/* long enough to be preempted */
				sum += j;
			cprintf("spinhog: worker %d finished, sum %lu\n", i, sum);
			exit();
		}
	}
	for (int i = 0; i < NWORKERS; i++)
		wait(workers[i]);
	cprintf("spinhog: all workers finished; destroying the hog\n");
	sys_env_destroy(hog);
}
