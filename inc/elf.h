/* The parts of the ELF64 format the kernel's loader reads. */
#ifndef INC_ELF_H
#define INC_ELF_H

#include <inc/types.h>

#define ELF_MAGIC	0x464C457FU	/* "\x7FELF" little-endian */
#define ELFCLASS64	2
#define EM_RISCV	243
#define PT_LOAD		1
#define PF_X		1
#define PF_W		2
#define PF_R		4

struct Elf {
	uint32_t e_magic;
	uint8_t e_class, e_data, e_version, e_osabi;
	uint8_t e_pad[8];
	uint16_t e_type, e_machine;
	uint32_t e_version2;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct Proghdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_va, p_pa, p_filesz, p_memsz, p_align;
};

#endif
