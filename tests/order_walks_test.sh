#!/usr/bin/env bash
# The walks at other PMD orders (engines/order_walks.h) catch what order 1
# cannot: the test-only port whose loop over an entry's pfns runs order + 1
# pages (tests/ports/order_bound_port.cpp) passes every order-1 walk. The
# default run and swarm find it at PMD order 2; the same cell with a universe
# flag (which turns those walks off) passes; v6.2, its fixed version, passes
# the default run; each reproduce line shows the same failure again.
# Usage: order_walks_test.sh DAXCHECK_WITH_TEST_PORTS
bin=$1
. "$(dirname "$0")/check_lib.sh"
cell=(--variant test-order-plus-one --property refinement --profile exclusive --seed 1)

check "run finds the loop bound at PMD order 2" 0 "$bin" run "${cell[@]}"
want "the verdict" "^test-order-plus-one  *refinement  *exclusive  *fail  *fail" "$tmp/out"
want "the order it failed at" "failed at swarm walk [0-9]* at PMD order 2" "$tmp/out"
found=$(grep -m1 "failed at swarm walk" "$tmp/out")
step=$(grep -m1 "^  after #" "$tmp/out")
# run's reproduce line runs the same cell, which walks the same orders.
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck --port [^ ]* ##')
# shellcheck disable=SC2086
check "run's reproduce line" 0 "$bin" $line
grep -qF "$found" "$tmp/out" && grep -qF "$step" "$tmp/out" ||
    { echo "FAIL run's reproduce line does not fail the same way: '$found' / '$step'"; fails=$((fails + 1)); }

check "with a universe flag the order walks are off: it passes" 1 "$bin" run "${cell[@]}" --pmd-order 1
want "an unexpected pass" "^test-order-plus-one  *refinement  *exclusive  *pass  *fail .*UNEXPECTED" "$tmp/out"
check "v6.2, without the bug, passes the default run" 0 "$bin" run --variant v6.2 --property refinement \
    --profile exclusive --seed 1
want "v6.2 passes" "^v6.2  *refinement  *exclusive  *pass  *pass" "$tmp/out"

check "swarm finds it at PMD order 2" 0 "$bin" swarm "${cell[@]}" --walks 2000
want "swarm's reproduce line carries the order-2 universe" "reproduce: .* --pmd-order 2 .*--walk-seed" "$tmp/out"
step=$(grep -m1 "^  after #" "$tmp/out")
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck --port [^ ]* ##')
# shellcheck disable=SC2086
check "swarm's reproduce line" 0 "$bin" $line
grep -qF "$step" "$tmp/out" || { echo "FAIL swarm's reproduce line does not fail at '$step'"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
