/* Library functions JOS programs call that nothing else here uses: iscons, strfind, ipc_find_env. */
#include <inc/lib.h>

static int fails;

static void check(bool ok, const char *what)
{
	if (!ok) {
		cprintf("libcalls: FAIL %s\n", what);
		fails++;
	}
}

void umain(int argc, char **argv)
{
	check(iscons(0) && iscons(1) && !iscons(2) && !iscons(-1), "iscons: fds 0 and 1 are the console");

	const char *s = "exokernel";
	check(strfind(s, 'k') == s + 3, "strfind finds the first match");
	check(strfind(s, 'z') == s + strlen(s), "strfind without a match gives the terminating NUL");
	check(strfind(s, '\0') == s + strlen(s), "strfind of NUL gives the terminating NUL");

	/* The first user environment in envs[] is the first one made: this one, unless told otherwise. */
	envid_t first = ipc_find_env(ENV_TYPE_USER);
	check(first == (argc > 1 ? (envid_t)strtol(argv[1], NULL, 16) : thisenv->env_id),
	      "ipc_find_env finds the first user environment");
	check(ipc_find_env((enum EnvType)1) == 0, "ipc_find_env of a type nobody has gives 0");
	if (fails == 0)
		cprintf("libcalls: all checks passed (first user environment %08x)\n", first);
}
