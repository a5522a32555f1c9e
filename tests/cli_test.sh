#!/usr/bin/env bash
# The daxcheck binary's contract: exit codes, usage errors, same seed same JSON.
set -u
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/check_lib.sh"
check "run as expected exits 0" 0 "$bin" run --seed 3 --tests 50 --classes 1
# An expected failure that cannot show in a tiny universe stays unexpected,
# with a note naming what is smaller than the default; none at the default.
check "tiny universe: pass unexpected" 1 "$bin" run --variant v7.1 --property refinement --profile exclusive --pfns 1 --walks 0 --tests 5
want "tiny universe: note" "note: 1 cell expected to fail passed in a universe with less room than the default (--pfns 1 < 4, no PMD entry fits: --pmd-order 1 needs 2 pfns and 2 offsets)" "$tmp/out"
want "tiny universe: short-search note" "note: 1 cell expected to fail passed with a shorter search than the default (--tests 5 < 100, --walks 0 < 2000)" "$tmp/out"
# A PMD order whose entry does not fit: the note says so (v6.2's nrpages
# drift needs a PMD entry).
check "no room for a PMD entry: pass unexpected" 1 "$bin" run --level fs --variant v6.2 --property refinement \
    --profile reflink --pmd-order 3 --pfns 4 --offsets 4 --walks 200
want "no room for a PMD entry: note" "note: 1 cell expected to fail passed in a universe with less room than the default (--pfns 4 < 16, --offsets 4 < 16, no PMD entry fits: --pmd-order 3 needs 8 pfns and 8 offsets)" "$tmp/out"
# A search shorter than the default: a note names the flags (one walk
# misses v6.2's nrpages drift at seed 1).
check "one walk: pass unexpected" 1 "$bin" run --level fs --variant v6.2 --property refinement --profile reflink --walks 1 --seed 1
want "one walk: note" "note: 1 cell expected to fail passed with a shorter search than the default (--walks 1 < 10000)" "$tmp/out"
# A universe flag turns off the walks at other PMD orders: the header says so.
check "a universe flag: walks in that universe only" 0 "$bin" run --variant v6.2 --property refinement --profile exclusive --pfns 4 --walks 10 --tests 5
want "the header says the other orders are off" "swarm walks per cell (only in this universe: a universe flag turns off the walks at other PMD orders)" "$tmp/out"
check "swarm without universe flags: other orders" 0 "$bin" swarm --variant v6.2 --property refinement --profile exclusive --walks 10
want "the header says the other orders are walked" "10 walks per cell (a passing cell also walks 1 at PMD order 2, 1 at PMD order 9)" "$tmp/out"
check "swarm for a time: the other orders' fixed walks" 0 "$bin" swarm --variant v6.2 --property refinement --profile exclusive --seconds 0.2
want "the header gives their numbers" "0.2 s per cell (a passing cell also walks 100 at PMD order 2, 10 at PMD order 9)" "$tmp/out"
check "default universe: fails as expected" 0 "$bin" run --variant v7.1 --property refinement --profile exclusive --walks 0 --classes 1
if grep -q "^note:" "$tmp/out"; then echo "FAIL default universe: a small-universe note"; fails=$((fails + 1)); fi
check "tiny explore: pass unexpected" 1 "$bin" explore --variant v7.1 --property refinement --profile exclusive --pfns 1
want "tiny explore: note" "note: 1 cell expected to fail passed in a universe with less room than the default (--pfns 1 < 3, no PMD entry fits: --pmd-order 1 needs 2 pfns and 2 offsets)" "$tmp/out"
# Cut short by the depth limit, the search does not speak for the universe.
check "tiny explore to depth 3: pass unexpected" 1 "$bin" explore --variant v7.1 --property refinement --profile exclusive --pfns 1 --depth 3
if grep -q "^note:" "$tmp/out"; then echo "FAIL explore to depth 3: a small-universe note"; fails=$((fails + 1)); fi
# --json /dev/stdout into a file: the JSON follows the text, and what the
# file held stays (it was renamed over: the text and the earlier lines lost).
echo "earlier line" >"$tmp/log"
"$bin" run --variant v6.2 --property refinement --profile exclusive --tests 5 --walks 10 --json /dev/stdout \
    >>"$tmp/log" 2>/dev/null
if grep -q "^earlier line" "$tmp/log" && grep -q "^daxcheck run: seed" "$tmp/log" && grep -q '"results"' "$tmp/log"; then
    echo "ok   --json /dev/stdout appends to the file behind stdout"
else
    echo "FAIL --json /dev/stdout >> log lost the log's lines or the text"; head -3 "$tmp/log"; fails=$((fails + 1))
fi
# Another name of stdout's file (a symlink to /dev/stdout) is written through it too.
ln -s /dev/stdout "$tmp/so"
"$bin" run --variant v6.2 --property refinement --profile exclusive --tests 5 --walks 10 --json "$tmp/so" \
    >"$tmp/log2" 2>/dev/null
grep -q "^daxcheck run: seed" "$tmp/log2" && grep -q '"results"' "$tmp/log2" \
    && echo "ok   --json through a symlink to /dev/stdout keeps the text" \
    || { echo "FAIL --json through a symlink to /dev/stdout lost the text"; fails=$((fails + 1)); }
# --json - : the JSON alone on stdout (a pipe into jq works), the text on
# stderr, and no file named '-' (it wrote one in the working directory).
json_alone() {  # NAME ARGS...: runs ARGS --json - in $tmp
    local name=$1; shift
    rm -f "$tmp/-"
    (cd "$tmp" && "$@" --json - >"$tmp/json-out" 2>"$tmp/json-err")
    if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/json-out" 2>/dev/null \
        && grep -q "^wrote stdout" "$tmp/json-err" && [ ! -e "$tmp/-" ]; then
        echo "ok   $name --json -: JSON alone on stdout, text on stderr"
    else
        echo "FAIL $name --json -: stdout is not JSON alone, the text is not on stderr, or a file '-' was made"
        head -3 "$tmp/json-out"; ls -la "$tmp/-" 2>/dev/null; fails=$((fails + 1))
    fi
}
json_alone run "$bin" run --variant v6.2 --property refinement --profile exclusive --tests 5 --walks 10
json_alone swarm "$bin" swarm --variant v6.2 --property refinement --profile exclusive --walks 10
json_alone explore "$bin" explore --variant v6.2 --property refinement --profile exclusive --depth 2
json_alone "explore --level fs" "$bin" explore --level fs --variant v6.2 --property refinement --profile exclusive --depth 1
json_alone race "$bin" race --variant v6.2 --depth 1 --files 2 --pfns 2 --offsets 2
json_alone "swarm --level fs" "$bin" swarm --level fs --variant v6.2 --property refinement --profile exclusive --walks 20
# With stderr closed, the text goes nowhere and stdout is still JSON alone.
"$bin" run --variant v6.2 --property refinement --profile exclusive --tests 5 --walks 10 --json - \
    >"$tmp/json-out" 2>&-
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/json-out" 2>/dev/null \
    && echo "ok   --json - with stderr closed: JSON alone" \
    || { echo "FAIL --json - with stderr closed: stdout is not JSON alone"; head -3 "$tmp/json-out"; fails=$((fails + 1)); }
# race --json - with stdout on --emit's predictions file is refused.
(cd "$tmp" && "$bin" race --level fs --variant v6.15 --depth 1 --json - --emit "$tmp/emit.sh" >"$tmp/emit.json" 2>"$tmp/err")
[ $? -eq 2 ] && grep -q "predictions file" "$tmp/err" \
    && echo "ok   race --json - onto --emit's predictions file is refused" \
    || { echo "FAIL race --json - onto --emit's predictions file"; cat "$tmp/err"; fails=$((fails + 1)); }
# A failing corpus file whose name holds an escape sequence and a newline:
# its reproduce line shows neither raw, and runs in bash.
odd="$tmp/odd"$'\e[2J\n'"x.dax"
sed 's/^expect: v10-only-postdec fail/expect: v10-only-postdec pass/' \
    "$(dirname "$0")/../corpus/postdec-last-sharer-release.dax" >"$odd"
check "replay of a failing file with an odd name" 1 "$bin" replay "$odd"
line=$(grep -m1 'reproduce: ' "$tmp/out" | sed 's/^ *reproduce: //; s#^\./daxcheck ##')
if grep -q $'\e' "$tmp/out" || [ -z "$line" ]; then
    echo "FAIL the reproduce line of an odd name is raw or missing"; fails=$((fails + 1))
else
    bash -c "\"\$0\" $line" "$bin" >/dev/null 2>&1; rc=$?
    [ "$rc" -eq 1 ] && echo "ok   the odd name's reproduce line runs in bash" \
        || { echo "FAIL the odd name's reproduce line exits $rc: $line"; fails=$((fails + 1)); }
fi
check "bad flag exits 2" 2 "$bin" run --no-such-flag
grep -q "no-such-flag" "$tmp/err" || { echo "FAIL bad flag not named"; fails=$((fails + 1)); }
check "unknown variant exits 2" 2 "$bin" run --variant v99
grep -q "known: .*v10-fixed" "$tmp/err" || { echo "FAIL valid variants not listed"; fails=$((fails + 1)); }
check "unknown property exits 2" 2 "$bin" run --property nope
grep -q "known: refinement" "$tmp/err" || { echo "FAIL valid properties not listed"; fails=$((fails + 1)); }
check "unknown profile exits 2" 2 "$bin" run --profile both
check "bad number exits 2" 2 "$bin" run --tests many
check "bad universe exits 2" 2 "$bin" run --pmd-order 40
check "unwritable json exits 2" 2 "$bin" run --variant v10 --tests 5 --seed 1 --json /nonexistent/dir/x.json
check "list exits 0" 0 "$bin" list
# An expectation that does not hold exits 1: v10 cannot pass with 1 test
# per cell only if it fails; use a variant that passes but is expected to fail? No:
# the opposite direction is covered by tests/verdicts_test.cpp.
check "json run A" 0 "$bin" run --variant v10 --variant v10-fixed --seed 11 --tests 60 --classes 1 --json "$tmp/a.json"
check "json run B" 0 "$bin" run --variant v10 --variant v10-fixed --seed 11 --tests 60 --classes 1 --json "$tmp/b.json"
if diff <(grep -v '"time_ms"' "$tmp/a.json") <(grep -v '"time_ms"' "$tmp/b.json") >/dev/null; then
    echo "ok   same seed, same JSON (time_ms aside)"
else
    echo "FAIL same seed gave different JSON"; fails=$((fails + 1))
fi
for field in variant property profile verdict expected tests seed time_ms counterexample reproduce; do
    grep -q "\"$field\"" "$tmp/a.json" || { echo "FAIL json lacks $field"; fails=$((fails + 1)); }
done
# swarm: exit codes like run, same seed and walks give the same JSON.
check "swarm as expected exits 0" 0 "$bin" swarm --variant v10-only-postdec --variant v10-fixed --property refinement --seed 3 --walks 300
grep -q "reproduce: ./daxcheck swarm .*--walk-seed" "$tmp/out" || { echo "FAIL swarm prints no reproduce line"; fails=$((fails + 1)); }
check "swarm unknown variant exits 2" 2 "$bin" swarm --variant v99
check "swarm without a variant exits 2" 2 "$bin" swarm
# One thread: with more, a failing cell's walks and operations count what the
# other threads ran before they saw the failure (README "Swarm").
check "swarm json A" 0 "$bin" swarm --variant v10 --property refinement --seed 5 --walks 200 --threads 1 --json "$tmp/sa.json"
check "swarm json B" 0 "$bin" swarm --variant v10 --property refinement --seed 5 --walks 200 --threads 1 --json "$tmp/sb.json"
if diff <(grep -v '"time_ms"\|"operations_per_second"' "$tmp/sa.json") <(grep -v '"time_ms"\|"operations_per_second"' "$tmp/sb.json") >/dev/null; then
    echo "ok   swarm: same seed and walks, same JSON (time_ms and operations_per_second aside)"
else
    echo "FAIL swarm: same seed and walks gave different JSON"; fails=$((fails + 1))
fi
# report: writes reports/<timestamp>/ with its three files and the latest link.
check "report exits 0" 0 "$bin" report --variant v10 --variant v10-fixed --seed 1 --tests 20 --classes 1 --reports-dir "$tmp/reports"
for f in index.html summary.md results.json; do
    [ -s "$tmp/reports/latest/$f" ] || { echo "FAIL report wrote no $f"; fails=$((fails + 1)); }
done
check "run --report exits 0" 0 "$bin" run --report --variant v6.2 --seed 1 --tests 5 --reports-dir "$tmp/reports"
[ "$(ls -d "$tmp"/reports/2* | wc -l)" -eq 2 ] || { echo "FAIL run --report made no second report"; fails=$((fails + 1)); }
check "report to an unwritable place exits 2" 2 "$bin" report --variant v6.2 --tests 1 --reports-dir /proc/no-such-dir
# explore: exhaustive search; a shortest counterexample or "no counterexample up to depth D".
tiny="--files 2 --pfns 2 --offsets 2 --max-pins 1"
check "explore as expected exits 0" 0 "$bin" explore --variant v10-only-postdec --property refinement $tiny --json "$tmp/x.json"
grep -q "no counterexample up to depth" "$tmp/out" || { echo "FAIL explore: no success line"; fails=$((fails + 1)); }
grep -q "^  associate A 0 pfn=0 order=0 shared=1$" "$tmp/out" || { echo "FAIL explore: no counterexample lines"; fails=$((fails + 1)); }
grep -q "reproduce: ./daxcheck explore" "$tmp/out" || { echo "FAIL explore: no reproduce line"; fails=$((fails + 1)); }
for field in states transitions depth_completed exhausted memory_bytes counterexample; do
    grep -q "\"$field\"" "$tmp/x.json" || { echo "FAIL explore json lacks $field"; fails=$((fails + 1)); }
done
check "explore too shallow for a known bug exits 1" 1 "$bin" explore --variant v10-only-postdec --property refinement --profile reflink --depth 1 $tiny
check "explore unknown variant exits 2" 2 "$bin" explore --variant v99
check "explore bad universe exits 2" 2 "$bin" explore --pmd-order 40
check "explore bad depth exits 2" 2 "$bin" explore --depth deep
check "explore --save-failures exits 0" 0 "$bin" explore --variant v10-only-postdec --property refinement --profile reflink $tiny --save-failures --corpus-dir "$tmp/xcorpus"
saved=$(ls "$tmp"/xcorpus/v10-only-postdec--refinement--reflink--*.dax 2>/dev/null | head -1)
{ [ -n "$saved" ] && grep -q "Saved by ./daxcheck explore --save-failures" "$saved"; } || { echo "FAIL explore saved no corpus file"; fails=$((fails + 1)); }
check "explore-saved file replays" 0 "$bin" replay "$tmp/xcorpus"
check "explore --save-failures again" 0 "$bin" explore --variant v10-only-postdec --property refinement --profile reflink $tiny --save-failures --corpus-dir "$tmp/xcorpus"
grep -q "already in" "$tmp/out" || { echo "FAIL explore saved the same counterexample twice"; fails=$((fails + 1)); }
# A file edited by hand under the saved name holds another sequence: the
# counterexample is saved beside it, not reported as "kept (already there)".
mkdir "$tmp/edited" && cp "$saved" "$tmp/edited/" && edited="$tmp/edited/$(basename "$saved")"
sed -i '/^[a-z]* [A-Z] [0-9]/{x;s/^/x/;/^x$/{x;d};x}' "$edited"  # drops the first operation line
check "explore --save-failures beside an edited file" 0 "$bin" explore --variant v10-only-postdec --property refinement --profile reflink $tiny --save-failures --corpus-dir "$tmp/edited"
want "saved under the next name" "saved .*$(basename "$saved" .dax)-2.dax ($(basename "$saved") is another file)" "$tmp/out"
# --save-failures keeps every class a cell found, each in its own file that
# replays as failing (v6.15 refinement exclusive has two: free -> Shared, and
# dax_folio_put's reference count warning).
cell="--variant v6.15 --property refinement --profile exclusive --classes 2"
for cmd in "run --seed 1" "swarm --seed 1 --walks 2000" "explore"; do
    dir="$tmp/classes-${cmd%% *}"
    # shellcheck disable=SC2086
    check "$cmd --classes 2 --save-failures" 0 "$bin" $cmd $cell --save-failures --corpus-dir "$dir"
    n=$(ls "$dir"/v6_15--refinement--exclusive--*.dax 2>/dev/null | wc -l)
    k=$(cat "$dir"/*.dax 2>/dev/null | grep "^# Failure class: " | sort -u | wc -l)
    [ "$n" -eq 2 ] && [ "$k" -eq 2 ] && echo "ok   $cmd saved both classes" \
        || { echo "FAIL $cmd --classes 2 saved $n files of $k classes, wanted 2 of 2"; fails=$((fails + 1)); }
    check "$cmd's saved classes replay as failing" 0 "$bin" replay "$dir"
    want "$cmd's saved classes both replay" "2 passed, 0 failed" "$tmp/out"
done
# run: after RapidCheck's shrinking, the explorer's word on the counterexample.
check "run minimises" 0 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1 --json "$tmp/m.json"
grep -q "shrunk by RapidCheck to 2 operations, the shortest" "$tmp/out" || { echo "FAIL run: no minimisation verdict"; fails=$((fails + 1)); }
grep -q '"shortest_in_spanned_universe": true' "$tmp/m.json" || { echo "FAIL run json lacks the minimisation"; fails=$((fails + 1)); }
grep -q "operations checked" "$tmp/out" || { echo "FAIL run: no operations-checked line"; fails=$((fails + 1)); }
check "run --no-minimise" 0 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1 --no-minimise
grep -q "shrunk by RapidCheck to 2 operations:" "$tmp/out" || { echo "FAIL run --no-minimise still minimised"; fails=$((fails + 1)); }
# Failure classes: a cell with two bugs prints both, each with the command
# that reproduces it, and that command prints the same class again.
check "run finds a second class" 0 "$bin" run --variant v6.15 --property refinement --profile exclusive --seed 1 --json "$tmp/c.json"
second=$(sed -n '/failure class 2 of/,/reproduce:/p' "$tmp/out")
class2=$(printf '%s\n' "$second" | sed -n 's/^  failure class: //p')
repro=$(printf '%s\n' "$second" | sed -n 's/^  reproduce: \.\/daxcheck //p')
{ [ -n "$class2" ] && [ -n "$repro" ]; } || { echo "FAIL run: no second class with a reproduce line"; fails=$((fails + 1)); }
# shellcheck disable=SC2086
eval "\"\$bin\" $repro" >"$tmp/again" 2>&1
grep -qF "failure class: $class2" "$tmp/again" || { echo "FAIL the reproduce line does not give class 2 again"; fails=$((fails + 1)); }
grep -q '"classes": \[' "$tmp/c.json" || { echo "FAIL run json lacks the classes"; fails=$((fails + 1)); }
# --base: a version against itself changes nothing (exit 0); an unknown base is a usage error.
check "run --base itself" 0 "$bin" run --variant v6.15 --base v6.15 --property drain --seed 1 --tests 30 --walks 100
grep -q "still failing (same cause)" "$tmp/out" || { echo "FAIL run --base: no diff shown"; fails=$((fails + 1)); }
grep -q "^Declared checks of v6.15 against v6.15: the same$" "$tmp/out" || { echo "FAIL run --base itself: a check diff"; fails=$((fails + 1)); }
# The totals count the searches for further classes too, the last one that
# found none included (100 tests and 2,220 walks: README's example).
check "run: totals with further classes" 0 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1
want "run: totals with further classes" "^114 RapidCheck tests and 2,220 swarm walks (107 tests and 2,220 walks of them searching for further failure classes): 21,227 operations checked" "$tmp/out"
# A patch that deletes a WARN_ON_ONCE and its declaration passes
# misuse-detected: --base names the checks it dropped (6.15 dropped two of
# 6.2's), in the text and the JSON, and so does replay --base.
check "run --base names dropped checks" 1 "$bin" run --variant v6.15 --base v6.2 --property drain \
    --profile exclusive --seed 1 --tests 30 --walks 100 --json "$tmp/checks.json"
grep -q "^  dropped  truncate-of-a-pinned-page: WARN_ON_ONCE(trunc && page_ref_count(page) > 1) in dax_disassociate_entry" \
    "$tmp/out" || { echo "FAIL run --base: the dropped check is not named"; fails=$((fails + 1)); }
grep -q '"dropped": \[' "$tmp/checks.json" || { echo "FAIL run --base json: no dropped checks"; fails=$((fails + 1)); }
# A regression in the base diff prints the command that gives it again, and
# that command does: the same diff of the cell.
base_diff_reproduces() {  # NAME: the v6.15/drain cell's reproduce line in $tmp/out gives the same diff
    local repro
    repro=$(grep -m1 "^  reproduce: .* --base v6.2$" "$tmp/out" | sed 's/^  reproduce: \.\/daxcheck //')
    sed -n '/^-- v6.15 \/ drain/,/^  reproduce:/p' "$tmp/out" >"$tmp/diff1"
    if [ -z "$repro" ]; then
        echo "FAIL $1: no reproduce line under the regression"; fails=$((fails + 1)); return
    fi
    eval "\"\$bin\" $repro" >"$tmp/again-base" 2>&1
    sed -n '/^-- v6.15 \/ drain/,/^  reproduce:/p' "$tmp/again-base" >"$tmp/diff2"
    [ -s "$tmp/diff1" ] && cmp -s "$tmp/diff1" "$tmp/diff2" ||
        { echo "FAIL $1: its reproduce line gives another diff"; diff "$tmp/diff1" "$tmp/diff2" | head; fails=$((fails + 1)); }
}
base_diff_reproduces "run --base"
# A cell that breaks at the end shows what the end check ran (drain's release
# leaving the page Shared), in the text and the JSON.
want "run: the end check's release is shown" "^  the end check then runs:" "$tmp/out"
want "run: the release's row" "^       pfn 0   model free  *decode Shared(1) .*MISMATCH" "$tmp/out"
jq -e '.results[0].end_trace[0].op == "disassociate A 1" and .results[0].end_trace[0].pfns[0].mismatch' \
    "$tmp/checks.json" >/dev/null || { echo "FAIL run json: no end_trace"; fails=$((fails + 1)); }
# replay of a file that breaks at the end: the failure once, above the
# trace, and the end check's release under it.
printf '%s\n' "universe: files=3 pfns=4 offsets=4 pmd-order=1 max-pins=2" "property: drain" "profile: exclusive" \
    "shows: a released order-0 page at a non-zero offset reads as shared" "expect: v6.15 pass" \
    "associate A 1 pfn=0 order=0 shared=0" >"$tmp/drain-end.dax"
check "replay: an end failure" 1 "$bin" replay "$tmp/drain-end.dax"
want "replay: the end check's release" "^        the end check then runs:" "$tmp/out"
[ "$(grep -c "at the end: after draining" "$tmp/out")" -eq 1 ] ||
    { echo "FAIL replay: the end failure is not printed once"; cat "$tmp/out"; fails=$((fails + 1)); }
# swarm's: the whole run (a cell's own line replays one walk, which found
# one of the classes the diff compares).
check "swarm --base" 1 "$bin" swarm --variant v6.15 --base v6.2 --property drain --profile exclusive --walks 2000 \
    --seed 1 --threads 1
base_diff_reproduces "swarm --base"
check "report --base names dropped checks" 1 "$bin" report --variant v6.15 --base v6.2 --property drain \
    --profile exclusive --seed 1 --tests 30 --walks 100 --reports-dir "$tmp/checks-report"
grep -q "<li><b>dropped</b> <code>mapping-mismatch: " "$tmp/checks-report/latest/index.html" ||
    { echo "FAIL report --base: the dropped check is not in index.html"; fails=$((fails + 1)); }
check "replay --base names dropped checks" 0 "$bin" replay --variant v6.15 --base v6.2 "$(dirname "$0")/../corpus/postdec-last-sharer-release.dax"
grep -q "^  dropped  mapping-mismatch: " "$tmp/out" || { echo "FAIL replay --base: the dropped check is not named"; fails=$((fails + 1)); }
# A replay stops at its first failure: a patch failing earlier than its base
# hides the base's failure, and replay --base says so.
check "replay --base: an earlier failure" 1 "$bin" replay --variant v12 --base v6.0 "$(dirname "$0")/../corpus/reflink-inside-one-file.dax"
grep -q "^      v12 fails at #3, before #4 where v6.0 fails: whether v12 still has v6.0's failure is not seen" "$tmp/out" ||
    { echo "FAIL replay --base: an earlier failure on the patch is not told"; fails=$((fails + 1)); }
check "run --base unknown exits 2" 2 "$bin" run --variant v6.15 --base v99
grep -q -- "--base: unknown variant 'v99'" "$tmp/err" || { echo "FAIL --base v99 not named"; fails=$((fails + 1)); }
check "run --base without a port base exits 2" 2 "$bin" run --variant v6.15 --base
check "replay --variant unknown exits 2" 2 "$bin" replay --variant v99

src=$(cd "$(dirname "$0")/.." && pwd)
# A failed write to standard output exits 2 with the reason, whatever the
# size of the output (a small one is still in stdio's buffer at exit).
to_full() {  # to_full NAME COMMAND...
    local name=$1; shift
    "$@" >/dev/full 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne 2 ] || ! grep -q "cannot write the output" "$tmp/err"; then
        echo "FAIL $name > /dev/full: exit $rc"; head -5 "$tmp/err"; fails=$((fails + 1))
    else
        echo "ok   $name > /dev/full exits 2"
    fi
}
fsfile="$src/corpus/fs-v6.0-read-fault-of-reflinked-block.dax"
to_full "run" "$bin" run --variant v6.2 --property drain --profile exclusive --seed 1 --tests 5 --walks 0
to_full "run --level fs" "$bin" run --level fs --variant v6.2 --property drain --profile exclusive --seed 1 --walks 10
to_full "swarm" "$bin" swarm --variant v6.2 --property drain --profile exclusive --seed 1 --walks 10
to_full "explore" "$bin" explore --variant v10-only-postdec --property refinement --profile reflink $tiny --classes 1
to_full "replay" "$bin" replay "$src/corpus/three-owners-one-pfn.dax"
to_full "emit" "$bin" emit "$fsfile"
to_full "emit --calls" "$bin" emit "$fsfile" --calls
to_full "reach" "$bin" reach "$src/corpus/three-owners-one-pfn.dax" --max-states 50 --depth 1
to_full "race" "$bin" race --variant v6.2 --seed 1
to_full "list" "$bin" list
to_full "--help" "$bin" --help
to_full "race --help" "$bin" race --help
# Every flag that changes a row is in its reproduce line.
check "explore with budgets, threads and classes" 0 "$bin" explore --variant v10-only-postdec --property refinement \
    --profile reflink $tiny --time-budget 30 --memory-budget 100 --threads 2 --classes 2
want "explore's reproduce line keeps them" "reproduce: .* --time-budget 30 --memory-budget 100 --threads 2 --classes 2" "$tmp/out"
check "run --no-minimise" 0 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1 --no-minimise --walks 0
want "run's reproduce line keeps --no-minimise" "reproduce: .*--no-minimise" "$tmp/out"
check "swarm --no-minimise" 0 "$bin" swarm --variant v10-only-postdec --property refinement --profile reflink --seed 3 --walks 100 --no-minimise
want "swarm's reproduce line keeps --no-minimise" "reproduce: .*--walk-seed.*--no-minimise\|reproduce: .*--no-minimise.*--walk-seed" "$tmp/out"
# explore: the class searches count in the cell's time and stop at its budget.
check "explore's class searches under a time budget" 0 timeout 60 "$bin" explore --variant v10-only-postdec \
    --property refinement --profile reflink --time-budget 2 --json "$tmp/budget.json"
want "the class search says it was cut short" "class search cut short by the time budget" "$tmp/out"
jq -e '.results[0] | .classes_cut_short == "time budget" and .time_ms >= 1500 and .time_ms < 4000' \
    "$tmp/budget.json" >/dev/null || { echo "FAIL explore JSON: class search time or cut short"; jq '.results[0] | {time_ms, classes_cut_short}' "$tmp/budget.json"; fails=$((fails + 1)); }
# A directory where corpus files go: a usage error for emit and reach alike, its name escaped.
mkdir -p "$tmp/dir$(printf '\033')x"
check "emit DIR exits 2" 2 "$bin" emit "$tmp/dir$(printf '\033')x"
want "emit DIR escaped" 'dir\\x1bx is a directory' "$tmp/err"
check "reach DIR exits 2" 2 "$bin" reach "$tmp/dir$(printf '\033')x"
want "reach DIR escaped" 'dir\\x1bx is a directory' "$tmp/err"
if grep -q "$(printf '\033')" "$tmp/err"; then echo "FAIL reach DIR printed a raw escape"; fails=$((fails + 1)); fi
# Into an empty corpus: a sequence two cells found is saved once and is not
# "already in" the directory.
check "save-failures into an empty dir" 0 "$bin" run --variant v10 --seed 1 --classes 1 --walks 0 --save-failures --corpus-dir "$tmp/once"
want "found by two cells" "1 counterexample found by more than one cell of this run: saved once" "$tmp/out"
if grep -q "already in" "$tmp/out"; then echo "FAIL save-failures into an empty dir: 'already in'"; fails=$((fails + 1)); fi
# Integers are decimal: CLI11 read 010 as octal 8 and ran seed 8.
check "--seed 010 is refused" 2 "$bin" run --seed 010 --variant v6.2 --tests 1 --walks 0
want "--seed 010 says why" "'010' is not a whole decimal number" "$tmp/err"
check "swarm --walks 0x10 is refused" 2 "$bin" swarm --variant v6.2 --walks 0x10
# Times and sizes too: strtod read --seconds 0x10 as 16 seconds.
check "swarm --seconds 0x10 is refused" 2 "$bin" swarm --variant v6.2 --seconds 0x10
want "--seconds 0x10 says why" "--seconds: '0x10' is not a decimal number" "$tmp/err"
check "explore --time-budget ' 5' is refused" 2 "$bin" explore --variant v6.2 --time-budget " 5"
check "race --seconds 1e1 is taken" 0 "$bin" race --variant v6.2 --depth 1 --seconds 1e1
# A file named twice, or named and inside a directory named too, is checked
# once (replay f f counted it twice).
f="$src/corpus/byvalue-lone-shared-associate.dax"
"$bin" replay "$f" 2>&1 | tail -1 >"$tmp/once.txt"
"$bin" replay "$f" "$(dirname "$f")/./$(basename "$f")" 2>&1 | tail -1 >"$tmp/twice.txt"
grep -q "^[1-9][0-9]* passed, 0 failed" "$tmp/once.txt" || { echo "FAIL replay f: $(cat "$tmp/once.txt")"; fails=$((fails + 1)); }
cmp -s "$tmp/once.txt" "$tmp/twice.txt" && echo "ok   replay f ./f replays f once" \
    || { echo "FAIL replay f ./f: $(cat "$tmp/twice.txt"), alone: $(cat "$tmp/once.txt")"; fails=$((fails + 1)); }
"$bin" replay "$src/corpus" 2>&1 | tail -1 >"$tmp/once.txt"
"$bin" replay "$src/corpus" "$f" 2>&1 | tail -1 >"$tmp/twice.txt"
cmp -s "$tmp/once.txt" "$tmp/twice.txt" && echo "ok   replay corpus f replays f once" \
    || { echo "FAIL replay corpus f: $(cat "$tmp/twice.txt"), corpus alone: $(cat "$tmp/once.txt")"; fails=$((fails + 1)); }
check "reach f" 0 "$bin" reach "$f" --depth 2
[ "$("$bin" reach "$f" "$f" --depth 2 | wc -l)" -eq "$(wc -l <"$tmp/out")" ] \
    && echo "ok   reach f f checks f once" || { echo "FAIL reach f f checks f twice"; fails=$((fails + 1)); }
# An output directory where nothing can be made is refused before the run:
# root passes access(W_OK) in /proc, and the run failed to save at its end.
check "--corpus-dir /proc is refused" 2 "$bin" run --variant v6.2 --tests 1 --walks 0 --save-failures --corpus-dir /proc
want "--corpus-dir /proc says why" "--corpus-dir: cannot write in /proc" "$tmp/err"
# A new directory under it is named, with where it fails ('cannot write in
# /proc: No such file or directory' read as if /proc were missing).
check "--corpus-dir /proc/nope is refused" 2 "$bin" run --variant v6.2 --tests 1 --walks 0 --save-failures --corpus-dir /proc/nope
want "--corpus-dir /proc/nope says where" "--corpus-dir: cannot create /proc/nope: no new entry can be made in /proc" "$tmp/err"
# replay --base: each new failure prints the one command that shows it again
# (it printed none), and that command, run, gives the same line.
(cd "$src" && "$bin" replay --variant v10-only-postdec --base v10-fixed) >"$tmp/out" 2>&1
line=$(sed -n 's/^      reproduce: //p' "$tmp/out" | head -1)
case "$line" in
    "./daxcheck replay --variant v10-only-postdec --base v10-fixed corpus/"*) echo "ok   replay --base prints a reproduce line" ;;
    *) echo "FAIL replay --base: no reproduce line under a new failure: '$line'"; fails=$((fails + 1)) ;;
esac
first=$(grep -m1 '   <-$' "$tmp/out")
(cd "$src" && bash -c "${line/.\/daxcheck/"$bin"}") >"$tmp/out2" 2>&1
if [ -n "$first" ] && grep -qxF -- "$first" "$tmp/out2"; then
    echo "ok   replay --base's reproduce line shows the same new failure"
else
    echo "FAIL replay --base's reproduce line: '$first' not in its output"; head -5 "$tmp/out2"; fails=$((fails + 1))
fi
# replay --base that compared no file (race: files are not compared) checked nothing.
check "replay --base of race files only: nothing checked" 1 "$bin" replay --variant v6.2 --base v6.0 "$src/corpus/race-lost-share-update.dax"
want "it says so" "^nothing was checked" "$tmp/out"
# An unknown name in a selection flag names the flag.
for flag in --variant --property --profile; do
    check "run $flag typo" 2 "$bin" run $flag nosuchname
    want "run $flag typo names the flag" "daxcheck: $flag: unknown .* 'nosuchname'" "$tmp/err"
    variant=(--variant v6.2)  # swarm needs one
    [ "$flag" = --variant ] && variant=()
    check "swarm $flag typo" 2 "$bin" swarm "${variant[@]}" $flag nosuchname
    want "swarm $flag typo names the flag" "daxcheck: $flag: unknown .* 'nosuchname'" "$tmp/err"
done
# A tiny positive budget is a budget: 1e-9 MB truncated to 0 bytes, "none".
check "explore --memory-budget 1e-9" 1 "$bin" explore --variant v6.2 --property refinement --profile reflink \
    --memory-budget 1e-9 --time-budget 3
want "--memory-budget 1e-9 is a budget" "stopped by the memory budget" "$tmp/out"
# A value flag whose value was left out took the next flag as its file name:
# it wrote a file named --report and made no report.
check "--json --report is refused" 2 env -C "$tmp" "$bin" run --variant v6.2 --property drain \
    --profile exclusive --tests 1 --walks 0 --json --report
want "--json --report names the flag" "--json: '--report' looks like a flag" "$tmp/err"
[ ! -e "$tmp/--report" ] || { echo "FAIL --json --report wrote a file named --report"; fails=$((fails + 1)); }
# ./daxcheck fuzz --seconds 0 would be libFuzzer's "no limit".
check "fuzz --seconds 0 is refused" 2 "$src/daxcheck" fuzz --seconds 0
want "fuzz --seconds 0 says why" "at least 1" "$tmp/err"
echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
