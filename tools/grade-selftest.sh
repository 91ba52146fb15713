#!/usr/bin/env bash
# grade.sh refuses mistakes: an unknown test name is an error that lists the tests; an
# interval expression ({n}) works with gawk and is refused with a message by an awk without
# intervals; each test's output is kept; the timeout scales for KCHECK=1. (Failures showing
# the kernel's lines: tools/verdict-test.sh.)
set -u
cd "$(dirname "$0")/.."
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# check DESCRIPTION COMMAND...: run COMMAND; it must succeed
check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		fail=1
	fi
}

bash grade.sh hello nosuchtest > "$TMP/out" 2> "$TMP/err"
rc=$?
check "an unknown name is an error (status $rc)" [ "$rc" = 2 ]
check "the error names it" grep -q 'no such test: nosuchtest$' "$TMP/err"
check "the error lists the tests" grep -q '^the tests are: hello hello_args ' "$TMP/err"
check "... all of them" grep -q ' forgeok ' "$TMP/err"
check "no test ran" [ ! -s "$TMP/out" ]
check "--list lists the tests, one a line" grep -qx 'hello_args' <(bash grade.sh --list)

OBJDIR=$(make -s --no-print-directory print-objdir)
rm -f "$OBJDIR/grade/intervals.out"
bash grade.sh intervals > "$TMP/out" 2>&1
check "intervals work (gawk)" grep -q '^intervals: .*OK' "$TMP/out"
check "the output is kept in $OBJDIR/grade/intervals.out" grep -q '^hello, world$' "$OBJDIR/grade/intervals.out"
if command -v mawk >/dev/null && [ -z "$(echo aa | mawk '/^a{2}$/ { print 1 }')" ]; then
	GRADE_AWK=mawk bash grade.sh intervals > "$TMP/out" 2>&1
	check "an awk without intervals: the test fails" grep -q '^intervals: .*FAIL' "$TMP/out"
	check "... saying why" grep -q "interval expression in '^i am environment 0{4}1000\$': this awk (mawk) has none" "$TMP/out"
fi

# --info: the timeout (without and with KCHECK=1) and the output directory, without building.
nomake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$@"; }
check "TIMEOUT=10: 10 s, in obj/grade" \
	grep -qx 'timeout 10s; outputs in obj/grade/' <(nomake KCHECK= TIMEOUT=10 bash grade.sh --info)
check "KCHECK=1 TIMEOUT=10: 40 s, in obj-kcheck/grade" \
	grep -qx 'timeout 40s; outputs in obj-kcheck/grade/' <(nomake KCHECK=1 TIMEOUT=10 bash grade.sh --info)
exit $fail
