/* A page of text passes parent -> child -> parent by IPC, each side changing the text. */
#include <inc/lib.h>

#define TEMP_ADDR	((char *)0xa00000)
#define TEMP_ADDR_CHILD	((char *)0xb00000)
#define PERM		(PTE_V | PTE_U | PTE_R | PTE_W)

static const char *str1 = "hello child environment! how are you?";
static const char *str2 = "hello parent environment! I'm good.";

void umain(int argc, char **argv)
{
	envid_t who;
	int perm;

	if ((who = fork()) == 0) {
		ipc_recv(&who, TEMP_ADDR_CHILD, &perm);
		if (perm != PERM)
			panic("child: received perm %x, want %x", perm, PERM);
		cprintf("%x got message: %s\n", who, TEMP_ADDR_CHILD);
		if (strncmp(TEMP_ADDR_CHILD, str1, strlen(str1)) == 0)
			cprintf("child received correct message\n");
		memcpy(TEMP_ADDR_CHILD, str2, strlen(str2) + 1);
		ipc_send(who, 0, TEMP_ADDR_CHILD, PERM);
		return;
	}

	sys_page_alloc(thisenv->env_id, TEMP_ADDR, PERM);
	memcpy(TEMP_ADDR, str1, strlen(str1) + 1);
	ipc_send(who, 0, TEMP_ADDR, PERM);

	ipc_recv(&who, TEMP_ADDR, &perm);
	cprintf("%x got message: %s\n", who, TEMP_ADDR);
	if (strncmp(TEMP_ADDR, str2, strlen(str2)) == 0)
		cprintf("parent received correct message\n");
	/* Both names lead to one physical page: the child's write is what we read. */
	wait(who);
	if (page_refs((uint64_t)TEMP_ADDR) != 1)
		panic("the page has %u references after the child exited, want 1", page_refs((uint64_t)TEMP_ADDR));
}
