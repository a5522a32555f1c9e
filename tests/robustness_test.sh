#!/usr/bin/env bash
# Issue 17: budgets that hold, output that cannot destroy files, corpus
# directories that cannot hang a replay, round trips of what the tool writes
# and prints, counts that equal the terminal's, values checked up front,
# signals that leave partial results. Every check can fail; none sets a
# verdict by hand.
#   robustness_test.sh DAXCHECK DAXCHECK_WITH_TEST_PORTS TEST_PORT_FILE
set -u
bin=$1 ported=$2 port_file=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }
check() {  # check NAME EXPECTED_RC COMMAND...
    local name=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit $rc, wanted $want"; cat "$tmp/out" "$tmp/err" | head -20
    else
        ok "$name"
    fi
}
expect_in() {  # expect_in FILE TEXT NAME: a fixed string
    grep -qF -- "$2" "$1" || { fail "$3: no '$2' in $(basename "$1")"; head -20 "$1"; }
}

# --- 1. Budgets: peak RSS and wall time of explore within 10 % of its budgets,
# under an address-space cap so a broken budget cannot take the machine.
measure() {  # measure MB_CAP COMMAND...: sets secs and kb
    (ulimit -v $(($1 * 1024)); shift; /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err")
    read -r secs kb < <(tail -1 "$tmp/time")
}
# Not under ASan: its shadow memory needs terabytes of address space, and its
# redzones are not the search's memory (tests/minimise_test.cpp skips too).
if ldd "$bin" | grep libasan >/dev/null; then
    asan=1
    ok "budgets: skipped under ASan"
else
    asan=0
    measure 1500 "$bin" explore --variant v6.2 --property refinement --profile reflink --depth 1 --files 1 --pfns 1 --offsets 1
    base_kb=$kb
fi
wide="--variant v6.2 --property refinement --profile reflink"
budget_holds() {  # budget_holds NAME MB SECONDS ARGS...: within 10 % of both
    local name=$1 mb=$2 s=$3; shift 3
    [ "$asan" -eq 1 ] && return
    measure 1500 "$bin" explore $wide --memory-budget "$mb" --time-budget "$s" "$@"
    local used=$(( (kb - base_kb) / 1024 ))
    if [ $(( (kb - base_kb) * 10 )) -gt $(( mb * 1024 * 11 )) ]; then
        fail "$name: $used MB over the $mb MB budget"; tail -5 "$tmp/out" "$tmp/err"
    elif awk -v t="$secs" -v s="$s" 'BEGIN { exit !(t > s * 1.1 + 0.05) }'; then
        fail "$name: $secs s over the $s s budget"
    else
        ok "$name: $used MB of $mb MB, $secs s of $s s"
    fi
}
budget_holds "explore 64x64 memory budget (issue 17: was 853 MB)" 30 5 --pfns 64 --offsets 64
budget_holds "explore 64x64 memory budget, 2 threads" 40 5 --pfns 64 --offsets 64 --threads 2
budget_holds "explore pmd-order 9, 1024x1024: one expansion step" 60 5 --pmd-order 9 --pfns 1024 --offsets 1024
budget_holds "explore time budget, wide universe" 400 1.5 --pfns 64 --offsets 64 --threads 2
budget_holds "explore time budget, 262144 pfns" 600 1 --pfns 262144 --offsets 2
# Its time budget counts freeing the states (glibc merges their chunks at
# the next malloc: half a second after a few seconds' search; 3.91 s at 3).
budget_holds "explore --level fs time budget" 1000 2 --level fs --files 3 --pfns 8 --offsets 8 --depth 10 --max-states 40000000
# The filesystem level's stored executions: its levels were vectors, whose
# growth copied every execution and held both copies (251 MB at 200 MB).
budget_holds "explore --level fs memory budget" 200 20 --level fs --files 3 --pfns 8 --offsets 8 --depth 8 --max-states 40000000
# race's prefix states and pairs: --memory-budget holds (a vector of pairs
# and a low estimate per pair took 5.6 GB at its fixed 4096 MB), and a budget
# above what `ulimit -v` gives is an error with its JSON, not an abort.
if [ "$asan" -eq 0 ]; then
    wide_race="race --variant v6.2 --depth 1 --files 3 --pfns 32 --offsets 32 --seed 1"
    measure 1500 "$bin" $wide_race --memory-budget 300
    if ! grep -q "outgrew --memory-budget (300 MB)" "$tmp/out"; then
        fail "race --memory-budget 300: not stopped by it"; tail -3 "$tmp/out" "$tmp/err"
    elif [ $(( (kb - base_kb) * 10 )) -gt $(( 300 * 1024 * 11 )) ]; then
        fail "race --memory-budget 300: $(( (kb - base_kb) / 1024 )) MB"
    else
        ok "race --memory-budget: $(( (kb - base_kb) / 1024 )) MB of 300 MB"
    fi
    (ulimit -v 600000; exec "$bin" $wide_race --memory-budget 2000 --json "$tmp/race-oom.json") >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" -ne 1 ] || ! grep -q "error: out of memory before the memory budget (2000 MB)" "$tmp/out"; then
        fail "race out of memory: exit $rc"; tail -3 "$tmp/out"
    elif ! jq -e '.verdict == "error"' "$tmp/race-oom.json" >/dev/null 2>&1; then
        fail "race out of memory: no JSON with verdict error"
    else
        ok "race out of memory is an error row"
    fi
    # The same for explore, with what the levels before it checked (its row
    # read 0 states and depth 0).
    oom="explore --variant v6.2 --property refinement --profile reflink --files 3 --pfns 4 --offsets 4 --depth 30"
    (ulimit -v 180000; exec "$bin" $oom --threads 1 --json "$tmp/explore-oom.json") >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" -ne 1 ] || ! grep -E "out of memory before the memory budget \(4096.0 MB\) was reached, with every sequence of up to [1-9][0-9]* operations checked" "$tmp/out" >/dev/null; then
        fail "explore out of memory: exit $rc"; tail -4 "$tmp/out"
    elif ! jq -e '.results[0] | .verdict == "error" and .states > 1 and .transitions > 0 and .depth_completed >= 1' \
            "$tmp/explore-oom.json" >/dev/null 2>&1; then
        fail "explore out of memory: the JSON lost what was checked: $(jq -c '.results[0] | [.states, .depth_completed]' "$tmp/explore-oom.json" 2>&1)"
    else
        ok "explore out of memory is an error row with the levels it completed ($(jq -c '.results[0] | [.states, .depth_completed]' "$tmp/explore-oom.json"))"
    fi
fi
# A budget that stops the search before depth 1 checked nothing: never a pass.
check "explore that checked nothing is no pass" 1 "$bin" explore $wide --pmd-order 9 --pfns 1024 --offsets 1024 --memory-budget 2
expect_in "$tmp/out" "nothing checked" "explore that checked nothing"
grep -q "pass     pass" "$tmp/out" && fail "explore that checked nothing says pass"

# --- 2. Output files: write through, never replace a link or a device.
run1="run --variant v10-fixed --property refinement --tests 5 --walks 0 --seed 1"
echo old >"$tmp/target.json"
ln -s target.json "$tmp/link.json"
check "--json onto a symlink" 0 "$bin" $run1 --json "$tmp/link.json"
{ [ -L "$tmp/link.json" ] && jq -e .results "$tmp/target.json" >/dev/null; } \
    || fail "--json onto a symlink: the link was replaced or its target not written"
# A dangling symlink: its target is created and the link stays (the write
# failed after the whole run); one into a missing directory is refused first.
ln -s "$tmp/made-through-link.json" "$tmp/dangling.json"
check "--json onto a dangling symlink" 0 "$bin" $run1 --json "$tmp/dangling.json"
{ [ -L "$tmp/dangling.json" ] && jq -e .results "$tmp/made-through-link.json" >/dev/null; } \
    || fail "--json onto a dangling symlink: its target was not written"
ln -s "$tmp/no/such/dir/x.json" "$tmp/dangling-nowhere.json"
check "--json onto a dangling symlink into no directory" 2 "$bin" $run1 --json "$tmp/dangling-nowhere.json"
[ -s "$tmp/out" ] && fail "--json onto a dangling symlink into no directory: the run started"
expect_in "$tmp/err" "a symlink to $tmp/no/such/dir/x.json" "the link's target is named"
check "--json /dev/null" 0 "$bin" $run1 --json /dev/null
[ -c /dev/null ] || fail "--json /dev/null: /dev/null is no longer a device"
check "--json /dev/full fails" 2 "$bin" $run1 --json /dev/full
expect_in "$tmp/err" "No space left on device" "--json /dev/full"
[ -c /dev/full ] || fail "--json /dev/full: /dev/full is no longer a device"
mkfifo "$tmp/fifo.json"
check "--json onto a FIFO with no reader fails, no hang" 2 timeout 20 "$bin" $run1 --json "$tmp/fifo.json"
[ -p "$tmp/fifo.json" ] || fail "--json onto a FIFO replaced it"
# A full disk (a file size limit): the old file stays whole.
cp "$tmp/target.json" "$tmp/keep.json"
cp "$tmp/keep.json" "$tmp/keep.orig"
# Its output goes through a pipe, which the file size limit does not cover.
full_disk() { (set -o pipefail; (trap '' XFSZ; ulimit -f 1; exec "$@") 2>&1 | cat); }
check "--json on a full disk fails" 2 full_disk "$bin" run --variant v10 --variant v10-fixed --tests 5 --walks 0 --seed 1 --json "$tmp/keep.json"
cmp -s "$tmp/keep.json" "$tmp/keep.orig" || fail "--json on a full disk changed the old file"
ls -a "$tmp" | grep '^\.keep\.json\.' >/dev/null && fail "--json on a full disk left a temporary file"
check "report once" 0 "$bin" report --variant v10 --tests 5 --walks 0 --seed 1 --reports-dir "$tmp/reports"
latest=$(readlink "$tmp/reports/latest")
check "report on a full disk fails" 2 full_disk "$bin" report --variant v10 --tests 5 --walks 0 --seed 2 --reports-dir "$tmp/reports"
[ "$(readlink "$tmp/reports/latest")" = "$latest" ] || fail "report on a full disk moved latest"
[ "$(ls "$tmp/reports" | wc -l)" -eq 2 ] || fail "report on a full disk left a half report: $(ls "$tmp/reports")"
# Output paths are checked before the run: no table, an error naming the flag.
check "unwritable --json is refused before the run" 2 "$bin" run --json /nonexistent/x.json
[ -s "$tmp/out" ] && fail "unwritable --json: the run started"
expect_in "$tmp/err" "--json: cannot write /nonexistent/x.json: /nonexistent: No such file or directory" "unwritable --json"
check "--json onto a directory" 2 "$bin" explore --json "$tmp"
expect_in "$tmp/err" "is a directory" "--json onto a directory"
touch "$tmp/reports2"
check "--reports-dir that is a file" 2 "$bin" report --reports-dir "$tmp/reports2"
check "--corpus-dir that is a file" 2 "$bin" swarm --variant v10 --save-failures --corpus-dir "$tmp/reports2"
# A dangling symlink is refused before the run (it failed after the whole run).
ln -s "$tmp/nowhere/at/all" "$tmp/dangling-dir"
check "--corpus-dir that is a dangling symlink" 2 "$bin" run --variant v10 --save-failures --corpus-dir "$tmp/dangling-dir"
expect_in "$tmp/err" "--corpus-dir: $tmp/dangling-dir is a symlink to nothing" "the dangling --corpus-dir is named"

# --- 3. Corpus directories: skip what is not a regular file, never hang.
mkdir "$tmp/corpus"
cp "$(dirname "$0")/../corpus/postdec-last-sharer-release.dax" "$tmp/corpus/"
ln -s loop.dax "$tmp/corpus/loop.dax"
ln -s nowhere.dax "$tmp/corpus/dangling.dax"
mkfifo "$tmp/corpus/fifo.dax"
mkdir "$tmp/corpus/dir.dax"
python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$tmp/corpus/socket.dax"
check "replay skips a symlink loop, a FIFO, a socket, a directory" 0 timeout 20 "$bin" replay "$tmp/corpus"
for f in loop dangling fifo socket dir; do expect_in "$tmp/out" "skipped $tmp/corpus/$f.dax" "replay skips $f.dax"; done
expect_in "$tmp/out" "not a regular file (a FIFO)" "replay names the FIFO"
expect_in "$tmp/out" "passed, 0 failed" "replay still replays the good file"
check "a FIFO named on the command line is an error, no hang" 1 timeout 20 "$bin" replay "$tmp/corpus/fifo.dax"
check "run --save-failures into that directory" 0 timeout 60 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1 --walks 0 --save-failures --corpus-dir "$tmp/corpus"
expect_in "$tmp/out" "skipped $tmp/corpus/fifo.dax" "run --save-failures skips the FIFO"

# --- 4. Round trips: what the tool writes it reads; what it prints runs.
# Above the old corpus cap of 65536 (the issue's example); the cap is now the
# command line's, model::kMaxPfns.
check "--save-failures in a universe past the old corpus cap" 0 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1 --walks 0 --no-minimise --pfns 70000 --offsets 4 --save-failures --corpus-dir "$tmp/wide"
check "its saved file replays" 0 "$bin" replay "$tmp/wide"
q="test lose share k2 'quoted'"
check "a variant name with spaces and a quote fails as expected" 0 "$ported" run --variant "$q" --property refinement --profile reflink --seed 1 --walks 0 --save-failures --corpus-dir "$tmp/quoted"
reproduce=$(sed -n 's/^  reproduce: //p' "$tmp/out" | head -1)
failure=$(grep -m1 '^  after #' "$tmp/out")
expect_in "$(ls "$tmp"/quoted/*.dax)" "expect: $q fail" "the saved expect: line"
check "its saved file replays" 0 "$ported" replay "$tmp/quoted"
# Under its port: header, a variant name the loaded port does not register is
# a typo (an error naming the line); without the port it is skipped.
saved_port_file=$(ls "$tmp"/quoted/*.dax | head -1)
mkdir -p "$tmp/typo"
sed "s/^expect: $q fail\$/&\nexpect: test lose share k2 typo fail/" "$saved_port_file" >"$tmp/typo/typo.dax"
typo_line=$(grep -n '^expect: test lose share k2 typo fail$' "$tmp/typo/typo.dax" | cut -d: -f1)
[ -n "$typo_line" ] || fail "the typo expect: line was not added"
check "a typo under a loaded port: header is an error" 1 "$ported" replay "$tmp/typo/typo.dax"
expect_in "$tmp/out" "$tmp/typo/typo.dax:$typo_line: unknown variant 'test lose share k2 typo': the port this file names is loaded" "the typo named"
check "the same file without the port skips both, and checked nothing: exit 1" 1 "$bin" replay "$tmp/typo/typo.dax"
expect_in "$tmp/out" "0 failed, 2 skipped" "skipped without the port"
expect_in "$tmp/out" "nothing was checked: every file or line was skipped" "a replay that checked nothing says so"
case "$reproduce" in
    "./daxcheck --port $port_file run "*) ok "the reproduce line says --port" ;;
    *) fail "the reproduce line lacks --port $port_file: $reproduce" ;;
esac
# Run the printed line as a shell would, with this build for ./daxcheck --port FILE.
check "the printed reproduce line runs" 0 bash -c "daxcheck_ported() { shift 2; \"$ported\" \"\$@\"; }; ${reproduce/.\/daxcheck/daxcheck_ported}"
expect_in "$tmp/out" "$failure" "the printed reproduce line reproduces"
check "run's reproduce line" 0 "$bin" run --variant v10-only-postdec --property refinement --profile reflink --seed 1
reproduce=$(sed -n 's/^  reproduce: //p' "$tmp/out" | head -1)
failure=$(grep -m1 '^  after #' "$tmp/out")
check "run's printed reproduce line runs" 0 bash -c "${reproduce/.\/daxcheck/\"$bin\"}"
expect_in "$tmp/out" "$failure" "run's printed reproduce line reproduces"
check "swarm's reproduce line" 0 "$bin" swarm --variant v10-only-postdec --property refinement --profile reflink --seed 3 --walks 100
reproduce=$(sed -n 's/^  reproduce: //p' "$tmp/out" | head -1)
failure=$(grep -m1 '^  after #' "$tmp/out")
check "swarm's printed reproduce line runs" 0 bash -c "${reproduce/.\/daxcheck/\"$bin\"}"
expect_in "$tmp/out" "$failure" "swarm's printed reproduce line reproduces"

# --- 5. Counts and claims.
check "swarm --json" 0 "$bin" swarm --variant v10 --variant v6.2 --property refinement --seed 5 --walks 300 --json "$tmp/s.json"
read -r walks ops < <(awk '/ walks, .* operations checked/ { print $1, $3 }' "$tmp/out")
[ "$(jq .summary.walks "$tmp/s.json")" = "$walks" ] || fail "swarm --json summary.walks is not the terminal's $walks"
[ "$(jq .summary.operations "$tmp/s.json")" = "$ops" ] || fail "swarm --json summary.operations is not the terminal's $ops"
[ "$(jq .walks "$tmp/s.json")" = 300 ] || fail "swarm --json walks is not --walks"
[ "$(jq .tests "$tmp/s.json")" = null ] || fail "swarm --json tests is not null"
while read -r v p prof verdict expected w o rest; do
    got=$(jq -r --arg v "$v" --arg prof "$prof" '.results[] | select(.variant == $v and .profile == $prof) | "\(.walks) \(.operations) \(.operations_per_second > 0)"' "$tmp/s.json")
    [ "$got" = "$w $o true" ] || fail "swarm --json $v/$prof: walks operations throughput '$got', terminal '$w $o'"
done < <(grep -E '^(v10|v6\.2) ' "$tmp/out")
ok "swarm --json counts are the terminal's"
for s in 0 1e-9 nan -1 inf; do check "swarm --seconds $s is a usage error" 2 "$bin" swarm --variant v10 --seconds "$s"; done
check "report keeps every flag in Regenerate" 0 "$bin" report --variant v10 --property refinement --profile reflink --tests 7 --walks 11 --seed 3 --pfns 5 --no-minimise --reports-dir "$tmp/regen"
regen=$(sed -n 's/^Regenerate: `\(.*\)`$/\1/p' "$tmp/regen/latest/summary.md")
[ "$regen" = "./daxcheck report --variant v10 --property refinement --profile reflink --seed 3 --tests 7 --walks 11 --files 3 --pfns 5 --offsets 4 --pmd-order 1 --max-pins 2 --no-minimise" ] \
    || fail "Regenerate: $regen"
check "explore --threads 2 JSON A" 0 "$bin" explore --variant v10-fixed --property refinement --profile reflink --threads 2 --depth 6 --json "$tmp/xa.json"
check "explore --threads 2 JSON B" 0 "$bin" explore --variant v10-fixed --property refinement --profile reflink --threads 2 --depth 6 --json "$tmp/xb.json"
if diff <(grep -v '"time_ms"' "$tmp/xa.json") <(grep -v '"time_ms"' "$tmp/xb.json") >/dev/null; then
    ok "explore --threads 2: same JSON (time_ms aside), memory_bytes included"
else
    fail "explore --threads 2 JSON differs: $(diff <(grep -v '"time_ms"' "$tmp/xa.json") <(grep -v '"time_ms"' "$tmp/xb.json") | head -4)"
fi

# --- 6. Values: each a usage error naming its flag, before anything runs.
usage_names() {  # usage_names FLAG ARGS...
    local flag=$1; shift
    check "$* is a usage error" 2 "$bin" "$@"
    expect_in "$tmp/err" "$flag" "$* names $flag"
}
usage_names --seed run --seed 18446744073709551616
usage_names --seed run --seed -1
usage_names --seed swarm --variant v10 --seed 1x
usage_names --walk-seed swarm --variant v10 --walk-seed -3
usage_names --time-budget explore --time-budget nan
usage_names --memory-budget explore --memory-budget nan
usage_names --memory-budget explore --memory-budget -1
usage_names --depth explore --depth 0
usage_names --off-model explore --off-model sometimes
usage_names --off-model explore --level fs --off-model once
check "explore --level fs takes the default --off-model pins" 0 "$bin" explore --level fs --variant v6.2 --property refinement --profile exclusive --depth 1 --off-model pins
usage_names --json run --json ""
usage_names --json explore --json ""
usage_names --corpus-dir swarm --variant v10 --corpus-dir ""
# --corpus-dir without --save-failures would be silently ignored.
usage_names --save-failures run --corpus-dir "$tmp/cd"
usage_names --reports-dir run --variant v10 --reports-dir "$tmp/rd"
usage_names --save-failures explore --corpus-dir "$tmp/cd"
usage_names --save-failures swarm --variant v10 --corpus-dir "$tmp/cd"
usage_names --save-failures race --variant v6.2 --corpus-dir "$tmp/cd"
usage_names --walks swarm --variant v10 --walks 5 --seconds 2
usage_names --walk-seed swarm --variant v10 --walk-seed 5 --seed 3
usage_names --walk-seed swarm --variant v10 --walk-seed 5 --walks 3
# A name with control characters is echoed escaped, never raw to the terminal.
for cmd in "run --variant" "run --property" "swarm --variant" "replay --variant" "race --variant"; do
    # shellcheck disable=SC2086
    check "$cmd with an escape sequence" 2 "$bin" $cmd $'v6\x1b[31m\n.0'
    if grep -q $'\x1b' "$tmp/err"; then fail "$cmd echoed an escape byte"; fi
    expect_in "$tmp/err" 'v6\x1b[31m\n.0' "$cmd names it escaped"
done
check "an unknown subcommand" 2 "$bin" frobnicate
expect_in "$tmp/err" "unknown subcommand 'frobnicate' (known: run, report, emit, reach, replay, list, swarm, race, explore; and through ./daxcheck: test, bench, fuzz, coverage, kernel, build)" "an unknown subcommand"
# A misspelt flag is named with the one meant, not as CLI11's reversed extras
# ("not expected: 5 --walk").
check "a misspelt flag" 2 "$bin" run --walk 5
expect_in "$tmp/err" "run: unknown flag --walk (did you mean --walks?) (./daxcheck run --help lists them)" "a misspelt flag"
check "a misspelt flag with a value" 2 "$bin" explore --time-budet=3
expect_in "$tmp/err" "explore: unknown flag --time-budet (did you mean --time-budget?)" "a misspelt flag with a value"
# As close to several: all of them, never one picked at random.
check "an ambiguous flag" 2 "$bin" explore --m 5
expect_in "$tmp/err" "explore: unknown flag --m (did you mean --memory-budget, --max-pins or --max-states?)" "an ambiguous flag"

# --- 7. Signals: partial table, seed, reproduce line, partial JSON, 130/143.
interrupt() {  # interrupt SIGNAL WANT_RC COMMAND...
    local sig=$1 want=$2; shift 2
    "$@" >"$tmp/sig.out" 2>&1 &
    local pid=$! waited=0
    # The header line first (flushed before any cell runs), then a second of cells.
    while ! grep -qs "seed 4" "$tmp/sig.out" && [ "$waited" -lt 200 ]; do sleep 0.1; waited=$((waited + 1)); done
    sleep 1
    kill -"$sig" "$pid"
    wait "$pid"
    local rc=$?
    [ "$rc" -eq "$want" ] && ok "$* interrupted by SIG$sig exits $want" || fail "$* SIG$sig: exit $rc, wanted $want"
    expect_in "$tmp/sig.out" "seed 4" "SIG$sig: the seed line"
    expect_in "$tmp/sig.out" "reproduce: ./daxcheck" "SIG$sig: the reproduce line"
    # On a loaded machine no cell may have finished: the results are what was done.
    jq -e '.interrupted == true and (.results | length) == .summary.cells' "$tmp/sig.json" >/dev/null \
        || fail "SIG$sig: no valid partial JSON marked interrupted"
}
interrupt INT 130 "$bin" run --seed 4 --tests 300 --json "$tmp/sig.json"
interrupt TERM 143 "$bin" swarm --variant v10 --variant v6.2 --seconds 1 --seed 4 --json "$tmp/sig.json"

# --- 10. A byte-order mark and control characters in file names, readably.
esc=$(printf '\033')
printf 'universe: files=3\nproperty: refinement\n' >"$tmp/corpus/bad${esc}[31mname.dax"
printf '\357\273\277universe: files=3\n' >"$tmp/bom.dax"
check "a file name with an escape character" 1 "$bin" replay "$tmp/corpus"
expect_in "$tmp/out" 'bad\x1b[31mname.dax' "a control character is shown as an escape"
grep -q "$esc" "$tmp/out" && fail "a raw escape character reached the terminal"
check "a byte-order mark" 1 "$bin" replay "$tmp/bom.dax"
expect_in "$tmp/out" "$tmp/bom.dax:1: the file starts with a UTF-8 byte-order mark (bytes EF BB BF)" "a byte-order mark"

echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
