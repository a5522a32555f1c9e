#!/usr/bin/env bash
# What findings-16 broke, held on the command line: reach skips a race: file;
# the filesystem level refuses the function-level flags by name; SIGINT and
# SIGTERM during run/swarm/explore --level fs leave the table, the seed, the
# reproduce line and partial JSON; a timed run's reproduce line and swarm's
# "the whole run" line reproduce what was printed; memory and time budgets
# of explore --level fs and race hold in wide universes.
#   walks_cli_test.sh DAXCHECK SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/check_lib.sh"
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# --- reach: a race: file is not its input (it crashed: a null property).
# swarm's second class: its reproduce line finds that class (its walk seed
# alone shrank to the first class), its walk is printed under it, and the
# cell's time counts every class's walks.
check "swarm with two classes" 0 "$bin" swarm --variant v10-only-inverted --property refinement \
    --profile exclusive --walks 1000 --seed 7 --json "$tmp/classes.json"
second=$(sed -n '/failure class 2 of/,/reproduce:/p' "$tmp/out")
class2=$(printf '%s\n' "$second" | sed -n 's/^  failure class: //p')
line2=$(printf '%s\n' "$second" | sed -n 's/^  reproduce: \.\/daxcheck //p')
grep -q "found by walk" <<<"$second" || { echo "FAIL swarm: class 2's walk is not printed under it"; fails=$((fails + 1)); }
[ -n "$class2" ] && [ -n "$line2" ] || { echo "FAIL swarm: no second class"; fails=$((fails + 1)); }
# shellcheck disable=SC2086
check "swarm: class 2's reproduce line" 0 "$bin" $line2
grep -qF -- "failure class: $class2" "$tmp/out" \
    || { echo "FAIL swarm: class 2's reproduce line does not find class 2"; fails=$((fails + 1)); }
# One core checks a few million operations a second: 178 M/s was one
# class's time against every class's operations.
check "swarm: a cell of five classes" 0 "$bin" swarm --variant v6.15 --property no-spurious-warn \
    --profile reflink --walks 500 --seed 3 --threads 1 --json "$tmp/classes.json"
jq -e '.results[0].operations_per_second < 5e7' "$tmp/classes.json" >/dev/null \
    || { echo "FAIL swarm: ops/s of a many-class cell counts one class's time"; fails=$((fails + 1)); }
# A class search that finds nothing new still walked: its walks count (the
# cell said 1 walk, 2 operations, for 5,000 walks' time).
check "swarm: a class search that finds nothing new" 0 "$bin" swarm --variant v10 --property drain \
    --profile reflink --walks 5000 --seed 5 --classes 3 --threads 1 --json "$tmp/nonew.json"
jq -e '.results[0].walks >= 5000' "$tmp/nonew.json" >/dev/null \
    || { echo "FAIL swarm: the last class search's walks are not counted"; fails=$((fails + 1)); }
# One walk's document is the same on every run (it held a random run seed).
for i in 1 2; do
    check "swarm --walk-seed --json ($i)" 0 "$bin" swarm --variant v10-only-inverted --property refinement \
        --profile exclusive --walk-seed 9043662076654220015 --json "$tmp/walk$i.json"
done
strip() { jq -S 'del(.. | .time_ms?, .operations_per_second?)' "$1"; }
cmp -s <(strip "$tmp/walk1.json") <(strip "$tmp/walk2.json") \
    || { echo "FAIL swarm --walk-seed: two runs wrote different JSON"; diff <(strip "$tmp/walk1.json") <(strip "$tmp/walk2.json") | head -5; fails=$((fails + 1)); }
check "reach skips a race: file" 0 "$bin" reach "$src/corpus/race-lost-share-update.dax"
want "reach names the race file" "race-lost-share-update.dax: skipped, a race: file" "$tmp/out"
check "reach of the whole corpus" 0 "$bin" reach --depth 1 --max-states 50 "$src"/corpus/*.dax
want "reach got past the race files to the last file" "v7.2-stale-index-reads-as-shared-again.dax" "$tmp/out"

# --- Flags a --level fs command does not take: a usage error naming the flag.
# (run, swarm and explore take --base and --classes at the filesystem level:
# tests/fslevel_cli_test.sh.)
for args in "run --tests 5" "run --no-minimise"; do
    # shellcheck disable=SC2086
    check "$args --level fs is refused" 2 "$bin" $args --level fs --variant v6.2 --walks 1
    flag=$(echo "$args" | cut -d' ' -f2)
    want "$args names the flag" "$flag is function-level only" "$tmp/err"
    want "$args names the command" "${args%% *} --level fs does not take it" "$tmp/err"
done
for args in "--no-minimise" "--save-failures"; do
    # shellcheck disable=SC2086
    check "swarm $args --level fs is refused" 2 "$bin" swarm $args --level fs --variant v6.2 --walks 1
    want "swarm $args names the flag" "${args%% *} is function-level only" "$tmp/err"
done
for args in "--threads 2"; do
    # shellcheck disable=SC2086
    check "explore $args --level fs is refused" 2 "$bin" explore $args --level fs --variant v6.2 --depth 1
    want "explore $args names the flag" "${args%% *} is function-level only" "$tmp/err"
done
check "explore --max-states without --level fs is refused" 2 "$bin" explore --variant v6.2 --max-states 10
want "it names the flag" "max-states goes with --level fs" "$tmp/err"

# --- Signals at the filesystem level: partial table, seed, reproduce line,
# partial JSON, 130/143. The seed line must be in the file before any cell
# ends (flushed): the loop waits for it.
signalled() {  # signalled "SIGNAL..." FIRST_LINE COMMAND...: runs COMMAND --json, sends the signals; sets rc
    local sigs=$1 first=$2 sig; shift 2
    # The last call's output goes first: the child truncates sig.out only once
    # it runs, and a loaded machine let the wait below read the old "seed 4".
    rm -f "$tmp/sig.json" "$tmp/sig.out"
    "$@" --json "$tmp/sig.json" >"$tmp/sig.out" 2>&1 &
    local pid=$! waited=0
    while ! grep -qs -- "$first" "$tmp/sig.out" && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
    grep -qs -- "$first" "$tmp/sig.out" || fail "$*: no '$first' in a file before the first cell ended"
    sleep 1
    for sig in $sigs; do kill -"$sig" "$pid"; done
    # A binary that does not stop on the signal is killed after 30 s, not waited for.
    (sleep 30; kill -KILL "$pid" 2>/dev/null) &
    local watchdog=$!
    wait "$pid"
    rc=$?
    # SIGKILL: a subshell that has not yet reset the script's traps (a loaded
    # machine) runs the EXIT trap on SIGTERM, which removes $tmp under us.
    { kill -KILL "$watchdog" && wait "$watchdog"; } 2>/dev/null
}
interrupt() {  # interrupt SIGNAL WANT_RC FIRST_LINE COMMAND...
    local sig=$1 want=$2 first=$3; shift 3
    signalled "$sig" "$first" "$@"
    [ "$rc" -eq "$want" ] && echo "ok   $* SIG$sig exits $want" || fail "$* SIG$sig: exit $rc, wanted $want"
    grep -q "interrupted by signal" "$tmp/sig.out" || fail "$* SIG$sig: no interrupted line"
    grep -q "reproduce: ./daxcheck" "$tmp/sig.out" || fail "$* SIG$sig: no reproduce line"
    jq -e '.interrupted == true and (.results | length) == .summary.cells' "$tmp/sig.json" >/dev/null \
        || { fail "$* SIG$sig: no valid partial JSON marked interrupted"; head -c 300 "$tmp/sig.json"; }
}
interrupt INT 130 "seed 4" "$bin" run --level fs --seed 4 --walks 100000000 --variant v6.2
interrupt TERM 143 "seed 4" "$bin" swarm --level fs --variant v6.2 --property drain --seed 4 --seconds 1000
# explore has no seed: its first cell (a quick failure; one class, as its
# class searches would run to depth 12) is the line waited for; the second
# runs until the signal.
interrupt INT 130 "== v7.2 / drain / exclusive" "$bin" explore --level fs --variant v7.2 --variant v6.2 \
    --property drain --profile exclusive --depth 12 --max-states 100000000 --time-budget 0 --classes 1
jq -e '.summary.cells == 1' "$tmp/sig.json" >/dev/null || fail "explore --level fs: the cell done is not in the JSON"
# The function level's explorer checks for a signal with its budgets: its
# second cell (a wide universe, bounded by its memory budget) is cut short.
# One class: the first cell's further class searches take minutes under ASan.
interrupt INT 130 "== v7.2 / drain / reflink" "$bin" explore --variant v7.2 --variant v6.2 \
    --property drain --profile reflink --files 3 --pfns 4 --offsets 4 --depth 30 \
    --time-budget 0 --memory-budget 512 --classes 1 --save-failures --corpus-dir "$tmp/sig-corpus"
jq -e '.summary.cells == 1' "$tmp/sig.json" >/dev/null || fail "explore: the cell done is not in the JSON"
# After a signal nothing is saved, as in run and swarm (v7.2's cell failed).
[ -z "$(ls -A "$tmp/sig-corpus" 2>/dev/null)" ] || fail "explore: saved counterexamples after a signal"
grep -q "reproduce: ./daxcheck explore --variant v7.2 --variant v6.2 --property drain --profile reflink --files 3.* --classes 1" \
    "$tmp/sig.out" || fail "explore: no whole-run reproduce line"
# A profile given twice is one profile, still the only one: the whole-run
# line keeps it (it dropped it, and the line ran the exclusive cells too).
interrupt INT 130 "daxcheck explore:" "$bin" explore --variant v6.2 --property drain \
    --profile reflink --profile reflink --files 3 --pfns 4 --offsets 4 --time-budget 0 --memory-budget 512
grep -q "reproduce: ./daxcheck explore --variant v6.2 --property drain --profile reflink --files 3" \
    "$tmp/sig.out" || fail "explore: the whole-run line lost --profile given twice"
# A variant named twice runs its cells once (it ran each twice).
"$bin" run --variant v6.0 --variant v6.2 --variant v6.0 --property drain --profile exclusive --tests 1 \
    --walks 0 --json "$tmp/twice.json" >/dev/null 2>&1
jq -e '[.results[].variant] == ["v6.0", "v6.2"]' "$tmp/twice.json" >/dev/null \
    && echo "ok   a variant named twice runs once" || fail "a variant named twice: $(jq -c '[.results[].variant]' "$tmp/twice.json")"
# An interrupted report: its line is report's, with its outputs, and it says
# that it wrote no report (the line said run and dropped them).
signalled INT "seed 1" "$bin" report --seed 1 --tests 100000 --reports-dir "$tmp/irep" --save-failures \
    --corpus-dir "$tmp/icorpus"
grep -q "reproduce: ./daxcheck report --seed 1 --tests 100000 --reports-dir $tmp/irep --save-failures --corpus-dir $tmp/icorpus --json" \
    "$tmp/sig.out" || { echo "FAIL report SIGINT: the whole-run line is not report's with its outputs"; tail -3 "$tmp/sig.out"; fails=$((fails + 1)); }
grep -q "stopped on the signal: nothing saved, no report written" "$tmp/sig.out" \
    || { echo "FAIL report SIGINT: does not say nothing was written"; fails=$((fails + 1)); }
# swarm and the filesystem level keep their outputs in the line too.
signalled INT "seed 3" "$bin" swarm --variant v6.2 --property drain --seconds 60 --seed 3 --save-failures \
    --corpus-dir "$tmp/ssig"
grep -q -- "--seconds 60 --threads 2 --save-failures --corpus-dir $tmp/ssig --json $tmp/sig.json" "$tmp/sig.out" \
    && grep -q "stopped on the signal: nothing saved" "$tmp/sig.out" \
    || { echo "FAIL swarm SIGINT: the whole-run line lost its outputs"; tail -3 "$tmp/sig.out"; fails=$((fails + 1)); }
signalled INT "seed 3" "$bin" run --level fs --variant v6.2 --property drain --profile exclusive --seconds 60 \
    --seed 3 --report --reports-dir "$tmp/frep"
grep -q -- "--report --reports-dir $tmp/frep --json $tmp/sig.json" "$tmp/sig.out" \
    && grep -q "stopped on the signal: no report written" "$tmp/sig.out" \
    || { echo "FAIL run --level fs SIGINT: the whole-run line lost its outputs"; tail -3 "$tmp/sig.out"; fails=$((fails + 1)); }
# race stops at its next prefix state: the prefixes it checked, no verdict
# unless it had found a failure, JSON marked interrupted, nothing saved.
signalled INT "daxcheck race:" "$bin" race --variant pre-reflink --level fs --depth 4 --files 3 --pfns 4 \
    --offsets 4 --seed 1 --save-failures --corpus-dir "$tmp/race-sig-corpus"
[ "$rc" -eq 130 ] && echo "ok   race SIGINT exits 130" || fail "race SIGINT: exit $rc, wanted 130"
grep -q "interrupted by signal 2 after [0-9]* prefix states" "$tmp/sig.out" || fail "race SIGINT: no interrupted line"
grep -q "stopped on the signal: nothing saved" "$tmp/sig.out" || fail "race SIGINT: does not say nothing was saved"
grep -q "reproduce: ./daxcheck race --variant pre-reflink --level fs --depth 4 --seed 1" "$tmp/sig.out" \
    || fail "race SIGINT: no reproduce line"
jq -e '.interrupted == true' "$tmp/sig.json" >/dev/null || fail "race SIGINT: no JSON marked interrupted"
[ -z "$(ls -A "$tmp/race-sig-corpus" 2>/dev/null)" ] || fail "race: saved a race file after a signal"
# A second signal, of the other kind, kills at once: no interrupted line, no
# JSON (the first one's handler left both signals at their default action).
signalled "INT TERM" "daxcheck explore:" "$bin" explore --variant v6.2 --property drain --profile reflink \
    --files 3 --pfns 4 --offsets 4 --depth 30 --time-budget 0 --memory-budget 512
if [ "$rc" -eq 143 ] && ! grep -q "interrupted by signal" "$tmp/sig.out" && [ ! -e "$tmp/sig.json" ]; then
    echo "ok   SIGINT then SIGTERM kills explore at once"
else
    fail "SIGINT then SIGTERM: exit $rc, wanted 143 with no interrupted line and no JSON"; tail -3 "$tmp/sig.out"
fi

# --- A timed run's reproduce line shows the same counterexample.
check "run --level fs --seconds --threads 2" 0 "$bin" run --level fs --variant v6.2 --property drain \
    --profile reflink --seed 7 --seconds 2 --threads 2
sed -n '/shrunk to/,/reproduce:/p' "$tmp/out" | grep -v "reproduce:\|failed at walk" >"$tmp/seq1"
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
"$bin" $line >"$tmp/out2" 2>&1
sed -n '/shrunk to/,/reproduce:/p' "$tmp/out2" | grep -v "reproduce:\|failed at walk" >"$tmp/seq2"
[ -s "$tmp/seq1" ] && cmp -s "$tmp/seq1" "$tmp/seq2" && echo "ok   the timed run's reproduce line shows its sequence" \
    || { fail "the timed run's reproduce line shows another sequence"; diff "$tmp/seq1" "$tmp/seq2" | head; }

# --- swarm's "the whole run" line finds every class the run found.
check "swarm finds several classes" 0 "$bin" swarm --variant v6.15 --property refinement --profile reflink \
    --seconds 3 --seed 3 --threads 2
n1=$(grep -c "failure class" "$tmp/out")
line=$(grep -m1 '  the whole run: ' "$tmp/out" | sed 's/^  the whole run: //; s#^\./daxcheck ##')
[ -n "$line" ] || fail "swarm printed no whole-run line"
# shellcheck disable=SC2086
"$bin" $line >"$tmp/out2" 2>&1
n2=$(grep -c "failure class" "$tmp/out2")
[ "$n1" -gt 1 ] && [ "$n1" -eq "$n2" ] && echo "ok   the whole run finds the $n1 classes" \
    || fail "the whole run ($line) found $n2 classes, the run $n1"

# --- Budgets in wide universes: no std::bad_alloc under an address-space cap.
if ! ldd "$bin" | grep libasan >/dev/null; then
    (ulimit -v $((3 * 1024 * 1024)); "$bin" explore --level fs --variant v6.2 --property refinement \
        --profile exclusive --max-states 100000000 --depth 12 --files 3 --pfns 8 --offsets 8 \
        --memory-budget 300 --time-budget 100 >"$tmp/out" 2>"$tmp/err")
    rc=$?
    [ "$rc" -le 1 ] && grep -q "memory budget reached" "$tmp/out" && echo "ok   explore --level fs stops at its memory budget" \
        || { fail "explore --level fs --memory-budget 300: exit $rc"; tail -3 "$tmp/out" "$tmp/err"; }
    start=$(date +%s.%N)
    (ulimit -v $((3 * 1024 * 1024)); "$bin" race --variant v6.2 --seconds 3 --files 26 --pfns 64 --offsets 64 \
        --depth 2 >"$tmp/out" 2>"$tmp/err")
    rc=$?
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    [ "$rc" -le 1 ] && grep -q "stopped by --seconds" "$tmp/out" && awk -v t="$secs" 'BEGIN { exit !(t < 6) }' \
        && echo "ok   race --seconds 3 holds while building pairs ($secs s)" \
        || { fail "race --seconds 3 in a wide universe: exit $rc after $secs s"; tail -3 "$tmp/out" "$tmp/err"; }
    # Out of memory before its budget (the default 4096 MB over a smaller
    # cap): an error row at the filesystem level too, not an abort.
    (ulimit -v $((800 * 1024)); "$bin" explore --level fs --variant v6.2 --property refinement --profile exclusive \
        --depth 12 --max-states 4294967296 --files 3 --pfns 8 --offsets 8 --time-budget 60 >"$tmp/out" 2>"$tmp/err")
    rc=$?
    [ "$rc" -eq 1 ] && grep -q "error: out of memory before the memory budget" "$tmp/out" \
        && echo "ok   explore --level fs out of memory is an error row" \
        || { fail "explore --level fs out of memory: exit $rc"; tail -3 "$tmp/out" "$tmp/err"; }
fi
# A search that stopped before depth 1 checked nothing: an error, never a pass.
check "explore --level fs stopped at depth 0" 1 "$bin" explore --level fs --variant v6.2 --property refinement \
    --profile exclusive --max-states 1
want "it says nothing was checked" "error: nothing checked: the search stopped before depth 1" "$tmp/out"

echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
