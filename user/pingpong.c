/* Two environments pass a counter back and forth by IPC, up to 10. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	envid_t who;

	if ((who = fork()) != 0) {
		cprintf("send 0 from %x to %x\n", sys_getenvid(), who);
		ipc_send(who, 0, NULL, 0);
	}
	for (;;) {
		uint64_t i = ipc_recv(&who, NULL, NULL);
		cprintf("%x got %lu from %x\n", sys_getenvid(), i, who);
		if (i == 10)
			return;
		i++;
		ipc_send(who, i, NULL, 0);
		if (i == 10)
			return;
	}
}
