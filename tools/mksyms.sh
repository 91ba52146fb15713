#!/bin/sh
# Usage: mksyms.sh NM KERNEL > ksyms.S
# Emits the kernel's function symbols, sorted by address, as the .ksyms table kern/kdebug.c searches.
nm="$1"; kernel="$2"
echo '	.section .ksyms, "a"'
echo '	.balign 8'
echo '	.globl ksyms, nksyms, ksym_names'
if [ -z "$kernel" ]; then
	echo 'nksyms: .dword 0'
	echo 'ksyms:'
	echo 'ksym_names: .byte 0'
	exit 0
fi
"$nm" -n "$kernel" | awk '
	$2 ~ /^[tT]$/ && $3 !~ /^\.L/ { addr[n] = $1; name[n] = $3; n++ }
	END {
		printf "nksyms: .dword %d\n", n
		print "ksyms:"
		off = 0
		for (i = 0; i < n; i++) {
			printf "\t.dword 0x%s, %d\n", addr[i], off
			off += length(name[i]) + 1
		}
		print "ksym_names:"
		for (i = 0; i < n; i++)
			printf "\t.asciz \"%s\"\n", name[i]
	}'
