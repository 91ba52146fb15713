#!/usr/bin/env bash
# The test suite: boots each program under QEMU and checks what it prints.
#   sh grade.sh [NAME...]     run all tests, or only those named
# Each test prints "NAME: OK (time)" or "NAME: FAIL" with what went wrong and the tail of
# the output; the last line is "N passed, N failed"; the exit status is 1 on any failure.
#
# A test is: t NAME 'BOOTARGS' [expectation...]
#   'REGEX'      a line matching this extended regex (awk: no {n} intervals) must appear, after the previous plain match
#   '~REGEX'     must appear somewhere (any order)
#   '!REGEX'     must not appear
#   '=N REGEX'   exactly N lines match
# Every test also requires: the machine powered itself off in time, no kernel panic or trap,
# and the kernel's page accounting line saying every page came back.

set -u
cd "$(dirname "$0")"
TIMEOUT=${TIMEOUT:-60}
ONLY=" $* "
pass=0
fail=0
failed_names=""

if [ -t 1 ]; then GREEN=$'\e[32m'; RED=$'\e[31m'; NORM=$'\e[0m'; else GREEN=; RED=; NORM=; fi

make -s all >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
QEMU_CMD=$(make -s --no-print-directory print-qemu | tail -1)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# match FILE EXPECTATION... : prints one line per unmet expectation
match() {
	local file=$1
	shift
	MATCH_FILE=$file awk '
		BEGIN {
			nexp = ARGC - 1
			for (i = 1; i < ARGC; i++) e[i] = ARGV[i]
			while ((getline l < ENVIRON["MATCH_FILE"]) > 0) line[++n] = l
			cur = 1	# next line where an ordered expectation may match
			for (i = 1; i <= nexp; i++) {
				x = e[i]; kind = substr(x, 1, 1)
				if (kind == "!") {
					re = substr(x, 2)
					for (j = 1; j <= n; j++) if (line[j] ~ re) { print "unexpected line: " line[j]; break }
				} else if (kind == "~") {
					re = substr(x, 2); found = 0
					for (j = 1; j <= n; j++) if (line[j] ~ re) { found = 1; break }
					if (!found) print "missing: " re
				} else if (kind == "=") {
					sp = index(x, " "); want = substr(x, 2, sp - 2) + 0; re = substr(x, sp + 1); got = 0
					for (j = 1; j <= n; j++) if (line[j] ~ re) got++
					if (got != want) print "expected " want " lines matching " re ", got " got
				} else {
					found = 0
					for (j = cur; j <= n; j++) if (line[j] ~ x) { found = 1; cur = j + 1; break }
					if (!found) print "missing (in order): " x
				}
			}
		}' "$@"
}

# t NAME BOOTARGS EXPECTATION...
t() {
	local name=$1 bootargs=$2
	shift 2
	if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $name "* ]]; then
		return
	fi
	local out="$OUT/$name.out" start end rc problems
	start=$(date +%s.%N)
	timeout "$TIMEOUT" $QEMU_CMD -append "$bootargs" </dev/null 2>&1 | tr -d '\r' > "$out"
	rc=${PIPESTATUS[0]}
	end=$(date +%s.%N)
	problems=$(match "$out" "$@" \
		'!kernel panic' '!kernel trap' '!kernel warning' \
		'~^kernel: page accounting: [0-9]+ free at boot, [0-9]+ free now: OK$')
	if [ "$rc" = 124 ]; then
		problems="timed out after ${TIMEOUT}s (the machine did not power off)"$'\n'"$problems"
	elif [ "$rc" != 0 ]; then
		problems="qemu exited with status $rc"$'\n'"$problems"
	fi
	local secs
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	if [ -z "$problems" ]; then
		echo "$name: ${GREEN}OK${NORM} (${secs}s)"
		pass=$((pass + 1))
	else
		echo "$name: ${RED}FAIL${NORM} (${secs}s)"
		echo "$problems" | sed '/^$/d; s/^/    /'
		echo "    --- last lines of output ---"
		tail -n 15 "$out" | sed 's/^/    | /'
		fail=$((fail + 1))
		failed_names="$failed_names $name"
	fi
}

# ---- the kernel foundation ----
t hello 'hello' \
	'^check_page_alloc\(\) succeeded!$' '^check_pgdir\(\) succeeded!$' \
	'^\[00000000\] new env 00001000$' '^hello, world$' '^i am environment 00001000$' \
	'^\[00001000\] exiting gracefully$' '^\[00001000\] free env 00001000$' \
	'^No runnable environments in the system!$'
t hello_args 'hello one two' \
	'^hello, world$' '^argv\[1\] = one$' '^argv\[2\] = two$'
t buggyhello 'buggyhello' \
	'^\[00001000\] user_mem_check assertion failure for va 00000001$' \
	'^\[00001000\] free env 00001000$' '!still alive'
t evilhello 'evilhello' \
	'^\[00001000\] user_mem_check assertion failure for va ffffffc080200000$' \
	'^\[00001000\] free env 00001000$' '!printed its own memory'
t faultread 'faultread' \
	'^\[00001000\] user fault va 00000000 ip [0-9a-f]+ \(load page fault\)$' \
	'^\[00001000\] free env 00001000$' '!I read'
t faultwrite 'faultwrite' \
	'^\[00001000\] user fault va 00000000 ip [0-9a-f]+ \(store page fault\)$' \
	'^\[00001000\] free env 00001000$' '!wrote to location 0'
t faultexec 'faultexec' \
	'^faultexec: jumping to 0x([0-9a-f]+)$' \
	'^\[00001000\] user fault va 00803000 ip 00803000 \(instruction page fault\)$' \
	'!executed code in a data page'
t faultkernel 'faultkernel' \
	'^\[00001000\] user fault va ffffffc080200000 ip [0-9a-f]+ \(load page fault\)$' \
	'^\[00001000\] free env 00001000$' '!I read'
t privileged 'privileged' \
	'^\[00001000\] user fault va [0-9a-f]+ ip [0-9a-f]+ \(illegal instruction\)$' \
	'^\[00001000\] free env 00001000$' '!read sstatus'
t testbss 'testbss' \
	'^Making sure bss works right\.\.\.$' \
	'^Yes, good\.  Now doing a wild write off the end\.\.\.$' \
	'^\[00001000\] user fault va 00c05000 ip [0-9a-f]+ \(store page fault\)$' \
	'!SHOULD HAVE TRAPPED'
t yield 'yield; yield; yield' \
	'^Hello, I am environment 00001000\.$' '^Hello, I am environment 00001001\.$' \
	'^Hello, I am environment 00001002\.$' \
	'^Back in environment 00001000, iteration 0\.$' '^Back in environment 00001001, iteration 0\.$' \
	'^Back in environment 00001002, iteration 0\.$' '^Back in environment 00001000, iteration 1\.$' \
	'^Back in environment 00001000, iteration 4\.$' '^All done in environment 00001000\.$' \
	'^All done in environment 00001001\.$' '^All done in environment 00001002\.$' \
	'=3 exiting gracefully$'
t badprogram 'nosuchprogram' \
	"^kernel: cannot start 'nosuchprogram': invalid parameter; programs are: .*hello"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed:$failed_names" >&2; exit 1; }
