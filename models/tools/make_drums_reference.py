#!/usr/bin/env python3
"""Write the drum GAN reference fixtures that the Rust engine's tests compare against.

Usage (from the repository root, in the set-up venv, after set-up installed the models):

    .postcraft/venv/bin/python models/tools/make_drums_reference.py [--check]

Writes into tests/fixtures/drums_reference/:
  latent.f32   14 latents z, float32 [14, 100], raw little-endian, C order:
               numpy.random.default_rng(2026).standard_normal((14, 100)) cast to float32
  kind.f32     their one-hot kinds, float32 [14, 7]: kick, snare, hat, clap, tom, cymbal, perc,
               each twice (rows 2k and 2k+1 are kind k)
  output.f32   the model's `audio` for them through the Python onnxruntime, float32 [14, 16384]
  meta.json    shapes, versions, session options and the SHA-256 of the model and every file,
               so a test can tell a stale fixture from a wrong engine

The session runs on the CPU provider with one thread and the default optimisation level, as the
engine's. Run it again (and commit) whenever the drum model is re-exported; --check compares
instead of writing and exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from pathlib import Path

import numpy as np
import onnxruntime as ort

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests/fixtures/drums_reference"
MODEL_ID = "drums-oneshot"
SEED = 2026
PER_KIND = 2


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description="Write tests/fixtures/drums_reference/")
    ap.add_argument("--models", type=Path, default=REPO / ".postcraft/models")
    ap.add_argument("--check", action="store_true", help="compare with the committed fixtures instead")
    args = ap.parse_args()

    manifest = tomllib.loads((REPO / "models/manifest.toml").read_text())
    spec = next(m for m in manifest["model"] if m["id"] == MODEL_ID)
    model = args.models / spec["file"]
    if not model.is_file():
        sys.exit(f"{model} is missing: run the set-up first")
    model_bytes = model.read_bytes()
    if sha256(model_bytes) != spec["sha256"]:
        sys.exit(f"{model} does not match the manifest's sha256: run the set-up again")
    kinds = spec["params"]["kinds"]

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    count = PER_KIND * len(kinds)
    latent = np.random.default_rng(SEED).standard_normal((count, 100)).astype(np.float32)
    kind = np.zeros((count, len(kinds)), np.float32)
    kind[np.arange(count), np.arange(count) // PER_KIND] = 1.0
    (output,) = session.run(["audio"], {"z": latent, "kind": kind})
    output = np.ascontiguousarray(output.reshape(count, -1), dtype="<f4")

    files = {
        "latent.f32": latent.astype("<f4").tobytes(),
        "kind.f32": kind.astype("<f4").tobytes(),
        "output.f32": output.tobytes(),
    }
    meta = {
        "model_id": MODEL_ID,
        "model_file": spec["file"],
        "model_sha256": spec["sha256"],
        "kinds": kinds,
        "per_kind": PER_KIND,
        "seed": SEED,
        "latent_shape": list(latent.shape),
        "kind_shape": list(kind.shape),
        "output_shape": list(output.shape),
        "dtype": "float32, little-endian, C order, no header",
        "sha256": {name: sha256(data) for name, data in files.items()},
        "onnxruntime": ort.__version__,
        "numpy": np.__version__,
        "session": "CPUExecutionProvider, intra_op_num_threads=1, inter_op_num_threads=1, ORT_ENABLE_ALL",
    }
    if args.check:
        committed = json.loads((OUT / "meta.json").read_text())
        if committed["model_sha256"] != meta["model_sha256"]:
            print("the fixtures were made from another model file: run without --check", file=sys.stderr)
            return 1
        ours = np.frombuffer((OUT / "output.f32").read_bytes(), "<f4").reshape(output.shape)
        worst = float(np.abs(ours - output).max())
        print(f"max |fixture - onnxruntime| = {worst:.2e}")
        return 0 if worst <= 1e-5 else 1
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    (OUT / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {OUT} ({count} hits of {output.shape[1]} samples; model {spec['sha256'][:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
