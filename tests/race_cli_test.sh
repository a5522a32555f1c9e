#!/usr/bin/env bash
# `daxcheck race` on the command line (issue 15): a failure prints the one
# command that reproduces it, and that command prints the same interleaving;
# --json, --emit and --save-failures write their files; a saved race file
# replays through `daxcheck replay`; bad flags are usage errors naming the flag.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
. "$(dirname "$0")/check_lib.sh"
# The interleaving as printed: the two-column lines and the results.
interleaving() { sed -n '/two processes at once/,/^  why:/p' "$1"; }

check "race v6.2 fails as expected" 0 "$bin" race --variant v6.2 --seed 3
want "two columns" "pfn 0 share: load" "$tmp/out"
want "serial results" "serial A then B:" "$tmp/out"
interleaving "$tmp/out" >"$tmp/first"
line=$(grep -m1 '  reproduce: ' "$tmp/out" | sed 's/^  reproduce: //; s#^\./daxcheck ##')
# shellcheck disable=SC2086
check "the printed reproduce line runs" 0 "$bin" $line
interleaving "$tmp/out" >"$tmp/again"
cmp -s "$tmp/first" "$tmp/again" || { echo "FAIL the reproduce line printed another interleaving"; diff "$tmp/first" "$tmp/again" | head; fails=$((fails + 1)); }

check "race --level fs v7.2 with --json, --emit, --save-failures" 0 "$bin" race --variant v7.2 --level fs \
    --seed 1 --json "$tmp/r.json" --emit "$tmp/r.sh" --save-failures --corpus-dir "$tmp"
want "json verdict" '"verdict": "fail"' "$tmp/r.json"
want "stress script mounts dax" "mount -o dax=always" "$tmp/r.sh"
want "stress script zaps the mapping" "madvise -d" "$tmp/r.sh"
saved=$(ls "$tmp"/race-v7.2-fs-*.dax 2>/dev/null | head -1)
[ -n "$saved" ] || { echo "FAIL no race corpus file saved"; fails=$((fails + 1)); }
[ -n "$saved" ] && check "a saved race file replays" 0 "$bin" replay "$saved"
[ -n "$saved" ] && want "replay ok" "^ok " "$tmp/out"

check "unknown variant names --variant" 2 "$bin" race --variant v99
want "names the flag" "\-\-variant" "$tmp/err"
check "--emit wants --level fs" 2 "$bin" race --variant v6.2 --emit "$tmp/x.sh"
check "--json to a directory" 2 "$bin" race --variant v6.2 --json "$tmp"
check "one file cannot race" 2 "$bin" race --variant v6.2 --files 1
check "bad level" 2 "$bin" race --variant v6.2 --level block
check "bad depth" 2 "$bin" race --variant v6.2 --depth -1
[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
