#include <kern/sbi.h>
#include <inc/riscv.h>

static struct sbiret sbi_call5(uint64_t eid, uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2,
			       uint64_t arg3, uint64_t arg4)
{
	register uint64_t a0 __asm__("a0") = arg0;
	register uint64_t a1 __asm__("a1") = arg1;
	register uint64_t a2 __asm__("a2") = arg2;
	register uint64_t a3 __asm__("a3") = arg3;
	register uint64_t a4 __asm__("a4") = arg4;
	register uint64_t a6 __asm__("a6") = fid;
	register uint64_t a7 __asm__("a7") = eid;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2)
{
	return sbi_call5(eid, fid, arg0, arg1, arg2, 0, 0);
}

/* HSM hart_start: the hart begins at physical start_addr in S-mode, paging off, a0 = hartid, a1 = opaque. */
long sbi_hart_start(uint64_t hartid, uint64_t start_addr, uint64_t opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hartid, start_addr, opaque).error;
}

/* IPI send_ipi: a supervisor software interrupt (sip.SSIP) on each hart in the mask. */
void sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base)
{
	sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0);
}

/*
 * RFENCE remote_sfence_vma / remote_fence_i on the harts in the mask (size 0:
 * the whole address space). OpenSBI 1.1 returns when the remote harts have
 * fenced (docs/design.md, SMP); the fences run in M-mode, so a target
 * waiting for the kernel lock with interrupts off still does them.
 */
void sbi_remote_sfence_vma(uint64_t hart_mask, uint64_t hart_mask_base, uint64_t start, uint64_t size)
{
	sbi_call5(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base, start, size, 0);
}

void sbi_remote_fence_i(uint64_t hart_mask, uint64_t hart_mask_base)
{
	sbi_call(SBI_EXT_RFENCE, 0, hart_mask, hart_mask_base, 0);
}

void sbi_set_timer(uint64_t stime)
{
	sbi_call(SBI_EXT_TIME, 0, stime, 0, 0);
}

/* SRST system_reset(shutdown, no reason or system failure); QEMU exits when OpenSBI powers off. */
_Noreturn void sbi_shutdown(bool failure)
{
	sbi_call(SBI_EXT_SRST, 0, failure ? 1 : 0, 0, 0);
	sbi_call(0x08, 0, 0, 0, 0);	/* legacy shutdown, for older firmware */
	for (;;)
		wfi();
}
