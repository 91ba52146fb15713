#!/usr/bin/env bash
# make bench-smp: what more harts cost and buy.
#  1. forktree depth 6 (user/bench forktree_d6) under -icount shift=0,sleep=off at 1, 2 and 4 harts:
#     total instructions of all harts (instret is one global count under -icount), i.e. the
#     SMP overhead; -icount runs harts in turn in one thread, so no speed-up can show there.
#  2. The fraction of those instructions (1 hart) spent holding the kernel lock (a LOCKSTAT=1
#     kernel) and the Amdahl bound it sets on the speed-up of forktree under a big lock.
#  3. Wall clock without -icount (multi-threaded TCG), 1 against 2 harts, measured side by
#     side in one run (alternating, median of RUNS): a user-bound parallel workload (user/
#     smpbench par: 4 workers) and a fork tree (smpbench tree 6), with the host's core count.
#  4. The caller's cost of a remote TLB shootdown (user/smpbench shoot, 2 harts): a remap
#     (sys_page_map over a mapped page) into a child spinning in user mode on the other hart
#     against the same remap into the child loaded nowhere. Instructions under -icount (LOCKSTAT
#     kernel, which also counts its fences and times one self-targeted RFENCE at power-off), wall
#     time (rdtime) without -icount. Without -icount rdinstret is not an instruction count.
set -euo pipefail
RUNS=${RUNS:-5}
# -icount shift=0,sleep=off (GNUmakefile ICOUNT): with sleep on, the virtual clock (instret) follows the
# host's real time while every hart waits in wfi, and the multi-hart totals varied from run to run.
icount=$(make -s --no-print-directory print-icount)
qemu_at() {	# qemu_at CPUS [extra make variables]: the QEMU command line
	local n=$1
	shift
	make -s --no-print-directory print-qemu CPUS="$n" MEM=128M "$@" | tail -1
}
make -s all >/dev/null
make -s LOCKSTAT=1 all >/dev/null
median() {	# median VALUE...
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

echo "forktree depth 6 under $icount (user/bench forktree_d6, +nopreempt), all harts' instructions:"
for n in 1 2 4; do
	q=$(qemu_at "$n" QEMUEXTRA="$icount")
	v=$(timeout 300 $q -append "+nopreempt bench forktree_d6" </dev/null 2>&1 | tr -d '\r' |
		awk '$1 == "bench:" && $2 == "forktree_d6" { print $3 }')
	printf '  %d hart%s %12s\n' "$n" "$([ "$n" = 1 ] && echo " " || echo s)" "${v:-FAILED}"
done

q=$(qemu_at 1 LOCKSTAT=1 QEMUEXTRA="$icount")
out=$(timeout 300 $q -append "+nopreempt bench forktree_d6" </dev/null 2>&1 | tr -d '\r' || true)
line=$(echo "$out" | grep '^lockstat:' || true)
floor=$(echo "$out" | awk '$1 == "shootstat:" { print $(NF - 1) }')
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
wall_q=("" "$(qemu_at 1)" "$(qemu_at 2)")	# QEMU without -icount at 1 and 2 harts, asked of make once
for w in "par" "tree 6"; do
	declare -a t1=() t2=()
	for r in $(seq "$RUNS"); do
		for n in 1 2; do
			q=${wall_q[$n]}
			v=$(timeout 120 $q -append "smpbench $w" </dev/null 2>&1 | tr -d '\r' |
				awk '$1 == "smpbench:" { print $3 }')
			[ -n "$v" ] || { echo "smpbench $w at $n harts failed"; exit 1; }
			if [ "$n" = 1 ]; then t1+=("$v"); else t2+=("$v"); fi
		done
	done
	m1=$(median "${t1[@]}")
	m2=$(median "${t2[@]}")
	awk -v w="$w" -v a="$m1" -v b="$m2" 'BEGIN {
		printf "  smpbench %-7s 1 hart %8.1f ms   2 harts %8.1f ms   speed-up %.2fx\n", w, a / 10000, b / 10000, a / b }'
done

echo "remote TLB shootdown, caller's cost (user/smpbench shoot: median of 64 remaps of a child's page, 2 harts):"
echo "  a self-targeted RFENCE (the M-mode floor of any shootdown; 1 hart, -icount, LOCKSTAT=1 at power-off): ${floor:-no figure} instructions"
q=$(qemu_at 2 LOCKSTAT=1 QEMUEXTRA="$icount")
out=$(timeout 30 $q -append "smpbench shoot" </dev/null 2>&1 | tr -d '\r' || true)
if echo "$out" | grep -q '^smpbench: shoot'; then
	echo "$out" | awk '$1 == "smpbench:" && $2 == "shoot" {
	printf "  -icount, all harts instructions per remap: child loaded nowhere %d; child spinning on the other hart %d (%s; QEMU runs the harts in turn: the wait is the target turn, not work)\n", $19, $13, $3 == "loaded" ? "it stayed there" : "it MOVED: no figure" }'
else
	echo "  -icount, 2 harts: no figure: the run did not finish in 30 s (a hart spinning in user mode starves the other under -icount's round robin)"
fi
declare -a wr=() wn=()
for r in $(seq "$RUNS"); do
	q=${wall_q[2]}
	line=$(timeout 120 $q -append "smpbench shoot" </dev/null 2>&1 | tr -d '\r' | awk '$1 == "smpbench:" && $2 == "shoot"')
	[ -n "$line" ] || { echo "smpbench shoot failed"; exit 1; }
	wr+=("$(echo "$line" | awk '{ print $15 }')")
	wn+=("$(echo "$line" | awk '{ print $21 }')")
done
m1=$(median "${wr[@]}")
m2=$(median "${wn[@]}")
awk -v a="$m1" -v b="$m2" -v r="$RUNS" 'BEGIN {
	printf "  wall time without -icount (median of %d runs): remap into the child on the other hart %.1f us, loaded nowhere %.1f us\n", r, a / 10, b / 10 }'
