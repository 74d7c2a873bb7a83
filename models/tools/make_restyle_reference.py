#!/usr/bin/env python3
"""Write the restyle (CycleGAN) reference fixtures that the Rust engine's tests compare against.

Usage (from the repository root, in the set-up venv, after set-up installed the models):

    .postcraft/venv/bin/python models/tools/make_restyle_reference.py [--check]

Writes into tests/fixtures/restyle_reference/:
  input.f32          a synthetic 96x128 RGB picture (gradients, discs, stripes, noise), float32
                     [3, 96, 128] planar in [0, 1], raw little-endian; made by numpy from seed 5
  <model id>.f32     each image-to-image model's output for it through the Python onnxruntime,
                     mapped from the model's [-1, 1] to [0, 1] and clipped, as the engine returns
  meta.json          shapes, versions, session options and the SHA-256 of every model file and
                     output, so a test can tell a stale fixture from a wrong engine

Run it again (and commit) whenever a restyle model is re-exported; models/train/publish.py does.
--check compares instead of writing and exits 1 on a difference.
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
OUT = REPO / "tests/fixtures/restyle_reference"
HEIGHT, WIDTH = 96, 128


def synthetic_picture() -> np.ndarray:
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    r = x / (WIDTH - 1)
    g = y / (HEIGHT - 1)
    b = 0.5 + 0.5 * np.sin(x / 7.0) * np.cos(y / 11.0)
    img = np.stack([r, g, b])
    for cy, cx, rad, colour in ((30, 40, 18, (0.9, 0.2, 0.1)), (60, 95, 22, (0.1, 0.3, 0.8))):
        mask = (x - cx) ** 2 + (y - cy) ** 2 <= rad**2
        for c in range(3):
            img[c][mask] = colour[c]
    img[:, 80:88, :] = 0.05  # a dark stripe
    img += rng.normal(0, 0.03, img.shape).astype(np.float32)
    return np.clip(img, 0, 1).astype(np.float32)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, default=REPO / ".postcraft/models")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    manifest = tomllib.loads((REPO / "models/manifest.toml").read_text())
    models = [m for m in manifest["model"] if m["kind"] == "image-to-image"]
    picture = synthetic_picture()
    files = {"input.f32": picture.tobytes()}
    meta = {
        "input_file": "input.f32",
        "input_shape": [3, HEIGHT, WIDTH],
        "input_recipe": "synthetic_picture() in this script (numpy default_rng(5))",
        "dtype": "float32",
        "byte_order": "little",
        "onnxruntime_version": ort.__version__,
        "numpy_version": np.__version__,
        "intra_op_num_threads": 1,
        "outputs": {},
    }
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    for model in models:
        path = args.models / model["file"]
        data = path.read_bytes()
        if sha256(data) != model["sha256"]:
            sys.exit(f"{path} differs from the manifest's sha256: run the set-up first")
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        lo, hi = model.get("params", {}).get("input_range", [-1.0, 1.0])
        olo, ohi = model.get("params", {}).get("output_range", [-1.0, 1.0])
        x = (lo + picture * (hi - lo))[None].astype(np.float32)
        y = session.run(None, {session.get_inputs()[0].name: x})[0][0]
        out = np.clip((y - olo) / (ohi - olo), 0, 1).astype(np.float32)
        name = f"{model['id']}.f32"
        files[name] = out.tobytes()
        meta["outputs"][model["id"]] = {"file": name, "model_sha256": model["sha256"], "sha256": sha256(out.tobytes())}
    files["meta.json"] = (json.dumps(meta, indent=2, sort_keys=True) + "\n").encode()

    if args.check:
        stale = [n for n, d in files.items() if not (OUT / n).exists() or (OUT / n).read_bytes() != d]
        if stale:
            print(f"stale: {', '.join(stale)}")
            return 1
        print("restyle reference fixtures are up to date")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.f32"):
        if old.name not in files:
            old.unlink()
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(files)} files to {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
