/* Each environment prints its path in a binary tree of forks and forks two children, to depth 3 (or argv[1]). */
#include <inc/lib.h>

#define MAXDEPTH 16

static int depth = 3;

static void forktree(const char *cur);

static void forkchild(const char *cur, char branch)
{
	char nxt[MAXDEPTH + 1];

	if ((int)strlen(cur) >= depth)
		return;
	snprintf(nxt, sizeof(nxt), "%s%c", cur, branch);
	if (fork() == 0) {
		forktree(nxt);
		exit();
	}
}

static void forktree(const char *cur)
{
	cprintf("%04x: I am '%s'\n", sys_getenvid(), cur);
	forkchild(cur, '0');
	forkchild(cur, '1');
}

void umain(int argc, char **argv)
{
	if (argc > 1)
		depth = MIN(MAX((int)strtol(argv[1], NULL, 10), 0), MAXDEPTH);
	forktree("");
}
