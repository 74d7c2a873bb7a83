#!/usr/bin/env bash
# The canvas benchmarks of issue 3, printed in one run:
#  1. compositor frame time for a 1080x1350 scene of 6 layers + text on this machine's wgpu adapter
#     (Mesa's CPU rasterizer without a GPU) next to the same scene composited on the CPU with the
#     `image` crate, as a ratio (crates/render/examples/bench_compositor.rs, release build);
#  2. edit-to-pixels latency in the real app (p50/p95 over a drag of a layer on a 1080x1350 post of
#     3 photos, 3 shapes and a text layer), measured by the UI from input event to drawn frame.
# Usage: bench/canvas_bench.sh   (after ./scripts/run --no-launch; the first run builds release)
#        POSTCRAFT_APP=target/release/postcraft-studio bench/canvas_bench.sh   (latency of a release app)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
app="${POSTCRAFT_APP:-$target/debug/postcraft-studio}"
cli="$target/debug/postcraft"
[ -x "$app" ] && [ -x "$cli" ] || { echo "build first: ./scripts/run --no-launch" >&2; exit 1; }

echo "== compositor: wgpu vs the image-crate CPU reference (release build)"
cargo run --quiet --release -p postcraft-render --example bench_compositor

echo
echo "== edit-to-pixels latency in the app ($(basename "$app"), $(nproc) cores)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node --input-type=module -e "
import { writeFileSync } from 'node:fs';
import { encodePng } from '$repo/tests/e2e/lib/png.mjs';
for (const [i, name] of ['a', 'b', 'c'].entries()) {
  writeFileSync('$work/photo-' + name + '.png', encodePng(1600, 1200, (x, y) => [
    (x * (3 + i)) & 255, (y * (2 + i)) & 255, ((x ^ y) * (i + 1)) & 255, 255]));
}"
"$cli" project new "$work/post" --preset instagram-portrait >/dev/null
"$cli" project import "$work/post" "$work"/photo-*.png >/dev/null 2>&1
export POSTCRAFT_PROJECT="$work/post" POSTCRAFT_APP="$app"
if [ -z "${DISPLAY:-}" ]; then
  out="$(cd "$repo/tests/e2e" && xvfb-run -a -s "-screen 0 1280x800x24" npx wdio run wdio.conf.mjs --spec bench/edit-latency.bench.mjs 2>&1)" || true
else
  out="$(cd "$repo/tests/e2e" && npx wdio run wdio.conf.mjs --spec bench/edit-latency.bench.mjs 2>&1)" || true
fi
line="$(grep -o 'EDIT-TO-PIXELS .*' <<<"$out" | head -1)"
if [ -z "$line" ]; then
  echo "$out" | tail -30
  echo "the latency run failed" >&2
  exit 1
fi
echo "${line#EDIT-TO-PIXELS }"
echo "goal: p95 under 60 ms (details: tests/e2e/artifacts/edit-latency.json)"
