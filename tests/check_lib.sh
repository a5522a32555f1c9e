# What the CLI test scripts share (sourced): a scratch directory $tmp,
# removed at exit, the failure count $fails, and two checks.
#   check NAME EXPECTED_RC COMMAND...   runs COMMAND, its stdout in $tmp/out and stderr in $tmp/err
#   want NAME PATTERN FILE              FILE must match PATTERN (grep)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

check() {
    local name=$1 want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, wanted $want"; cat "$tmp/out" "$tmp/err" | head -30; fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}
want() {
    grep -q -- "$2" "$3" || { echo "FAIL $1: no '$2' in $3"; head -30 "$3"; fails=$((fails + 1)); }
}
