#!/usr/bin/env bash
# The filesystem level on the command line: run/swarm/explore --level fs,
# replay of level: fs files, emit, reach; the printed reproduce line is run
# and must reproduce the same failure.
set -u
bin=$1
src=$2
. "$(dirname "$0")/check_lib.sh"
check "run --level fs as expected" 0 "$bin" run --level fs --seed 3 --json "$tmp/run.json"
want "run --level fs counts" " as expected, 0 unexpected" "$tmp/out"
want "run --level fs says where its JSON went" "^wrote $tmp/run.json" "$tmp/out"
want "run --level fs times in ms as the function level" " [0-9]* ms$" "$tmp/out"
check "run --level fs v6.0 finding" 0 "$bin" run --level fs --variant v6.0 --property no-spurious-warn --profile reflink --seed 5
want "v6.0 derives an illegal call" "breaks the contract" "$tmp/out"
first=$(grep -m1 'after #' "$tmp/out")
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
check "the printed reproduce line runs" 0 "$bin" $line
grep -qF -- "$first" "$tmp/out" || { echo "FAIL reproduce line gave another failure"; fails=$((fails + 1)); }
check "swarm --level fs" 0 "$bin" swarm --level fs --variant v6.2 --variant v6.15 --walks 2000 --seed 2 --threads 2
check "explore --level fs finds the 6.0 read fault" 0 "$bin" explore --level fs --variant v6.0 --property no-spurious-warn --profile reflink --depth 4
# Its first line says what the search covers, as the function level's does.
want "explore --level fs: the universe line" "^daxcheck explore --level fs: universe --files 2 --pfns 3 --offsets 3 --pmd-order 1 --max-pins 2, depth 4, 200000 states per search" "$tmp/out"
want "explore shortest" "shortest counterexample, 4 operations" "$tmp/out"
# explore --level fs --json / --save-failures, and its reproduce line.
check "explore --level fs --json --save-failures" 0 "$bin" explore --level fs --variant v6.2 --property drain \
    --profile reflink --depth 4 --json "$tmp/explore.json" --save-failures --corpus-dir "$tmp/xsaved"
want "explore JSON has the sequence" '"read-fault A 0 pmd"' "$tmp/explore.json"
want "explore saved it" "saved .*/fs-v6_2--drain--reflink--" "$tmp/out"
want "explore says where its JSON went" "^wrote $tmp/explore.json" "$tmp/out"
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
check "explore's reproduce line runs" 0 "$bin" $line
want "explore reproduces the same sequence" "shortest counterexample, 4 operations" "$tmp/out"
# --save-failures at the filesystem level: files that replay, saved once.
check "run --level fs --save-failures" 0 "$bin" run --level fs --variant v6.2 --profile reflink \
    --property drain --seed 1 --save-failures --corpus-dir "$tmp/saved"
want "a saved fs file" "saved .*/fs-v6_2--drain--reflink--" "$tmp/out"
check "the saved fs file replays as a failure" 0 "$bin" replay "$tmp/saved"
want "the saved file fails v6.2" "v6.2 .*fail (expected fail)" "$tmp/out"
grep -q "^level: fs" "$tmp"/saved/*.dax || { echo "FAIL saved file has no level: fs"; fails=$((fails + 1)); }
check "saving again" 0 "$bin" run --level fs --variant v6.2 --profile reflink --property drain --seed 1 \
    --save-failures --corpus-dir "$tmp/saved"
want "not saved twice" "already in" "$tmp/out"
# Two cells of one run finding one sequence: saved once, and said so (not
# "already in" a directory that was empty).
check "explore --level fs saves a sequence two cells found once" 0 "$bin" explore --level fs --variant v10 \
    --property refinement --depth 4 --save-failures --corpus-dir "$tmp/twice"
want "it says two cells found it" "1 counterexample found by more than one cell of this run: saved once" "$tmp/out"
if grep -q "already in" "$tmp/out"; then echo "FAIL an empty directory 'already' held a counterexample"; fails=$((fails + 1)); fi
# --report at the filesystem level, with what a kernel run saw for the same sequence.
saved=$(ls "$tmp"/saved/*.dax | head -1)
cat > "$tmp/kernel.json" <<EOF
{"kernels": [], "results": [{"kernel": "6.12", "release": "6.12.118", "input": "$saved",
  "verdict": "agree", "details": {"events": [{"kind": "kernel BUG", "identified_function": "clear_inode", "step": "umount"}]}}]}
EOF
check "run --level fs --report --kernel-json" 0 "$bin" run --level fs --variant v6.2 --profile reflink \
    --property drain --seed 1 --report --reports-dir "$tmp/reports" --kernel-json "$tmp/kernel.json"
want "the report's path" "report: .*/index.html" "$tmp/out"
want "the kernel column" "on a running kernel" "$tmp/reports/latest/index.html"
want "what the kernel saw" "kernel BUG clear_inode at step umount; agree" "$tmp/reports/latest/index.html"
want "regenerate keeps --kernel-json" "Regenerate: <code>./daxcheck run --level fs .*--report --kernel-json" "$tmp/reports/latest/index.html"
check "run --level fs with a bare --base and no port base" 2 "$bin" run --level fs --variant v6.0 --base
want "names the variant without a base" "--base: variant 'v6.0' names no base" "$tmp/err"
# --base at the filesystem level (cli/fs_base.h): 6.15 against 6.2. 6.15's
# empty-entry failure is new; 6.2's unmount BUG is still there, found past
# that failure by the search (6.15 stops earlier on 6.2's own sequence); the
# declared checks 6.15 dropped are named; the JSON holds the diff; the
# reproduce line gives it again.
check "run --level fs --base" 1 "$bin" run --level fs --variant v6.15 --base v6.2 --property refinement \
    --profile reflink --seed 1 --json "$tmp/fsbase.json"
want "the diff" "^v6.15  *v6.2  *refinement  *reflink  *new failure   <-" "$tmp/out"
want "a new class" "^  new  *refinement: the port reached the struct page of pfn N for an empty entry" "$tmp/out"
want "what the search covered" "v6.2 passes its counterexample, and no sequence of up to 4 operations" "$tmp/out"
want "the base's class kept" "^  still failing  *refinement: F's mapping->nrpages" "$tmp/out"
want "6.15's own sequence" "^  *on v6.15: write A 0 2; reflink A 0 B 0 2; read-fault A 0 pmd; read-fault A 0$" "$tmp/out"
want "past what" "found on v6.15 by a search, past an earlier failure of another class, after #3" "$tmp/out"
want "the dropped checks" "^  dropped  mapping-mismatch: " "$tmp/out"
want "the --classes limit" "a side reached the --classes limit of 5: more classes may sit behind them" "$tmp/out"
want "the limit in the JSON" '"classes_limit_hit": 5' "$tmp/fsbase.json"
want "the JSON" '"found_by": "base"' "$tmp/fsbase.json"
want "the other side's sequence in the JSON" '"other_counterexample": \[' "$tmp/fsbase.json"
line=$(grep -m1 '  reproduce: .*--base' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
check "run --level fs --base: the reproduce line" 1 "$bin" $line
want "the reproduce line gives the diff again" "found on v6.15 by a search, past an earlier failure of another class, after #3" "$tmp/out"
# --classes at the filesystem level: 6.15 fails nearly every first fault
# with its empty-entry class; the later searches go on past it, and each
# later class's trace marks the step passed over. The reproduce line (with
# --classes 3) finds the same classes again; --classes 1 stops at the first.
check "run --level fs --classes 3" 0 "$bin" run --level fs --variant v6.15 --property refinement \
    --profile reflink --seed 1 --classes 3 --json "$tmp/fsclasses.json"
want "a later class" "^== v6.15 / refinement / reflink (filesystem level): failure class 3 of 3 (the walks went on" "$tmp/out"
want "the step passed over" "^ *#[0-9]* .*<- fails with a class found before (passed over)$" "$tmp/out"
jq -e '.results[0].classes | length == 3 and (map(.class) | unique | length == 3)' "$tmp/fsclasses.json" >/dev/null ||
    { echo "FAIL the JSON does not list 3 distinct classes"; fails=$((fails + 1)); }
jq -e '.classes_per_cell == 3 and .results[0].classes_cut_short == null' "$tmp/fsclasses.json" >/dev/null ||
    { echo "FAIL the JSON's classes_per_cell / classes_cut_short"; fails=$((fails + 1)); }
grep '^  failure class: ' "$tmp/out" >"$tmp/classes-first"
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
case "$line" in *"--classes 3"*) ;; *) echo "FAIL the reproduce line lacks --classes 3: $line"; fails=$((fails + 1)) ;; esac
# shellcheck disable=SC2086
check "run --level fs --classes 3: the reproduce line" 0 "$bin" $line
grep '^  failure class: ' "$tmp/out" | cmp -s - "$tmp/classes-first" ||
    { echo "FAIL the reproduce line finds other classes"; fails=$((fails + 1)); }
# One file per distinct sequence (6.15's first two classes show on one).
check "run --level fs --classes 3 --save-failures" 0 "$bin" run --level fs --variant v6.15 --property refinement \
    --profile reflink --seed 1 --classes 3 --save-failures --corpus-dir "$tmp/fsclasses"
[ "$(ls "$tmp/fsclasses" | wc -l)" -ge 2 ] || { echo "FAIL no file for a later class"; ls "$tmp/fsclasses"; fails=$((fails + 1)); }
later=$(grep -l "^# Failure class [23] of its cell" "$tmp/fsclasses"/*.dax | head -1)
[ -n "$later" ] || { echo "FAIL no file says it is a later class"; fails=$((fails + 1)); later=/dev/null; }
want "its trace marks the earlier class" "class found before (passed over)$" "$later"
want "it names the classes passed over" "^past: refinement: " "$later"
want "it names its own class before the cell's reason" "^# Failure class: refinement: " "$later"
want "the cell's reason says it is the cell's" "^# Why the cell is expected to fail: " "$later"
# The file tests its own class: without its last operation (where the class
# shows) the earlier classes alone no longer make it fail.
head -n -1 "$later" >"$tmp/cut.dax"
check "a later class's file without its breaking step" 1 "$bin" replay "$tmp/cut.dax"
want "it passes now" "pass (expected fail)" "$tmp/out"
printf 'universe: files=1\nproperty: refinement\nshows: x\npast: refinement: x\nexpect: v6.2 pass\nassociate A 0 pfn=0 order=0 shared=0\n' >"$tmp/pastfn.dax"
check "past: without level: fs" 1 "$bin" replay "$tmp/pastfn.dax"
cat "$tmp/err" >>"$tmp/out"
want "names the line" "pastfn.dax:4: 'past:' goes with 'level: fs'" "$tmp/out"
printf 'universe: files=1\nlevel: fs\nproperty: refinement\nshows: x\npast: drain: x\nexpect: v6.2 pass\nwrite A 0 1\n' >"$tmp/pastprop.dax"
check "past: of another property" 1 "$bin" replay "$tmp/pastprop.dax"
cat "$tmp/err" >>"$tmp/out"
want "names the line and the property" "pastprop.dax:5: 'past:' names a class of another property: a class of this file's reads 'refinement: ...'" "$tmp/out"
check "the saved classes replay" 0 "$bin" replay "$tmp/fsclasses"
# explore --level fs --classes: each later class the shortest sequence that
# fails with it, the searches going on past the classes before (6.15's every
# first fault fails with its empty-entry class). The JSON lists them, the
# files replay past them, the reproduce line finds them again, --classes 1
# stops at the first, and the cell's time budget covers every search.
check "explore --level fs --classes" 0 "$bin" explore --level fs --variant v6.15 --property refinement \
    --profile reflink --depth 4 --classes 4 --json "$tmp/xclasses.json" --save-failures --corpus-dir "$tmp/xclasses"
want "the count, at the --classes limit" "^  4 classes in .* s, the first search and the class searches: the --classes limit, more classes may exist" "$tmp/out"
want "a later class" "^  failure class 4 of 4: refinement: " "$tmp/out"
want "what it is shortest among" "^    shortest among sequences that go on past the classes before it, [0-9]* operations:$" "$tmp/out"
want "the step passed over" "^ *#[0-9]* .*<- fails with a class found before (passed over)$" "$tmp/out"
jq -e '.classes_per_cell == 4 and (.results[0].classes | length == 4) and
       (.results[0].classes | map(.class) | unique | length == 4) and .results[0].classes_cut_short == null' \
    "$tmp/xclasses.json" >/dev/null || { echo "FAIL explore --level fs JSON classes"; fails=$((fails + 1)); }
grep '^  failure class' "$tmp/out" >"$tmp/xclasses-first"
[ "$(grep -l '^past: ' "$tmp/xclasses"/*.dax | wc -l)" -ge 3 ] ||
    { echo "FAIL explore --level fs saved no file per later class"; ls "$tmp/xclasses"; fails=$((fails + 1)); }
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
check "explore --level fs: the saved classes replay" 0 "$bin" replay "$tmp/xclasses"
# A later class's file that keeps the property says it was replayed past its
# past: classes (7.1 fails #2 with the empty-entry class, passed over there).
mkdir "$tmp/xkept"
sed 's/^expect: v6.15 fail/expect: v7.1 fail/' "$(grep -l '^# Failure class 3 of its cell' "$tmp/xclasses"/*.dax)" >"$tmp/xkept/a.dax"
check "a past: file v7.1 passes" 1 "$bin" replay "$tmp/xkept"
want "it says what it passed over" "3 operations kept refinement on v7.1 past the 2 classes its past: lines name" "$tmp/out"
case "$line" in *"--classes 4"*) ;; *) echo "FAIL explore's reproduce line lacks --classes 4: $line"; fails=$((fails + 1)) ;; esac
# shellcheck disable=SC2086
check "explore --level fs --classes: the reproduce line" 0 "$bin" $line
grep '^  failure class' "$tmp/out" | cmp -s - "$tmp/xclasses-first" ||
    { echo "FAIL explore's reproduce line finds other classes"; fails=$((fails + 1)); }
check "explore --level fs --classes 1" 0 "$bin" explore --level fs --variant v6.15 --property refinement \
    --profile reflink --depth 4 --classes 1
if grep -q "failure class 2" "$tmp/out"; then echo "FAIL --classes 1 searched on"; fails=$((fails + 1)); fi
# (3 s: under ASan on a loaded host the first class alone took 1.3 s; the
# whole search takes 6.6 s in a release build, so the budget still cuts it.)
check "explore --level fs: the time budget covers the class searches" 0 "$bin" explore --level fs --variant v7.1 \
    --property no-spurious-warn --profile reflink --depth 5 --time-budget 3 --json "$tmp/xcut.json"
want "cut short" "^  class search cut short by the time budget after [0-9]* class" "$tmp/out"
jq -e '.results[0].classes_cut_short == "time budget" and .results[0].time_budget_reached' "$tmp/xcut.json" >/dev/null ||
    { echo "FAIL explore --level fs JSON classes_cut_short / time_budget_reached"; fails=$((fails + 1)); }
# A class search the state budget stopped: the JSON's budget field says so too.
check "explore --level fs: the state budget per search" 0 "$bin" explore --level fs --variant v6.15 \
    --property refinement --profile reflink --max-states 30 --json "$tmp/xstates.json"
jq -e '.results[0].classes_cut_short == "state budget" and .results[0].state_budget_reached' "$tmp/xstates.json" \
    >/dev/null || { echo "FAIL explore --level fs: state_budget_reached false for a cut class search"; fails=$((fails + 1)); }
# explore --level fs --base: each class either side's searches found is
# compared as run --level fs --base does; 6.15's empty-entry class is new
# against 6.2 (exit 1), 6.2's unmount BUG still there; the reproduce line
# gives the diff again; 7.2 against 7.1 fixes a class and adds one.
check "explore --level fs --base" 1 "$bin" explore --level fs --variant v6.15 --base v6.2 --property refinement \
    --profile reflink --depth 4 --json "$tmp/xbase.json"
want "the diff" "^v6.15  *v6.2  *refinement  *reflink  *new failure   <-" "$tmp/out"
want "a new class" "^  new  *refinement: the port reached the struct page of pfn N for an empty entry" "$tmp/out"
want "the base's class kept" "^  still failing  *refinement: F's mapping->nrpages" "$tmp/out"
want "one cell, in the singular" "^1 cell against the base: 1 new failure or changed cause$" "$tmp/out"
want "the dropped checks" "^  dropped  mapping-mismatch: " "$tmp/out"
jq -e '.base_diff[0].change == "new failure" and .base_diff[0].regression == true and
       (.base_diff[0].classes | map(.change) | index("still failing") != null)' "$tmp/xbase.json" >/dev/null ||
    { echo "FAIL explore --level fs --base JSON"; fails=$((fails + 1)); }
grep -A200 '^Against the base' "$tmp/out" | grep -v 'reproduce:\|^wrote ' >"$tmp/xbase-first"
line=$(grep -m1 '  reproduce: .*--base' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
check "explore --level fs --base: the reproduce line" 1 "$bin" $line
grep -A200 '^Against the base' "$tmp/out" | grep -v 'reproduce:\|^wrote ' | cmp -s - "$tmp/xbase-first" ||
    { echo "FAIL explore --level fs --base: the reproduce line gives another diff"; fails=$((fails + 1)); }
check "explore --level fs --base: a fixed class" 1 "$bin" explore --level fs --variant v7.2 --base v7.1 \
    --property drain --profile reflink --depth 4
want "the fixed class" "^  fixed  *drain: draining: WARN_ON_ONCE(folio_ref_count" "$tmp/out"
# replay --base on the files explore saved looks past the base's own earlier
# failures as explore did: a class explore calls still failing on the same
# sequence is the same cause there too (helper-36: all read "different cause").
check "explore --level fs --base --save-failures" 1 "$bin" explore --level fs --variant v7.2 --base v7.1 \
    --property refinement --profile reflink --save-failures --corpus-dir "$tmp/x72"
check "replay --base of what it saved" 1 "$bin" replay --variant v7.2 --base v7.1 "$tmp/x72"
want "the base shows it past its own failure" "^      v7.1 fails with it too at #4, past its own earlier failure of another class$" "$tmp/out"
want "same cause" "^still failing (same cause) " "$tmp/out"
# Where the base, going on past its own earlier failures, runs the file to
# its end without the class, the file shows it new (helper-37: this read "not
# seen", which was checkable).
want "the base runs the file without the class" "v7.1 fails at #[0-9], before #[0-9] where v7.2 fails; going on past its own failures it runs the file to its end without v7.2's class: on this file the class is new on v7.2" "$tmp/out"
# The side that fails first loses the model going on past its own failures
# (6.15+debug_vm's BUG_ON at #9): the line says where, and what is not seen.
printf 'universe: files=2 pfns=4 offsets=4 pmd-order=1 max-pins=2\nlevel: fs\nproperty: refinement\nprofile: reflink\nshows: t\nexpect: v6.0 fail\nexpect: v6.15+debug_vm fail\nwrite A 2 2\nreflink A 2 A 0 2\nread-fault A 3 pmd\nread-fault A 3\nwrite B 0 2\nwrite-fault B 0 pmd\npin B 1\ninvalidate B 1 1\nunpin B 1\n' >"$tmp/lost.dax"
check "replay --base: lost past its own failures" 1 "$bin" replay --variant v6.15+debug_vm --base v6.0 "$tmp/lost.dax"
want "where it lost the model" "v6.15+debug_vm fails at #3, before #4 where v6.0 fails; going on past its own failures it loses the model at #9 (an illegal derived call or a BUG_ON) without v6.0's class: whether v6.15+debug_vm still has it is not seen" "$tmp/out"
# Both sides fail at one step with different classes: each, going on past
# its own failures, runs the file to its end without the other's class
# (helper-38: nothing was said).
printf 'universe: files=3 pfns=4 offsets=4 pmd-order=1 max-pins=2\nlevel: fs\nproperty: refinement\nprofile: reflink\nshows: t\nexpect: v6.0 fail\nexpect: v6.2 fail\nwrite A 0 1\nreflink A 0 A 3 1\nwrite-fault A 0\nwrite B 0 2\nread-fault B 0 pmd\nreflink B 1 A 3 1\nread-fault B 1\n' >"$tmp/samestep.dax"
check "replay --base: one step, two classes" 1 "$bin" replay --variant v6.2 --base v6.0 "$tmp/samestep.dax"
want "the base's side" "^      going on past its own failures v6.0 runs the file to its end without v6.2's class: on this file the class is new on v6.2$" "$tmp/out"
want "the patch's side" "^      going on past its own failures v6.2 runs the file to its end without v6.0's class: on this file the class is fixed on v6.2$" "$tmp/out"
# A side's class search the budget cut short is named (more may sit behind
# it); a cell whose search checked nothing is not compared, and fails the run.
check "explore --level fs --base: a side cut short" 1 "$bin" explore --level fs --variant v7.2 --base v7.1 \
    --property refinement --profile reflink --classes 100 --time-budget 1 --json "$tmp/xbcut.json"
want "the base's cut" "^  (.*v7.1's class search was cut short by the time budget after [0-9]* classes" "$tmp/out"
jq -e '.base_diff[0].classes_cut_short | test("v7.1.s class search was cut short")' "$tmp/xbcut.json" >/dev/null ||
    { echo "FAIL explore --level fs --base JSON classes_cut_short"; fails=$((fails + 1)); }
check "explore --level fs --base: a cell that checked nothing" 1 "$bin" explore --level fs --variant v6.15 \
    --base v6.2 --property refinement --profile reflink --max-states 5
want "not compared" "^1 cell not compared with the base:" "$tmp/out"
# A side whose search a budget stopped without a failure is no evidence: 6.2
# fails this cell at 4 operations, which 20 states do not reach.
check "explore --level fs --base: a side a budget stopped" 1 "$bin" explore --level fs --variant v6.2 --base v6.15 \
    --property refinement --profile reflink --max-states 20 --json "$tmp/xbstop.json"
want "it is not compared" "^  v6.2 / refinement / reflink: the search on v6.2 stopped at its state budget after depth 1 without a failure" "$tmp/out"
if grep -q "^v6.2  *v6.15  *refinement  *reflink  *fixed" "$tmp/out"; then echo "FAIL a truncated search read as fixed"; fails=$((fails + 1)); fi
jq -e '(.not_compared | length == 1) and (.base_diff | length == 0)' "$tmp/xbstop.json" >/dev/null ||
    { echo "FAIL the JSON does not list the cell not compared"; fails=$((fails + 1)); }
check "run --level fs --classes 3 --report" 0 "$bin" run --level fs --variant v6.15 --property refinement \
    --profile reflink --seed 1 --classes 3 --report --reports-dir "$tmp/classreports"
want "the report shows the later classes" "<h4>Failure class 3 of 3 (the walks went on past the classes before it)</h4>" \
    "$tmp/classreports/latest/index.html"
# A timed run's seconds are the whole cell's: the class search stops at them and says so.
check "run --level fs --seconds --classes 100" 0 "$bin" run --level fs --variant v6.15 --property refinement \
    --profile reflink --seed 26 --seconds 0.3 --classes 100 --json "$tmp/fstimed.json"
want "the search cut short" "(the class search was cut short by the time budget after [0-9]* classes of --classes 100" "$tmp/out"
jq -e '.results[0].classes_cut_short == "time budget"' "$tmp/fstimed.json" >/dev/null ||
    { echo "FAIL the JSON does not say the class search was cut short"; fails=$((fails + 1)); }
check "a passing cell lists no classes" 0 "$bin" run --level fs --variant v6.2 --property refinement \
    --profile exclusive --seed 1 --walks 200 --json "$tmp/fspass.json"
jq -e '.results[0].classes == [] and (.results[0] | has("classes_cut_short"))' "$tmp/fspass.json" >/dev/null ||
    { echo "FAIL a passing cell's classes is not []"; fails=$((fails + 1)); }
check "run --level fs --classes 1" 0 "$bin" run --level fs --variant v6.15 --property refinement \
    --profile reflink --seed 1 --classes 1
if grep -q "failure class 2 of" "$tmp/out"; then echo "FAIL --classes 1 found a second class"; fails=$((fails + 1)); fi
# 6.0's CoW-flag failure (seed 2) on 6.15, which stops at #2 of its
# sequence with another class and, going on past it, runs the sequence to
# its end without the CoW flag: fixed, whatever the search's depth (it read
# "not seen" while replay --base of the same file said fixed: helper-38).
# (The first class on each side is enough: the others would cost a search each.)
check "run --level fs --base: a class the other side runs past" 1 "$bin" run --level fs --variant v6.15 --base v6.0 \
    --property refinement --profile reflink --seed 2 --classes 1
want "fixed" "^  fixed  *refinement: pfn N: model: free, decode must be Free but is Invalid(CoW" "$tmp/out"
want "what it ran past" "v6.15 fails its counterexample with another class, after #2 (write-fault A 1 pmd): .*; going on past its own failures it runs it to its end without the class" "$tmp/out"
check "swarm --level fs --base: a version against itself" 0 "$bin" swarm --level fs --variant v6.2 --base v6.2 \
    --walks 300 --seed 1
want "nothing changes" "cells against the base: 0 new failures or changed causes" "$tmp/out"
check "run --level fs --base --report is refused" 2 "$bin" run --level fs --variant v6.15 --base v6.2 --report \
    --reports-dir "$tmp/never"
want "says why" "goes without --report" "$tmp/err"
check "replay --base DIR names the mix-up" 2 "$bin" replay --variant v7.1 --base "$src/corpus"
want "says it is a directory" "is a file or directory, which a bare --base takes" "$tmp/err"
# 6.15 stops at #3 of the 6.2 unmount BUG's file (an empty entry's struct
# page); going on past that failure, as the searches do, it hits the same
# BUG at #4: the same cause, which replay --base says (it read "different
# cause", then "not seen", before).
check "replay --base, fs level: an earlier failure" 0 "$bin" replay --variant v6.15 --base v6.2 \
    "$src/corpus/fs-v6.2-pte-fault-under-shared-pmd-bugs-at-unmount.dax"
want "the same cause past the earlier failure" "^      v6.15 fails with it too at #4, past its own earlier failure of another class$" "$tmp/out"
check "run --level fs --walks with --seconds is refused" 2 "$bin" run --level fs --variant v6.0 --walks 10 --seconds 1
want "says which" "excludes" "$tmp/err"
# A timed run: Regenerate keeps --seconds and --threads (it said --walks
# 10000), and the JSON has no --walks it never applied.
check "run --level fs --seconds --report" 0 "$bin" run --level fs --variant v6.0 --property drain \
    --profile exclusive --seconds 0.3 --threads 2 --seed 9 --report --reports-dir "$tmp/timed"
want "regenerate keeps --seconds" "Regenerate: <code>./daxcheck run --level fs .*--seed 9 --seconds 0.3 --threads 2 " \
    "$tmp/timed/latest/index.html"
jq -e '.walks == null and .seconds == 0.3 and .threads == 2' "$tmp/timed/latest/results.json" >/dev/null \
    || { echo "FAIL a timed run's JSON names walks it never ran"; fails=$((fails + 1)); }
echo '{"results": 3}' > "$tmp/bad.json"
check "a --kernel-json that is not kernel results" 2 "$bin" run --level fs --variant v6.2 --report \
    --reports-dir "$tmp/reports" --kernel-json "$tmp/bad.json"
want "names the file" "bad.json" "$tmp/err"
# A field of the wrong type is a usage error naming it (it aborted: a JSON
# type_error), and a file none of whose results names an input is refused.
echo "{\"results\": [{\"input\": \"$saved\", \"kernel\": 5, \"verdict\": \"agree\"}]}" > "$tmp/typed.json"
check "a --kernel-json whose kernel is a number" 2 "$bin" run --level fs --variant v6.2 --profile reflink \
    --property drain --seed 1 --report --reports-dir "$tmp/reports" --kernel-json "$tmp/typed.json"
want "names the field" "typed.json: results\[0\].kernel is not a string" "$tmp/err"
echo '{"results": [{"input": "/nonexistent.dax", "kernel": "6.1"}]}' > "$tmp/gone.json"
check "a --kernel-json whose input is gone" 2 "$bin" run --level fs --variant v6.2 --profile reflink \
    --property drain --seed 1 --report --reports-dir "$tmp/reports" --kernel-json "$tmp/gone.json"
want "names the result and its input" "gone.json: results\[0\].input /nonexistent.dax" "$tmp/err"
echo '{"results": [{"variant": "v6.2"}]}' > "$tmp/other.json"
check "a --kernel-json of another command" 2 "$bin" run --level fs --variant v6.2 --profile reflink \
    --property drain --seed 1 --report --reports-dir "$tmp/reports" --kernel-json "$tmp/other.json"
want "says no result names an input" "other.json: no result names its \"input\"" "$tmp/err"
check "--kernel-json without --report" 2 "$bin" run --level fs --kernel-json "$tmp/kernel.json"
# The page count (contract section 8): the 6.2 finding the kernels BUG on at unmount.
check "emit predicts the clear_inode BUG" 0 "$bin" emit "$src/corpus/fs-v6.2-pte-fault-under-shared-pmd-bugs-at-unmount.dax" \
    --variant v6.2 --script "$tmp/n.sh" --predictions "$tmp/n.json"
want "clear_inode at unmount" '"function": "clear_inode"' "$tmp/n.json"
check "emit predicts nothing at unmount for 6.0" 0 "$bin" emit "$src/corpus/fs-v6.2-pte-fault-under-shared-pmd-bugs-at-unmount.dax" \
    --variant v6.0 --script "$tmp/n0.sh" --predictions "$tmp/n0.json"
grep -A3 '"at_unmount"' "$tmp/n0.json" | grep -q clear_inode &&
    { echo "FAIL v6.0 predicts a clear_inode BUG"; fails=$((fails + 1)); }
# A warning only some inode eviction orders raise at unmount is a "may":
# the kernel picks the order (6.1 warned in one boot of this file, not in the next).
check "emit: an eviction-order warning" 0 "$bin" emit "$src/corpus/fs-v6.15-4k-reflink-out-of-2m-mapping.dax" \
    --variant v6.0 --script "$tmp/m.sh" --predictions "$tmp/m.json"
python3 - "$tmp/m.json" <<'PY' || { echo "FAIL the eviction-order warning is not a may"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["at_unmount"] == [], d["at_unmount"]
assert [w["function"] for w in d["at_unmount_may"]] == ["dax_disassociate_entry"], d["at_unmount_may"]
PY
check "unknown level" 2 "$bin" run --level block
check "replay level fs" 0 "$bin" replay "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax"
check "emit" 0 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" --variant v6.0 \
    --script "$tmp/r.sh" --predictions "$tmp/p.json"
want "emit mounts with dax" "mount -o dax=always" "$tmp/r.sh"
want "emit reflinks" 'reflink $MNT/A 0 0 1048576' "$tmp/r.sh"
want "predictions name the warning" '"condition": "page->mapping"' "$tmp/p.json"
want "predictions carry kernel lines" '"kernel": "6.1"' "$tmp/p.json"
sh -n "$tmp/r.sh" || { echo "FAIL emitted script is not valid sh"; fails=$((fails + 1)); }
# The input's name and shows: line go into comment lines: a newline in them
# must not end the comment (it ran the rest as a command, as root).
evil="$tmp/x"$'\n'"touch PWNED #.dax"
cp "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" "$evil"
check "emit of a file whose name holds a newline" 0 "$bin" emit "$evil" --variant v6.0 --script "$tmp/evil.sh" \
    --predictions "$tmp/evil.json"
if grep -q "^touch" "$tmp/evil.sh"; then echo "FAIL the file name became a command in the script"; fails=$((fails + 1)); fi
# Predictions that cannot be written leave no script behind to run without them.
check "emit with predictions to /dev/full" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --script "$tmp/orphan.sh" --predictions /dev/full
[ ! -e "$tmp/orphan.sh" ] || { echo "FAIL a script was written without its predictions"; fails=$((fails + 1)); }
sed 's/pmd-order=[0-9]*/pmd-order=12/' "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" >"$tmp/p12.dax"
check "emit of a pmd-order 12 file (pages below 4 KiB)" 2 "$bin" emit "$tmp/p12.dax" --script "$tmp/p12.sh"
want "it says why" "emit needs pmd-order 9 or less" "$tmp/err"
# One file under two names, or both outputs on stdout, is refused.
: >"$tmp/same" && ln -s "$tmp/same" "$tmp/same2"
check "emit with --predictions a symlink to --script" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --script "$tmp/same" --predictions "$tmp/same2"
check "emit with both outputs on stdout" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --predictions /dev/stdout
check "emit --script ''" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" --script ""
check "replay --variant ''" 2 "$bin" replay --variant "" "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax"
check "emit of a function-level file (kernel: skipped)" 3 "$bin" emit "$src/corpus/three-owners-one-pfn.dax"
want "emit names the file" "three-owners-one-pfn.dax: not a filesystem-level file" "$tmp/err"
check "reach" 0 "$bin" reach "$src/corpus/v6.15-stale-index-reads-as-shared.dax" --depth 3
want "reach finds it" "reachable through the filesystem, 3 operations" "$tmp/out"
check "emit refuses to overwrite its input" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --script "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax"
check "emit refuses one path for both outputs" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --script "$tmp/x" --predictions "$tmp/x"
check "emit checks paths before writing" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --script "$tmp/ok.sh" --predictions /nonexistent/p.json
[ ! -e "$tmp/ok.sh" ] || { echo "FAIL emit wrote the script before refusing"; fails=$((fails + 1)); }
# A full disk: the message gives the reason (the script goes through write_output_file).
check "emit on a full disk" 2 "$bin" emit "$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax" \
    --variant v6.0 --script /dev/full
want "emit says why it cannot write" "cannot write /dev/full: No space left on device" "$tmp/err"
check "misuse-detected has no filesystem level" 2 "$bin" run --level fs --property misuse-detected
check "--walks 0 checks nothing" 2 "$bin" run --level fs --walks 0
check "explore --level fs refuses a universe too wide" 2 "$bin" explore --level fs --variant v6.2 --files 26 --offsets 256 --pfns 256 --depth 1
# A directory is a usage error (exit 2), as for emit.
check "reach a directory" 2 "$bin" reach "$src/corpus"
want "reach names the directory" "is a directory" "$tmp/err"
# A file reach cannot read is a usage error, as for emit (it was exit 1).
printf 'universe: files=2\n' >"$tmp/broken.dax"
check "reach a malformed file" 2 "$bin" reach "$tmp/broken.dax"
want "reach names the file" "broken.dax:" "$tmp/err"
echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
