#!/usr/bin/env bash
# A walk whose failure a fresh replay does not show (engines/engine_fault.h)
# stops swarm and run --level fs with "internal error" and exit 2, with no
# counterexample printed and the --json file saying so (tests/ports/
# static_counter_port.cpp keeps its state where no reset reaches).
# Usage: engine_fault_cli_test.sh DAXCHECK_WITH_ENGINE_FAULT_PORT
bin=$1
. "$(dirname "$0")/check_lib.sh"
cell=(--variant test-static-call-counter --property no-spurious-warn --profile exclusive --seed 1)

for level in "swarm --walks 1000" "run --level fs --walks 1000"; do
    # shellcheck disable=SC2086
    # A --json file left from an earlier run is replaced by one that says so.
    echo '{"results": ["stale"]}' >"$tmp/run.json"
    check "$level stops with an internal error" 2 "$bin" $level "${cell[@]}" --threads 1 --json "$tmp/run.json"
    want "the error" "^daxcheck: internal error: walk [0-9]* (walk seed [0-9]*; .* pass when replayed on a fresh execution" "$tmp/err"
    jq -e '(.internal_error | test("pass when replayed on a fresh execution")) and .results == []' "$tmp/run.json" \
        >/dev/null || { echo "FAIL $level left its --json without the internal error"; cat "$tmp/run.json"; fails=$((fails + 1)); }
    if grep -q "reproduce:" "$tmp/out"; then
        echo "FAIL $level printed a counterexample"; fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
