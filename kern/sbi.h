/* Calls into OpenSBI (the Supervisor Binary Interface) by ecall. */
#ifndef KERN_SBI_H
#define KERN_SBI_H

#include <inc/types.h>

/* The extensions the kernel calls (docs: the SBI specification); SMP will add IPI, RFENCE and HSM. */
#define SBI_EXT_TIME	0x54494D45
#define SBI_EXT_SRST	0x53525354

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2);
void sbi_set_timer(uint64_t stime);
_Noreturn void sbi_shutdown(bool failure);

#endif
