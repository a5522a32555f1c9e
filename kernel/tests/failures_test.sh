#!/bin/sh
# The failure paths of ./daxcheck kernel on real boots (6.12): a hanging
# reproducer, a panic, a mount without DAX, an unreachable mirror and bad
# input each give their one-line verdict (never agree) and a non-zero exit,
# and no QEMU of this run is left behind.
# usage: failures_test.sh PYTHON3 RUN.PY OUTDIR
set -u
py=$1 runner=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
fail=0
check() { grep -q -- "$1" "$log" || { echo "FAIL: no '$1' in the output"; fail=1; }; }

# The hang alone gets the short timeout: a loaded machine may take longer than
# that to boot the others.
"$py" "$runner" --kernel 6.12 --timeout 20 --out "$out" "$here/failures/hang.sh" >"$log" 2>&1
rc=$?
cat "$log"
[ "$rc" -eq 1 ] || { echo "FAIL: hang: exit $rc, want 1"; fail=1; }
check "hang .*boot hung: killed after 20 s"
"$py" "$runner" --kernel 6.12 --out "$out" "$here/failures/panic.sh" "$here/failures/no-dax.sh" >"$log" 2>&1
rc=$?
cat "$log"
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc, want 1"; fail=1; }
check "panic .*kernel panic: sysrq triggered crash"
check "no-dax .*DAX not active on the mount"
if grep -qE ' agree( \(.*\))?$' "$log"; then echo "FAIL: a failure said agree"; fail=1; fi
# every QEMU of this run boots from a daxcheck-kernel-* temporary directory
if pgrep -f 'daxcheck-kernel-.*initrd' >/dev/null; then echo "FAIL: a QEMU is left running"; fail=1; fi

DAXCHECK_DEBIAN_MIRROR=http://127.0.0.1:9/debian "$py" "$runner" --kernel 6.12 \
    --cache "$(mktemp -d)" --out "$out" "$here/samples/exclusive-clean" >"$log" 2>&1
rc=$?
cat "$log"
[ "$rc" -eq 1 ] || { echo "FAIL: unreachable mirror: exit $rc, want 1"; fail=1; }
check "exclusive-clean .*download failed"

for bad in "--kernel 5.99 $here/samples/exclusive-clean" "--kernel 6.1 /no/such.dax" "--jobs 0 x" "--bogus"; do
    # shellcheck disable=SC2086
    "$py" "$runner" $bad >"$log" 2>&1
    rc=$?
    [ "$rc" -eq 2 ] || { echo "FAIL: '$bad': exit $rc, want 2"; fail=1; }
    grep -q "^daxcheck kernel: " "$log" || { echo "FAIL: '$bad': no one-line error"; cat "$log"; fail=1; }
    if grep -q Traceback "$log"; then echo "FAIL: '$bad': traceback"; fail=1; fi
done
rm -f "$log"
[ "$fail" -eq 0 ] && echo "kernel failures: all verdicts as expected"
exit "$fail"
