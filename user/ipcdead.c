/*
 * Receivers that die while others send to them: one exits after three
 * messages while three senders keep sending pages; another is destroyed
 * while blocked in ipc_recv. Senders then get E_BAD_ENV, nothing leaks.
 */
#include <inc/lib.h>

#define NSENDERS	3
#define PAGE		((char *)0x40000000)
#define PERM		(PTE_V | PTE_U | PTE_R | PTE_W)

static void sender(int n, envid_t to)
{
	int sent = 0, r;
	sys_page_alloc(0, PAGE, PERM);
	for (;;) {
		PAGE[0] = 'a' + n;
		r = sys_ipc_try_send(to, n, PAGE, PERM);
		if (r == 0)
			sent++;
		else if (r == -E_IPC_NOT_RECV)
			sys_yield();
		else if (r == -E_BAD_ENV)
			break;
		else
			panic("sender %d: %e", n, r);
	}
	cprintf("ipcdead: sender %d: receiver gone (%e) after %d message%s\n", n, r, sent, sent == 1 ? "" : "s");
	exit();
}

void umain(int argc, char **argv)
{
	envid_t receiver, senders[NSENDERS], blocked;
	int r;

	if ((receiver = fork()) == 0) {
		for (int i = 0; i < 3; i++) {
			envid_t from;
			int perm;
			uint64_t v = ipc_recv(&from, PAGE, &perm);
			if (perm != PERM || PAGE[0] != (char)('a' + v))
				panic("receiver: message %lu from %08x came with perm %x page '%c'", v, from, perm, PAGE[0]);
		}
		cprintf("ipcdead: receiver got 3 messages, exiting\n");
		exit();
	}
	for (int i = 0; i < NSENDERS; i++)
		if ((senders[i] = fork()) == 0)
			sender(i, receiver);
	for (int i = 0; i < NSENDERS; i++)
		wait(senders[i]);

	/* A receiver blocked in ipc_recv, destroyed by its parent. */
	if ((blocked = fork()) == 0) {
		ipc_recv(NULL, PAGE, NULL);
		panic("the blocked receiver got a message");
	}
	while (!envs[ENVX(blocked)].env_ipc_recving)
		sys_yield();
	if ((r = sys_env_destroy(blocked)) < 0)
		panic("destroying the blocked receiver: %e", r);
	sys_page_alloc(0, PAGE, PERM);
	r = sys_ipc_try_send(blocked, 1, PAGE, PERM);
	if (r != -E_BAD_ENV)
		panic("send to a destroyed receiver: %e, want E_BAD_ENV", r);
	cprintf("ipcdead: send to the destroyed receiver: %e\n", r);
}
