#!/usr/bin/env bash
# The image and video benchmarks of issue 5, printed in one run (release build, same model file):
#  1. photo restyle, milliseconds a frame at 256, 512, 1080 and 2160 px squares, as the app runs
#     them (whole up to 1280 px, else balanced windows overlapping by twice the receptive radius),
#     next to the model alone on the whole frame;
#  2. video restyle of one clip, frames per second of the engine (decode, restyle and encode at
#     once; one single-threaded model session per inference thread) next to the straightforward
#     sequential pipeline (decode every frame, then restyle every frame with one session using all
#     the threads, then encode), with the same inference threads, and the ratio.
# Usage: bench/image_bench.sh [THREADS]   (after ./scripts/setup; default: 2 threads)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
threads="${1:-2}"
target="${CARGO_TARGET_DIR:-$repo/target}"
export POSTCRAFT_HOME="${POSTCRAFT_HOME:-$repo/.postcraft}"

cargo build --quiet --release -p postcraft-cli
cli="$target/release/postcraft"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

load="$(cut -d' ' -f1 /proc/loadavg)"
echo "machine: $(nproc) cores, load average $load$(awk -v l="$load" -v n="$(nproc)" 'BEGIN { if (l > n / 2) print " (busy: numbers will be noisy)" }')"
echo
echo "== photo restyle (restyle-cartoon, $threads threads)"
"$cli" bench restyle --threads "$threads" --sizes 256,512,1080,2160 --iters 3

echo
clip="$work/clip.mp4"
ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25:duration=3 -f lavfi -i sine=frequency=440:duration=3 \
  -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest "$clip"
echo "== video restyle: 640x360, 75 frames, with sound ($threads inference threads)"
"$cli" bench video "$clip" --threads "$threads"
