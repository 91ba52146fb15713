/* Reading a line from the console, as JOS's readline does: prompt, echo, backspace. */
#include <inc/lib.h>

#define LINEMAX 1024

static char line[LINEMAX];

/*
 * Prints prompt (unless NULL), then reads keys until Enter, echoing them when
 * the console is the input. Backspace and DEL erase the last character; other
 * control characters and characters past LINEMAX - 1 are dropped. Returns the
 * line without its newline, in a buffer the next call overwrites.
 */
char *readline(const char *prompt)
{
	bool echo = iscons(0);
	size_t n = 0;

	if (prompt)
		cprintf("%s", prompt);
	for (;;) {
		int c = getchar();
		if (c == '\b' || c == 0x7f) {
			if (n > 0) {
				n--;
				if (echo)
					sys_cputs("\b \b", 3);
			}
		} else if (c == '\n' || c == '\r') {
			if (echo)
				cputchar('\n');
			line[n] = '\0';
			return line;
		} else if (c >= ' ' && n < LINEMAX - 1) {
			line[n++] = (char)c;
			if (echo)
				cputchar(c);
		}
	}
}
