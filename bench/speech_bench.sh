#!/usr/bin/env bash
# Speech benchmark (the engine vs piper-tts on the same voice, texts and threads): makes the
# piper-tts venv if it is missing or out of date (models/tools/requirements-piper.txt, hash-pinned
# wheels, CPython 3.11), builds the release CLI (a few minutes the first time; nothing when it is
# up to date), then runs bench/speech_bench.py with the arguments given.
# Usage: bench/speech_bench.sh [--setup] [--no-build] [speech_bench.py args, e.g. --threads 2 --runs 5 --json]
#   --setup     only make/refresh the venv (also what models/tools/make_tts_reference.py needs)
#   --no-build  use the CLI as built ($CARGO_TARGET_DIR/release/postcraft)
#   POSTCRAFT_PIPER_VENV=DIR  use another venv folder (default ~/.cache/postcraft/venv-piper)
#   POSTCRAFT_PIPER_PYTHON=python3.11  the interpreter that makes it (default: python3.11, else python3)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${POSTCRAFT_PIPER_VENV:-$HOME/.cache/postcraft/venv-piper}"
tools="$repo/models/tools"
stamp="$venv/.postcraft-requirements.sha256"
want="$(cat "$tools/requirements-piper.txt" "$tools/requirements.txt" | sha256sum | cut -d' ' -f1)"

setup_only=0 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --setup) setup_only=1; shift ;;
    --no-build) build=0; shift ;;
    *) break ;;
  esac
done

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] \
   && "$venv/bin/python" -c "import piper, onnxruntime" 2>/dev/null; then
  [ "$setup_only" = 1 ] && echo "skipped: $venv is up to date"
else
  python="${POSTCRAFT_PIPER_PYTHON:-$(command -v python3.11 || command -v python3)}"
  echo "making $venv (piper-tts and its pinned dependencies)..." >&2
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --require-hashes -r "$tools/requirements-piper.txt"
  "$venv/bin/python" -c "import piper, onnxruntime"
  echo "$want" > "$stamp"
  echo "written: $venv" >&2
fi
[ "$setup_only" = 1 ] && exit 0

cd "$repo"
if [ "$build" = 1 ]; then
  cargo build --quiet --release -p postcraft-cli
fi
export POSTCRAFT_HOME="${POSTCRAFT_HOME:-$repo/.postcraft}"
exec "$venv/bin/python" bench/speech_bench.py "$@"
