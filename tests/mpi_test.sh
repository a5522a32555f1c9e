#!/usr/bin/env bash
# daxcheck-mpi (issue 18): `explore` spread over 2 and 4 MPI ranks gives the
# JSON one process gives (apart from times and memory_bytes, the sum of the
# ranks' stores), and a rank that dies or sees an MPI error ends the job with
# a non-zero status and no result. Usage: mpi_test.sh DAXCHECK DAXCHECK_MPI DAXCHECK_MPI_FAULTS
set -uo pipefail
plain=$1 mpi=$2 faults=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# CI runs as root; a container has no shared-memory single copy.
mpirun_args=(--oversubscribe --bind-to none --mca btl self,vader
             --mca btl_vader_single_copy_mechanism none)
[ "$(id -u)" -eq 0 ] && mpirun_args+=(--allow-run-as-root)
# Under ASan the ranks skip leak checking: Open MPI's own allocations live in
# plugins it unloads at MPI_Finalize, which LeakSanitizer cannot name to
# suppress (the plain binary's runs keep it).
ranks() {
    local n=$1; shift
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        timeout 120 mpirun -np "$n" "${mpirun_args[@]}" "$@"
}
without_times() { jq 'del(.results[].time_ms, .results[].memory_bytes)' "$1"; }
without_figures() { sed -E 's/[0-9.]+ (s|MB|M transitions\/s)//g; /^wrote /d' "$1"; }

ldd "$plain" | grep libmpi >/dev/null && fail "the plain daxcheck links MPI" || ok "the plain daxcheck needs no MPI"

# Counterexamples of every length found (step failures and end checks,
# misuse), searches stopped at the depth limit, symmetry on and off.
cells=(explore --variant v6.2 --variant v10-only-postdec --variant v10 --variant v6.15+debug_vm
       --property refinement --property drain --property misuse-detected
       --property order-independence --files 2 --pfns 3 --offsets 2 --max-pins 1 --depth 4
       --time-budget 0)
timeout 120 "$plain" "${cells[@]}" --json "$tmp/one.json" >"$tmp/one.out"
one_status=$?
[ -s "$tmp/one.json" ] || fail "one process wrote no JSON"
grep -q "cells\?: " "$tmp/one.out" || fail "one process printed no summary"
for n in 2 4; do
    ranks "$n" "$mpi" "${cells[@]}" --json "$tmp/$n.json" >"$tmp/$n.out" 2>"$tmp/$n.err"
    status=$?
    if [ "$status" -ne "$one_status" ]; then
        fail "$n ranks: exit status $status, one process $one_status"; tail -5 "$tmp/$n.err"
    elif ! diff <(without_times "$tmp/one.json") <(without_times "$tmp/$n.json") >"$tmp/diff"; then
        fail "$n ranks: JSON differs from one process"; head -20 "$tmp/diff"
    elif ! diff <(without_figures "$tmp/one.out") <(without_figures "$tmp/$n.out") >/dev/null; then
        fail "$n ranks: the printed report differs from one process"
    else
        ok "$n ranks: the same JSON as one process ($(jq .summary.cells "$tmp/$n.json") cells)"
    fi
done

# --off-model once: transitions left unexpanded are counted up to the
# failure, as transitions are, though other ranks ran past it before the
# level's end (the failing parent's are counted again).
once=(explore --variant v10 --variant v10-only-byvalue --variant v6.15+debug_vm
      --property no-spurious-warn --property drain --property order-independence
      --profile reflink --files 2 --pfns 2 --offsets 2 --pmd-order 1 --max-pins 1
      --off-model once --depth 6 --time-budget 0)
timeout 120 "$plain" "${once[@]}" --json "$tmp/once1.json" >/dev/null
for n in 2 4; do
    ranks "$n" "$mpi" "${once[@]}" --json "$tmp/once$n.json" >/dev/null 2>&1
    if diff <(without_times "$tmp/once1.json") <(without_times "$tmp/once$n.json") >"$tmp/diff"; then
        ok "$n ranks, --off-model once: $(jq '[.results[].off_model_transitions] | add' \
            "$tmp/once$n.json") unexpanded transitions, the same JSON as one process"
    else
        fail "$n ranks, --off-model once: JSON differs from one process"; head -20 "$tmp/diff"
    fi
done

# The depth-limited small universe with a counterexample-free cell and
# symmetry: per-depth counts of a larger search, 1 and 4 ranks.
big=(explore --variant v6.2 --property refinement --profile reflink --depth 5)
timeout 120 "$plain" "${big[@]}" --json "$tmp/big1.json" >/dev/null
ranks 4 "$mpi" "${big[@]}" --json "$tmp/big4.json" >/dev/null 2>&1
if diff <(without_times "$tmp/big1.json") <(without_times "$tmp/big4.json") >/dev/null; then
    ok "4 ranks: $(jq '.results[0].states' "$tmp/big4.json") states as one process"
else
    fail "4 ranks: the depth-5 search differs from one process"
fi

# run --walks and swarm shard their walks (rank r takes r, r+N, ...): the same
# verdicts, failing walks and counterexamples; a failing swarm cell's count of
# walks run is what the ranks ran before they met (as with --threads).
walk_fields='del(.results[].time_ms, .results[].operations_per_second, .results[].operations,
             .summary.operations_per_second, .summary.operations)'
walk_cells=(run --variant v10-fixed --variant v6.15 --property refinement --property drain
            --walks 300 --tests 50 --seed 5 --files 2 --pfns 3 --offsets 3)
swarm_cells=(swarm --variant v10-fixed --variant v10-only-postdec --property refinement
             --walks 300 --seed 3 --threads 1)
for cells in walk_cells swarm_cells; do
    declare -n command=$cells
    timeout 120 "$plain" "${command[@]}" --json "$tmp/w1.json" >/dev/null
    ranks 4 "$mpi" "${command[@]}" --json "$tmp/w4.json" >/dev/null 2>&1
    if ! diff <(jq "$walk_fields | del(.results[] | select(.failing_walk != null) | .walks)
                    | del(.summary.walks)" "$tmp/w1.json") \
              <(jq "$walk_fields | del(.results[] | select(.failing_walk != null) | .walks)
                    | del(.summary.walks)" "$tmp/w4.json") >"$tmp/diff"; then
        fail "${command[0]} on 4 ranks differs from one process"; head -20 "$tmp/diff"
    else
        ok "${command[0]} --walks on 4 ranks: the same cells as one process"
    fi
    unset -n command
done

ranks 2 "$mpi" explore --variant v6.2 --threads 2 >/dev/null 2>"$tmp/threads.err"
[ $? -eq 2 ] && grep -q "threads" "$tmp/threads.err" && ok "--threads 2 under MPI is a usage error" \
    || fail "--threads 2 under MPI is not a usage error"

# --memory-budget holds per rank: each rank's peak RSS above a tiny run's
# (Open MPI's own share) within 10 % of the budget. Every rank received all
# the others sent after its budget stopped it, in one buffer: 172 MB a rank
# at 100. Not under ASan (shadow memory is not the search's).
peak_per_rank() {  # peak_per_rank NAME EXPLORE_ARGS...: $tmp/NAME.R holds rank R's peak kB
    local name=$1; shift
    rm -f "$tmp/$name".*
    ranks 2 sh -c 'exec /usr/bin/time -f %M -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$tmp/$name" \
        "$mpi" explore --variant v6.2 --property refinement --profile reflink "$@" >/dev/null 2>&1
}
# grep without -q: it reads to the end. With pipefail, -q stops at the first
# match, ldd can die of SIGPIPE, and the pipeline reads as no match (it ran
# this check under ASan once).
if ldd "$mpi" | grep libasan >/dev/null; then
    ok "memory budget per rank: skipped under ASan"
else
    peak_per_rank tiny --files 1 --pfns 1 --offsets 1 --depth 1
    base=$(cat "$tmp"/tiny.* | sort -n | tail -1)
    peak_per_rank budget --files 3 --pfns 4 --offsets 4 --memory-budget 100 --time-budget 60
    # A rank that wrote no figure must not pass as one that used nothing.
    [ -n "$base" ] && [ "$(ls "$tmp"/budget.* 2>/dev/null | wc -l)" -eq 2 ] \
        || fail "memory budget per rank: no peak measured for the tiny run or for both ranks"
    for f in "$tmp"/budget.*; do
        [ -e "$f" ] || continue
        used=$(( ($(tail -1 "$f") - base) / 1024 ))
        [ "$used" -le 110 ] && ok "rank ${f##*.}: $used MB of a 100 MB budget" \
            || fail "rank ${f##*.}: $used MB over a 100 MB budget"
    done
fi

# A rank that dies (SIGKILL at its 5th collective call) or sees an MPI error:
# a non-zero status, a reason on stderr, no summary and no JSON.
for fault in kill:1:5 error:1:5 error:0:3; do
    rm -f "$tmp/fault.json"
    DAXCHECK_MPI_FAULT=$fault ranks 2 -x DAXCHECK_MPI_FAULT "$faults" "${big[@]}" \
        --json "$tmp/fault.json" >"$tmp/fault.out" 2>"$tmp/fault.err"
    status=$?
    if [ "$status" -eq 0 ]; then
        fail "$fault: exit status 0"
    elif [ -e "$tmp/fault.json" ] || grep -q "cells\?: \|no counterexample" "$tmp/fault.out"; then
        fail "$fault: a result was reported"
    elif [ "${fault%%:*}" = error ] && ! grep -q "MPI error in .*incomplete\|incomplete: no result" \
            <(tr '\n' ' ' <"$tmp/fault.err"); then
        fail "$fault: no reason on stderr"; head -5 "$tmp/fault.err"
    elif [ "${fault%%:*}" = kill ] && ! grep -qi "signal 9\|killed" "$tmp/fault.err"; then
        fail "$fault: mpirun did not say a rank died"; head -5 "$tmp/fault.err"
    else
        ok "$fault: exit status $status, no result"
    fi
done

echo "$failures failed"
[ "$failures" -eq 0 ]
