/*
 * JOS's dumbfork: a fork built from the exokernel calls alone. The parent
 * exoforks a child with an empty address space, then copies its own image
 * (UTEXT up to end) and its stack page into it one page at a time, giving
 * each copy the permissions the parent's page has. The copying goes through
 * UTEMP (inc/memlayout.h), a free page below the program.
 */
#include <inc/lib.h>

static envid_t dumbfork(void);

void umain(int argc, char **argv)
{
	envid_t who = dumbfork();

	/* The kernel points the child's tp at its own envs[] slot. */
	if (thisenv->env_id != sys_getenvid())
		panic("thisenv is %08x, but I am %08x", thisenv->env_id, sys_getenvid());

	for (int i = 0; i < 10; i++) {
		cprintf("%d: I am the %s!\n", i, who ? "parent" : "child");
		sys_yield();
	}
}

/* Give dstenv a copy of our page at addr, with the permissions ours has. */
static void duppage(envid_t dstenv, void *addr)
{
	int perm = uvpt[PGNUM(addr)] & PTE_SYSCALL;
	int rw = PTE_V | PTE_U | PTE_R | PTE_W;
	int r;

	/* Writable first, so we can fill it through UTEMP. */
	if ((r = sys_page_alloc(dstenv, addr, rw)) < 0)
		panic("sys_page_alloc: %e", r);
	if ((r = sys_page_map(dstenv, addr, 0, (void *)UTEMP, rw)) < 0)
		panic("sys_page_map: %e", r);
	memmove((void *)UTEMP, addr, PGSIZE);
	if ((r = sys_page_unmap(0, (void *)UTEMP)) < 0)
		panic("sys_page_unmap: %e", r);
	/* Then down to the real permissions (text stays read-execute). */
	if (perm != rw && (r = sys_page_map(dstenv, addr, dstenv, addr, perm)) < 0)
		panic("sys_page_map (perm %x): %e", perm, r);
}

static envid_t dumbfork(void)
{
	extern unsigned char end[];
	envid_t envid;
	int r;

	/* The child starts here too, with a0 = 0, once we make it runnable. */
	envid = sys_exofork();
	if (envid < 0)
		panic("sys_exofork: %e", envid);
	if (envid == 0)
		return 0;

	/* The program's pages (the linker gives each segment its own pages), then the stack. */
	for (uint8_t *addr = (uint8_t *)UTEXT; addr < end; addr += PGSIZE)
		if (uvpt[PGNUM(addr)] & PTE_V)
			duppage(envid, addr);
	duppage(envid, (void *)(USTACKTOP - PGSIZE));

	if ((r = sys_env_set_status(envid, ENV_RUNNABLE)) < 0)
		panic("sys_env_set_status: %e", r);
	return envid;
}
