#!/usr/bin/env bash
# OpenSBI draws the boot hart by lottery: boot forktree N times on four harts (QEMU_CMD from
# grade.sh, its -smp replaced); every boot must bring up all four and pass, whichever hart
# booted. Prints the booting hart of each run. Exits 1 on the first failure.
set -u
n=${1:-6}
cmd=$(echo "$QEMU_CMD" | sed "s/ -smp [0-9]* / -smp 4 /")
for i in $(seq "$n"); do
	out=$OUT/smp_lottery.$i
	timeout 30 $cmd -append "forktree" </dev/null 2>&1 | tr -d '\r' > "$out" || { echo "boot $i: QEMU failed"; exit 1; }
	grep -q "^kernel: page accounting: .* OK$" "$out" || { echo "boot $i: no page accounting OK"; exit 1; }
	[ "$(grep -c '^SMP: CPU [0-3] of 4 starting' "$out")" = 4 ] || { echo "boot $i: not 4 harts"; exit 1; }
	! grep -q "kernel panic" "$out" || { echo "boot $i: panic"; exit 1; }
	sed -n "s/^exokernel: hart \([0-9]*\),.*/boot $i: booted on hart \1/p" "$out"
done
