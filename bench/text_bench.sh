#!/usr/bin/env bash
# Text generation benchmark (issue 4), llama.cpp side: makes .postcraft/venv-llama if it is missing
# or out of date (llama-cpp-python built from its hash-pinned sdist, CPU only, about 10-15 min on
# 2 cores; see models/tools/requirements-llama.txt), then runs bench/text_bench.py with the
# arguments given.
# Usage: bench/text_bench.sh [--setup] [text_bench.py args, e.g. --new-tokens 64 --runs 5 --json]
#   --setup   only make/refresh the venv (also what make_text_reference.py needs)
#   POSTCRAFT_LLAMA_VENV=DIR  use another venv folder (default .postcraft/venv-llama)
# Needs cmake (>= 3.21) and a C/C++ compiler: apt-get install cmake build-essential
# CMAKE_ARGS=... overrides the build flags (and then rebuilds instead of reusing pip's cached wheel)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${POSTCRAFT_LLAMA_VENV:-$repo/.postcraft/venv-llama}"
tools="$repo/models/tools"
stamp="$venv/.postcraft-requirements.sha256"
want="$(cat "$tools/requirements-llama-build.txt" "$tools/requirements-llama.txt" \
  "$tools/requirements.txt" | sha256sum | cut -d' ' -f1)"

setup_only=0
if [ "${1:-}" = "--setup" ]; then setup_only=1; shift; fi

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] \
   && "$venv/bin/python" -c "import llama_cpp, onnxruntime" 2>/dev/null; then
  [ "$setup_only" = 1 ] && echo "skipped: $venv is up to date"
else
  for tool in cmake cc c++ make; do
    command -v "$tool" >/dev/null || {
      echo "error: $tool not found; apt-get install cmake build-essential" >&2; exit 1; }
  done
  echo "building $venv (llama-cpp-python from source; several minutes)..." >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --require-hashes -r "$tools/requirements-llama-build.txt"
  # --no-build-isolation: the hash-pinned scikit-build-core above builds it (pip's isolated
  # build environment would fetch an unpinned one). -DGGML_NATIVE=ON: -march=native, like
  # ONNX Runtime's run-time kernel choice. LLAVA_BUILD=OFF: no multimodal library. No GPU.
  # pip reuses a wheel it built before (~/.cache/pip/wheels) whatever CMAKE_ARGS say: with
  # flags of your own, --no-cache-dir makes it compile again.
  cache=()
  [ -n "${CMAKE_ARGS:-}" ] && cache=(--no-cache-dir)
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=ON -DLLAVA_BUILD=OFF}" \
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
    "$venv/bin/pip" install -q --require-hashes --no-build-isolation "${cache[@]}" \
      --no-binary llama-cpp-python -r "$tools/requirements-llama.txt"
  "$venv/bin/python" -c "import llama_cpp, onnxruntime"
  echo "$want" > "$stamp"
  echo "written: $venv" >&2
fi

[ "$setup_only" = 1 ] && exit 0
cd "$repo"
exec "$venv/bin/python" bench/text_bench.py "$@"
