#!/usr/bin/env bash
# A fuzzing campaign: boots user/fuzz.c with seeds SEED, SEED+1, ... until
# the calls made (parent and children, as the parent reports them) reach COUNT.
#   bash tools/fuzz.sh [SEED [COUNT]]     (make fuzz SEED=n COUNT=n runs this)
# Each boot must power off by itself, print the fuzzer's last line and no
# FAIL, kernel panic, kernel trap or kernel warning, and end with the
# kernel's page accounting line saying OK. A failing boot's output is kept in
# obj/fuzz-SEED.out. The exit status is 1 if any boot failed.

set -u
cd "$(dirname "$0")/.."
seed=${1:-1}
count=${2:-100000}
TIMEOUT=${TIMEOUT:-120}
per=$((count / 3 < 20000 ? count / 3 : 20000))	# the parent's calls per boot
[ "$per" -lt 100 ] && per=100

make -s all >/dev/null || { echo "build failed"; exit 1; }
QEMU_CMD=$(make -s --no-print-directory print-qemu | tail -1)
out=$(mktemp)
kernel=$(mktemp)	# a copy, so that a rebuild during the campaign does not change it
trap 'rm -f "$out" "$kernel"' EXIT
kpath=$(echo "$QEMU_CMD" | sed -n 's/.* -kernel \([^ ]*\).*/\1/p')
cp "$kpath" "$kernel"
QEMU_CMD=${QEMU_CMD/ -kernel $kpath / -kernel $kernel }

total=0 boots=0 failed=0 first=$seed
while [ "$total" -lt "$count" ]; do
	timeout "$TIMEOUT" $QEMU_CMD -append "fuzz $seed $per" </dev/null 2>&1 | tr -d '\r' > "$out"
	rc=${PIPESTATUS[0]}
	calls=$(sed -n 's/^fuzz: seed [0-9]*: \([0-9]*\) calls .*done$/\1/p' "$out")
	acct=$(grep '^kernel: page accounting:' "$out")
	problem=""
	if [ "$rc" != 0 ]; then
		problem="qemu exited with status $rc"
	elif [ -z "$calls" ]; then
		problem="no final fuzz line"
	elif grep -q 'FAIL\|kernel panic\|kernel trap\|kernel warning' "$out"; then
		problem=$(grep -m1 'FAIL\|kernel panic\|kernel trap\|kernel warning' "$out")
	elif [[ "$acct" != *": OK" ]]; then
		problem="${acct:-no page accounting line}"
	fi
	boots=$((boots + 1))
	if [ -n "$problem" ]; then
		mkdir -p obj
		cp "$out" "obj/fuzz-$seed.out"
		echo "fuzz: seed $seed: FAIL: $problem (output in obj/fuzz-$seed.out)"
		failed=$((failed + 1))
		calls=${calls:-$per}
	else
		echo "fuzz: seed $seed: $calls calls, ${acct#kernel: }"
	fi
	total=$((total + calls))
	seed=$((seed + 1))
done
leaks=$(if [ "$failed" = 0 ]; then echo none; else echo "see the failed boots"; fi)
echo "fuzz: $boots boots (seeds $first..$((seed - 1))), $total calls, $failed failed, page leaks: $leaks"
[ "$failed" = 0 ]
