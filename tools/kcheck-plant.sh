#!/usr/bin/env bash
# Proves that the KCHECK=1 kernel catches page-accounting bugs: plants one known bug at
# a time (with sed) in a scratch copy of the tree, boots a program on the checking kernel
# and requires a kcheck panic whose message matches. The tree itself is not touched.
#   bash tools/kcheck-plant.sh [N...]     all plants, or only those numbered
# A plant whose sed script no longer applies (the source changed) is reported as such.
set -u
cd "$(dirname "$0")/.."
ONLY=" $* "
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SRC=$TMP/src
pass=0
fail=0

mkdir "$SRC"
git ls-files -z | xargs -0 cp --parents -t "$SRC"
(cd "$SRC" && make -s KCHECK=1 all >/dev/null 2>&1) || { echo "the unplanted tree does not build"; exit 1; }
QEMU_CMD=$(cd "$SRC" && make -s --no-print-directory KCHECK=1 print-qemu | tail -1)

# plant N FILE SED-SCRIPT PROGRAM REGEX DESCRIPTION
plant() {
	local n=$1 file=$2 script=$3 prog=$4 want=$5 what=$6 out line
	if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $n "* ]]; then
		return
	fi
	cp -p "$file" "$TMP/orig"
	sed -e "$script" "$file" > "$SRC/$file"
	if cmp -s "$file" "$SRC/$file"; then
		echo "plant $n ($what): FAIL, the sed script no longer applies to $file"
		fail=$((fail + 1))
		return
	fi
	out=$TMP/out.$n
	if ! (cd "$SRC" && make -s KCHECK=1 all >"$out" 2>&1); then
		echo "plant $n ($what): FAIL, does not build"
		fail=$((fail + 1))
	else
		(cd "$SRC" && timeout 60 $QEMU_CMD -append "$prog" </dev/null 2>&1 | tr -d '\r' > "$out")
		line=$(grep -a -m1 'kernel panic' "$out")
		if echo "$line" | grep -Eq "kcheck.*$want"; then
			echo "plant $n ($what, $prog): caught"
			echo "    ${line#*: }"
			pass=$((pass + 1))
		else
			echo "plant $n ($what, $prog): FAIL, not caught as expected (/$want/)"
			tail -5 "$out" | sed 's/^/    | /'
			fail=$((fail + 1))
		fi
	fi
	cp -p "$TMP/orig" "$SRC/$file"	# back to the original (make rebuilds it next time)
	touch "$SRC/$file"
}

# The boot self-checks (check_page_alloc, check_pgdir) catch most of these bugs on their
# scratch environment (env_id 0) before KCHECK starts, so most plants spare that one.
plant 1 kern/pmap.c 's/^\tpage_decref(pp);$/\tif (!e->env_id)\n\t\tpage_decref(pp);/' forktree \
	'has count [0-9]+ but [0-9]+ references' 'page_remove forgets page_decref'
plant 2 kern/pmap.c 's/^\t\tpp->pp_ref++;$/\t\tpp->pp_ref += e->env_id ? 2 : 1;/' faultalloc \
	'has count 2 but 1 references' 'page_insert counts a reference twice'
plant 3 kern/pmap.c 's/^\tpte_write(e, pte, new);$/\tif (PTE_ADDR(old) == PTE_ADDR(new))\n\t\t*pte = new;\n\telse\n\t\tpte_write(e, pte, new);/' \
	forktree "written behind pte_write's back" 'page_insert changes a PTE in place, not through pte_write'
plant 4 kern/pmap.c '/^\tkcheck_touch(e);$/d
s/^\tpte_write(e, pte, new);$/\tif (PTE_ADDR(old) == PTE_ADDR(new))\n\t\t*pte = new;\n\telse\n\t\tpte_write(e, pte, new);/' \
	forktree "written behind" 'plant 3, and pgdir_walk does not report the environment'
plant 5 kern/pmap.c 's/^\t\t\(pte_table(e->env_views\[g\])\[j\] = PTE_VIEW\)/\t\tif (!e->env_id)\n\t\t\t\1/' faultalloc \
	'views disagree with the tables' 'pgdir_walk leaves the view of a new L0 table stale'
plant 6 kern/pmap.c 's/^\tpage_decref(pp);$/\tif (e->env_id \&\& pp->pp_ref > 1) {\n\t\tpp->pp_ref = 0;\n\t\tpage_free(pp);\n\t} else\n\t\tpage_decref(pp);/' \
	forktree 'has count 0 but [0-9]+ references and is on the free list' 'page_remove frees a page still mapped elsewhere'
plant 7 kern/pmap.c 's/^\t\t\t\t\t\(page_decref(pa2page(PTE_ADDR(l0\[i\])));\)$/\t\t\t\t\tif (!e->env_id)\n\t\t\t\t\t\t\1/' hello \
	'environment freed.*has count 1 but 0 references' 'pgdir_free forgets the user pages'
plant 8 kern/pmap.c 's/^\tnpages_free--;$/\tif (!curenv)\n\t\tnpages_free--;/' faultalloc \
	'npages_free is' 'page_alloc does not count the page it takes'
# An extra reference on a page no hook sees: caught by the next full recount, or when a hook
# next touches the page (here the page is unmapped again before the recount comes).
plant 9 kern/syscall.c 's/^\t\tif (!sole_cow)$/\t\tif (!sole_cow \&\& ++pp->pp_ref)/' exoforkbad \
	'page [0-9a-f]+ has count [0-9]+ but [0-9]+ references' 'sys_page_map leaks a reference when it refuses write'
# A reference added to a page no hook ever touches (the first page of RAM, reserved for the
# firmware): only a full recount can see it, at the latest the one at power-off.
plant 10 kern/syscall.c 's/^\treturn curenv->env_id;$/\tpages[0].pp_ref++;\n\treturn curenv->env_id;/' hello \
	'full recount\): page [0-9a-f]+ has count [0-9]+ but 1 references' 'sys_getenvid takes a reference on a reserved page'

echo "$pass caught, $fail failed"
[ "$fail" = 0 ]
