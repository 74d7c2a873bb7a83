#!/usr/bin/env python3
"""Benchmark the DCGAN face generator: Python onnxruntime against the Rust engine.

Usage (from the repository root, in the venv made from models/tools/requirements-bench.txt):

    python bench/dcgan_bench.py [--batches 1,16] [--threads 1,2] [--iters 20] [--warmup 3]

For every (batch, threads) pair it times `InferenceSession.run` of the Python onnxruntime on
.postcraft/models/dcgan-faces.onnx (median over --iters runs after --warmup runs), then runs

    target/release/postcraft bench dcgan --batch B --threads T --iters N --json

which prints {"batch":B,"threads":T,"median_ms_per_batch":X,"median_ms_per_image":Y}, and prints
a table with both and the ratio rust/python (below 1: Rust faster). Without the binary it says
how to build it and prints the Python numbers alone. ORT_DYLIB_PATH is set for the binary to
.postcraft/runtime/libonnxruntime.so.1.31.1 unless already set.

The Python side uses the CPU provider, intra_op_num_threads=T, inter_op_num_threads=1,
sequential execution and the default graph optimisation level. Run it on an otherwise idle
machine; on a loaded 2-core box the numbers vary by tens of per cent.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

REPO_ROOT = Path(__file__).resolve().parents[1]
LATENT_DIM = 100


def int_list(s: str) -> list[int]:
    try:
        values = [int(v) for v in s.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {s!r}")
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {s!r}")
    return values


def default_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    return target / "release" / "postcraft"


def bench_python(model: Path, batch: int, threads: int, iters: int, warmup: int) -> dict:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])
    in_name = sess.get_inputs()[0].name
    z = np.random.default_rng(0).standard_normal((batch, LATENT_DIM, 1, 1)).astype(np.float32)
    for _ in range(warmup):
        sess.run(None, {in_name: z})
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        sess.run(None, {in_name: z})
        times.append((time.perf_counter() - t0) * 1000.0)
    med = statistics.median(times)
    return {"batch": batch, "threads": threads, "median_ms_per_batch": med,
            "median_ms_per_image": med / batch, "min_ms_per_batch": min(times)}


def bench_rust(binary: Path, batch: int, threads: int, iters: int, env: dict) -> dict | str:
    cmd = [str(binary), "bench", "dcgan", "--batch", str(batch), "--threads", str(threads),
           "--iters", str(iters), "--json"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT,
                              timeout=600)
    except subprocess.TimeoutExpired:
        return "timed out after 600 s"
    except OSError as e:
        return f"could not run: {e}"
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-300:]}"
    # the JSON object is the last line that parses
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "median_ms_per_batch" in obj:
            if obj.get("batch") != batch or obj.get("threads") != threads:
                return f"binary answered for batch {obj.get('batch')} threads {obj.get('threads')}"
            obj.setdefault("median_ms_per_image", obj["median_ms_per_batch"] / batch)
            return obj
    return f"no JSON result in output: {proc.stdout.strip()[-300:]!r}"


def main() -> int:
    ap = argparse.ArgumentParser(description="DCGAN benchmark: Python onnxruntime vs Rust")
    ap.add_argument("--model", type=Path,
                    default=REPO_ROOT / ".postcraft" / "models" / "dcgan-faces.onnx")
    ap.add_argument("--binary", type=Path, default=default_binary(),
                    help="Rust CLI (default: target/release/postcraft)")
    ap.add_argument("--batches", type=int_list, default=[1, 16], help="default: 1,16")
    ap.add_argument("--threads", type=int_list, default=[1, 2], help="default: 1,2")
    ap.add_argument("--iters", type=int, default=20, help="timed runs per case (default 20)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    ap.add_argument("--no-rust", action="store_true", help="time the Python side only")
    ap.add_argument("--json-out", type=Path, help="also write all results as JSON here")
    args = ap.parse_args()
    if args.iters < 1 or args.warmup < 0:
        ap.error("--iters must be >= 1 and --warmup >= 0")

    if not args.model.is_file():
        print(f"error: {args.model} not found; run "
              f"`python models/tools/setup_models.py --dest .postcraft` first", file=sys.stderr)
        return 1

    run_rust = not args.no_rust
    if run_rust and not (args.binary.is_file() and os.access(args.binary, os.X_OK)):
        print(f"note: {args.binary} not found, so only Python is timed. Build the Rust side with\n"
              f"  cargo build --release -p postcraft-cli\n"
              f"and rerun this script.\n")
        run_rust = False
    env = dict(os.environ)
    lib = REPO_ROOT / ".postcraft" / "runtime" / "libonnxruntime.so.1.31.1"
    if "ORT_DYLIB_PATH" not in env and lib.is_file():
        env["ORT_DYLIB_PATH"] = str(lib)

    print(f"model {args.model}  onnxruntime (Python) {ort.__version__}  "
          f"iters {args.iters} after {args.warmup} warm-up  cpus {os.cpu_count()}")
    rows = []
    for batch in args.batches:
        for threads in args.threads:
            py = bench_python(args.model, batch, threads, args.iters, args.warmup)
            rs = bench_rust(args.binary, batch, threads, args.iters, env) if run_rust else None
            rows.append({"batch": batch, "threads": threads, "python": py, "rust": rs})

    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f}"

    header = (f"{'batch':>5} {'threads':>7} | {'python ms/batch':>15} {'ms/image':>9} | "
              f"{'rust ms/batch':>13} {'ms/image':>9} | {'rust/python':>11}")
    print()
    print(header)
    print("-" * len(header))
    errors = []
    for r in rows:
        py, rs = r["python"], r["rust"]
        rb = ri = ratio = None
        if isinstance(rs, dict):
            rb, ri = float(rs["median_ms_per_batch"]), float(rs["median_ms_per_image"])
            ratio = rb / py["median_ms_per_batch"]
        elif isinstance(rs, str):
            errors.append(f"rust batch {r['batch']} threads {r['threads']}: {rs}")
        print(f"{r['batch']:>5} {r['threads']:>7} | {fmt(py['median_ms_per_batch']):>15} "
              f"{fmt(py['median_ms_per_image']):>9} | {fmt(rb):>13} {fmt(ri):>9} | "
              f"{'-' if ratio is None else f'{ratio:.3f}':>11}")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
