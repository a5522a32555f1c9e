#!/usr/bin/env bash
# cmake --install of this build into a temporary prefix, then the example
# project examples/port_project built against it with find_package(daxcheck)
# and daxcheck_add_port(): its binary lists the port and reports its stale
# folio order as new against the base.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
# The work goes under the build directory, not /tmp: it holds a whole
# installed package and a second linked binary (hundreds of MB), and it runs
# binaries, which a small or noexec /tmp would refuse.
tmp=$(mktemp -d "$build/install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; df -h "$tmp" >&2 || true; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
[ -x "$tmp/prefix/bin/daxcheck" ] || fail "no bin/daxcheck installed"
[ -f "$tmp/prefix/include/daxcheck/impl/shim/kernel.h" ] || fail "no shim headers installed"
[ -f "$tmp/prefix/lib/cmake/daxcheck/daxcheckConfig.cmake" ] || fail "no package config installed"
"$tmp/prefix/bin/daxcheck" list | grep "v6.15" >/dev/null || fail "installed daxcheck list"

cmake -S "$src/examples/port_project" -B "$tmp/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure"; }
cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build"; }
"$tmp/build/daxcheck" list >"$tmp/list.txt"
grep -q "v6.15-rc1" "$tmp/list.txt" || fail "the port is not registered"
grep -q "^v6.15 " "$tmp/list.txt" || grep -q "v6.15" "$tmp/list.txt" || fail "in-tree variants missing"
set +e
"$tmp/build/daxcheck" run --variant v6.15-rc1 --base --property drain --profile exclusive \
    --seed 1 --tests 20 --walks 100 >"$tmp/run.txt" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$tmp/run.txt"; fail "run --base exit $rc, wanted 1 (a new failure)"; }
grep -q "v6.15-rc1 *v6.15 *drain *exclusive *new failure" "$tmp/run.txt" || { cat "$tmp/run.txt"; fail "no new failure against v6.15"; }
grep -q "stale folio order" "$tmp/run.txt" || { cat "$tmp/run.txt"; fail "the stale folio order is not shown"; }
# Its printed commands name this binary, which has the port built in (they
# said ./daxcheck --port FILE: no such command in a port project), and run:
# the first reproduce line of OUTPUT starts with "BINARY COMMAND " and, run
# through a shell, prints again the first line OUTPUT has that matches MARK.
reproduces() {  # OUTPUT COMMAND MARK
    local out=$1 command=$2 mark=$3 line want
    line=$(sed -n 's/^  reproduce: //p' "$out" | head -1)
    case "$line" in
        "$tmp/build/daxcheck $command "*) ;;
        *) cat "$out"; fail "$command's reproduce line does not name the project's binary: $line" ;;
    esac
    want=$(grep -m1 -- "$mark" "$out" || true)
    [ -n "$want" ] || { cat "$out"; fail "$command: no line matching $mark"; }
    bash -c "$line" >"$out.again" 2>&1 || true
    grep -qxF -- "$want" "$out.again" || { cat "$out.again"; fail "$command's reproduce line does not reproduce: $want"; }
}
reproduces "$tmp/run.txt" run '^  failure class: '
# race builds its own lines.
set +e
"$tmp/build/daxcheck" race --variant v6.15-rc1 --depth 1 --files 2 --pfns 2 --offsets 2 --seed 1 \
    >"$tmp/race.txt" 2>&1
set -e
reproduces "$tmp/race.txt" race '^== v6.15-rc1 / race'
# What it saves names its port at every level (the filesystem level's and
# race's files had no port: line, so a binary without the port failed them
# as naming an unknown variant): the installed binary skips each file, the
# project's replays it.
set +e
"$tmp/build/daxcheck" run --variant v6.15-rc1 --property drain --profile exclusive --seed 1 --tests 20 \
    --walks 100 --save-failures --corpus-dir "$tmp/saved" >"$tmp/save.txt" 2>&1
"$tmp/build/daxcheck" run --level fs --variant v6.15-rc1 --property refinement --profile reflink --seed 1 \
    --save-failures --corpus-dir "$tmp/saved" >>"$tmp/save.txt" 2>&1
"$tmp/build/daxcheck" race --variant v6.15-rc1 --depth 1 --files 2 --pfns 2 --offsets 2 --seed 1 \
    --save-failures --corpus-dir "$tmp/saved" >>"$tmp/save.txt" 2>&1
set -e
for kind in "" fs- race-; do
    saved=$(find "$tmp/saved" -name "${kind}v6*.dax" | head -1)
    [ -n "$saved" ] || { cat "$tmp/save.txt"; fail "no ${kind:-function-level }file saved"; }
    grep -qx "port: $src/examples/v6_15_rc1.cpp" "$saved" || { cat "$saved"; fail "$saved names no port"; }
done
"$tmp/prefix/bin/daxcheck" replay "$tmp/saved" >"$tmp/replay.txt" 2>&1 || true
files=$(find "$tmp/saved" -name "*.dax" | wc -l)
grep -q "^0 passed, 0 failed, $files skipped" "$tmp/replay.txt" || { cat "$tmp/replay.txt"; fail "a binary without the port does not skip the saved files"; }
"$tmp/build/daxcheck" replay "$tmp/saved" >"$tmp/replay.txt" 2>&1 || { cat "$tmp/replay.txt"; fail "the project's binary does not replay its saved files"; }
echo "install test: ok"
