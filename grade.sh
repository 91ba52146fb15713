#!/usr/bin/env bash
# The test suite: boots each program under QEMU and checks what it prints.
#   bash grade.sh [NAME...]   run all tests, or only those named (make grade runs them all);
#                             a name that is no test is an error that lists the tests
#   bash grade.sh --list      print the test names
#   bash grade.sh --info      print the timeout and where the outputs go
# Each test prints "NAME: OK (time)" or "NAME: FAIL" with what went wrong and the kernel's
# output (the lines after the firmware banner); the last line is "N passed, N failed"; the
# exit status is 1 on any failure. Each test's full output stays in OBJDIR/grade/NAME.out.
#
# A test is: t NAME 'BOOTARGS' [expectation...]
#   'REGEX'      a line matching this extended regex (gawk: {n} intervals work) must appear, after the previous plain match
#   '~REGEX'     must appear somewhere (any order)
#   '!REGEX'     must not appear
#   '=N REGEX'   exactly N lines match
#   '%N REGEX'   the lines that match show at least N distinct values of REGEX's first (group)
# GRADE_CPUS=1 t NAME ...  boots that test on one hart whatever CPUS is (a test that encodes one hart says why).
# GRADE_INPUT=$'help\ncontinue\n' t NAME ...  types that on the console (QEMU's standard input),
# for the kernel monitor or a program to read. Without it the console receives nothing (/dev/null):
# a test that waits for input without any ends at TIMEOUT as a failure; it cannot hang the suite.
# Every test also requires: the machine powered itself off in time with the kernel's verdict
# "pass" (QEMU exit status 0: kern/poweroff.c), no kernel panic or trap, and the kernel's
# page accounting line saying every page came back.
# A test can also be a command: tcmd NAME 'COMMAND' passes if COMMAND exits 0.

set -u
cd "$(dirname "$0")"
# A KCHECK=1 kernel checks its pages after every system call: it gets four times as long.
TIMEOUT=${TIMEOUT:-60}
[ "${KCHECK:-}" = 1 ] && TIMEOUT=$((TIMEOUT * 4))
CPULIMIT=${CPULIMIT:-20}	# seconds of CPU one test may take (QEMU's, or the command's, user + system time)
ONLY=" $* "
pass=0
fail=0
failed_names=""
LISTING=""

if [ -t 1 ]; then GREEN=$'\e[32m'; RED=$'\e[31m'; NORM=$'\e[0m'; else GREEN=; RED=; NORM=; fi

case "${1:-}" in
--list)
	LISTING=1
	exec 3>&1 >/dev/null ;;	# only the names (fd 3) are printed
--info)
	echo "timeout ${TIMEOUT}s; outputs in $(make -s --no-print-directory print-objdir)/grade/"
	exit 0 ;;
*)
	# Every name asked for must be a test: an unknown one is an error, not "0 passed".
	all=" $(bash "$0" --list | tr '\n' ' ')"
	unknown=""
	for n in "$@"; do
		[[ "$all" == *" $n "* ]] || unknown="$unknown $n"
	done
	if [ -n "$unknown" ]; then
		echo "grade.sh: no such test:$unknown" >&2
		echo "the tests are:$all" | fold -s -w 100 >&2
		exit 2
	fi ;;
esac

if [ -z "$LISTING" ]; then
	make -s all >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
	QEMU_CMD=$(make -s --no-print-directory print-qemu | tail -1)
	OUT=$(make -s --no-print-directory print-objdir)/grade
	mkdir -p "$OUT"
	# Interval expressions ({8}) need gawk (Debian's default awk, mawk, lacks them); tools/deps.sh installs it.
	AWK=${GRADE_AWK:-$(command -v gawk || { sh tools/deps.sh gawk >&2 && command -v gawk; } || echo awk)}
	INTERVALS=$(echo aa | $AWK '/^a{2}$/ { print 1 }')
fi
# Harts (QEMU -smp): tests of scheduling across harts expect more than one CPU only if there are several.
NCPUS=$(echo "${QEMU_CMD:-}" | sed -n 's/.* -smp \([0-9]*\).*/\1/p')
NCPUS=${NCPUS:-1}
# RAM in MiB (QEMU -m): below 32 MiB some tests run out of memory before another limit.
MEM_MB=$(echo "${QEMU_CMD:-}" | sed -n 's/.* -m \([0-9]*\)[mM]* .*/\1/p')
case "${QEMU_CMD:-}" in *" -m "*[gG]" "*) MEM_MB=$((MEM_MB * 1024)) ;; esac

# match FILE EXPECTATION... : prints one line per unmet expectation
match() {
	local file=$1
	shift
	MATCH_FILE=$file $AWK '
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
				} else if (kind == "%") {
					sp = index(x, " "); want = substr(x, 2, sp - 2) + 0; re = substr(x, sp + 1); got = 0
					delete seen
					for (j = 1; j <= n; j++) if (match(line[j], re, g) && !(g[1] in seen)) { seen[g[1]] = 1; got++ }
					if (got < want) print "expected at least " want " distinct values of " re ", got " got
				} else {
					found = 0
					for (j = cur; j <= n; j++) if (line[j] ~ x) { found = 1; cur = j + 1; break }
					if (!found) print "missing (in order): " x
				}
			}
		}' "$@"
}

# selected NAME: whether to run test NAME (in --list mode: print it, and no)
selected() {
	if [ -n "$LISTING" ]; then
		echo "$1" >&3
		return 1
	fi
	[ "$ONLY" = "  " ] || [[ "$ONLY" == *" $1 "* ]]
}

# clock_start NAME ... clock_stop NAME: the wall time and the CPU time of our children (QEMU,
# or a test's command) in between; clock_stop sets CPU (seconds) and ELAPSED (for the result line).
clock_start() {
	CLOCK0=$(date +%s.%N)
	times > "$OUT/$1.cpu"	# a builtin with a redirection: it reports this shell's children
}
clock_stop() {
	times >> "$OUT/$1.cpu"
	local end
	end=$(date +%s.%N)
	CPU=$(awk '{ for (i = 1; i <= 2; i++) { split($i, t, "m"); c[NR] += t[1] * 60 + t[2] } }
		END { printf "%.1f", c[4] - c[2] }' "$OUT/$1.cpu")
	ELAPSED="$(awk -v a="$CLOCK0" -v b="$end" 'BEGIN { printf "%.1f", b - a }')s, cpu ${CPU}s"
}

# verdict NAME PROBLEMS SHOW OUTFILE: count and print a test's result (with clock_stop's times);
# on failure, the problems and what function SHOW prints from OUTFILE
verdict() {
	local name=$1 problems=$2
	if awk -v c="$CPU" -v l="$CPULIMIT" 'BEGIN { exit !(c >= l) }'; then
		problems="took ${CPU}s of CPU (limit ${CPULIMIT}s)"$'\n'"$problems"
	fi
	local secs=$ELAPSED
	if [ -z "$problems" ]; then
		echo "$name: ${GREEN}OK${NORM} (${secs})"
		pass=$((pass + 1))
	else
		echo "$name: ${RED}FAIL${NORM} (${secs})"
		echo "$problems" | sed '/^$/d; s/^/    /'
		"$3" "$4" | sed 's/^/    | /'
		fail=$((fail + 1))
		failed_names="$failed_names $name"
	fi
}

# The kernel's part of an output (from its banner on; all of it if the kernel never spoke), at most 40 lines.
kernel_lines() {
	echo "--- output after the firmware banner (all of it: $1) ---"
	if grep -q '^exokernel: hart ' "$1"; then
		awk '/^exokernel: hart / { k = 1 } k' "$1" | tail -n 40
	else
		tail -n 40 "$1"
	fi
}

last_lines() {
	echo "--- last lines of output (all of it: $1) ---"
	tail -n 20 "$1"
}

# t NAME BOOTARGS EXPECTATION...
t() {
	local name=$1 bootargs=$2
	shift 2
	selected "$name" || return 0
	local out="$OUT/$name.out" rc problems=""
	# The one place QEMU's standard input is chosen.
	# Two newlines first: the firmware's UART setup discards what arrived before it (a byte or
	# two); the monitor ignores empty lines. QEMU reads stdin only as fast as the UART's 16-byte
	# FIFO empties, so nothing after them is lost.
	local input=/dev/null
	if [ -n "${GRADE_INPUT:-}" ]; then
		input="$OUT/$name.in"
		printf '\n\n%s' "$GRADE_INPUT" > "$input"
	fi
	if [ -z "$INTERVALS" ]; then
		for x in "$@"; do
			[[ "$x" =~ \{[0-9] ]] && problems="$problems"$'\n'"interval expression in '$x': this awk ($AWK) has none; install gawk (sh tools/deps.sh gawk)"
		done
	fi
	local qemu_cmd=$QEMU_CMD
	[ -n "${GRADE_CPUS:-}" ] && qemu_cmd=$(echo "$QEMU_CMD" | sed "s/ -smp [0-9]* / -smp $GRADE_CPUS /")
	clock_start "$name"
	timeout "$TIMEOUT" $qemu_cmd -append "$bootargs" <"$input" 2>&1 | tr -d '\r' > "$out"
	rc=${PIPESTATUS[0]}
	clock_stop "$name"
	problems="$problems"$'\n'$(match "$out" "$@" \
		'!kernel panic' '!kernel trap' '!kernel warning' \
		'~^kernel: page accounting: [0-9]+ free at boot, [0-9]+ free now: OK$')
	if [ "$rc" = 124 ]; then
		problems="timed out after ${TIMEOUT}s (the machine did not power off)"$'\n'"$problems"
	elif [ "$rc" != 0 ]; then
		problems="qemu exited with status $rc (the kernel's verdict: $(qemu_status "$rc"))"$'\n'"$problems"
	fi
	verdict "$name" "$(echo "$problems" | sed '/^$/d')" kernel_lines "$out"
}

# What QEMU's exit status says (kern/poweroff.h).
qemu_status() {
	case "$1" in
	1) echo "page leak" ;;
	2) echo "kernel panic" ;;
	*) echo "no verdict" ;;
	esac
}

# tcmd NAME COMMAND: a test that is a shell command, run here; passes if it exits 0.
tcmd() {
	local name=$1 cmd=$2
	selected "$name" || return 0
	local out="$OUT/$name.out" problems=""
	clock_start "$name"
	bash -c "$cmd" >"$out" 2>&1 </dev/null || problems="'$cmd' failed (status $?)"
	clock_stop "$name"
	verdict "$name" "$problems" last_lines "$out"
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
# Strict round-robin order between three environments exists only on one hart.
GRADE_CPUS=1 t yield '+nopreempt yield; yield; yield' \
	'^Hello, I am environment 00001000\.$' '^Hello, I am environment 00001001\.$' \
	'^Hello, I am environment 00001002\.$' \
	'^Back in environment 00001000, iteration 0\.$' '^Back in environment 00001001, iteration 0\.$' \
	'^Back in environment 00001002, iteration 0\.$' '^Back in environment 00001000, iteration 1\.$' \
	'^Back in environment 00001000, iteration 4\.$' '^All done in environment 00001000\.$' \
	'^All done in environment 00001001\.$' '^All done in environment 00001002\.$' \
	'=3 exiting gracefully$'
t badprogram 'nosuchprogram' \
	"^kernel: cannot start 'nosuchprogram': invalid parameter; programs are: .*hello"

# ---- the exokernel memory interface (issue 3) ----
t faultalloc 'faultalloc' \
	'^fault deadbeef$' '^this string was faulted in at deadbeef$' \
	'^fault cafebffe$' '^fault cafec000$' '^this string was faulted in at cafebffe$' \
	'^\[00001000\] exiting gracefully$' '^\[00001000\] free env 00001000$' '!user panic'
# The line format changed with issue 16 (stamp, hart, decoded perm, ip/ra/entry, frame, resume lines).
T16='^trace: [0-9]+ h0'
# A resume line is printed at the environment's next trap: a timer interrupt between the handler's
# return and the next cputs puts it before that console line, so console lines after a resume are unordered.
t faultalloc_trace '+trace faultalloc' \
	"$T16 page_alloc env=00001000 ip=0x[0-9a-f]+ ra=0x[0-9a-f]+ entry=[0-9]+ target=00000000 va=0x3f7ffff000 perm=RW-U ret=0\$" \
	"$T16 pgfault env=00001000 va=0xdeadbeef cause=load present=0 depth=1 ip=0x[0-9a-f]+ frame=0x3f7ffffee0 handler=0x[0-9a-f]+ entry=[0-9]+\$" \
	'^fault deadbeef$' \
	"$T16 page_alloc env=00001000 .* target=00000000 va=0xdeadb000 perm=RW-U ret=0\$" \
	"$T16 resume env=00001000 depth=1 ip=0x[0-9a-f]+ frame=0x3f7ffffee0\$" \
	"$T16 pgfault env=00001000 va=0xcafebffe cause=load present=0 depth=1 ip=0x[0-9a-f]+ frame=0x3f7ffffee0 " \
	"$T16 page_alloc env=00001000 .* target=00000000 va=0xcafeb000 perm=RW-U ret=0\$" \
	"$T16 pgfault env=00001000 va=0xcafec000 cause=store present=0 depth=2 ip=0x[0-9a-f]+ frame=0x3f7ffffcc0 " \
	'^fault cafec000$' \
	"$T16 page_alloc env=00001000 .* target=00000000 va=0xcafec000 perm=RW-U ret=0\$" \
	'~^this string was faulted in at cafebffe$' \
	"$T16 resume env=00001000 depth=2 ip=0x[0-9a-f]+ frame=0x3f7ffffcc0\$" \
	"$T16 resume env=00001000 depth=1 ip=0x[0-9a-f]+ frame=0x3f7ffffee0\$" \
	"=3 $T16 pgfault " "=4 $T16 page_alloc " "=3 $T16 resume "
t dumbfork 'dumbfork' \
	'^\[00001000\] new env 00001001$' '^0: I am the parent!$' '^9: I am the parent!$' \
	'~^0: I am the child!$' '~^9: I am the child!$' \
	'=10 ^[0-9]: I am the parent!$' '=10 ^[0-9]: I am the child!$' \
	'~^\[00001000\] exiting gracefully$' '~^\[00001001\] exiting gracefully$' \
	'=2 exiting gracefully$' '!user panic'
t faultdie 'faultdie' \
	'^i faulted at va deadbeef, cause store$' '^present 0$' \
	'^\[00001000\] exiting gracefully$' '^\[00001000\] free env 00001000$' \
	'!still running' '!handler returned'
t faultregs 'faultregs' \
	'^faultregs: store to an unmapped page at 0x20000000$' \
	'^faultregs: registers ok before and after$' '^faultregs: frame matches trap-time registers$' \
	'^faultregs: store to a read-only page at 0x20001000$' \
	'^faultregs: registers ok before and after$' '^faultregs: frame matches trap-time registers$' \
	'^faultregs: present ok$' \
	'^faultregs: load from an unmapped page at 0x20002000$' \
	'^faultregs: registers ok before and after$' '^faultregs: frame matches trap-time registers$' \
	'^faultregs: all checks passed$' '^\[00001000\] exiting gracefully$' \
	'!FAIL' '!user panic'
t faultallocbad 'faultallocbad' \
	'^\[00001000\] user_mem_check assertion failure for va deadbeef$' \
	'^\[00001000\] free env 00001000$' '!^fault' '!sys_cputs returned'
t faultnostack 'faultnostack' \
	'^\[00001000\] user_mem_check assertion failure for va 3f7ffffee0$' \
	'^\[00001000\] user fault va 00000000 ip [0-9a-f]+ \(store page fault: exception stack not mapped writable\)$' \
	'^\[00001000\] free env 00001000$' '!survived'
t faultbadhandler 'faultbadhandler' \
	'^\[00001000\] user_mem_check assertion failure for va deadbeef$' \
	'^\[00001000\] user fault va 00000000 ip [0-9a-f]+ \(store page fault: upcall not executable user memory\)$' \
	'^\[00001000\] free env 00001000$' '!survived'
t faultevilhandler 'faultevilhandler' \
	'^\[00001000\] user_mem_check assertion failure for va ffffffc080200000$' \
	'^\[00001000\] user fault va 00000000 ip [0-9a-f]+ \(store page fault: upcall not executable user memory\)$' \
	'^\[00001000\] free env 00001000$' '!survived'
t faultuvpt 'faultuvpt' \
	'^faultuvpt: text ok \(pte flags 0x[0-9a-f]+\)$' '^faultuvpt: data ok ' '^faultuvpt: stack ok ' \
	'^faultuvpt: UENVS ok ' '^faultuvpt: shared page ok ' '^faultuvpt: replaced page ok ' \
	'^faultuvpt: absent ok ' '^faultuvpt: envs ok \(envs\[0\]\.env_id = 00001000\)$' \
	'^faultuvpt: write to uvpt faulted: va 0x3fc0004000, store, present 1$' \
	'^faultuvpt: write to uvpd faulted: va 0x3fdfe00020, store, present 1$' \
	'^faultuvpt: write to uvpgd faulted: va 0x3fdff00000, store, present 1$' \
	'^faultuvpt: write to UENVS faulted: va 0x3f80000[0-9a-f]+, store, present 1$' \
	'^faultuvpt: all checks passed$' '^\[00001000\] exiting gracefully$' \
	'!FAIL' '!user panic'
t exoforkbad 'exoforkbad' \
	'^exoforkbad: page_alloc ok$' '^exoforkbad: page_map ok$' '^exoforkbad: page_unmap ok$' \
	'^exoforkbad: bad env ids ok$' '^exoforkbad: env_set_status ok$' \
	'^exoforkbad: syscall numbers ok$' '^exoforkbad: exofork child ok$' \
	'^\[00001000\] destroying [0-9a-f]+$' '^exoforkbad: stale child id ok$' \
	'^exoforkbad: child A on its parent ok$' '^exoforkbad: strangers ok$' \
	'^exoforkbad: all checks passed$' '^\[00001000\] exiting gracefully$' \
	'=2 exiting gracefully$' '!FAIL' '!user panic' '!blocked with nothing runnable'

t faultxoverflow 'faultxoverflow' \
	'^faultxoverflow: fault at cafe0000, depth 1$' \
	'^\[00001000\] user fault va [0-9a-f]+ ip [0-9a-f]+ \((store|load) page fault: exception stack overflow\)$' \
	'!nested fault returned' '!user panic'

# ---- user-level copy-on-write fork (issue 4) ----
t forktree 'forktree' \
	"~^1000: I am ''$" "~^[0-9a-f]+: I am '0'$" "~^[0-9a-f]+: I am '1'$" \
	"~^[0-9a-f]+: I am '00'$" "~^[0-9a-f]+: I am '01'$" "~^[0-9a-f]+: I am '10'$" "~^[0-9a-f]+: I am '11'$" \
	"~^[0-9a-f]+: I am '000'$" "~^[0-9a-f]+: I am '001'$" "~^[0-9a-f]+: I am '010'$" "~^[0-9a-f]+: I am '011'$" \
	"~^[0-9a-f]+: I am '100'$" "~^[0-9a-f]+: I am '101'$" "~^[0-9a-f]+: I am '110'$" "~^[0-9a-f]+: I am '111'$" \
	"=15 I am '[01]*'$" '=15 exiting gracefully$' '=15 free env'
t forkcow 'forkcow' \
	'~^forkcow: grandchild ok$' '~^forkcow: child ok$' '~^forkcow: parent ok$' \
	'~^forkcow: counter child forked at 5 ok$' '~^forkcow: counter child forked at 10 ok$' \
	'~^forkcow: counter child forked at 15 ok$' '~^forkcow: counter child forked at 20 ok$' \
	'~^forkcow: counter parent ok$' '!user panic'
t forkbig 'forkbig' \
	'~^forkbig: child ok$' '~^forkbig: parent ok$' '!user panic'
t sforktest 'sforktest' \
	'~^sforktest: parent ok, counter 19, stack 10$' '~^sforktest: child ok, counter 20, stack 1000$' '!user panic'
t forkbomb 'forkbomb' \
	'^forkbomb: fork #[0-9]+ failed: (out of environments|out of memory)$' \
	'^forkbomb: all [0-9]+ children exited$' '^forkbomb: fork works again$' '!user panic'

# ---- preemption and IPC (issue 5) ----
# One hart: JOS's spin gives the child 8 yields to print its line before it is killed. On several
# harts those yields need not reach the child: its hart (a QEMU thread on a loaded host) may not run
# in time (seen once in CI, KCHECK=1 CPUS=4). Destroying a child running elsewhere: destroyrace.
GRADE_CPUS=1 t spin 'spin' \
	'^I am the parent\.  Forking the child\.\.\.$' '~^I am the child\.  Spinning\.\.\.$' \
	'^I am the parent\.  Killing the child\.\.\.$' '^\[00001000\] destroying 00001001$' \
	'^\[00001000\] free env 00001001$'
t spinhog 'spinhog' \
	'~^spinhog: worker 0 finished, sum 1999999000000$' '~^spinhog: worker 1 finished, sum 1999999000000$' \
	'~^spinhog: worker 2 finished, sum 1999999000000$' \
	'^spinhog: all workers finished; destroying the hog$' '^\[00001000\] destroying 00001001$'
# On several harts the environments must have run on at least two of them.
if [ "$NCPUS" -gt 1 ]; then on_cpus='%2 on CPU ([0-9]+)$' primes_cpus='%2 ^CPU ([0-9]+): '
else on_cpus='!on CPU [1-9]' primes_cpus='!^CPU [1-9]'; fi
t stresssched 'stresssched' \
	"=20 ^\\[[0-9a-f]+\\] stresssched on CPU [0-$((NCPUS - 1))]\$" "$on_cpus" \
	'^stresssched: all 20 environments finished, counter 200$'
t pingpong 'pingpong' \
	'^send 0 from 1000 to 1001$' '^1001 got 0 from 1000$' '^1000 got 1 from 1001$' \
	'^1001 got 2 from 1000$' '^1000 got 9 from 1001$' '^1001 got 10 from 1000$'
t sendpage 'sendpage' \
	'^1000 got message: hello child environment! how are you\?$' '^child received correct message$' \
	'^1001 got message: hello parent environment! I.m good\.$' '^parent received correct message$' '!user panic'
t primes 'primes 100' \
	'^CPU [0-7]: 2$' '^CPU [0-7]: 3$' '^CPU [0-7]: 5$' '^CPU [0-7]: 7$' '^CPU [0-7]: 11$' '^CPU [0-7]: 13$' '^CPU [0-7]: 17$' \
	'^CPU [0-7]: 19$' '^CPU [0-7]: 23$' '^CPU [0-7]: 29$' '^CPU [0-7]: 31$' '^CPU [0-7]: 37$' '^CPU [0-7]: 41$' '^CPU [0-7]: 43$' \
	'^CPU [0-7]: 47$' '^CPU [0-7]: 53$' '^CPU [0-7]: 59$' '^CPU [0-7]: 61$' '^CPU [0-7]: 67$' '^CPU [0-7]: 71$' '^CPU [0-7]: 97$' \
	'=25 ^CPU [0-7]: [0-9]+$' '!^CPU [0-7]: (4|9|15|91)$' "$primes_cpus" '^primes: done up to 100$'
t ipcdead 'ipcdead' \
	'~^ipcdead: receiver got 3 messages, exiting$' \
	'=3 ^ipcdead: sender [0-2]: receiver gone \(bad environment\) after [0-3] messages?$' \
	'^ipcdead: send to the destroyed receiver: bad environment$' '!user panic'
t blockrecv 'blockrecv' \
	'^blockrecv: waiting for a message that never comes$' \
	'~^kernel: 1 environment blocked with nothing runnable; freeing$'
# The benchmark suite, short: every figure must be printed (values are make bench's business).
figs=""
for f in boot_to_user fork_base fork_wait_base null_syscall upcall_null pgfault_alloc copy_floor \
	copy_unrolled8 fork_pages_16 fork_pages_64 fork_pages_256 fork_pages_1024 fork_per_page cow_fault \
	cow_fault_sole forktree_d3 forktree_d6 pages_per_fork; do
	figs="$figs ~^bench:.$f.[0-9]+\$"
done
# shellcheck disable=SC2086
t bench '+nopreempt +bench bench quick' $figs '^bench: done$' '!user panic'

# ---- hostile input: exhaustion, the fuzzer, hostile programs (issue 6) ----
t memexhaust 'memexhaust' \
	'^memexhaust: filled [0-9]+ pages until out of memory$' \
	'^memexhaust: freed them and filled [0-9]+ pages again$' \
	'^memexhaust: exofork with 0\.\.2 free pages: out of memory, nothing changed$' \
	'^memexhaust: page_alloc in a new gigabyte with 0\.\.3 free pages: out of memory, nothing changed$' \
	'^memexhaust: page_alloc in a new 2 MiB region with 0\.\.1 free pages: out of memory, nothing changed$' \
	'^memexhaust: page_map into a new gigabyte with 0\.\.2 free pages: out of memory, nothing changed$' \
	'^memexhaust: ipc page into a new gigabyte with 0\.\.2 free pages: out of memory, nothing changed$' \
	'^memexhaust: fork with 0\.\.14 free pages: out of memory, nothing changed$' \
	'^memexhaust: all checks passed$' '!FAIL' '!user panic'
envs_full='out of environments'
[ "${MEM_MB:-128}" -lt 32 ] && envs_full='(out of environments|out of memory)'
t envexhaust 'envexhaust' \
	"^envexhaust: exofork #[0-9]+ failed: $envs_full\$" \
	"^envexhaust: with the table full, fork fails with $envs_full and other calls work\$" \
	'^envexhaust: slot [0-9]+ reused 50 times, every id new, every stale id refused$' \
	'^envexhaust: all [0-9]+ children destroyed, all checks passed$' '!FAIL' '!user panic'
t fuzz_1 'fuzz 1' \
	'^fuzz: parent.s results: [0-9]+ ok, ' \
	'^fuzz: seed 1: [0-9]+ calls \([0-9]+ by the parent\), 3 children, [0-3] finished, done$' '!FAIL' '!user panic'
t fuzz_2 'fuzz 2 5000 5' \
	'^fuzz: seed 2: [0-9]+ calls \([0-9]+ by the parent\), 5 children, [0-5] finished, done$' '!FAIL' '!user panic'
t fuzz_3 'fuzz 3 3000; hello' \
	'~^hello, world$' '~^i am environment 00001001$' \
	'~^fuzz: seed 3: [0-9]+ calls \([0-9]+ by the parent\), 3 children, [0-3] finished, done$' '!FAIL' '!user panic'

# hostile NAME 'PROGRAM ARGS' EXPECTATION...: the program is destroyed with a one-line message,
# its pages come back, and the machine goes on (hello, started after it, runs to the end).
hostile() {
	local name=$1 prog=$2
	shift 2
	t "$name" "$prog; hello" "$@" \
		'^\[00001000\] free env 00001000$' '~^hello, world$' '~^\[00001001\] exiting gracefully$'
}
FAULT='^\[00001000\] user fault va'
# Writes to every read-only region user space can see: TARGET, and the address written.
while read -r target addr; do
	hostile "hostilewrite_$target" "hostilewrite $target" "^hostilewrite: writing to $target at $addr\$" \
		"$FAULT $addr ip [0-9a-f]+ \\(store page fault\\)\$" '!went through'
done <<'EOF'
uvpt 3fc0004000
uvpd 3fdfe00000
uvpgd 3fdff00000
uenvs 3f80000000
upages 3f88[0-9a-f]+
ktext ffffffc080200000
kdata ffffffc080400000
EOF
hostile faultrostack 'faultrostack' '^\[00001000\] user_mem_check assertion failure for va 3f7ffffee0$' \
	"$FAULT 10000000 ip [0-9a-f]+ \\(store page fault: exception stack not mapped writable\\)\$" '!survived'
hostile faultnxhandler_data 'faultnxhandler data' '^faultnxhandler: upcall at 803000 \(data\)$' \
	'^\[00001000\] user_mem_check assertion failure for va 00803000$' \
	"$FAULT 10000000 ip [0-9a-f]+ \\(store page fault: upcall not executable user memory\\)\$" '!survived'
hostile faultnxhandler_stack 'faultnxhandler stack' '^faultnxhandler: upcall at 3f7fffd[0-9a-f]+ \(stack\)$' \
	'^\[00001000\] user_mem_check assertion failure for va 3f7fffd[0-9a-f]+$' \
	"$FAULT 10000000 ip [0-9a-f]+ \\(store page fault: upcall not executable user memory\\)\$" '!survived'
hostile faultrecurse 'faultrecurse' \
	'^faultrecurse: fault at 10000000, depth 1$' '^faultrecurse: fault at 10001000, depth 2$' \
	'^faultrecurse: fault at 10007000, depth 8$' \
	"$FAULT [0-9a-f]+ ip [0-9a-f]+ \\(store page fault: exception stack overflow\\)\$" '!returned' '!user panic'
# ebreak enters the kernel monitor (issue 15): the dump, JOS's greeting, and continue resumes after it.
GRADE_INPUT=$'help\ncontinue\n' t breakpoint 'breakpoint; hello' \
	'^breakpoint: ebreak$' '^\[00001000\] breakpoint at ip ([0-9a-f]+)$' '^TRAP frame at 0x[0-9a-f]+ from CPU [0-7]$' \
	'^  ra   0x[0-9a-f]+$' '^  sp   0x[0-9a-f]+$' '^  s11  0x[0-9a-f]+$' '^  t6   0x[0-9a-f]+$' \
	'^  sepc 0x0000000000[0-9a-f]+$' '^  scause 0x0000000000000003 breakpoint$' '^  stval 0x[0-9a-f]+$' \
	'^  sstatus 0x[0-9a-f]+$' \
	'^Welcome to the JOS kernel monitor!$' "^Type 'help' for a list of commands\.\$" \
	'^K> help$' '^help - Display this list of commands$' '^kerninfo - ' '^backtrace - ' '^continue - ' \
	'^si - ' '^envs - ' '^vm - ' '^kill - ' '^poweroff - ' '^K> continue$' \
	'^breakpoint: survived ebreak!$' '^\[00001000\] exiting gracefully$' '^\[00001000\] free env 00001000$' \
	'~^hello, world$' '~^\[00001001\] exiting gracefully$' '=1 ^Welcome to the JOS kernel monitor!$' \
	'=1 ^TRAP frame' '!user fault'
# Privileged or invalid instructions: INSN, and the trap it must cause.
while read -r insn trap; do
	hostile "badinsn_$insn" "badinsn $insn" "^badinsn: $insn\$" "$FAULT [0-9a-f]+ ip [0-9a-f]+ \\($trap\\)\$" '!survived'
done <<'EOF'
sret illegal instruction
satp illegal instruction
wfi illegal instruction
unimp illegal instruction
amo misaligned (load|store)
fpu illegal instruction
EOF
# One hart: the parent paces its children with sys_yield (20 yields let child 3 run a few rounds,
# not finish); on several harts the child runs beside it. staletlb_* test remote remaps (issue 14).
GRADE_CPUS=1 t remapchild 'remapchild; hello' \
	'^remapchild: child 1: 300 rounds, every page held its data$' \
	'^remapchild: phase 1: child 1 gone after [0-9]+ remaps$' \
	'^remapchild: child 2: page 0 changed \(word 0, round [0-9]+: 0\)$' \
	'^\[[0-9a-f]+\] user fault va [0-9a-f]+ ip [0-9a-f]+ \(instruction page fault: .*\)$' \
	'^remapchild: phase 2: children 2 and 3 gone; calls on them get bad environment$' \
	'~^hello, world$' '~^\[00001001\] exiting gracefully$' '!child 1: page' '!user panic'

# ---- fork that composes; fault handling by address region (issue 11) ----
t forkexec 'forkexec' \
	'~^forkexec: child: the copy kept R\|W\|X, code returns 2$' \
	'~^forkexec: parent: the sole owner.s write kept R\|W\|X, code returns 3$' \
	'~^forkexec: sfork: the private copy kept R\|W\|X and is shared, code returns 4$' \
	'~^forkexec: keeper: still sees its snapshot, code returns 3$' '!user panic' '!user fault'
t sforkfork 'sforkfork' \
	'~^sforkfork: A sees B.s writes after B forked$' '~^sforkfork: C sees the snapshot taken at fork time$' \
	'~^sforkfork: D and E share after D was forked$' \
	'^sforkfork: A does not see its fork child.s sfork writes$' '!user panic'
t forklowmem 'forklowmem' \
	'~^\[[0-9a-f]+\] user fault va [0-9a-f]+ ip [0-9a-f]+ \(store page fault: copy-on-write: out of memory\)$' \
	'^forklowmem: [1-9][0-9]* forks out of memory, 3 succeeded; the parent carried on$' '!user panic'
t forkhandler 'forkhandler' \
	'~^forkhandler: child resumed after the fault, store done, registers kept$' \
	'~^forkhandler: parent resumed after the fault, store done, registers kept$' \
	'~^forkhandler: nested: child resumed from both handlers$' \
	'^forkhandler: nested: parent resumed from both handlers$' '!user panic' '!user fault'
t forkkeeps 'forkkeeps' \
	'~^forkkeeps: fork child: own handler and copy-on-write ok$' \
	'~^forkkeeps: parent after fork: own handler and copy-on-write ok$' \
	'~^forkkeeps: sfork child: own handler ok$' '^forkkeeps: parent after sfork: own handler ok$' \
	'!user panic' '!user fault'
t regionzero 'regionzero' \
	'^regionzero: 4 pages touched of 1 GiB, 4 mapped, each zero-filled$' \
	'^regionzero: child sees the parent.s pages copy-on-write and fills new ones itself$' \
	'^regionzero: parent unchanged by the child$' '!user panic' '!user fault'
t regionstack 'regionstack' \
	'^regionstack: recursion 600 deep ok, the stack grew from 1 to 1[4-9][0-9] pages$' \
	'^regionstack: child: recursing past the limit$' \
	'^\[00001001\] user fault va 3f7fe[0-9a-f]+ ip [0-9a-f]+ \(store page fault: stack overflow: sp 3f7fe[0-9a-f]+, past the 1024 KiB stack limit\)$' \
	'^regionstack: parent: the child is gone, our stack unchanged$' '!user panic'
t regionguard 'regionguard' \
	'^\[00001001\] user fault va 3000500c ip [0-9a-f]+ \(load page fault: guard region .red zone.\)$' \
	'^\[00002001\] user fault va 3000fffc ip [0-9a-f]+ \(store page fault: guard region .red zone.\)$' \
	'^\[00003001\] user fault va 30000000 ip 30000000 \(instruction page fault: guard region .red zone.\)$' \
	'^regionguard: every access to the guard ended its child$' '!user panic' '!survived'
t regiontable 'regiontable' \
	'^regiontable: a handler that says not mine passes the fault on$' \
	'^regiontable: child: fallback for 50001000$' '^regiontable: parent: fallback for 60000000$' \
	'^regiontable: after fork each has its own table$' \
	'^regiontable: child: fallback for 50003000$' '^regiontable: parent: fallback for 60002000$' \
	'^regiontable: after sfork each has its own table$' \
	'~^regiontable: fork in a region handler: child resumed$' \
	'~^regiontable: fork in a region handler: parent resumed$' \
	'=4 fallback for' '!user panic' '!user fault'
# ---- JOS compatibility, gdb, the kernel's verdict, the harness itself (issue 15) ----
t jostyle 'jostyle' \
	'^jostyle: through UTEMP$' '^jostyle: local pages = 3, copy = 3, PTSIZE = 200000$' \
	'^jostyle: 1 runnable, me 00001000 = 00001000$' '^\[00001000\] exiting gracefully$' '!user panic'
# Input starts with ignored control characters (^B): the firmware and the kernel's UART set-up
# may each drop some of what QEMU delivered before the program reads.
pad=$(printf '\002%.0s' $(seq 40))
GRADE_INPUT="$pad"$'hello wor\b\bXY\n\x7f\x7fab\x05c\x7fcd\n\nquit\n' t readlines 'readlines' \
	'^readline> hello wor' "^readlines: got 'hello wXY' \(9 characters\)$" \
	"^readlines: got 'abcd' \(4 characters\)$" '^readlines: done$' '!user panic'
t buggyhello2 'buggyhello2' \
	'^\[00001000\] user_mem_check assertion failure for va 008[0-9a-f]{2}000$' \
	'^\[00001000\] free env 00001000$' '!still alive'
t intervals 'hello' '^i am environment 0{4}1000$' '!^i am environment 0{5}' '=1 ^(hello, ){1}world$'
t forgeok 'forgeok' '=2 ^kernel: page accounting: [0-9]+ free at boot, [0-9]+ free now: OK$'
tcmd verdict_leak 'bash tools/verdict-test.sh'
tcmd gdb 'bash tools/gdb-test.sh'
tcmd harness 'bash tools/grade-selftest.sh'
# ---- kernel lifetime and fairness (issue 12) ----
t orphans 'orphans' \
	'^orphans: [0-9]+ pages free$' '=20 ^orphans: round [0-9]+: [0-9]+ pages free$' \
	'^orphans: 20 rounds, every stuck child freed with its parent, every page back$' \
	'=122 ^\[[0-9a-f]+\] free env [0-9a-f]+$' '!FAIL' '!user panic' '!blocked with nothing runnable'
t cputshog 'cputshog' \
	'^cputshog: printed 256 KiB in [0-9]+ ms; the sibling was scheduled [0-9]+ times meanwhile, longest wait [0-9]+ ms$' \
	'^cputshog: the sibling kept running; one call printed 4096 bytes$' '!FAIL' '!user panic'
# Two thirds of memory and a fork under KCHECK=1 is tools/kcheck-cost.sh (too long for here); 40%:
t forkfill 'forkfill 40' \
	'^forkfill: wrote [0-9]+ pages \(40% of [0-9]+\)$' '^forkfill: the child sees them$' '^forkfill: done$' '!user panic'
# On a kernel whose generations wrap after 3 reuses of a slot (ENVGENBITS=2, its own object directory).
if [ -n "$LISTING" ] || [ "$ONLY" = "  " ] || [[ "$ONLY" == *" genwrap "* ]]; then
	saved_qemu=${QEMU_CMD:-}
	[ -n "$LISTING" ] || QEMU_CMD=$(make -s --no-print-directory ENVGENBITS=2 print-qemu 2>/dev/null | tail -1)
	t genwrap 'genwrap' \
		'^genwrap: parent 00001001 exited; its child 00001002 waits on with parent 00000000$' \
		'^genwrap: 00001001 \(the dead parent.s id again\) on the orphan 00001002: destroy bad environment, page_alloc bad environment, page_map bad environment, page_unmap bad environment, set_status bad environment, set_pgfault_upcall bad environment$' \
		'^genwrap: no rights over the orphan$' '^genwrap: id 00001001 came back after 3 forks$' \
		'^genwrap: the orphan got its message and exits$' '!destroying' '!FAIL' '!user panic'
	QEMU_CMD=$saved_qemu
fi
# ---- JOS's messages and the kernel monitor (issue 15) ----
# Unhandled faults print JOS's register dump after the one-line reason.
t dump_faultread 'faultread' \
	'^\[00001000\] user fault va 00000000 ip ([0-9a-f]+) \(load page fault\)$' \
	'^TRAP frame at 0x[0-9a-f]+ from CPU [0-7]$' '^  ra   0x[0-9a-f]+$' '^  a0   0x[0-9a-f]+$' '^  t6   0x[0-9a-f]+$' \
	'^  sepc 0x00000000008[0-9a-f]+$' '^  scause 0x000000000000000d load page fault$' \
	'^  stval 0x0000000000000000$' '^  sstatus 0x[0-9a-f]+$' '^\[00001000\] free env 00001000$' \
	'=31 ^  [a-z][a-z0-9][a-z0-9]? +0x[0-9a-f]+$' '!Welcome'
t dump_badinsn 'badinsn unimp; hello' \
	'^\[00001000\] user fault va [0-9a-f]+ ip [0-9a-f]+ \(illegal instruction\)$' \
	'^TRAP frame at 0x[0-9a-f]+ from CPU [0-7]$' '^  scause 0x0000000000000002 illegal instruction$' \
	'^\[00001000\] free env 00001000$' '~^hello, world$' '!Welcome'
# A refused upcall: the dump shows the fault it was entered for (sp restored), not the failed entry.
t dump_badhandler 'faultbadhandler' \
	'^\[00001000\] user_mem_check assertion failure for va deadbeef$' \
	'^\[00001000\] user fault va 00000000 ip 00800[0-9a-f]+ \(store page fault: upcall' \
	'^  sp   0x0000003f7fffd[0-9a-f]+$' '^  sepc 0x0000000000800[0-9a-f]+$' \
	'^  scause 0x000000000000000f store page fault$' '^  stval 0x0000000000000000$'
# The commands, with bad arguments, a too-long line and a backspace: over 16 bytes of input,
# so QEMU must hold back what the UART's FIFO cannot take.
long_line=$(printf 'x%.0s' $(seq 100))
GRADE_INPUT="kerninfo
backtrace
envs
vm 1000
vm zz
vm
vm 1234567890123456789
vm -1
vm 0
kill 99999
kill 1000 1001
si extra
nosuchcmd
$long_line
helq"$'\b'"p
   
continue
" t monitor_commands 'breakpoint' \
	'^K> kerninfo$' '^Special kernel symbols:$' \
	'^  _start ffffffc080200000 \(virt\)  0000000080200000 \(phys\)$' '^  etext  ffffffc0802[0-9a-f]+ \(virt\)' \
	'^  end    ffffffc080[0-9a-f]+ \(virt\)  0000000080[0-9a-f]+ \(phys\)$' \
	'^Kernel executable memory footprint: [0-9]+KB$' \
	'^K> backtrace$' '^Stack backtrace:$' '^  fp [0-9a-f]+ ra [0-9a-f]+ monitor\+[0-9]+$' \
	'^  fp [0-9a-f]+ ra [0-9a-f]+ user_trap\+[0-9]+$' '^  user environment 00001000: ip 008[0-9a-f]+ ra ' \
	'^K> envs$' '^  id       parent   status        runs pages tables name$' \
	'^\* 00001000 00000000 running +[0-9]+ +[0-9]+ +[0-9]+ breakpoint$' \
	'^K> vm 1000$' '^  0000800000 00000000[0-9a-f]+ r-xu +1$' '^  3f7fffd000 00000000[0-9a-f]+ rw-u +1$' \
	'^\[00001000\] [0-9]+ pages mapped below UTOP, [0-9]+ page-table pages$' \
	"^no environment 'zz'" '^usage: vm ENVID$' "^no environment '1234567890123456789'" \
	"^no environment '-1'" "^no environment '0'" "^no environment '99999'" '^usage: kill \[ENVID\]$' \
	'^K> si extra$' '^\[00001000\] single step: ip [0-9a-f]+$' \
	"^Unknown command 'nosuchcmd'$" '^line too long \(at most 79 characters\): ignored$' \
	'^help - Display this list of commands$' '^K> continue$' '^breakpoint: survived ebreak!$' \
	'^\[00001000\] exiting gracefully$' '=1 ^Welcome to the JOS kernel monitor!$' '!^Unknown command .(helq|x)'
# kill destroys the stopped environment; the other one carries on. One hart: hello has not
# run yet when the monitor lists it (on several harts it runs beside the stopped one).
GRADE_INPUT=$'envs\nkill\n' GRADE_CPUS=1 t monitor_kill '+nopreempt breakpoint; hello' \
	'^\[00001000\] breakpoint at ip [0-9a-f]+$' '^Welcome to the JOS kernel monitor!$' \
	'^  00001001 00000000 runnable +0 +[0-9]+ +[0-9]+ hello$' '^K> kill$' '^\[00001000\] free env 00001000$' \
	'~^hello, world$' '~^\[00001001\] exiting gracefully$' '!survived'
# poweroff destroys every environment and powers off, also with +monitor (no second monitor).
# One hart: spin cannot run while breakpoint is stopped in the monitor (on several harts it
# runs, and may finish, beside it). No preemption: on a loaded host a timer interrupt could
# otherwise come before the ebreak, often enough in a row to let spin finish first.
GRADE_INPUT=$'poweroff\n' GRADE_CPUS=1 t monitor_poweroff '+nopreempt +monitor breakpoint; spin' \
	'^K> poweroff$' '^\[00001000\] free env 00001001$' '^\[00001000\] free env 00001000$' \
	'^No runnable environments in the system!$' '=1 ^Welcome to the JOS kernel monitor!$' '!survived'
# +monitor: the monitor instead of power-off, until quit; commands that need a stopped environment say so.
GRADE_INPUT=$'envs\nsi\ncontinue\nkill\nvm 1000\nkerninfo\nquit\n' t monitor_halt '+monitor hello' \
	'^\[00001000\] exiting gracefully$' '^kernel: page accounting: ' \
	'^Welcome to the JOS kernel monitor!$' '^K> envs$' '^  id       parent' '^K> si$' \
	'^si: no environment is stopped$' '^continue: no environment is stopped$' '^kill: no environment is stopped$' \
	"^no environment '1000'" '^Special kernel symbols:$' '^K> quit$' '!^[* ] 0000'
# si: one instruction at a time through every kind of control transfer; the stops are read
# from the symbol table. Then continue after a c.ebreak skips exactly its 2 bytes (a0 = 42).
stepper_elf=$(echo "${QEMU_CMD:-}" | sed -n 's/.* -kernel \([^ ]*\)\/kern\/kernel .*/\1/p')/user/stepper
nm_prefix=$(sh tools/deps.sh prefix)
step_addr() { [ -f "$stepper_elf" ] || return 0; "${nm_prefix}nm" "$stepper_elf" | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print $1 }'; }
step_stops=()
for n in 2 4 5 7 6 8 9 10 12 13 14 15 17 16 18 19; do
	step_stops+=("^\\[00001000\\] single step: ip 0*$(step_addr step_$n)\$")
done
GRADE_INPUT="$(printf 'si\n%.0s' $(seq 16))"$'\ncontinue\ncontinue\n' t monitor_si 'stepper' \
	"^\\[00001000\\] breakpoint at ip 0*$(step_addr step_bp)\$" "${step_stops[@]}" \
	"^\\[00001000\\] breakpoint at ip 0*$(step_addr step_20)\$" '^stepper: a0 = 42$' \
	'=16 single step' '=2 ^Welcome to the JOS kernel monitor!$'
# si refuses to step into memory that is not executable; kill then ends the program, hello carries on.
GRADE_INPUT=$'si\nsi\nkill\n' t monitor_si_bad 'stepper bad; hello' \
	'^\[00001000\] single step: ip [0-9a-f]+$' \
	'^si: the instruction at ip [0-9a-f]+ goes to 00000000, which is not mapped executable user memory; not stepped$' \
	'^\[00001000\] free env 00001000$' '~^hello, world$' '~^\[00001001\] exiting gracefully$' '!survived'
# si in a forked child: the breakpoint goes into a private copy of the text page it shares with
# its parent (reference count 2, then 1), and the parent, running that code meanwhile, never meets it.
fork_after=$(step_addr fork_after)
fork_page=$(printf '%010x' $((0x$fork_after & ~0xfff)))
GRADE_INPUT=$'vm 1001\nsi\nvm 1001\ncontinue\n' t monitor_si_fork '+nopreempt stepper fork' \
	'^\[00001001\] breakpoint at ip [0-9a-f]+$' "^  $fork_page [0-9a-f]+ r-xu +2\$" '^K> si$' \
	"^\\[00001001\\] single step: ip 0*$fork_after\$" "^  $fork_page [0-9a-f]+ r-xu +1\$" \
	'~^stepper: parent done$' '~^stepper: child done$' '!^\[00001000\] breakpoint' '=1 ^Welcome'
# ---- trace: a fault's whole life (issue 16) ----
# Every event of +trace, one parseable line each (README "Trace lines").
# One hart: the expected lines name hart h0 and follow one hart's order of events.
GRADE_CPUS=1 t trace_fork '+nopreempt +trace forkcow' \
	"$T16 layout UTEXT=0x800000 UTEMP=0x400000 PFTEMP=0x3f7fe00000 USTACKTOP=0x3f7fffe000 UXSTACKTOP=0x3f80000000 " \
	"$T16 new env=00001000 parent=00000000 name=forkcow\$" \
	"$T16 run env=00001000 name=forkcow ip=0x[0-9a-f]+ prev=00000000 why=start\$" \
	"$T16 page_alloc env=00001000 ip=0x[0-9a-f]+ ra=0x[0-9a-f]+ entry=[0-9]+ target=00000000 va=0x3f7ffff000 perm=RW-U ret=0\$" \
	"$T16 env_set_pgfault_upcall env=00001000 .* target=00000000 upcall=0x[0-9a-f]+ ret=0\$" \
	"$T16 new env=00001001 parent=00001000 name=forkcow\$" \
	"$T16 exofork env=00001000 ip=0x[0-9a-f]+ ra=0x[0-9a-f]+ entry=[0-9]+ ret=00001001\$" \
	"$T16 page_map env=00001000 .* src=00000000 srcva=0x804000 dst=00001001 dstva=0x804000 perm=R--U\+COW ret=0\$" \
	"$T16 env_set_status env=00001000 .* target=00001001 status=RUNNABLE ret=0\$" \
	"$T16 pgfault env=00001000 va=0x804000 cause=store present=1 depth=1 ip=0x[0-9a-f]+ frame=0x3f7ffffee0 handler=0x[0-9a-f]+ entry=[0-9]+\$" \
	"$T16 page_alloc env=00001000 .* target=00000000 va=0x3f7fe00000 perm=RW-U ret=0\$" \
	"$T16 page_map env=00001000 .* src=00000000 srcva=0x3f7fe00000 dst=00000000 dstva=0x804000 perm=RW-U ret=0\$" \
	"$T16 page_unmap env=00001000 .* target=00000000 va=0x3f7fe00000 ret=0\$" \
	"$T16 resume env=00001000 depth=1 ip=0x[0-9a-f]+ frame=0x3f7ffffee0\$" \
	"$T16 run env=00001001 name=forkcow ip=0x[0-9a-f]+ prev=00001000 why=yield\$" \
	"$T16 pgfault env=00001001 va=0x804000 cause=store present=1 depth=1 " \
	"$T16 page_map env=00001001 .* src=00000000 srcva=0x804000 dst=00000000 dstva=0x804000 perm=RW-U ret=0\$" \
	"$T16 resume env=00001001 depth=1 " \
	'^forkcow: grandchild ok$' "$T16 cputs env=00001002 .* len=23 ret=23\$" \
	"$T16 free env=00001002 by=00001002\$" "$T16 run env=[0-9a-f]+ name=forkcow ip=0x[0-9a-f]+ prev=00001002 why=exit\$" \
	"=6 $T16 pgfault " "=6 $T16 resume " "=7 $T16 new env=" "=7 $T16 free env=" "=1 $T16 layout "
# Error names, decoded bad permissions and unknown call numbers.
t trace_errors '+trace exoforkbad' \
	"~$T16 page_alloc env=00001000 .* va=0x4000000000 perm=RW-U ret=E_INVAL\$" \
	"~$T16 page_alloc env=00001000 .* perm=RW-U\+noV ret=E_INVAL\$" \
	"~$T16 page_alloc env=00001000 .* perm=RW-U\+G ret=E_INVAL\$" \
	"~$T16 page_alloc env=00001000 .* perm=RW-U\+0x400 ret=E_INVAL\$" \
	"~$T16 page_unmap env=[0-9a-f]+ .* ret=E_BAD_ENV\$" \
	"~$T16 syscall env=00001000 num=1000 ip=0x[0-9a-f]+ entry=[0-9]+ ret=E_NO_SYS\$" \
	'~^exoforkbad: all checks passed$'
# IPC: a send to a receiver not yet waiting, blocking, delivery (value and page), wake-up.
GRADE_CPUS=1 t trace_ipc '+nopreempt +trace sendpage' \
	"$T16 ipc_try_send env=00001000 .* to=00001001 value=0x0 srcva=0xa00000 perm=RW-U ret=E_IPC_NOT_RECV\$" \
	"$T16 run env=00001000 name=sendpage ip=0x[0-9a-f]+ prev=00001001 why=block on=ipc_recv\$" \
	"$T16 ipc_try_send env=00001000 .* to=00001001 value=0x0 srcva=0xa00000 perm=RW-U ret=0\$" \
	"$T16 ipc_recv env=00001001 from=00001000 value=0x0 perm=RW-U\$" \
	"$T16 run env=00001001 name=sendpage ip=0x[0-9a-f]+ prev=00001000 why=block on=ipc_recv\$"
# Preemption, and an environment destroyed by another.
GRADE_CPUS=1 t trace_preempt '+trace spin' \
	"~$T16 run env=00001000 name=spin ip=0x[0-9a-f]+ prev=0000100[01] why=preempt\$" \
	"~$T16 env_destroy env=00001000 .* target=00001001 ret=0\$" \
	"~$T16 free env=00001001 by=00001000\$"

# check NAME FUNCTION: a test that is not one boot; FUNCTION prints one line per problem.
check() {
	local name=$1 fn=$2 problems
	selected "$name" || return 0
	clock_start "$name"
	problems=$($fn 2>&1)
	clock_stop "$name"
	[ -e "$OUT/$name.out" ] || cp "$OUT/trace.out" "$OUT/$name.out" 2>/dev/null || : > "$OUT/$name.out"
	verdict "$name" "$problems" last_lines "$OUT/$name.out"
}
if [ -z "$LISTING" ]; then
	TRACE_DIR=$(make -s --no-print-directory print-objdir)/trace
	rm -f "$OUT/trace.out" "$OUT"/trace_outputs.out "$OUT"/trace_counts.out "$OUT/doc_trace.out"
fi
# make trace-forkcow, once per grade run (its output is in $OUT/trace.out); +nopreempt: a slice
# ends after 5 million instructions, which a slow (KCHECK=1) kernel could reach inside a fault.
# CPUS=1: the documented trace (README, design.md) and the expectations below are of hart 0 alone.
trace_forkcow() {
	[ -e "$OUT/trace.out" ] && return
	make -s --no-print-directory trace-forkcow CPUS=1 ARGS=+nopreempt > "$OUT/trace.out" 2>&1 ||
		echo "make trace-forkcow failed (see above)"
}
# make trace-forkcow writes the timeline, a valid Chrome trace and an SVG that renders.
trace_outputs_check() {
	trace_forkcow
	local d=$TRACE_DIR f
	cp "$OUT/trace.out" "$OUT/trace_outputs.out"
	for f in forkcow.txt forkcow.json forkcow.svg; do
		[ -s "$d/$f" ] || echo "make trace-forkcow wrote no $d/$f"
	done
	grep -q '^kernel: page accounting: .* OK$' "$d/forkcow.log" || echo "the traced run lost pages or did not finish"
	python3 tools/trace.py --check "$d/forkcow.json" | grep -v ': [0-9]* events, ' || true
	sh tools/deps.sh svg >/dev/null || echo "cannot install rsvg-convert"
	rsvg-convert -o "$OUT/forkcow.png" "$d/forkcow.svg" || echo "rsvg-convert failed on $d/forkcow.svg"
	[ "$(head -c 4 "$OUT/forkcow.png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG' ] ||
		echo "rsvg-convert wrote no PNG"
	# The student's questions, from the timeline alone: who faulted where, what the handler did, what it cost.
	local want
	for want in '== environment 00001000 "forkcow" ==' \
		'PAGE FAULT #1: store to 0x804000 [.data global] at set (user/forkcow.c:' \
		'page_alloc(target=self va=0x3f7fe00000 [PFTEMP] perm=RW-U) = 0  (returns to copy_private (lib/fork.c:' \
		'resumed after fault #1 at set (user/forkcow.c:' \
		'== page fault #3: environment 00001001 "forkcow" ==' \
		'trap entry: uservec (kern/trapentry.S:' '= kernel entry to upcall' \
		'kernel: page_map(src=self srcva=0x804000 [.data global] dst=self dstva=0x804000 [.data global] perm=RW-U) = 0' \
		'restore registers, jr gp: back at set (user/forkcow.c:' '= total, fault to resumed instruction'; do
		grep -qF -- "$want" "$d/forkcow.txt" || echo "timeline lacks: $want"
	done
	grep -q 'Life of page fault #1 (env 00001000)' "$d/forkcow.svg" || echo "the SVG is not fault #1's life"
}
check trace_outputs trace_outputs_check
# The stamps leave the tracing out: a traced copy-on-write fault costs what make bench measures untraced.
trace_counts_check() {
	# Not with KCHECK=1: its full recounts come when checking has cost enough, inside some fault or other.
	[ "${KCHECK:-}" = 1 ] && return 0
	trace_forkcow
	local b="$OUT/trace_counts.out" cow sole
	timeout "$TIMEOUT" $(echo "$QEMU_CMD" | sed "s/ -smp [0-9]* / -smp 1 /") $(make -s --no-print-directory print-icount) \
		-append "+nopreempt +bench bench quick cow_fault cow_fault_sole" \
		</dev/null 2>&1 | tr -d '\r' > "$b"
	cow=$(awk '$1 == "bench:" && $2 == "cow_fault" { print $3 }' "$b")
	sole=$(awk '$1 == "bench:" && $2 == "cow_fault_sole" { print $3 }' "$b")
	[ -n "$cow" ] && [ -n "$sole" ] || { echo "bench printed no cow_fault figures"; return; }
	python3 - "$TRACE_DIR/forkcow.json" "$cow" "$sole" <<'PY'
import json, sys
evs = json.load(open(sys.argv[1]))['traceEvents']
faults = [e['args'] for e in evs if e.get('cat') == 'fault' and e['ph'] == 'X']
for calls, want in ((3, int(sys.argv[2])), (1, int(sys.argv[3]))):
    got = [f['total'] for f in faults if f['calls'] == calls and f['present'] == '1' and f['total']]
    if not got:
        print('no traced copy-on-write fault with %d call(s)' % calls)
    for g in got:
        if abs(g - want) > want * 0.02:
            print('a traced fault with %d call(s) took %d instructions; make bench measures %d' % (calls, g, want))
PY
}
check trace_counts trace_counts_check
# README's trace example and design.md's walkthrough come from a run: re-run it, compare.
doc_trace_check() {
	trace_forkcow
	local msg
	msg=$(python3 tools/trace.py "$TRACE_DIR/forkcow.log" "$TRACE_DIR/forkcow" --doc-check README.md docs/design.md) ||
		printf '%s\n%s\n' "$msg" "(if only instruction counts, pcs or source lines moved, 'make doc-trace' updates the docs)"
}
check doc_trace doc_trace_check

# ---- one canonical path per mechanism (issue 13) ----
t settf 'settf' \
	'^settf: resumed at the new pc with s0\.\.s11 and a0 from the new frame$' \
	'^settf: bad frame pointers and env ids refused$' \
	'^\[00001001\] user fault va 00001000 ip 00001000 \(instruction page fault\)$' \
	'^settf: child 00001001 done$' '^\[00001000\] exiting gracefully$' '!FAIL' '!user panic'
t soleupgrade 'soleupgrade' \
	'^soleupgrade: all checks passed$' '^\[00001000\] exiting gracefully$' '!FAIL' '!user panic'
t libcalls 'blockrecv; libcalls 1000' \
	'^libcalls: all checks passed \(first user environment 00001000\)$' \
	'~^kernel: 1 environment blocked with nothing runnable; freeing$' '!FAIL' '!user panic'

# ---- multiprocessor (issue 14) ----
# These boot four harts whatever CPUS is (GRADE_CPUS=4): each checks through envs[] that its
# child really runs on another hart, and says "cannot arrange it" (a failure) when it cannot.
# No -icount here: harts run in parallel threads; nothing asserts timing.
GRADE_CPUS=4 t smp_boot 'hello' \
	'=4 ^SMP: CPU [0-3] of 4 starting \(hart [0-3]\)$' '~^SMP: CPU 0 of 4 starting' '^hello, world$'
# A child spins on another hart reading a page; the parent remaps / unmaps / write-protects it:
# after the call returns the child must see the new page / fault / fault on its store.
GRADE_CPUS=4 t staletlb_remap 'staletlb remap' \
	'^staletlb: remap while the child runs on CPU [0-3] \(the parent on CPU [0-3]\)$' \
	'^staletlb: the child sees the new page$' '!FAIL' '!cannot arrange'
GRADE_CPUS=4 t staletlb_unmap 'staletlb unmap' \
	'^staletlb: unmap while the child runs on CPU' \
	'~^\[00001001\] user fault va 40000000 ip [0-9a-f]+ \(load page fault' '^staletlb: unmap: child faulted$' \
	'!FAIL' '!cannot arrange'
GRADE_CPUS=4 t staletlb_rdonly 'staletlb rdonly' \
	'^staletlb: rdonly while the child runs on CPU' \
	'^\[00001001\] user fault va 40000000 ip [0-9a-f]+ \(store page fault' '^staletlb: rdonly: child faulted$' \
	'!FAIL' '!cannot arrange'
# The detector works: with the remote fences turned off (+noshootdown) the child reads the old page,
# reads its unmapped page and stores into its read-only page.
GRADE_CPUS=4 t staletlb_noshootdown '+noshootdown staletlb remap' \
	'^staletlb: remap while the child runs on CPU' '^staletlb: FAIL: the child read the old page \(stale TLB entry\)$'
GRADE_CPUS=4 t staletlb_noshootdown_unmap '+noshootdown staletlb unmap' \
	'^staletlb: unmap while the child runs on CPU' \
	'^staletlb: FAIL: the child read its unmapped page \(stale TLB entry\)$'
GRADE_CPUS=4 t staletlb_noshootdown_rdonly '+noshootdown staletlb rdonly' \
	'^staletlb: rdonly while the child runs on CPU' \
	'^staletlb: FAIL: the child stored into its read-only page \(stale TLB entry\)$'
# Destroying a child that runs elsewhere (ENV_DYING, freed by its hart), 100 times, its slot reused each time.
GRADE_CPUS=4 t destroyrace 'destroyrace 100' \
	'^destroyrace: 100 rounds, slot reused 99 times, child on another hart [0-9]+ times$' '^destroyrace: OK$' \
	'!user panic' '!cannot arrange'
# set_status(RUNNABLE) on a child running elsewhere never runs it twice.
GRADE_CPUS=4 t statusrace 'statusrace' \
	'^statusrace: 20000 calls, child on another hart for [0-9]+, 0 double runs$' '^statusrace: OK$' \
	'!user panic' '!cannot arrange'
# OpenSBI draws the boot hart by lottery: boot a few times; each boot must pass, whichever hart it was.
# make bench-smp's workloads (user/smpbench.c), small: each finishes and gives every page back.
t smpbench_tree 'smpbench tree 3' '^smpbench: tree [0-9]+ ticks$' '=15 exiting gracefully$' '!user panic'
t smpbench_par 'smpbench par 2' '^smpbench: par [0-9]+ ticks$' '!user panic'
tcmd smp_lottery "QEMU_CMD='${QEMU_CMD:-}' OUT='${OUT:-}' bash tools/smp-lottery.sh 6"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed:$failed_names" >&2; exit 1; }
