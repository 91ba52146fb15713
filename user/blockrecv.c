/* Blocks in ipc_recv with nobody to send: once nothing else can run, the kernel frees it and powers off. */
#include <inc/lib.h>

void umain(int argc, char **argv)
{
	cprintf("blockrecv: waiting for a message that never comes\n");
	ipc_recv(NULL, NULL, NULL);
	panic("blockrecv: got a message");
}
