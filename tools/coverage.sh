#!/usr/bin/env bash
# Line and branch coverage of the whole ctest suite (./daxcheck coverage).
# Expects build/coverage built with the `coverage` preset (gcc --coverage -O0).
# Writes reports/coverage/ (genhtml) and prints line and branch coverage of
# model/ and of each port in impl/, then every uncovered line and branch of
# those files with its reason from tools/coverage-reasons.txt.
# Exit status: 0 when the suite passed and every shortfall has a reason.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/coverage"
out="$root/reports/coverage"
reasons="$root/tools/coverage-reasons.txt"
ports=(impl/v10.cpp impl/pre_reflink.cpp impl/v12.cpp impl/v6_0.cpp impl/v6_2.cpp impl/v6_15.cpp)
rc=(--rc lcov_branch_coverage=1 --rc geninfo_no_exception_branch=1)

mkdir -p "$out"
status=0
# DAXCHECK_COVERAGE_COLLECT_ONLY=1: collect the counters of the last run again.
if [ "${DAXCHECK_COVERAGE_COLLECT_ONLY:-0}" != 1 ]; then
    lcov --quiet --zerocounters --directory "$build"
    (cd "$root" && ctest --preset coverage -j "$(nproc)" >"$out/ctest.log" 2>&1) || {
        echo "daxcheck coverage: the test suite failed (reports/coverage/ctest.log):" >&2
        grep -E "Failed|\*\*\*" "$out/ctest.log" | head -20 >&2
        status=1
    }
fi
lcov --quiet "${rc[@]}" --capture --directory "$build" --base-directory "$root" \
     --output-file "$out/raw.info" 2>"$out/lcov.log"
# Drop the exception edges gcc gives every call that may throw: they are not
# branches of the code. (Debian's lcov 1.16 ignores geninfo_no_exception_branch
# with gcc's gzipped JSON; gcov marks them "throw", numbered in line order as
# geninfo numbers BRDA branches.)
find "$build" -name '*.gcda' -print0 | while IFS= read -r -d '' gcda; do
    gcov --json-format --branch-probabilities --stdout "$gcda" 2>/dev/null || true
done | jq -r '.files[] | .file as $f | .lines[] | .line_number as $l
              | .branches | to_entries[] | select(.value.throw) | "\($f)|\($l)|\(.key)"' \
    | sort -u >"$out/throw-branches.txt"
awk -F'|' 'FILENAME == ARGV[1] { throw[$0] = 1; next }
     /^SF:/ { file = substr($0, 4) }
     /^BRDA:/ { split(substr($0, 6), b, ","); if ((file "|" b[1] "|" b[3]) in throw) next }
     { print }' "$out/throw-branches.txt" "$out/raw.info" |
    # Recount the per-file branch totals after the filter.
    awk '/^BRDA:/ { split(substr($0, 6), b, ","); brf++; if (b[4] != "-" && b[4] > 0) brh++ }
         /^BRF:/ { print "BRF:" brf + 0; next } /^BRH:/ { print "BRH:" brh + 0; next }
         /^end_of_record/ { brf = 0; brh = 0 } { print }' >"$out/all.info"
lcov --quiet "${rc[@]}" --extract "$out/all.info" "$root/model/*" "$root/impl/*" \
     "$root/harness/*" "$root/properties/*" "$root/cli/*" --output-file "$out/daxcheck.info" \
     2>>"$out/lcov.log"
genhtml --quiet "${rc[@]}" --branch-coverage --title "daxcheck: ctest suite" --legend \
        --output-directory "$out" "$out/daxcheck.info" >>"$out/lcov.log" 2>&1

# Per file: lines found/hit, branches found/hit ('|'-separated: no empty
# fields collapse). lcov lists branches as BRDA:line,block,branch,taken
# ('-' = the condition was never evaluated).
awk -v root="$root/" '
    /^SF:/ { file = substr($0, 4); sub("^" root, "", file); files[file] = 1 }
    /^DA:/ { split(substr($0, 4), a, ","); lf[file]++; if (a[2] > 0) lh[file]++ }
    /^BRDA:/ { split(substr($0, 6), b, ","); bf[file]++; if (b[4] != "-" && b[4] > 0) bh[file]++ }
    END { for (f in files) printf "%s|%d|%d|%d|%d\n", f, lf[f], lh[f], bf[f], bh[f] }
' "$out/daxcheck.info" | sort >"$out/per-file.txt"
# Uncovered items: FILE|LINE|what ("line", or "branch 1,3 of 4").
awk -v root="$root/" '
    /^SF:/ { file = substr($0, 4); sub("^" root, "", file) }
    /^DA:/ { split(substr($0, 4), a, ","); if (a[2] == 0) print file "|" a[1] "|line" }
    /^BRDA:/ { split(substr($0, 6), b, ","); key = file "|" b[1]; total[key]++
               if (b[4] == "-" || b[4] == 0) miss[key] = miss[key] (miss[key] == "" ? "" : ",") b[3] }
    END { for (k in miss) { n = split(miss[k], m, ",")
                            print k "|" n " of " total[k] " branches never taken (gcov #" miss[k] ")" } }
' "$out/daxcheck.info" | sort -t'|' -k1,1 -k2,2n >"$out/uncovered.txt"

pct() { awk -v h="$1" -v f="$2" 'BEGIN { if (f == 0) printf "   -  "; else printf "%5.1f%%", 100 * h / f }'; }
line_of() {  # FILE: its per-file.txt line
    awk -F'|' -v f="$1" '$1 == f' "$out/per-file.txt"
}
report_row() {  # NAME LF LH BF BH
    printf "  %-22s lines %s (%4d/%-4d)  branches %s (%4d/%-4d)\n" "$1" "$(pct "$3" "$2")" "$3" "$2" \
           "$(pct "$5" "$4")" "$5" "$4"
}

echo "daxcheck coverage: ctest suite, gcc --coverage -O0, branches without exception edges"
echo "HTML: reports/coverage/index.html"
echo
totals() {  # PATTERN: sums over the files matching it
    awk -F'|' -v p="$1" '$1 ~ p { lf += $2; lh += $3; bf += $4; bh += $5 } END { print lf+0, lh+0, bf+0, bh+0 }' \
        "$out/per-file.txt"
}
for folder in model impl harness properties cli; do
    read -r lf lh bf bh < <(totals "^$folder/")
    report_row "$folder/" "$lf" "$lh" "$bf" "$bh"
done
echo
for f in "${ports[@]}"; do
    IFS='|' read -r _ lf lh bf bh < <(line_of "$f")
    report_row "$f" "${lf:-0}" "${lh:-0}" "${bf:-0}" "${bh:-0}"
done

# Each uncovered line and branch of the model and the ports, with its reason:
# the first line of coverage-reasons.txt whose file matches and whose text
# occurs in the source line ("FILE | TEXT | REASON").
reason_for() {  # FILE SOURCE_LINE
    local file=$1 src=$2 f text why
    while IFS='|' read -r f text why; do
        f=$(echo "$f" | sed 's/^ *//; s/ *$//'); text=$(echo "$text" | sed 's/^ *//; s/ *$//')
        [ -z "$f" ] || [ "${f:0:1}" = "#" ] && continue
        [ "$f" = "$file" ] || continue
        # "=TEXT" matches a source line that is exactly TEXT; else TEXT occurs in it.
        if [ "${text:0:1}" = "=" ]; then [ "$src" = "${text:1}" ] || continue
        else [[ "$src" == *"$text"* ]] || continue; fi
        echo "${why# }"; return
    done <"$reasons"
    echo ""
}
unexplained=0
echo
echo "Uncovered in model/ and the ports (FILE:LINE what / source / reason):"
any=0
while IFS='|' read -r f l what; do
    case " ${ports[*]} " in *" $f "*) ;; *) [[ "$f" == model/* ]] || continue ;; esac
    any=1
    src=$(sed -n "${l}p" "$root/$f" | sed 's/^ *//')
    why=$(reason_for "$f" "$src")
    if [ -z "$why" ]; then
        why="NO REASON: add a test, or a line to tools/coverage-reasons.txt"
        unexplained=$((unexplained + 1))
    fi
    printf "  %s:%s %s\n      %s\n      -> %s\n" "$f" "$l" "$what" "$src" "$why"
done <"$out/uncovered.txt"
[ "$any" -eq 0 ] && echo "  nothing"
echo
if [ "$unexplained" -gt 0 ]; then
    echo "daxcheck coverage: $unexplained uncovered item(s) without a reason"
    status=1
fi
exit "$status"
