#!/usr/bin/env bash
# Cold start to first paint of the built app: from process start to the UI's first IPC call
# (made on mount, after the first paint), as logged by the shell. Runs under Xvfb when there is
# no display. Usage: bench/cold_start.sh [runs]   (build first: ./scripts/run --no-launch)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
app="${POSTCRAFT_APP:-${CARGO_TARGET_DIR:-$repo/target}/debug/postcraft-studio}"
[ -x "$app" ] || { echo "build the app first: ./scripts/run --no-launch" >&2; exit 1; }
runs="${1:-5}"
once() {
  local log; log="$(mktemp)"
  POSTCRAFT_LOG=info "$app" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    grep -q "first paint" "$log" && break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  grep 'first paint' "$log" | grep -o 'elapsed_ms=[0-9]*' | head -1 | cut -d= -f2
  rm -f "$log"
}
if [ -z "${DISPLAY:-}" ] && [ -z "${BENCH_UNDER_XVFB:-}" ]; then
  exec env BENCH_UNDER_XVFB=1 xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
results=()
for i in $(seq 1 "$runs"); do
  ms="$(once)"
  echo "run $i: ${ms:-timeout} ms"
  results+=("${ms:-0}")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print "median cold start to first paint: " a[int((NR+1)/2)] " ms over " NR " runs"}'
