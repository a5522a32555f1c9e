#!/usr/bin/env bash
# replay --base at the function level says what run --base says of the same
# classes (engines/base_diff.cpp): a reference count hidden at the step where
# the variant fails with another message is "not seen" there. Runs the
# binary with the test-only ports (tests/ports/tail_pin_drift_port.cpp).
#   replay_base_notes_test.sh DAXCHECK_WITH_TEST_PORTS
bin=$1
. "$(dirname "$0")/check_lib.sh"

# The drift port miscounts at #3; the stale-head port breaks the relation
# there, which hides the count.
printf '%s\n' "universe: files=3 pfns=4 offsets=4 pmd-order=1 max-pins=2" "property: refinement" \
    "profile: exclusive" "shows: a tail pin counted on the head after the split" \
    "expect: test-tail-pin-drift fail" "associate A 0 pfn=0 order=1 shared=0" "pin 1" "truncate A 0" \
    >"$tmp/drift.dax"
check "replay --base: a count hidden at the same step" 1 "$bin" replay --variant test-tail-pin-drift-stale-head \
    "$tmp/drift.dax" --base test-tail-pin-drift
want "replay --base: not seen" "test-tail-pin-drift's class is told by its message alone and test-tail-pin-drift-stale-head fails #3 with another message, which hides it there: whether test-tail-pin-drift-stale-head has it is not seen" "$tmp/out"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
