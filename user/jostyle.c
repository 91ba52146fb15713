// A program written the way JOS lab programs are: GNU C (asm, typeof), UTEMP used
// as a pointer, unused variables, locals named after the library's tables, JOS's
// string functions. It must build with the flags every program gets.
#include <inc/lib.h>

char msg[64] = "jostyle:";

// A parameter named envs shadows the library's envs.
static int
count_runnable(volatile const struct Env *envs, int n)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		if (envs[i].env_status == ENV_RUNNABLE || envs[i].env_status == ENV_RUNNING)
			c++;
	return c;
}

void
umain(int argc, char **argv)
{
	int r, unused;
	int set_only = 42;
	int pages = 3;			// a local named pages
	typeof(pages) copy = pages;
	uint64_t sp;
	char *p;

	asm volatile("mv %0, sp" : "=r" (sp));
	if (sp > USTACKTOP || sp < USTACKTOP - PTSIZE)
		panic("sp %lx is not on the stack", sp);

	// UTEMP is a pointer, as in JOS: no casts.
	if ((r = sys_page_alloc(0, UTEMP, PTE_V | PTE_U | PTE_R | PTE_W)) < 0)
		panic("sys_page_alloc: %e", r);
	memmove(UTEMP, "through UTEMP", 14);
	if ((r = sys_page_map(0, UTEMP, 0, UTEMP + PGSIZE, PTE_V | PTE_U | PTE_R)) < 0)
		panic("sys_page_map: %e", r);
	p = UTEMP + PGSIZE;
	strcat(msg, " ");
	strcat(msg, p);
	cprintf("%s\n", msg);
	sys_page_unmap(0, UTEMP);
	sys_page_unmap(0, UTEMP + PGSIZE);

	cprintf("jostyle: local pages = %d, copy = %d, PTSIZE = %lx\n", pages, copy, (uint64_t) PTSIZE);
	cprintf("jostyle: %d runnable, me %08x = %08x\n", count_runnable(envs, NENV),
		envs[ENVX(sys_getenvid())].env_id, thisenv->env_id);
}
