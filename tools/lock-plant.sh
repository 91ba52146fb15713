#!/usr/bin/env bash
# Proves that the kernel lock's watchdog catches a deadlock: in a scratch copy of the tree
# (the tree itself is not touched), plants a second lock_kernel() in sys_getenvid (a
# double acquisition by the holder), boots hello on two harts and requires the watchdog's
# panic naming the holder and the system call it entered with, within its 5 s plus the boot.
# Either hart's watchdog may fire first: the holder's own ("taken twice") or the other
# hart's, which waits for the lock at its idle poll.
set -u
cd "$(dirname "$0")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SRC=$TMP/src
mkdir "$SRC"
git ls-files -z | xargs -0 cp --parents -t "$SRC"
[ -d obj ] && cp -a obj "$SRC/"	# only the kernel is rebuilt
f=kern/syscall.c
sed -e '/^static envid_t sys_getenvid(void)$/,/^}$/ s/^\treturn curenv->env_id;$/\tlock_kernel();\t\/* PLANTED: taken twice *\/\n&/' \
	"$f" > "$SRC/$f"
if cmp -s "$f" "$SRC/$f"; then
	echo "lock plant: FAIL, the sed script no longer applies to $f"
	exit 1
fi
(cd "$SRC" && make -s all >"$TMP/build" 2>&1) || { echo "lock plant: FAIL, does not build"; tail "$TMP/build"; exit 1; }
QEMU_CMD=$(cd "$SRC" && make -s --no-print-directory CPUS=2 print-qemu | tail -1)
(cd "$SRC" && timeout 60 $QEMU_CMD -append hello </dev/null 2>&1 | tr -d '\r' > "$TMP/out")
line=$(grep -a -m1 'kernel panic' "$TMP/out")
if echo "$line" | grep -Eq 'kernel lock watchdog: CPU (([0-9]) waited [0-9]+ s; held by CPU \2 \(this one: taken twice\)|[0-9] waited [0-9]+ s; held by CPU [0-9]) since a trap from env 00001000 \(system call at pc'; then
	echo "lock plant (double acquisition in sys_getenvid): caught"
	echo "    ${line#*: }"
else
	echo "lock plant: FAIL, not caught as expected"
	tail -5 "$TMP/out" | sed 's/^/    | /'
	exit 1
fi
