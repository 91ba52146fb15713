#include <kern/sbi.h>
#include <inc/riscv.h>

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2)
{
	register uint64_t a0 __asm__("a0") = arg0;
	register uint64_t a1 __asm__("a1") = arg1;
	register uint64_t a2 __asm__("a2") = arg2;
	register uint64_t a6 __asm__("a6") = fid;
	register uint64_t a7 __asm__("a7") = eid;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1)
			 : "r"(a2), "r"(a6), "r"(a7)
			 : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
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
