/* Calls into OpenSBI (the Supervisor Binary Interface) by ecall. */
#ifndef KERN_SBI_H
#define KERN_SBI_H

#include <inc/types.h>

/* The extensions the kernel calls (docs: the SBI specification). */
#define SBI_EXT_TIME	0x54494D45
#define SBI_EXT_SRST	0x53525354
#define SBI_EXT_HSM	0x48534D
#define SBI_EXT_IPI	0x735049
#define SBI_EXT_RFENCE	0x52464E43

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2);
void sbi_set_timer(uint64_t stime);
long sbi_hart_start(uint64_t hartid, uint64_t start_addr, uint64_t opaque);
void sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base);
void sbi_remote_sfence_vma(uint64_t hart_mask, uint64_t hart_mask_base, uint64_t start, uint64_t size);
void sbi_remote_fence_i(uint64_t hart_mask, uint64_t hart_mask_base);
_Noreturn void sbi_shutdown(bool failure);

#endif
