#!/bin/sh
# Usage: mkprogs.sh ELF... > programs.S
# Links the user programs into the kernel image: their ELF files (section .progs)
# and the table kern/env.c searches by name (struct program { name, start, end }).
echo '	.section .progs, "a"'
for f in "$@"; do
	n=$(basename "$f" .strip)
	echo "	.balign 8"
	echo "prog_${n}_start:"
	echo "	.incbin \"$f\""
	echo "prog_${n}_end:"
done
echo '	.section .rodata'
echo '	.balign 8'
echo '	.globl programs, nprograms'
echo 'programs:'
for f in "$@"; do
	n=$(basename "$f" .strip)
	echo "	.dword name_${n}, prog_${n}_start, prog_${n}_end"
done
echo "nprograms: .dword $#"
for f in "$@"; do
	n=$(basename "$f" .strip)
	echo "name_${n}: .asciz \"$n\""
done
