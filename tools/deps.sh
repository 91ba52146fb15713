#!/bin/sh
# Usage: deps.sh prefix   -> make sure the cross compiler, QEMU and OpenSBI are there; print the gcc prefix
#        deps.sh gdb      -> make sure gdb-multiarch is there
#        deps.sh gnuplot  -> make sure gnuplot is there (make bench draws a plot)
#        deps.sh trace    -> make sure python3 is there (make trace-NAME runs tools/trace.py)
#        deps.sh svg      -> make sure rsvg-convert is there (grade.sh renders the trace SVG)
#        deps.sh bios     -> the firmware for QEMU -bios: the opensbi package's build, else "default"
#        deps.sh gawk     -> make sure gawk is there (grade.sh: regular expressions with {n} intervals)
# Missing Debian packages are installed with apt-get (through sudo when not root), saying so first.
set -u

# The one place the firmware's path is spelled (GNUmakefile asks "deps.sh bios").
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

install_pkgs() {
	echo "==> missing tools: installing Debian package(s): $*" >&2
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "==> no apt-get here: please install $* by hand" >&2
		exit 1
	fi
	$sudo apt-get update -qq >&2 &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2 ||
		{ echo "==> installing $* failed; try: sudo apt-get install $*" >&2; exit 1; }
}

find_prefix() {
	for p in riscv64-unknown-elf- riscv64-linux-gnu-; do
		if command -v "${p}gcc" >/dev/null 2>&1; then
			echo "$p"
			return
		fi
	done
}

case "${1:-prefix}" in
prefix)
	missing=""
	[ -n "$(find_prefix)" ] || missing="gcc-riscv64-unknown-elf"
	command -v qemu-system-riscv64 >/dev/null 2>&1 || missing="$missing qemu-system-misc"
	[ -e "$OPENSBI" ] || missing="$missing opensbi"
	[ -z "$missing" ] || install_pkgs $missing
	find_prefix
	;;
gdb)
	command -v gdb-multiarch >/dev/null 2>&1 || install_pkgs gdb-multiarch
	;;
gnuplot)
	command -v gnuplot >/dev/null 2>&1 || install_pkgs gnuplot-nox
	;;
trace)
	command -v python3 >/dev/null 2>&1 || install_pkgs python3
	;;
svg)
	command -v rsvg-convert >/dev/null 2>&1 || install_pkgs librsvg2-bin
	;;
bios)
	if [ -e "$OPENSBI" ]; then echo "$OPENSBI"; else echo default; fi
	;;
gawk)
	command -v gawk >/dev/null 2>&1 || install_pkgs gawk
	;;
esac
