/* The handler reports the fault and destroys its own environment instead of returning. */
#include <inc/lib.h>

static const char *cause_name(uint64_t cause)
{
	switch (cause) {
	case FAULT_LOAD:
		return "load";
	case FAULT_STORE:
		return "store";
	case FAULT_EXEC:
		return "exec";
	default:
		return "unknown";
	}
}

static void handler(struct UTrapframe *utf)
{
	cprintf("i faulted at va %lx, cause %s\n", utf->utf_fault_va, cause_name(utf->utf_cause));
	cprintf("present %d\n", (int)utf->utf_present);
	sys_env_destroy(sys_getenvid());
	cprintf("faultdie: still running after sys_env_destroy!\n");
}

void umain(int argc, char **argv)
{
	set_pgfault_handler(handler);
	/* A byte store: GCC splits a misaligned word store into byte loads and stores. */
	*(volatile char *)0xDeadBeef = 0;
	cprintf("faultdie: the handler returned!\n");
}
