#!/usr/bin/env bash
# The targets JOS's gradelib drives, end to end: make print-gdbport (and GDBPORT=); the symbol
# and listing files; make run-hello-nox-gdb starts QEMU stopped; gdb-multiarch (batch mode,
# installed on demand by tools/deps.sh) connects, breaks on a kernel function whose address
# it takes from obj/kern/kernel.sym, continues, sees it hit, and lets the program finish;
# make then exits 0 and no QEMU is left. Then SIGTERM to make (what gradelib sends) must end
# QEMU: make qemu-nox-gdb exec's it, so it is make's own child.
set -u
cd "$(dirname "$0")/.."
sh tools/deps.sh gdb >&2 || exit 1
OBJDIR=$(make -s --no-print-directory print-objdir)
TMP=$(mktemp -d)
fail=0
qpid=""
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null	# only a QEMU this test started and failed to end
	rm -rf "$TMP"
}
trap cleanup EXIT
bad() {
	echo "FAIL: $*"
	fail=1
}

# Something listens on port $1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The pid of the QEMU whose command line has tcp::$1, if any.
qemu_pid() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		if tr '\0' ' ' 2>/dev/null <"$f" | grep -q "^qemu-system-riscv64 .*-gdb tcp::$1 *$"; then
			f=${f#/proc/}
			echo "${f%/cmdline}"
			return
		fi
	done
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# A free port: not the default one, which an interactive session may be using.
port=$(( $(make -s --no-print-directory print-gdbport) + 1000 + $$ % 1000 ))
while listening "$port"; do port=$((port + 1)); done
[ "$(make -s --no-print-directory print-gdbport GDBPORT=$port)" = "$port" ] || bad "print-gdbport ignores GDBPORT="
echo "port $port"

for f in kern/kernel.sym kern/kernel.asm; do
	[ -s "$OBJDIR/$f" ] || bad "no $OBJDIR/$f"
done
for p in user/*.c; do
	p=$(basename "$p" .c)
	[ -s "$OBJDIR/user/$p.asm" ] || bad "no $OBJDIR/user/$p.asm"
done
sym=sched_yield
addr=$(awk -v s=$sym '$3 == s { print $1 }' "$OBJDIR/kern/kernel.sym")
[[ "$addr" =~ ^ffffffc0[0-9a-f]{8}$ ]] || bad "kernel.sym has no address for $sym ('$addr')"
echo "$sym at $addr (kernel.sym)"

# 1. Break, continue, finish.
make -s --no-print-directory run-hello-nox-gdb GDBPORT=$port > "$TMP/make.out" 2>&1 &
make=$!
wait_for 10 test -s "$TMP/make.out" || bad "make printed no line"
wait_for 5 listening "$port" || bad "nothing listens on port $port"
qpid=$(qemu_pid "$port")
[ -n "$qpid" ] || bad "no QEMU with -gdb tcp::$port"
grep -q 'hello, world' "$TMP/make.out" && bad "the kernel ran before gdb continued it (no -S?)"
timeout 20 gdb-multiarch -batch -nx -ex 'set architecture riscv:rv64' -ex "target remote localhost:$port" \
	-ex "break *0x$addr" -ex continue -ex 'print/x $pc' -ex delete -ex continue > "$TMP/gdb.out" 2>&1
sed 's/^/gdb: /' "$TMP/gdb.out"
grep -Eq "^(Thread [0-9]+ hit )?Breakpoint 1, 0x0*$addr in " "$TMP/gdb.out" || bad "the breakpoint was not hit"
grep -q "^\$1 = 0x$addr\$" "$TMP/gdb.out" || bad "pc is not $addr at the breakpoint"
wait_for 20 eval '! kill -0 $make 2>/dev/null' || bad "make did not exit after the program finished"
wait $make
rc=$?
[ "$rc" = 0 ] || bad "make exited with status $rc"
sed 's/^/make: /' "$TMP/make.out" | grep -v '^make: *$' | tail -n 4
grep -q '^hello, world' "$TMP/make.out" || bad "hello did not run"
grep -q '^kernel: page accounting: .*: OK' "$TMP/make.out" || bad "no page accounting line"
wait_for 5 eval '! kill -0 $qpid 2>/dev/null' || bad "QEMU $qpid is still running"
qpid=""

# 2. SIGTERM to make ends QEMU.
make -s --no-print-directory qemu-nox-gdb GDBPORT=$port > "$TMP/make.out" 2>&1 &
make=$!
wait_for 10 test -s "$TMP/make.out" || bad "make qemu-nox-gdb printed no line"
wait_for 5 listening "$port" || bad "nothing listens on port $port"
qpid=$(qemu_pid "$port")
[ -n "$qpid" ] || bad "no QEMU with -gdb tcp::$port"
ppid=$(awk '{ print $4 }' "/proc/$qpid/stat" 2>/dev/null)
[ "$ppid" = "$make" ] || bad "QEMU's parent is $ppid, not make ($make): a shell stands between them"
kill -TERM "$make"
wait $make
if wait_for 5 eval '! kill -0 $qpid 2>/dev/null'; then
	echo "SIGTERM to make ($make) ended QEMU ($qpid)"
	qpid=""
else
	bad "QEMU $qpid outlived make after SIGTERM"
fi
listening "$port" && bad "port $port still open"
exit $fail
