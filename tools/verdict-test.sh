#!/usr/bin/env bash
# The kernel's verdict cannot be forged (kern/poweroff.c). In a scratch copy of the tree, kernels
# with a planted bug boot forgeok, which prints the kernel's OK lines itself; grade.sh must fail
# it on QEMU's exit status alone, show the kernel's lines (not the firmware banner) and keep the
# full output in OBJDIR/grade/forgeok.out. The tree itself is not touched.
set -u
cd "$(dirname "$0")/.."
OBJDIR=$(make -s --no-print-directory print-objdir)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0

tar --exclude=./.git --exclude=./obj --exclude=./obj-kcheck -cf - . | tar -C "$TMP" -xf -
cp -a "$OBJDIR" "$TMP/"		# with their times: only what a plant changes is rebuilt
rm -rf "$TMP/$OBJDIR/grade"
cp -p kern/sched.c "$TMP/sched.c.orig"

# plant NAME SED-SCRIPT STATUS VERDICT: build the plant, run grade.sh forgeok, check what it says
plant() {
	local name=$1 script=$2 status=$3 what=$4 out=$TMP/$1.grade rc
	sed -e "$script" "$TMP/sched.c.orig" > "$TMP/kern/sched.c"
	if cmp -s "$TMP/sched.c.orig" "$TMP/kern/sched.c"; then
		echo "$name: the sed script no longer applies to kern/sched.c"
		fail=1
		return
	fi
	(cd "$TMP" && bash grade.sh forgeok) > "$out" 2>&1
	rc=$?
	local problems=""
	[ "$rc" = 1 ] || problems="$problems; grade.sh exited $rc, not 1"
	grep -q '^forgeok: FAIL' "$out" || problems="$problems; no 'forgeok: FAIL'"
	grep -q "qemu exited with status $status (the kernel's verdict: $what)" "$out" ||
		problems="$problems; no 'qemu exited with status $status ($what)'"
	grep -q '^    | exokernel: hart ' "$out" || problems="$problems; the kernel's first line is not shown"
	grep -q '^    | .*OpenSBI' "$out" && problems="$problems; the firmware banner is shown"
	grep -q "^OpenSBI" "$TMP/$OBJDIR/grade/forgeok.out" 2>/dev/null ||
		problems="$problems; $OBJDIR/grade/forgeok.out does not hold the full output"
	if [ -z "$problems" ]; then
		echo "$name: grade.sh fails forgeok: qemu exited with status $status ($what)"
	else
		echo "$name: FAIL${problems}"
		sed 's/^/    /' "$out"
		fail=1
	fi
}

plant leak 's/^\tbool ok = npages_free == boot_free_pages;$/\tpage_alloc(0);	\/\/ planted: a page never given back\n&/' 1 'page leak'
grep -q 'LEAK of 1 pages' "$TMP/$OBJDIR/grade/forgeok.out" || { echo "leak: the kernel did not report the leak"; fail=1; }
plant panic 's/^\tbool ok = npages_free == boot_free_pages;$/\tpanic("planted");\n&/' 2 'kernel panic'
exit $fail
