/* Jumps into a data page (mapped read-write, not executable): destroyed by an instruction page fault. */
#include <inc/lib.h>

/* "ret" (0x00008067) in .data: valid code, but the page has no PTE_X. */
uint32_t code_in_data[4] __attribute__((aligned(8))) = { 0x00008067 };

void umain(int argc, char **argv)
{
	void (*fn)(void) = (void (*)(void))code_in_data;
	cprintf("faultexec: jumping to %p\n", fn);
	fn();
	cprintf("faultexec: executed code in a data page!\n");
}
