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

# plant N FILES SED-SCRIPT PROGRAM REGEX DESCRIPTION
# Each script is anchored on the function it changes (an address range from the function's
# first line to its closing brace), so plants survive code moving around; it must change
# every file in FILES (a space-separated list).
plant() {
	local n=$1 files=$2 script=$3 prog=$4 want=$5 what=$6 out line f stale=""
	if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $n "* ]]; then
		return
	fi
	for f in $files; do
		sed -e "$script" "$f" > "$SRC/$f"
		cmp -s "$f" "$SRC/$f" && stale="$stale $f"
	done
	out=$TMP/out.$n
	if [ -n "$stale" ]; then
		echo "plant $n ($what): FAIL, the sed script no longer applies to$stale"
		fail=$((fail + 1))
	elif ! (cd "$SRC" && make -s KCHECK=1 all >"$out" 2>&1); then
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
	for f in $files; do	# back to the original (make rebuilds it next time)
		cp -p "$f" "$SRC/$f"
		touch "$SRC/$f"
	done
}

# Function anchors: sed address ranges from a function's first line to its closing brace.
INSERT='/^int page_insert(/,/^}/'
REMOVE='/^void page_remove(/,/^}/'
# The changed line of page_insert that plants 3 and 4 share: an in-place PTE change not through pte_write.
BEHIND="$INSERT"'s/^\tpte_write(e, pte, new);$/\tif (PTE_ADDR(old) == PTE_ADDR(new))\n\t\t*pte = new;\n\telse\n\t\tpte_write(e, pte, new);/'

# The boot self-checks (check_page_alloc, check_pgdir) catch most of these bugs on their
# scratch environment (env_id 0) before KCHECK starts, so most plants spare that one.
plant 1 kern/pmap.c "$REMOVE"'s/^\tpage_decref(pp);$/\tif (!e->env_id)\n\t\tpage_decref(pp);/' forktree \
	'has count [0-9]+ but [0-9]+ references' 'page_remove forgets page_decref'
plant 2 kern/pmap.c "$INSERT"'s/^\t\tpp->pp_ref++;$/\t\tpp->pp_ref += e->env_id ? 2 : 1;/' faultalloc \
	'has count 2 but 1 references' 'page_insert counts a reference twice'
plant 3 kern/pmap.c "$BEHIND" \
	forktree "written behind pte_write's back" 'page_insert changes a PTE in place, not through pte_write'
plant 4 'kern/pmap.h kern/pmap.c' '/pte_t \*pgdir_walk(struct Env/,/^}/s/kcheck_touch(e);/(void)e;/
'"$BEHIND" \
	forktree "written behind" 'plant 3, and pgdir_walk does not report the environment'
plant 5 kern/pmap.c '/^int pgdir_add_tables(/,/^}/s/^\t\(pte_next_table(e->env_views\[g\])\[j\] = VIEW_PTE\)/\tif (!e->env_id)\n\t\t\1/' faultalloc \
	'views disagree with the tables' 'pgdir_add_tables leaves the view of a new L0 table stale'
plant 6 kern/pmap.c "$REMOVE"'s/^\tpage_decref(pp);$/\tif (e->env_id \&\& pp->pp_ref > 1) {\n\t\tpp->pp_ref = 0;\n\t\tpage_free(pp);\n\t} else\n\t\tpage_decref(pp);/' \
	forktree 'has count 0 but [0-9]+ references and is on the free list' 'page_remove frees a page still mapped elsewhere'
plant 7 kern/pmap.c '/^void pgdir_free(/,/^}/s/^\(\t*\)\(page_decref(pa2page(PTE_ADDR(l0\[i\])));\)$/\1if (!e->env_id)\n\1\t\2/' hello \
	'environment freed.*has count 1 but 0 references' 'pgdir_free forgets the user pages'
plant 8 kern/pmap.c '/^struct PageInfo \*page_alloc(/,/^}/s/^\tnpages_free--;$/\tif (!curenv)\n\t\tnpages_free--;/' faultalloc \
	'npages_free is' 'page_alloc does not count the page it takes'
# An extra reference on a page no hook sees: caught by the next full recount, or when a hook
# next touches the page (here the page is unmapped again before the recount comes).
plant 9 kern/syscall.c '/^static struct PageInfo \*grantable_page(/,/^}/s/^\t\tif (!sole_mapping_in_place)$/\t\tif (!sole_mapping_in_place \&\& ++pp->pp_ref)/' exoforkbad \
	'page [0-9a-f]+ has count [0-9]+ but [0-9]+ references' 'sys_page_map leaks a reference when it refuses write'
# A reference added to a page no hook ever touches (the first page of RAM, reserved for the
# firmware): only a full recount can see it, at the latest the one at power-off.
plant 10 kern/syscall.c '/^static envid_t sys_getenvid(/,/^}/s/^\treturn curenv->env_id;$/\tpages[0].pp_ref++;\n\treturn curenv->env_id;/' hello \
	'full recount\): page [0-9a-f]+ has count [0-9]+ but 1 references' 'sys_getenvid takes a reference on a reserved page'
plant 11 kern/pmap.c "$INSERT"'s/^\t\treplaced->pp_ref--;$/\t\tif (!e->env_id)\n\t\t\treplaced->pp_ref--;/' forkcow \
	'has count [0-9]+ but [0-9]+ references' "page_insert's fast path keeps the reference of the page it replaced"

echo "$pass caught, $fail failed"
[ "$fail" = 0 ]
