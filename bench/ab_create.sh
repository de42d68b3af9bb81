#!/bin/bash
# Before/after for domain creates on a machine whose speed drifts: runs bench_create.py from an older
# commit and from this tree alternately, ROUNDS times each, on the same database, and prints every run
# and the medians.
#
#     bench/ab_create.sh REVISION [COUNT] [ROUNDS] [bench_create.py options…]
#     KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench_create bench/ab_create.sh 20d5103 5000 3
#
# Both sides use this tree's bench_create.py (same requests, same output); only the code under test
# differs (PYTHONPATH). The older commit is checked out in a temporary worktree, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
revision=${1:?usage: bench/ab_create.sh REVISION [COUNT] [ROUNDS] [options…]}
count=${2:-5000}
rounds=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
old=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || rm -rf "$old"' EXIT
git worktree add -q --detach "$old" "$revision"
export KZREG_LOG_LEVEL=${KZREG_LOG_LEVEL:-WARNING}
results=$(mktemp)
for _ in $(seq 1 "$rounds"); do
    for side in old new; do
        src=$PWD/src
        [ "$side" = old ] && src=$old/src
        line=$(PYTHONPATH=$src .venv/bin/python bench/bench_create.py "$count" "$@" | grep '^bench_create:')
        echo "$side: ${line#bench_create: }"
        echo "$side $(echo "$line" | sed -E 's/.*= ([0-9,]+) creates\/s.*/\1/' | tr -d ,)" >>"$results"
    done
done
for side in old new; do
    echo "$side: median $(awk -v s="$side" '$1 == s {print $2}' "$results" | sort -n |
        awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}') creates/s"
done
rm -f "$results"
