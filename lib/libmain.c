/* Called from lib/entry.S: note the program's name, run umain, exit. */
#include <inc/lib.h>

const char *binaryname = "<unknown>";

void libmain(int argc, char **argv)
{
	/* The kernel already put &envs[ENVX(id)] in tp; JOS programs expect libmain to set it. */
	thisenv = &envs[ENVX(sys_getenvid())];
	if (argc > 0)
		binaryname = argv[0];
	umain(argc, argv);
	exit();
}
