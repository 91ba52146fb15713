/* Error codes returned (negated) by system calls and library functions, as in JOS. */
#ifndef INC_ERROR_H
#define INC_ERROR_H

enum {
	E_UNSPECIFIED = 1,	/* unspecified or unknown problem */
	E_BAD_ENV,		/* environment doesn't exist or caller may not touch it */
	E_INVAL,		/* invalid parameter */
	E_NO_MEM,		/* out of memory */
	E_NO_FREE_ENV,		/* no free environment slot */
	E_FAULT,		/* memory fault */
	E_IPC_NOT_RECV,		/* target is not blocked in sys_ipc_recv */
	E_EOF,			/* unexpected end of file */
	E_NO_SYS,		/* no such system call */
	MAXERROR
};

#endif
