#!/usr/bin/env bash
# ./daxcheck --port in a read-only checkout, and concurrent calls (issue 16):
# a copy of the checkout made read-only (chmod -R a-w) builds a port into the
# cache and runs it, writing nothing into the checkout; two --port calls and a
# plain call at the same time all succeed with their own results; a port
# change rebuilds and its compiler warnings are shown. The checkout's package
# comes from this build (DAXCHECK_PACKAGE_DIR) so only the port is compiled.
#   port_build_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
# Under the build directory, not /tmp: two port builds (hundreds of MB) whose
# binaries run, which a small or noexec /tmp would refuse. The checkout copy
# leaves build/ and this directory out, so it never copies itself.
tmp=$(mktemp -d "$build/port-build-test.XXXXXX")
inside=$(realpath --relative-to="$src" "$tmp")
cleanup() { chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; df -h "$tmp" >&2 || true; exit 1; }

mkdir "$tmp/checkout"
tar -C "$src" --exclude=./build --exclude=./reports --exclude=./.git --exclude="./$inside" -cf - . |
    tar -C "$tmp/checkout" -xf -
cp "$src/examples/my_patch.cpp" "$tmp/my.cpp"
chmod -R a-w "$tmp/checkout"
touch "$tmp/marker"
export DAXCHECK_CACHE_DIR="$tmp/cache" DAXCHECK_PACKAGE_DIR="$build"
dax="$tmp/checkout/daxcheck"

# A package directory without a binary: one clear line and exit 2.
set +e
DAXCHECK_PACKAGE_DIR="$tmp/none" "$dax" list >"$tmp/none.txt" 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "DAXCHECK_PACKAGE_DIR=$tmp/none holds no daxcheck binary" "$tmp/none.txt" ||
    { cat "$tmp/none.txt"; fail "a package directory without a binary: exit $rc"; }

# --port refuses, naming the path and before any build, an empty port file
# (it would register no variant: the call would run without the port) and a
# path CMake cannot carry (';' splits its lists; a quote or a backslash).
: >"$tmp/empty.cpp"
printf '\n \t\n' >"$tmp/blank.cpp"
refused_as() {  # refused_as FILE TEXT: --port FILE exits 2, saying TEXT, before any build
    set +e
    "$dax" --port "$1" list >"$tmp/refused.txt" 2>&1
    local rc=$?
    set -e
    [ "$rc" -eq 2 ] && grep -qF -- "$2" "$tmp/refused.txt" &&
        ! grep -q "CMake Error" "$tmp/refused.txt" || { cat "$tmp/refused.txt"; fail "--port $1: exit $rc"; }
}
refused() { refused_as "$1" "daxcheck: --port $1: $2"; }  # refused FILE MESSAGE
# refused_call TEXT ARGS...: `./daxcheck ARGS` exits 2, saying TEXT (the
# refusals that may come after a build).
refused_call() {
    local text=$1; shift
    set +e
    "$dax" "$@" >"$tmp/refused.txt" 2>&1
    local rc=$?
    set -e
    [ "$rc" -eq 2 ] && grep -qF -- "$text" "$tmp/refused.txt" || { cat "$tmp/refused.txt"; fail "$*: exit $rc"; }
}
refused "$tmp/empty.cpp" "the file is empty"
refused "$tmp/blank.cpp" "the file is empty"
refused "$tmp" "not a regular file"
# Names that look like options are names (grep, dirname and basename got them as options).
cp "$src/examples/my_patch.cpp" "$tmp/-x;.cpp"
(cd "$tmp" && refused "-x;.cpp" "a path with ';'")
for dir in 'a;b' 'q"x' 'b\x' 'a${HOME}b' 'a$ENV{HOME}b' 'a$CACHE{X}b'; do
    mkdir "$tmp/$dir"
    cp "$src/examples/my_patch.cpp" "$tmp/$dir/my.cpp"
    refused "$tmp/$dir/my.cpp" "a path with"
done
# A name ending in a newline: $(basename) would drop it and name the
# neighbour without it (both exist here).
cp "$src/examples/my_patch.cpp" "$tmp/nl.cpp"
cp "$src/examples/my_patch.cpp" "$tmp/nl.cpp"$'\n'
refused_as "$tmp/nl.cpp"$'\n' "daxcheck: --port $tmp/nl.cpp\n: a path with a newline"
# A missing one is named with its newline shown, not as its neighbour.
refused_as "$tmp/my.cpp"$'\n' "daxcheck: --port: no such file: $tmp/my.cpp\n"
# The same file twice, under two spellings: refused by name before any build.
refused_call "daxcheck: --port $(cd "$src/examples" && pwd)/my_patch.cpp: given twice" \
    --port "$src/examples/my_patch.cpp" --port "$src/examples/../examples/my_patch.cpp" list
# ... and through a symlink (it built, then failed: 'registered twice').
ln -s "$tmp/my.cpp" "$tmp/link.cpp"
refused_call "daxcheck: --port $tmp/link.cpp: given twice" --port "$tmp/my.cpp" --port "$tmp/link.cpp" list
[ ! -e "$tmp/cache" ] || fail "a refused --port built something"
# daxcheck_add_port() itself (a port project of one's own) stops at an empty file.
mkdir "$tmp/empty-project"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(p LANGUAGES CXX)\nfind_package(daxcheck REQUIRED)\ndaxcheck_add_port("%s")\n' \
    "$tmp/empty.cpp" >"$tmp/empty-project/CMakeLists.txt"
if cmake -S "$tmp/empty-project" -B "$tmp/empty-project/build" -G Ninja -Ddaxcheck_DIR="$build" \
       >"$tmp/empty-project.txt" 2>&1 ||
       ! tr -s '\n ' '  ' <"$tmp/empty-project.txt" | grep -F "daxcheck_add_port: $tmp/empty.cpp is empty" >/dev/null; then
    cat "$tmp/empty-project.txt"; fail "daxcheck_add_port of an empty file"
fi

run_args=(run --property refinement --profile reflink --seed 1 --tests 20 --walks 50)

# A read-only checkout builds the port in the cache and runs it.
"$dax" --port "$tmp/my.cpp" "${run_args[@]}" --variant example-cow-entry >"$tmp/ro.txt" 2>"$tmp/ro.err" \
    || { cat "$tmp/ro.txt" "$tmp/ro.err"; fail "--port run in a read-only checkout"; }
grep -q "example-cow-entry" "$tmp/ro.txt" || fail "the port's cells are missing"
[ -z "$(find "$tmp/checkout" -newer "$tmp/marker" -print -quit)" ] || fail "something was written into the checkout"
ls "$tmp/cache"/port-*/build/daxcheck >/dev/null || fail "the port binary is not in the cache"
# The corpus a command defaults to is the invoking checkout's, not that of
# the package the binary came from (helper-40: a --port run saved into the
# package's source tree): here the copy's. (Root writes into it even when
# read-only, and the file is removed again; anyone else is refused.)
"$dax" --port "$tmp/my.cpp" run --variant v6.15 --property drain --profile exclusive --save-failures --tests 5 \
    --walks 0 >"$tmp/saved.txt" 2>&1 || true
saved=$(sed -n 's/^saved //p' "$tmp/saved.txt" | head -1)
case "$saved" in
    "$tmp/checkout/corpus/"*.dax) chmod u+w "$tmp/checkout/corpus"; rm -f "$saved"; chmod a-w "$tmp/checkout/corpus" ;;
    # Not root: the read-only corpus/ is refused, by its name.
    "") grep -qF "$tmp/checkout/corpus" "$tmp/saved.txt" ||
            { cat "$tmp/saved.txt"; fail "--save-failures: neither saved nor refused the invoking checkout's corpus/"; } ;;
    *) cat "$tmp/saved.txt"; rm -f "$saved"; fail "--save-failures saved '$saved', not into the invoking checkout's corpus/" ;;
esac
# --save-failures of a port's cells without --corpus-dir is refused before
# anything runs: the checkout's corpus/ is daxcheck's own regression suite,
# which would replay the port's files with the in-tree variants (helper-39).
for cmd in run explore; do
    refused_call "--save-failures: variant 'example-cow-entry' comes from the port file $tmp/my.cpp: give --corpus-dir DIR" \
        --port "$tmp/my.cpp" $cmd --variant example-cow-entry --property refinement --save-failures
done
refused_call "--save-failures: variant 'example-cow-entry' comes from the port file" \
    --port "$tmp/my.cpp" race --variant example-cow-entry --depth 1 --save-failures
# The cache is keyed by the package: the same port against another package
# (here the same build under another path) gets a binary of its own, not the
# first one's (helper-39: a changed DAXCHECK_PACKAGE_DIR kept the old build).
ln -s "$build" "$tmp/same-build"
DAXCHECK_PACKAGE_DIR="$tmp/same-build" "$dax" --port "$tmp/my.cpp" list >"$tmp/other-package.txt" 2>&1 ||
    { cat "$tmp/other-package.txt"; fail "--port against a second package"; }
[ "$(ls -d "$tmp/cache"/port-*/ | wc -l)" -eq 2 ] || { ls "$tmp/cache"; fail "one port build served two packages"; }
# A build directory without the libraries a port links: one line naming
# them and how to build them, exit 2, before any build.
mkdir "$tmp/partial" "$tmp/config-only"
cp "$build/daxcheckConfig.cmake" "$build/CMakeCache.txt" "$tmp/partial/"
# A config file alone is no build: no cmake --build line that cannot work.
cp "$build/daxcheckConfig.cmake" "$tmp/config-only/"
DAXCHECK_PACKAGE_DIR="$tmp/config-only" refused_call "is neither a daxcheck build (no CMakeCache.txt) nor an install prefix" \
    --port "$tmp/my.cpp" list
DAXCHECK_PACKAGE_DIR="$tmp/partial" refused_call "is a build without the libraries a port links (missing: libdaxcheck_main.a libdaxcheck_ports_archive.a libdaxcheck_race_ports_archive.a); build them with: cmake --build $tmp/partial --target daxcheck_main" \
    --port "$tmp/my.cpp" list
# The port is in the concurrency build too: race runs it, and replay
# --variant runs a race: file's race on it ('no such variant in the
# concurrency build' before).
# (The example loses a share update in a race, as v6.2 does, and declares
# it: .expected_failures race/reflink.)
"$dax" --port "$tmp/my.cpp" race --variant example-cow-entry --depth 1 --files 2 --pfns 2 --offsets 2 \
    >"$tmp/race.txt" 2>&1 && grep -q "^daxcheck race: example-cow-entry" "$tmp/race.txt" &&
    grep -q "fail (expected)" "$tmp/race.txt" || { cat "$tmp/race.txt"; fail "race on the port"; }
set +e
"$dax" --port "$tmp/my.cpp" replay --variant example-cow-entry "$tmp/checkout/corpus/race-lost-share-update.dax" \
    >"$tmp/race-replay.txt" 2>&1
set -e
grep -q "^\(ok\|FAIL\)  *.*race-lost-share-update.dax  example-cow-entry .*(expected" "$tmp/race-replay.txt" &&
    ! grep -q "concurrency build" "$tmp/race-replay.txt" ||
    { cat "$tmp/race-replay.txt"; fail "replay --variant of a race file on the port"; }
# A failing one prints a reproduce line that names the port (it lacked
# --port), and the script as it was run (it said ./daxcheck, which is not
# there outside the checkout).
sed 's/^expect: v6.2 fail$/expect: v6.2 pass/' "$tmp/checkout/corpus/race-lost-share-update.dax" >"$tmp/flipped.dax"
set +e
"$dax" --port "$tmp/my.cpp" replay --variant example-cow-entry "$tmp/flipped.dax" >"$tmp/race-replay.txt" 2>&1
set -e
grep -qF "reproduce: $dax --port $tmp/my.cpp replay --variant example-cow-entry $tmp/flipped.dax" \
    "$tmp/race-replay.txt" || { cat "$tmp/race-replay.txt"; fail "a race file's reproduce line on a port"; }
line=$(sed -n 's/^ *reproduce: //p' "$tmp/race-replay.txt" | head -1)
(cd / && bash -c "$line") >"$tmp/again.txt" 2>&1 || true
grep "^FAIL  .*flipped.dax  example-cow-entry .*fail (expected pass" "$tmp/again.txt" >/dev/null ||
    { cat "$tmp/again.txt"; fail "the reproduce line, run from /, does not reproduce: $line"; }
# With CDPATH exported, cd prints the directory it found: the path must not
# take it in (it did: "a path with a newline", or another directory's file).
(cd "$(dirname "$tmp")" && CDPATH="$(dirname "$tmp")" "$dax" --port "$(basename "$tmp")/my.cpp" list \
    >"$tmp/cdpath.txt" 2>&1) && grep -q "example-cow-entry" "$tmp/cdpath.txt" ||
    { cat "$tmp/cdpath.txt"; fail "--port of a relative path with CDPATH set"; }

# A port that reads a page field through reinterpret_cast compiles in the
# normal build but not in the concurrency build: the call says why, and a
# '// daxcheck-no-race' line builds it without race.
sed 's|(unsigned long)page->mapping == PAGE_MAPPING_DAX_COW|reinterpret_cast<unsigned long>(page->mapping) == PAGE_MAPPING_DAX_COW|' \
    "$tmp/my.cpp" >"$tmp/cast.cpp"
grep -q 'reinterpret_cast<unsigned long>(page->mapping)' "$tmp/cast.cpp" || fail "the cast was not put in"
refused_call "daxcheck: the port does not compile in the concurrency build (race)" --port "$tmp/cast.cpp" list
printf '// daxcheck-no-race\n' >>"$tmp/cast.cpp"
"$dax" --port "$tmp/cast.cpp" list >"$tmp/cast.txt" 2>&1 && grep -q "example-cow-entry" "$tmp/cast.txt" ||
    { cat "$tmp/cast.txt"; fail "a port that opts out of the concurrency build"; }
# Its race: files are skipped, saying why (they failed: 'no such variant').
set +e
"$dax" --port "$tmp/cast.cpp" replay --variant example-cow-entry "$tmp/checkout/corpus/race-lost-share-update.dax" \
    >"$tmp/cast.txt" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "^skip .*example-cow-entry .*its port is not in the concurrency build" "$tmp/cast.txt" &&
    ! grep -q "^FAIL" "$tmp/cast.txt" || { cat "$tmp/cast.txt"; fail "replay of a race file on an opted-out port: exit $rc"; }
refused_call "unknown variant 'example-cow-entry' in the concurrency build" --port "$tmp/cast.cpp" race --variant example-cow-entry --depth 1

# A port file that registers no variant (comments only) builds, and is then
# refused by name: the call would otherwise run without the port.
printf '// my port: TODO\n' >"$tmp/comment.cpp"
refused_call "daxcheck: --port $tmp/comment.cpp: registers no variant" --port "$tmp/comment.cpp" list

# Concurrent calls: two with the port (one build directory, one lock) and a
# plain one, at the same time, on an empty cache: both port calls build it.
export DAXCHECK_CACHE_DIR="$tmp/cache2"
"$dax" --port "$tmp/my.cpp" "${run_args[@]}" --variant example-cow-entry >"$tmp/a.txt" 2>&1 &
a=$!
"$dax" --port "$tmp/my.cpp" "${run_args[@]}" --variant example-cow-entry --variant v6.2 >"$tmp/b.txt" 2>&1 &
b=$!
"$dax" "${run_args[@]}" --variant v6.2 >"$tmp/c.txt" 2>&1 &
c=$!
wait "$a" || { cat "$tmp/a.txt"; fail "concurrent --port call a"; }
wait "$b" || { cat "$tmp/b.txt"; fail "concurrent --port call b"; }
wait "$c" || { cat "$tmp/c.txt"; fail "concurrent plain call"; }
grep -q "^example-cow-entry .* pass" "$tmp/a.txt" || { cat "$tmp/a.txt"; fail "call a's result"; }
grep -q "^example-cow-entry .* pass" "$tmp/b.txt" && grep -q "^v6.2 .* pass" "$tmp/b.txt" || { cat "$tmp/b.txt"; fail "call b's result"; }
grep -q "^v6.2 .* pass" "$tmp/c.txt" || { cat "$tmp/c.txt"; fail "the plain call's result"; }
! grep -q "example-cow-entry" "$tmp/c.txt" || fail "the plain call sees the port"
"$dax" list >"$tmp/list.txt" 2>&1 && ! grep -q "example-cow-entry" "$tmp/list.txt" || fail "plain list sees the port"

# A port change rebuilds the port, and its warnings are shown, also on the
# next call that compiles nothing.
chmod u+w "$tmp/my.cpp"
printf '\nstatic int daxcheck_test_unused_function() { int x; return x; }\n' >>"$tmp/my.cpp"
"$dax" --port "$tmp/my.cpp" list >"$tmp/w1.txt" 2>"$tmp/w1.err" || { cat "$tmp/w1.err"; fail "rebuild after a change"; }
grep -q "warning" "$tmp/w1.err" || { cat "$tmp/w1.err"; fail "the port's warnings are not shown"; }
"$dax" --port "$tmp/my.cpp" list >/dev/null 2>"$tmp/w2.err"
grep -q "warning" "$tmp/w2.err" || fail "the port's warnings are not shown on the next call"
echo "port build test: ok"
