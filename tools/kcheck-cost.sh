#!/usr/bin/env bash
# The checking kernel's cost must follow the work done, not memory size times calls:
# boots user/forkfill (write two thirds of 128 MiB, fork) on the KCHECK=1 kernel and
# requires it to finish, checked, in under LIMIT seconds of CPU (default 60).
#   bash tools/kcheck-cost.sh [LIMIT]
set -u
cd "$(dirname "$0")/.."
LIMIT=${1:-60}
make -s KCHECK=1 MEM=128M all >/dev/null || { echo "kcheck-cost: the checking kernel does not build"; exit 1; }
QEMU_CMD=$(make -s --no-print-directory KCHECK=1 MEM=128M print-qemu | tail -1)
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
times > "$OUT.cpu"
timeout $((LIMIT * 3)) $QEMU_CMD -append "forkfill 66" </dev/null 2>&1 | tr -d '\r' > "$OUT"
times >> "$OUT.cpu"
cpu=$(awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); c[NR] += t[1] * 60 + t[2] } } END { printf "%.1f", c[4] - c[2] }' "$OUT.cpu")
rm -f "$OUT.cpu"
grep -a -E '^forkfill: wrote|^kcheck: ' "$OUT"
if grep -aq '^forkfill: done$' "$OUT" && grep -aq '^kcheck: .*: OK$' "$OUT" &&
	grep -aq 'page accounting: .*: OK$' "$OUT" && awk -v c="$cpu" -v l="$LIMIT" 'BEGIN { exit !(c < l) }'; then
	echo "kcheck-cost: forkfill 66 on the checking kernel: ${cpu}s of CPU (limit ${LIMIT}s): OK"
else
	echo "kcheck-cost: forkfill 66 on the checking kernel: ${cpu}s of CPU (limit ${LIMIT}s): FAIL"
	tail -5 "$OUT" | sed 's/^/    | /'
	exit 1
fi
