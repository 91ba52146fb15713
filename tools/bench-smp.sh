#!/usr/bin/env bash
# make bench-smp: what more harts cost and buy.
#  1. forktree depth 6 (user/bench forktree_d6) under -icount shift=0 at 1, 2 and 4 harts:
#     total instructions of all harts (instret is one global count under -icount), i.e. the
#     SMP overhead; -icount runs harts in turn in one thread, so no speed-up can show there.
#  2. The fraction of those instructions (1 hart) spent holding the kernel lock (a LOCKSTAT=1
#     kernel) and the Amdahl bound it sets on the speed-up of forktree under a big lock.
#  3. Wall clock without -icount (multi-threaded TCG), 1 against 2 harts, measured side by
#     side in one run (alternating, median of RUNS): a user-bound parallel workload (user/
#     smpbench par: 4 workers) and a fork tree (smpbench tree 6), with the host's core count.
set -euo pipefail
RUNS=${RUNS:-5}
qemu_at() {	# qemu_at CPUS [extra make variables]: the QEMU command line
	local n=$1
	shift
	make -s --no-print-directory print-qemu CPUS="$n" MEM=128M "$@" | tail -1
}
make -s all >/dev/null
make -s LOCKSTAT=1 all >/dev/null

echo "forktree depth 6 under -icount shift=0 (user/bench forktree_d6, +nopreempt), all harts' instructions:"
for n in 1 2 4; do
	q=$(qemu_at "$n" QEMUEXTRA="-icount shift=0")
	v=$(timeout 300 $q -append "+nopreempt bench forktree_d6" </dev/null 2>&1 | tr -d '\r' |
		awk '$1 == "bench:" && $2 == "forktree_d6" { print $3 }')
	printf '  %d hart%s %12s\n' "$n" "$([ "$n" = 1 ] && echo " " || echo s)" "${v:-FAILED}"
done

q=$(qemu_at 1 LOCKSTAT=1 QEMUEXTRA="-icount shift=0")
line=$(timeout 300 $q -append "+nopreempt bench forktree_d6" </dev/null 2>&1 | tr -d '\r' | grep '^lockstat:' || true)
held=$(echo "$line" | awk '{ print $5 }')
total=$(echo "$line" | awk '{ print $7 }')
if [ -n "$held" ] && [ -n "$total" ]; then
	awk -v h="$held" -v t="$total" 'BEGIN {
		f = h / t
		printf "kernel lock held (1 hart, forktree depth 6, LOCKSTAT=1): %d of %d instructions = %.1f%%\n", h, t, 100 * f
		printf "Amdahl bound on forktree speed-up under the big lock: %.2fx at 2 harts, %.2fx at 4, %.2fx at any number\n",
			1 / (f + (1 - f) / 2), 1 / (f + (1 - f) / 4), 1 / f
	}'
else
	echo "lockstat: no figure (the LOCKSTAT kernel did not finish)"
fi

cores=$(nproc)
echo "wall clock without -icount, median of $RUNS runs each, 1 and 2 harts alternating; host: $cores core(s)$([ "$cores" -lt 3 ] && echo ' (2 harts need 3 idle cores to show their full speed-up; 4 harts would oversubscribe this host)')"
for w in "par" "tree 6"; do
	declare -a t1=() t2=()
	for r in $(seq "$RUNS"); do
		for n in 1 2; do
			q=$(qemu_at "$n")
			v=$(timeout 120 $q -append "smpbench $w" </dev/null 2>&1 | tr -d '\r' |
				awk '$1 == "smpbench:" { print $3 }')
			[ -n "$v" ] || { echo "smpbench $w at $n harts failed"; exit 1; }
			if [ "$n" = 1 ]; then t1+=("$v"); else t2+=("$v"); fi
		done
	done
	m1=$(printf '%s\n' "${t1[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	m2=$(printf '%s\n' "${t2[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	awk -v w="$w" -v a="$m1" -v b="$m2" 'BEGIN {
		printf "  smpbench %-7s 1 hart %8.1f ms   2 harts %8.1f ms   speed-up %.2fx\n", w, a / 10000, b / 10000, a / b }'
done
