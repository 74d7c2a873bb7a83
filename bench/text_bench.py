#!/usr/bin/env python3
"""Text generation benchmark: llama.cpp on the original SmolLM2 GGUF, and (later) the Rust engine.

Usage (from the repository root; bench/text_bench.sh makes .postcraft/venv-llama first):

    .postcraft/venv-llama/bin/python bench/text_bench.py [--prompt TEXT | --prompt-file F]
        [--raw] [--new-tokens 64] [--threads 2] [--runs 5] [--warmup 1] [--json]
        [--no-rust] [--binary target/release/postcraft] [--rust-cmd TEMPLATE]

The prompt is put in SmolLM2's ChatML template with the fixed system message of
models/tools/make_text_reference.py (--raw: used as given) and tokenized by llama.cpp
(special=True, no BOS). Each run starts with an empty KV cache and then:

  ttft_ms       prompt evaluation (one batch) + the first token (argmax of the last logits)
  tokens_per_s  the next new_tokens - 1 tokens, one eval + argmax each, divided by their time
  prompt_tokens_per_s  prompt tokens / prompt evaluation time

Greedy (argmax), no sampler or penalties, and it never stops early: EOS is ignored so that every
run does the same work. The reported value is the median over --runs after --warmup untimed runs
(min and max are printed too). llama.cpp runs with n_threads = n_threads_batch = --threads,
n_ctx 512 (raised when prompt + new tokens need more), n_batch = n_ctx.

The Rust side (hook; the CLI is not there yet): run_json_command() runs

    target/release/postcraft text bench --json --prompt-file F --raw --new-tokens N
        --threads T --runs R --warmup W

(--rust-cmd overrides it; a template with {binary} {prompt_file} {new_tokens} {threads} {runs}
{warmup}) where F holds exactly the text llama.cpp tokenized (template already applied, hence
--raw). The command must print, as the last line that parses as JSON, an object with at least
{"ttft_ms": float, "tokens_per_s": float} (medians, measured as above), and may add
"prompt_tokens", "new_tokens", "prompt_tokens_per_s". ORT_DYLIB_PATH is set to
.postcraft/runtime/libonnxruntime.so.1.31.1 unless already set. Without the binary only llama.cpp
is timed. The table shows both and the ratio rust/llama.cpp (time: below 1 = Rust faster;
tokens/s: above 1 = Rust faster).

Run it on an otherwise idle machine. llama.cpp's OpenMP threads spin while they wait (libgomp's
default, OMP_WAIT_POLICY unset); when other jobs keep the cores busy, 2 threads can be several
times SLOWER than 1 (seen: 4-10 tokens/s at 2 threads against 40 at 1, load average 7 on 2 cores).
--omp-wait-policy passive makes waiting threads sleep instead (26-35 tokens/s in that state).
ONNX Runtime's intra-op pool spins as well (session option session.intra_op.allow_spinning), so
compare the engines under the same conditions, and say which.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "models" / "tools"))
import make_text_reference as ref  # noqa: E402  (GGUF pin, template, system message)

# 60 tokens once templated with the system message
DEFAULT_PROMPT = ("Write a playful caption for a photo of a sunset at the beach with friends. "
                  "Mention the warm colours and the sound of the waves, and end with two hashtags.")
DEFAULT_RUST_CMD = ("{binary} text bench --json --prompt-file {prompt_file} --raw "
                    "--new-tokens {new_tokens} --threads {threads} --runs {runs} --warmup {warmup}")


def default_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    return target / "release" / "postcraft"


def summarize(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def bench_llama(gguf: Path, text: str, new_tokens: int, threads: int, runs: int,
                warmup: int) -> dict:
    import numpy as np
    import llama_cpp
    from llama_cpp import Llama

    vocab = Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    ids = vocab.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    del vocab
    n_ctx = max(512, len(ids) + new_tokens + 8)
    llm = Llama(model_path=str(gguf), n_ctx=n_ctx, n_batch=n_ctx, n_threads=threads,
                n_threads_batch=threads, seed=ref.SEED, logits_all=False, verbose=False)

    def one_run() -> tuple[float, float, float, list[int]]:
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(ids)
        t_prompt = time.perf_counter()
        tok = int(np.argmax(ref.last_logits(llm)))
        t1 = time.perf_counter()
        out = [tok]
        for _ in range(new_tokens - 1):
            llm.eval([tok])
            tok = int(np.argmax(ref.last_logits(llm)))
            out.append(tok)
        t2 = time.perf_counter()
        decode_s = t2 - t1
        return ((t1 - t0) * 1000.0, (new_tokens - 1) / decode_s if new_tokens > 1 else 0.0,
                len(ids) / (t_prompt - t0), out)

    for _ in range(warmup):
        one_run()
    ttft, tps, ptps, outs = [], [], [], []
    for _ in range(runs):
        a, b, c, out = one_run()
        ttft.append(a)
        tps.append(b)
        ptps.append(c)
        outs.append(out)
    return {
        "engine": f"llama.cpp (llama-cpp-python {llama_cpp.__version__})",
        "prompt_tokens": len(ids), "new_tokens": new_tokens, "threads": threads, "runs": runs,
        "ttft_ms": statistics.median(ttft), "tokens_per_s": statistics.median(tps),
        "prompt_tokens_per_s": statistics.median(ptps),
        "ttft_ms_range": [min(ttft), max(ttft)], "tokens_per_s_range": [min(tps), max(tps)],
        "same_tokens_every_run": all(o == outs[0] for o in outs),
        "text": llm.detokenize(outs[0], special=True).decode("utf-8", errors="replace"),
    }


def run_json_command(cmd: list[str], env: dict | None = None, timeout: float = 900.0,
                     required: tuple[str, ...] = ("ttft_ms", "tokens_per_s")) -> dict | str:
    """Run a benchmark command; return the last stdout line that is a JSON object holding the
    `required` keys, or a string saying what went wrong. The hook for the Rust CLI (or any other
    engine: a C++ or Python runner printing the same JSON works too)."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:.0f} s"
    except OSError as e:
        return f"could not run {cmd[0]}: {e}"
    if proc.returncode != 0:
        out = (proc.stderr or proc.stdout).strip()
        if "unrecognized subcommand" in out:
            return (f"{cmd[0]} has no such subcommand yet ({out.splitlines()[0]}); "
                    f"rebuild it, or pass --no-rust")
        return f"exit {proc.returncode}: {out[-400:]}"
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and all(k in obj for k in required):
            try:
                for k in required:
                    obj[k] = float(obj[k])
            except (TypeError, ValueError):
                return f"non-numeric value in {line[:200]!r}"
            return obj
    return f"no JSON object with {', '.join(required)} in output: {proc.stdout.strip()[-300:]!r}"


def rust_command(template: str, binary: Path, prompt_file: Path, args) -> list[str]:
    """Fill the {placeholders} (plain replacement: other braces in the template stay as they
    are) and split the result like a shell would."""
    values = {"binary": binary, "prompt_file": prompt_file, "new_tokens": args.new_tokens,
              "threads": args.threads, "runs": args.runs, "warmup": args.warmup}
    for key, value in values.items():
        template = template.replace("{" + key + "}", shlex.quote(str(value)))
    return shlex.split(template)


def print_table(llama: dict, rust: dict | str | None) -> None:
    rows = [("time to first token (ms)", "ttft_ms", "lower is better"),
            ("decode tokens/s", "tokens_per_s", "higher is better"),
            ("prompt tokens/s", "prompt_tokens_per_s", "higher is better")]
    header = f"{'metric':<26} | {'llama.cpp':>10} | {'rust':>10} | {'rust/llama':>10} |"
    print(header)
    print("-" * len(header))
    for label, key, note in rows:
        lv = llama.get(key)
        rv = rust.get(key) if isinstance(rust, dict) else None
        ratio = f"{float(rv) / lv:.3f}" if rv is not None and lv else "-"
        print(f"{label:<26} | {lv:>10.2f} | "
              f"{'-' if rv is None else f'{float(rv):.2f}':>10} | {ratio:>10} | {note}")


def main() -> int:
    ap = argparse.ArgumentParser(description="text generation benchmark, llama.cpp vs Rust")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--prompt", help="user message (default: a caption request, 60 tokens templated)")
    g.add_argument("--prompt-file", type=Path, help="read the prompt from this file (UTF-8)")
    ap.add_argument("--raw", action="store_true",
                    help="use the prompt as is (no ChatML template / system message)")
    ap.add_argument("--new-tokens", type=int, default=64, help="default 64")
    ap.add_argument("--threads", type=int, default=2, help="default 2")
    ap.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--gguf", type=Path, help="default: fetched/extracted as in "
                                              "make_text_reference.py (.postcraft/llama/)")
    ap.add_argument("--binary", type=Path, default=default_binary())
    ap.add_argument("--rust-cmd", default=DEFAULT_RUST_CMD,
                    help="command template for the Rust side (see the module doc)")
    ap.add_argument("--no-rust", action="store_true", help="time llama.cpp only")
    ap.add_argument("--omp-wait-policy", choices=["active", "passive"],
                    help="set OMP_WAIT_POLICY for llama.cpp's OpenMP threads (default: as "
                         "inherited, i.e. libgomp's spinning). passive: waiting threads sleep, "
                         "which is much faster on a machine that other jobs keep busy")
    ap.add_argument("--json", action="store_true", help="print only the JSON result")
    args = ap.parse_args()
    if args.omp_wait_policy:       # read by libgomp when llama.cpp's library loads (below)
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait_policy.upper()
    if args.new_tokens < 1 or args.runs < 1 or args.warmup < 0 or args.threads < 1:
        ap.error("--new-tokens, --runs and --threads must be >= 1, --warmup >= 0")

    if args.prompt_file:
        prompt = args.prompt_file.read_text(encoding="utf-8")
    else:
        prompt = args.prompt if args.prompt is not None else DEFAULT_PROMPT
    text = prompt if args.raw else ref.TEMPLATE.format(system=ref.SYSTEM, prompt=prompt)
    gguf = args.gguf or ref.ensure_gguf(REPO_ROOT)

    llama = bench_llama(gguf, text, args.new_tokens, args.threads, args.runs, args.warmup)

    rust: dict | str | None = None
    cmd_used = None
    custom_cmd = args.rust_cmd != DEFAULT_RUST_CMD
    if not args.no_rust:
        if not custom_cmd and not (args.binary.is_file() and os.access(args.binary, os.X_OK)):
            if not args.json:
                print(f"note: {args.binary} not found, so only llama.cpp is timed. Once "
                      f"`postcraft text bench` exists: cargo build --release -p postcraft-cli\n")
        else:
            env = dict(os.environ)
            lib = REPO_ROOT / ".postcraft" / "runtime" / "libonnxruntime.so.1.31.1"
            if "ORT_DYLIB_PATH" not in env and lib.is_file():
                env["ORT_DYLIB_PATH"] = str(lib)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt",
                                             delete=False) as f:
                f.write(text)
            try:
                cmd = rust_command(args.rust_cmd, args.binary, Path(f.name), args)
                cmd_used = shlex.join(cmd)
                rust = run_json_command(cmd, env=env)
            finally:
                os.unlink(f.name)
            if isinstance(rust, dict) and "prompt_tokens" in rust \
                    and int(rust["prompt_tokens"]) != llama["prompt_tokens"]:
                rust["warning"] = (f"prompt_tokens {rust['prompt_tokens']} != llama.cpp's "
                                   f"{llama['prompt_tokens']}: not the same work")

    result = {"llama": llama, "rust": rust, "rust_command": cmd_used,
              "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
              "cpus": os.cpu_count(), "load_avg": list(os.getloadavg())}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        load = os.getloadavg()[0]
        print(f"prompt: {llama['prompt_tokens']} tokens, {args.new_tokens} new tokens, "
              f"{args.threads} threads, median of {args.runs} after {args.warmup} warm-up; "
              f"cpus {os.cpu_count()}, load {load:.2f}, "
              f"OMP_WAIT_POLICY {os.environ.get('OMP_WAIT_POLICY', 'unset')}")
        if load > 0.5 * (os.cpu_count() or 1):
            print("warning: the machine is busy; spinning OpenMP (and ONNX Runtime) threads "
                  "lose most of their time to it. Compare engines in the same run, or use an "
                  "idle machine (--omp-wait-policy passive softens it for llama.cpp)")
        print(f"llama.cpp ttft range {llama['ttft_ms_range'][0]:.1f}-"
              f"{llama['ttft_ms_range'][1]:.1f} ms, tokens/s range "
              f"{llama['tokens_per_s_range'][0]:.1f}-{llama['tokens_per_s_range'][1]:.1f}; "
              f"output: {llama['text'][:80]!r}")
        print()
        print_table(llama, rust)
        print()
        print(json.dumps(result, ensure_ascii=False))
    if isinstance(rust, str):
        print(f"error: rust side: {rust}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
