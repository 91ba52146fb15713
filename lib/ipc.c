/* IPC over sys_ipc_try_send / sys_ipc_recv, with JOS's interface. */
#include <inc/lib.h>

/*
 * Receive a message. If pg is non-NULL the sender may map a page there.
 * Stores the sender's id and the page's perm (0 if no page came) when the
 * pointers are non-NULL; on error stores 0 in both and returns the error.
 */
uint64_t ipc_recv(envid_t *from_env_store, void *pg, int *perm_store)
{
	int r = sys_ipc_recv(pg ? pg : (void *)UTOP);
	if (r < 0) {
		if (from_env_store)
			*from_env_store = 0;
		if (perm_store)
			*perm_store = 0;
		return r;
	}
	if (from_env_store)
		*from_env_store = thisenv->env_ipc_from;
	if (perm_store)
		*perm_store = thisenv->env_ipc_perm;
	return thisenv->env_ipc_value;
}

/* Send val (and the page at pg, if non-NULL) to to_env, yielding until it is receiving. */
void ipc_send(envid_t to_env, uint64_t val, void *pg, int perm)
{
	int r;
	while ((r = sys_ipc_try_send(to_env, val, pg ? pg : (void *)UTOP, perm)) == -E_IPC_NOT_RECV)
		sys_yield();
	if (r < 0)
		panic("ipc_send to %08x: %e", to_env, r);
}

/* The first environment of the given type, or 0. */
envid_t ipc_find_env(enum EnvType type)
{
	for (int i = 0; i < NENV; i++)
		if (envs[i].env_type == type && envs[i].env_status != ENV_FREE)
			return envs[i].env_id;
	return 0;
}
