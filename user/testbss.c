/* A 4 MiB .bss starts zeroed and is writable; a write past its end faults. */
#include <inc/lib.h>

#define ARRAYSIZE (1024 * 1024)

uint32_t bigarray[ARRAYSIZE] __attribute__((aligned(4096)));	/* ends on a page boundary */

void umain(int argc, char **argv)
{
	cprintf("Making sure bss works right...\n");
	for (int i = 0; i < ARRAYSIZE; i++)
		if (bigarray[i] != 0)
			panic("bigarray[%d] isn't cleared!\n", i);
	for (int i = 0; i < ARRAYSIZE; i++)
		bigarray[i] = i;
	for (int i = 0; i < ARRAYSIZE; i++)
		if (bigarray[i] != (uint32_t)i)
			panic("bigarray[%d] didn't hold its value!\n", i);

	cprintf("Yes, good.  Now doing a wild write off the end...\n");
	/* One page past the end of .bss, on a page the loader never mapped.
	 * Written as JOS writes it: at -O2 GCC warns (array-bounds), and the build goes on. */
	bigarray[ARRAYSIZE + 1024] = 0;
	panic("SHOULD HAVE TRAPPED!!!");
}
