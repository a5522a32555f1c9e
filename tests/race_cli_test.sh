#!/usr/bin/env bash
# `daxcheck race` on the command line (issue 15): a failure prints the one
# command that reproduces it, and that command prints the same interleaving;
# --json, --emit and --save-failures write their files; a saved race file
# replays through `daxcheck replay`; bad flags are usage errors naming the flag.
set -u
bin=$1
src=$2
. "$(dirname "$0")/check_lib.sh"
# The interleaving as printed: the two-column lines and the results.
interleaving() { sed -n '/two processes at once/,/^  why:/p' "$1"; }

check "race v6.2 fails as expected" 0 "$bin" race --variant v6.2 --seed 3
want "two columns" "pfn 0 share: load" "$tmp/out"
want "serial results" "serial A then B:" "$tmp/out"
interleaving "$tmp/out" >"$tmp/first"
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
check "the printed reproduce line runs" 0 "$bin" $line
interleaving "$tmp/out" >"$tmp/again"
cmp -s "$tmp/first" "$tmp/again" || { echo "FAIL the reproduce line printed another interleaving"; diff "$tmp/first" "$tmp/again" | head; fails=$((fails + 1)); }

# A budget that cut the search short with no failure gives no verdict (it
# said "pass": a pass claims every interleaving), in the text, the JSON and
# the exit code.
check "race cut short by --max-runs" 1 "$bin" race --variant v6.2 --max-runs 1 --seed 4 --json "$tmp/cut.json"
want "no verdict after --max-runs" "no verdict: the search is incomplete (pairs hit --max-runs" "$tmp/out"
jq -e '.verdict == "none" and .stopped_by == "max-runs" and .as_expected == null and .max_runs_hits > 0' \
    "$tmp/cut.json" >/dev/null || { echo "FAIL --max-runs: the JSON claims a verdict"; fails=$((fails + 1)); }
check "race cut short by --seconds" 1 "$bin" race --variant v6.2 --depth 1 --files 2 --pfns 32 --offsets 32 \
    --seconds 0.5 --seed 1 --json "$tmp/cut.json"
want "no verdict after --seconds" "no verdict: the search is incomplete (--seconds stopped it" "$tmp/out"
jq -e '.verdict == "none" and .stopped_by == "seconds"' "$tmp/cut.json" >/dev/null \
    || { echo "FAIL --seconds: the JSON claims a verdict"; fails=$((fails + 1)); }
# A name another file took (a dangling link here) gets the next NAME-k.dax:
# the failure was "kept (already there)" and lost.
mkdir -p "$tmp/taken"
check "race --save-failures once" 0 "$bin" race --variant v7.1 --level fs --seed 1 --save-failures --corpus-dir "$tmp/taken"
taken=$(ls "$tmp/taken")
rm "$tmp/taken/$taken" && ln -s "$tmp/nowhere.dax" "$tmp/taken/$taken"
check "race --save-failures over a dangling link" 0 "$bin" race --variant v7.1 --level fs --seed 1 \
    --save-failures --corpus-dir "$tmp/taken"
want "saved under the next name" "saved $tmp/taken/${taken%.dax}-2.dax (${taken} is another file)" "$tmp/out"
# The same race already in the corpus (by another name) is not saved again.
mkdir -p "$tmp/has-race"
cp "$src/corpus/race-lost-share-update.dax" "$tmp/has-race/"
check "race --save-failures beside the same race" 0 "$bin" race --variant v6.2 --seed 1 --save-failures \
    --corpus-dir "$tmp/has-race"
want "says it is there" "already in the corpus as $tmp/has-race/race-lost-share-update.dax" "$tmp/out"
[ "$(ls "$tmp/has-race" | wc -l)" -eq 1 ] || { echo "FAIL the same race was saved again"; fails=$((fails + 1)); }
check "race --level fs v7.2 with --json, --emit, --save-failures" 0 "$bin" race --variant v7.2 --level fs \
    --seed 1 --json "$tmp/result.json" --emit "$tmp/r.sh" --save-failures --corpus-dir "$tmp/new/sub"
want "json verdict" '"verdict": "fail"' "$tmp/result.json"
want "the level named as run names it" "== v7.2 / race (filesystem level): fail" "$tmp/out"
# --emit FILE.sh: the predictions go beside it as FILE.json, the pair ./daxcheck kernel reads.
want "predictions beside the script" '"steps"' "$tmp/r.json"
want "the predictions are not the race result" '"complete": true' "$tmp/r.json"
want "--save-failures made its directory" "saved $tmp/new/sub/race-v7.2-fs-" "$tmp/out"
if grep -q '\.dax\.[A-Za-z0-9]\{6\}' "$tmp/out" "$tmp/err"; then echo "FAIL a temporary file name shown"; fails=$((fails + 1)); fi
check "--json naming --emit's predictions is refused" 2 "$bin" race --variant v7.2 --level fs --seed 1 \
    --emit "$tmp/p.sh" --json "$tmp/p.json"
want "says which file" "that is --emit's predictions file" "$tmp/err"
[ ! -e "$tmp/p.sh" ] || { echo "FAIL the refused race wrote its script"; fails=$((fails + 1)); }
ln -s "$tmp/q.json" "$tmp/alias.json"
check "--json through a symlink to --emit's predictions is refused" 2 "$bin" race --variant v7.2 --level fs \
    --seed 1 --emit "$tmp/q.sh" --json "$tmp/alias.json"
[ ! -e "$tmp/q.sh" ] || { echo "FAIL the refused race wrote its script"; fails=$((fails + 1)); }
check "--json naming --emit's script is refused" 2 "$bin" race --variant v7.2 --level fs --seed 1 \
    --emit "$tmp/p.sh" --json "$tmp/./p.sh"
check "--emit not ending in .sh is refused" 2 "$bin" race --variant v7.2 --level fs --seed 1 --emit "$tmp/e.json"
want "says the rule" "ends in .sh" "$tmp/err"
[ ! -e "$tmp/e.json" ] && [ ! -e "$tmp/e.json.json" ] || { echo "FAIL --emit e.json wrote a file"; fails=$((fails + 1)); }
# race's universe defaults are its own: --help says them, and a --pmd-order
# with no room for a PMD entry in them is refused.
check "race --help" 0 "$bin" race --help
want "race --help gives race's --pfns default" "number of pfns (default 2)" "$tmp/out"
check "race --pmd-order 9 in 2 pfns is refused" 2 "$bin" race --variant v6.2 --pmd-order 9
want "names --pmd-order" "--pmd-order 9: 2 pfns" "$tmp/err"
check "race --pmd-order 9 with room" 0 "$bin" race --variant v6.2 --pmd-order 2 --pfns 4 --offsets 4 --depth 0 --seed 1
# An error in a race file's replay names its line once.
cat >"$tmp/illegal-race.dax" <<'EOT'
universe: files=2 pfns=2 offsets=2 pmd-order=1 max-pins=1
property: race
profile: reflink
shows: x
expect: v6.2 fail

associate A 0 pfn=0 order=0 shared=0
race: associate A 1 pfn=0 order=0 shared=0 || associate B 0 pfn=0 order=0 shared=0
schedule: A B
EOT
check "a race file whose pair is illegal fails replay" 1 "$bin" replay "$tmp/illegal-race.dax"
want "one location" "illegal-race.dax:8: the race's operations are not both legal" "$tmp/out"
if grep -q ":[0-9]*: line [0-9]" "$tmp/out"; then echo "FAIL two locations in one error"; fails=$((fails + 1)); fi
# A schedule that is not a run of its race on the first expect: line's variant
# (too short, too long, a step of an operation that has finished) is an error
# naming the file and the schedule: line, never another interleaving replayed
# in its place; emit refuses it too.
lost="$src/corpus/race-lost-share-update.dax"
line=$(grep -n '^schedule:' "$lost" | cut -d: -f1)
for schedule in "A" "A A A A B B B A A" "A A A A A A A A"; do
    sed "s/^schedule: .*/schedule: $schedule/" "$lost" >"$tmp/bad-schedule.dax"
    check "replay of a race file with schedule '$schedule' fails" 1 "$bin" replay "$tmp/bad-schedule.dax"
    want "it names the file, the line and the variant" "bad-schedule.dax:$line: 'schedule:' is not a run of the race on v6.2" "$tmp/out"
done
# replay --variant (a port checked against the corpus in CI) replays a race
# file on that variant and checks its schedule: it used to skip race files.
check "replay --variant of a broken schedule fails" 1 "$bin" replay --variant v6.15 "$tmp/bad-schedule.dax"
want "it names the schedule: line" "bad-schedule.dax:$line: 'schedule:' is not a run of the race on v6.2" "$tmp/out"
check "replay --variant replays a race file on it" 0 "$bin" replay --variant v6.15 "$lost"
want "one line, for that variant" "^ok    .*race-lost-share-update.dax  v6.15 .*fail (expected fail)" "$tmp/out"
if grep -q ' v6.2 ' "$tmp/out"; then echo "FAIL replay --variant v6.15 replayed another variant's line"; fails=$((fails + 1)); fi
check "replay --variant with no line for it skips the file (and checked nothing: exit 1)" 1 "$bin" replay --variant v10 "$lost"
want "it says why" "^skip  .*race-lost-share-update.dax  v10 .*no expect: line for it" "$tmp/out"
check "replay --variant checks the schedule of a file with no line for it" 1 "$bin" replay --variant v10 "$tmp/bad-schedule.dax"
# A line of a port this binary lacks is skipped, as in other corpus files
# (it failed: "no such variant in the concurrency build").
sed "s/^expect: v6.2 fail/port: my_patch.cpp\nexpect: my-patch fail\nexpect: v6.2 fail/" "$lost" >"$tmp/port-race.dax"
check "replay of a race file naming a port this binary lacks" 0 "$bin" replay "$tmp/port-race.dax"
want "the port's line is skipped" "^skip  .*port-race.dax  my-patch .*not in this binary (an out-of-tree port)" "$tmp/out"
want "the other lines replay" "^ok    .*port-race.dax  v6.2 " "$tmp/out"
# A failing file whose name starts with '-': its reproduce line runs (the
# name was read as an option).
sed 's/^expect: v6.2 fail/expect: v6.2 pass/' "$lost" >"$tmp/-flipped.dax"
(cd "$tmp" && "$bin" replay -- -flipped.dax >"$tmp/out" 2>&1)
line=$(grep -m1 'reproduce: ' "$tmp/out" | sed 's/^ *reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
(cd "$tmp" && "$bin" $line >/dev/null 2>&1); rc=$?
[ "$rc" -eq 1 ] && echo "ok   the reproduce line of a file named -flipped.dax runs" \
    || { echo "FAIL the reproduce line '$line' exits $rc, wanted 1"; fails=$((fails + 1)); }
# A race that cannot be built (a pfn outside the universe) fails too, not a
# skip that says its lines were checked (helper-21's finding).
race_line=$(grep -n '^race:' "$lost" | cut -d: -f1)
sed "s/^race: .*/race: associate A 0 pfn=7 order=0 shared=1 || associate B 0 pfn=7 order=0 shared=1/" "$lost" >"$tmp/bad-race.dax"
check "replay --variant of a race that cannot be built, with no line for it" 1 "$bin" replay --variant v10 "$tmp/bad-race.dax"
want "it names the race: line" "bad-race.dax:$race_line: " "$tmp/out"
fsrace="$src/corpus/race-fs-read-faults-of-reflinked-block.dax"
line=$(grep -n '^schedule:' "$fsrace" | cut -d: -f1)
sed "s/^schedule: .*/schedule: A A A A B B B/" "$fsrace" >"$tmp/bad-fs-schedule.dax"
check "emit of a race file whose schedule is too short" 2 "$bin" emit "$tmp/bad-fs-schedule.dax"
want "emit names the file and line" "bad-fs-schedule.dax:$line: 'schedule:' is not a run of the race on v6.2 .*: it names 7 steps, but the run has 8" "$tmp/err"
# On another variant's code the schedule names no interleaving: emit says
# where its predictions come from instead.
check "emit of a race file for another variant" 0 "$bin" emit "$fsrace" --variant v7.2 --script "$tmp/v72.sh" \
    --predictions "$tmp/v72.json"
want "it says the schedule is v6.2's" "the schedule records a run of v6.2, not of v7.2" "$tmp/err"
want "stress script mounts dax" "mount -o dax=always" "$tmp/r.sh"
want "stress script zaps the mapping" "madvise -d" "$tmp/r.sh"
saved=$(ls "$tmp"/new/sub/race-v7.2-fs-*.dax 2>/dev/null | head -1)
[ -n "$saved" ] || { echo "FAIL no race corpus file saved"; fails=$((fails + 1)); }
[ -n "$saved" ] && check "a saved race file replays" 0 "$bin" replay "$saved"
[ -n "$saved" ] && want "replay ok" "^ok " "$tmp/out"

check "unknown variant names --variant" 2 "$bin" race --variant v99
want "names the flag" "\-\-variant" "$tmp/err"
check "--emit wants --level fs" 2 "$bin" race --variant v6.2 --emit "$tmp/x.sh"
check "--json to a directory" 2 "$bin" race --variant v6.2 --json "$tmp"
check "one file cannot race" 2 "$bin" race --variant v6.2 --files 1
check "bad level" 2 "$bin" race --variant v6.2 --level block
check "bad depth" 2 "$bin" race --variant v6.2 --depth -1
[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
