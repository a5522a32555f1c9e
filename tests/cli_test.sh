#!/usr/bin/env bash
# The daxcheck binary's contract: exit codes, usage errors, same seed same JSON.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check NAME EXPECTED_RC COMMAND...
    local name=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, wanted $want"; cat "$tmp/out" "$tmp/err" | head -20; fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}
check "run as expected exits 0" 0 "$bin" run --seed 3 --tests 50
check "bad flag exits 2" 2 "$bin" run --no-such-flag
grep -q "no-such-flag" "$tmp/err" || { echo "FAIL bad flag not named"; fails=$((fails + 1)); }
check "unknown variant exits 2" 2 "$bin" run --variant v99
grep -q "known: v10" "$tmp/err" || { echo "FAIL valid variants not listed"; fails=$((fails + 1)); }
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
check "json run A" 0 "$bin" run --variant v10 --variant v10-fixed --seed 11 --tests 60 --json "$tmp/a.json"
check "json run B" 0 "$bin" run --variant v10 --variant v10-fixed --seed 11 --tests 60 --json "$tmp/b.json"
if diff <(grep -v '"time_ms"' "$tmp/a.json") <(grep -v '"time_ms"' "$tmp/b.json") >/dev/null; then
    echo "ok   same seed, same JSON (time_ms aside)"
else
    echo "FAIL same seed gave different JSON"; fails=$((fails + 1))
fi
for field in variant property profile verdict expected tests seed time_ms counterexample reproduce; do
    grep -q "\"$field\"" "$tmp/a.json" || { echo "FAIL json lacks $field"; fails=$((fails + 1)); }
done
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
echo "$((fails == 0 ? 1 : 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
