#!/usr/bin/env python3
"""Speech benchmark: the engine's speech pipeline next to piper-tts, same voice, texts and threads.

Usage (from the repository root; bench/speech_bench.sh makes the piper-tts venv and the release
CLI first):

    ~/.cache/postcraft/venv-piper/bin/python bench/speech_bench.py [--threads 2] [--runs 5]
        [--warmup 1] [--scales default,zero] [--short TEXT] [--long TEXT] [--voice ID]
        [--binary $CARGO_TARGET_DIR/release/postcraft] [--no-rust] [--json]

Both sides speak the same texts with the same voice file (.postcraft/models/VOICE.onnx and its
.onnx.json) into 16-bit samples, sentence by sentence, with no sentence silence:

  the engine  `postcraft bench speech --json` (a subprocess): a fresh ONNX Runtime session with
              exactly --threads intra-op threads (Engine::voice_with), then the app's own
              audio::speech::speak (espeak-ng phonemes, ids, the model, Piper's int16 conversion)
  piper-tts   piper-tts 1.2.0 in this process (piper-phonemize 1.1.0: the same espeak-ng), its
              PiperVoice over an onnxruntime InferenceSession made here with
              intra_op_num_threads = --threads and inter_op_num_threads = 1 (PiperVoice.load
              would take onnxruntime's defaults: one thread per core), synthesize_stream_raw

Measured, after the voice is loaded and --warmup untimed runs, median of --runs:

  first_audio_ms  the short sentence: from the call until its (first) sentence's samples exist
  rtf             the longer text (six sentences): synthesis seconds / audio seconds, per run
  load_ms         the model's session and config. The engine's includes the SHA-256 check of
                  both files (verify_ms, timed apart too), which piper-tts does not do

with each scale set of --scales: `default` (the voice's: noise 0.667, length 1, noise_w 0.8) and
`zero` (both noises 0: deterministic; the samples then equal piper-tts's, so the sample counts
must match). The ratio column is piper-tts / engine: above 1 means the engine is faster. Goals
(issue): an RTF at least as good as piper-tts's (ratio >= 1) and first audio of a short sentence
under 300 ms on 2 cores.

ONNX Runtime's intra-op threads spin while they wait in both (the same library version, 1.31.1):
on a machine other jobs keep busy both lose, so compare them in the same run and say which.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# The CLI's defaults too (crates/cli/src/bench.rs); passed explicitly so both speak the same.
SHORT = "Hello, and welcome back!"
LONG = ("Welcome back to the studio. Today we are making a short video about our trip to the coast. "
        "We left early, just as the sun came up over the hills. The beach was empty, the water was "
        "calm, and the light was perfect. I will show you how we edited the clips and picked the "
        "music. Stay until the end for a few tips on colour.")
SCALE_SETS = {"default": {}, "zero": {"noise_scale": 0.0, "noise_w": 0.0}}
FIRST_AUDIO_GOAL_MS = 300.0


def default_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    return target / "release" / "postcraft"


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def load_piper(model: Path, threads: int):
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    start = time.perf_counter()
    with open(f"{model}.json", encoding="utf-8") as f:
        config = PiperConfig.from_dict(json.load(f))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    voice = PiperVoice(session=session, config=config)
    return voice, (time.perf_counter() - start) * 1000.0


def bench_piper(voice, load_ms: float, short: str, long: str, scales: dict, runs: int,
                warmup: int) -> dict:
    rate = voice.config.sample_rate

    def speak(text: str) -> tuple[float, float, int, int]:
        """(first audio ms, total ms, samples, sentences), as the engine's bench times them."""
        start = time.perf_counter()
        stream = voice.synthesize_stream_raw(text, sentence_silence=0.0, **scales)
        first = next(stream)
        first_ms = (time.perf_counter() - start) * 1000.0
        rest = list(stream)
        total_ms = (time.perf_counter() - start) * 1000.0
        return first_ms, total_ms, (len(first) + sum(map(len, rest))) // 2, 1 + len(rest)

    first_ms, short_ms = [], []
    short_samples = 0
    for run in range(warmup + runs):
        a, b, short_samples, _ = speak(short)
        if run >= warmup:
            first_ms.append(a)
            short_ms.append(b)
    rtf, long_ms, long_first, audio_s, cores = [], [], [], [], []
    long_samples = sentences = 0
    for run in range(warmup + runs):
        cpu0, wall0 = cpu_s(), time.perf_counter()
        a, b, long_samples, sentences = speak(long)
        wall = time.perf_counter() - wall0
        if run >= warmup:
            seconds = long_samples / rate
            rtf.append(b / 1000.0 / seconds)
            long_ms.append(b)
            long_first.append(a)
            audio_s.append(seconds)
            cores.append((cpu_s() - cpu0) / wall)
    phonemize = []
    for _ in range(runs):
        start = time.perf_counter()
        for phonemes in voice.phonemize(long):
            voice.phonemes_to_ids(phonemes)
        phonemize.append((time.perf_counter() - start) * 1000.0)
    cfg = voice.config
    return {
        "engine": f"piper-tts {version('piper-tts')} (onnxruntime {version('onnxruntime')})",
        "scales": {"noise_scale": scales.get("noise_scale", cfg.noise_scale),
                   "length_scale": scales.get("length_scale", cfg.length_scale),
                   "noise_w": scales.get("noise_w", cfg.noise_w)},
        "sample_rate": rate, "load_ms": load_ms,
        "short": {"samples": short_samples, "first_audio_ms": spread(first_ms),
                  "total_ms": spread(short_ms)},
        "long": {"sentences": sentences, "samples": long_samples, "audio_s": spread(audio_s),
                 "synthesis_ms": spread(long_ms), "first_audio_ms": spread(long_first),
                 "rtf": spread(rtf), "phonemize_ms": spread(phonemize),
                 "cores_busy": spread(cores)},
    }


def run_engine(binary: Path, args, scales: dict) -> dict | str:
    """The engine's numbers from `postcraft bench speech --json`, or what went wrong."""
    cmd = [str(binary), "bench", "speech", "--json", "--voice", args.voice,
           "--threads", str(args.threads), "--runs", str(args.runs), "--warmup", str(args.warmup),
           "--short", args.short, "--long", args.long]
    for key, value in scales.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    env = dict(os.environ)
    lib = REPO_ROOT / ".postcraft" / "runtime" / "libonnxruntime.so.1.31.1"
    if "ORT_DYLIB_PATH" not in env and lib.is_file():
        env["ORT_DYLIB_PATH"] = str(lib)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT,
                              timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"could not run {shlex.join(cmd)}: {e}"
    if proc.returncode != 0:
        out = (proc.stderr or proc.stdout).strip()
        hint = "; rebuild it: cargo build --release -p postcraft-cli" \
            if "unrecognized subcommand" in out else ""
        return f"exit {proc.returncode}: {out[-400:]}{hint}"
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "long" in obj and "short" in obj:
            obj["command"] = shlex.join(cmd)
            return obj
    return f"no JSON object in the output: {proc.stdout.strip()[-300:]!r}"


def compare(piper: dict, engine: dict | str, zero_noise: bool) -> dict:
    if not isinstance(engine, dict):
        return {}
    med = lambda side, part, key: side[part][key]["median"]  # noqa: E731
    ratio = med(piper, "long", "rtf") / med(engine, "long", "rtf")
    first = med(engine, "short", "first_audio_ms")
    out = {
        "rtf_ratio_piper_over_engine": ratio,
        "first_audio_ratio_piper_over_engine": med(piper, "short", "first_audio_ms") / first,
        "goal_at_least_as_fast": ratio >= 1.0,
        "goal_first_audio_under_300ms": first < FIRST_AUDIO_GOAL_MS,
    }
    # A side that kept fewer cores busy than its threads (less 20%) was slowed by other work on
    # the machine: its numbers, and the ratio, say more about that than about the engines.
    busy = {side: v["long"]["cores_busy"]["median"] for side, v in (("piper", piper), ("engine", engine))}
    threads = engine.get("threads", 1)
    out["cores_busy"] = busy
    out["disturbed"] = [side for side, b in busy.items() if b < 0.8 * min(threads, os.cpu_count() or 1)]
    if zero_noise:   # deterministic: the same samples, so the same counts
        out["same_samples"] = (piper["short"]["samples"] == engine["short"]["samples"]
                               and piper["long"]["samples"] == engine["long"]["samples"])
    return out


def print_table(name: str, piper: dict, engine: dict | str, cmp: dict) -> None:
    s = piper["scales"]
    print(f"scales {name}: noise {s['noise_scale']}, length {s['length_scale']}, "
          f"noise_w {s['noise_w']}")
    rows = [("load (ms)", None, "load_ms", 0), ("first audio, short (ms)", "short", "first_audio_ms", 1),
            ("whole short sentence (ms)", "short", "total_ms", 1),
            ("long: real-time factor", "long", "rtf", 4), ("long: synthesis (ms)", "long", "synthesis_ms", 0),
            ("long: first sentence (ms)", "long", "first_audio_ms", 0),
            ("long: audio (s)", "long", "audio_s", 2), ("long: phonemes+ids (ms)", "long", "phonemize_ms", 2),
            ("long: cores busy", "long", "cores_busy", 2)]
    header = f"  {'metric':<27} | {'piper-tts':>10} | {'engine':>10} | {'piper/engine':>12}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for label, part, key, digits in rows:
        def value(side):
            if not isinstance(side, dict):
                return None
            v = side[key] if part is None else side[part][key]
            return v["median"] if isinstance(v, dict) else float(v)
        p, e = value(piper), value(engine)
        ratio = f"{p / e:.2f}" if e and key not in ("audio_s", "cores_busy") else ""
        es = "-" if e is None else f"{e:.{digits}f}"
        print(f"  {label:<27} | {p:>10.{digits}f} | {es:>10} | {ratio:>12}")
    if isinstance(engine, dict):
        print(f"  engine load includes the SHA-256 check of the files ({engine['verify_ms']:.0f} ms "
              f"alone); loading ONNX Runtime and espeak-ng before: {engine['setup_ms']:.0f} ms")
        first = engine["short"]["first_audio_ms"]["median"]
        print(f"  goal, at least as fast as piper-tts: "
              f"{'yes' if cmp['goal_at_least_as_fast'] else 'NO'} "
              f"(RTF {cmp['rtf_ratio_piper_over_engine']:.2f}x piper-tts's speed)")
        print(f"  goal, first audio under {FIRST_AUDIO_GOAL_MS:.0f} ms: "
              f"{'yes' if cmp['goal_first_audio_under_300ms'] else 'NO'} ({first:.0f} ms)")
        if cmp["disturbed"]:
            print(f"  warning: {' and '.join(cmp['disturbed'])}: fewer cores busy than "
                  f"{engine['threads']} threads keep, so slowed down by other work on the "
                  f"machine; the ratio is not the engines' own")
        if "same_samples" in cmp:
            print(f"  same sample counts (noise 0): {'yes' if cmp['same_samples'] else 'NO'}")
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description="speech benchmark, the engine vs piper-tts")
    ap.add_argument("--threads", type=int, default=2, help="default 2")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each text (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    ap.add_argument("--scales", default="default,zero",
                    help="scale sets, comma-separated: default (the voice's), zero (no noise)")
    ap.add_argument("--short", default=SHORT, help="the time-to-first-audio sentence")
    ap.add_argument("--long", default=LONG, help="the real-time-factor text")
    ap.add_argument("--voice", default="piper-joe-medium", help="manifest id (file VOICE.onnx)")
    ap.add_argument("--models", type=Path,
                    default=Path(os.environ.get("POSTCRAFT_HOME", REPO_ROOT / ".postcraft")) / "models")
    ap.add_argument("--binary", type=Path, default=default_binary())
    ap.add_argument("--no-rust", action="store_true", help="time piper-tts only")
    ap.add_argument("--json", action="store_true", help="print only the JSON result")
    args = ap.parse_args()
    names = [n.strip() for n in args.scales.split(",") if n.strip()]
    if not names or any(n not in SCALE_SETS for n in names):
        ap.error(f"--scales takes {', '.join(SCALE_SETS)}")
    if args.runs < 1 or args.warmup < 0 or args.threads < 1:
        ap.error("--runs and --threads must be >= 1, --warmup >= 0")
    model = args.models / f"{args.voice}.onnx"
    if not model.is_file():
        ap.error(f"{model} not found: run ./scripts/setup")
    use_rust = not args.no_rust
    if use_rust and not (args.binary.is_file() and os.access(args.binary, os.X_OK)):
        print(f"note: {args.binary} not found, so only piper-tts is timed: "
              f"cargo build --release -p postcraft-cli", file=sys.stderr)
        use_rust = False

    voice, load_ms = load_piper(model, args.threads)
    results, failed = {}, None
    for name in names:
        scales = SCALE_SETS[name]
        # The engine first (its own process), then piper-tts: each alone on the cores.
        engine = run_engine(args.binary, args, scales) if use_rust else None
        piper = bench_piper(voice, load_ms, args.short, args.long, scales, args.runs, args.warmup)
        if isinstance(engine, str):
            failed = engine
        results[name] = {"piper": piper, "engine": engine,
                         "compare": compare(piper, engine, name == "zero")}

    result = {"threads": args.threads, "runs": args.runs, "warmup": args.warmup,
              "short": args.short, "long": args.long, "voice": args.voice,
              "cpus": os.cpu_count(), "load_avg": list(os.getloadavg()), "scales": results}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        load = os.getloadavg()[0]
        print(f"speech: {args.voice}, {args.threads} threads, median of {args.runs} after "
              f"{args.warmup} warm-up; cpus {os.cpu_count()}, load {load:.2f}")
        print(f"short: {args.short!r}; long: {results[names[0]]['piper']['long']['sentences']} "
              f"sentences, {len(args.long)} characters")
        if load > 0.5 * (os.cpu_count() or 1):
            print("warning: the machine is busy; spinning ONNX Runtime threads lose time to it "
                  "(both sides alike). Compare them in the same run, or on an idle machine")
        print()
        for name, r in results.items():
            print_table(name, r["piper"], r["engine"], r["compare"])
        print(json.dumps(result, ensure_ascii=False))
    if failed:
        print(f"error: engine side: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
