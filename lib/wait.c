#include <inc/lib.h>

/* Wait (yielding) until environment envid has exited. */
void wait(envid_t envid)
{
	volatile const struct Env *e = &envs[ENVX(envid)];
	while (e->env_id == envid && e->env_status != ENV_FREE)
		sys_yield();
}
