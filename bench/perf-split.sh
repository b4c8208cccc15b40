#!/usr/bin/env bash
# Records the server with Linux perf during the anchor's and the subject's measured rounds apart
# (paths 1, 2 and 4 run both on the same server process), so that the two can be compared per request:
#
#   bench/perf-split.sh <name> [bench options...]     e.g. bench/perf-split.sh p4 --quick --only 4 --viewers 10000
#
# Writes bench/results/perf/<name>.{anchor,subject}.data and <name>.log (the bench's output). Divide a
# symbol's samples by the side's answered requests (statusCodes in the JSON of --out) and multiply by
# the sampling interval (1/1999 s) for its µs per request. JIT frames are named (--perf-basic-prof).
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bench/perf-split.sh <name> [bench options...]}
shift
out=bench/results/perf
mkdir -p "$out"
control="$out/$name.control"
rm -f "$control.anchor" "$control.subject"
mkfifo "$control.anchor" "$control.subject"

BENCH_NODE_ARGS="${BENCH_NODE_ARGS:-} --perf-basic-prof" npm run bench -- --perf-control "$control" "$@" >"$out/$name.log" 2>&1 &
bench=$!
# The server child is up once the first path starts; the bench's first write to a FIFO waits for perf.
until grep -q '^\[bench *[0-9.]*s\] path [0-9]' "$out/$name.log" 2>/dev/null; do
  kill -0 "$bench" 2>/dev/null || { echo "the bench ended before any path: $out/$name.log"; exit 1; }
  sleep 0.5
done
server=$(pgrep -f 'results/.bin/server-child' | head -1)
recorders=()
for side in anchor subject; do
  perf record -F 1999 -g -p "$server" -D -1 --control "fifo:$control.$side" -o "$out/$name.$side.data" 2>"$out/$name.$side.perf.log" &
  recorders+=($!)
done
status=0
wait "$bench" || status=$?
kill -INT "${recorders[@]}" 2>/dev/null || true
wait "${recorders[@]}" 2>/dev/null || true
rm -f "$control.anchor" "$control.subject"
grep -v '^\[bench' "$out/$name.log" | tail -n 30
exit "$status"
