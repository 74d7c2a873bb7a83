#!/usr/bin/env python3
"""Write the DCGAN reference fixtures that the Rust engine's tests compare against.

Usage (from the repository root, in the venv made from models/tools/requirements-bench.txt, after
models/tools/setup_models.py has produced .postcraft/models/dcgan-faces.onnx):

    python models/tools/make_reference.py [--png /tmp/faces]

Writes into tests/fixtures/dcgan_reference/:
  latent.f32  the latent batch z, float32 [4,100,1,1], raw little-endian, C order;
              numpy.random.default_rng(1234).standard_normal((4,100,1,1)) (float64) cast to float32
  output.f32  the model's output `image` for it, float32 [4,3,64,64], raw little-endian, C order,
              values in [-1, 1] (pixel = (v + 1) / 2 * 255)
  meta.json   shapes, seed, versions, session options and hashes of all of the above

The session runs on the CPU provider with intra_op_num_threads=1, inter_op_num_threads=1 and the
default graph optimisation level (ORT_ENABLE_ALL), which is also the default of the C API the Rust
side uses. With the same libonnxruntime the Rust outputs should equal these bit for bit; a
tolerance of 1e-5 absolute covers other thread counts and optimisation levels.

--png DIR also writes each image as a PNG (and a grid of all of them) for a human to look at.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
import tomllib
import zlib
from pathlib import Path

import numpy as np
import onnxruntime as ort

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED = 1234
LATENT_SHAPE = (4, 100, 1, 1)
MODEL_ID = "dcgan-faces"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_png(path: Path, rgb: np.ndarray) -> None:
    """Minimal PNG writer: 8-bit RGB, no filter, zlib-compressed."""
    h, w, c = rgb.shape
    assert c == 3 and rgb.dtype == np.uint8
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9))
           + chunk(b"IEND", b""))
    path.write_bytes(png)


def to_rgb8(chw: np.ndarray, scale: int = 1) -> np.ndarray:
    img = np.clip((chw.transpose(1, 2, 0) + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    if scale > 1:
        img = img.repeat(scale, axis=0).repeat(scale, axis=1)
    return img


def main() -> int:
    ap = argparse.ArgumentParser(description="Write tests/fixtures/dcgan_reference/")
    ap.add_argument("--model", type=Path, default=Path(".postcraft/models/dcgan-faces.onnx"))
    ap.add_argument("--manifest", type=Path, default=REPO_ROOT / "models" / "manifest.toml")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "tests" / "fixtures" / "dcgan_reference")
    ap.add_argument("--png", type=Path, help="also write PNGs of the outputs into this folder")
    args = ap.parse_args()

    if not args.model.is_file():
        print(f"error: {args.model} not found; run models/tools/setup_models.py first",
              file=sys.stderr)
        return 1
    model_sha = sha256_file(args.model)
    with open(args.manifest, "rb") as f:
        manifest = tomllib.load(f)
    entry = next((m for m in manifest.get("model", []) if m.get("id") == MODEL_ID), None)
    if entry is None or entry.get("sha256") != model_sha:
        print(f"error: {args.model} has sha256 {model_sha}, the manifest pins "
              f"{entry and entry.get('sha256')}; rerun setup_models.py", file=sys.stderr)
        return 1

    rng = np.random.default_rng(SEED)
    z = rng.standard_normal(LATENT_SHAPE).astype(np.float32)

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(str(args.model), so, providers=["CPUExecutionProvider"])
    (inp,) = sess.get_inputs()
    (outp,) = sess.get_outputs()
    (y,) = sess.run([outp.name], {inp.name: z})
    y = np.ascontiguousarray(y, dtype=np.float32)
    if not np.all(np.isfinite(y)) or y.min() < -1.0 or y.max() > 1.0:
        print("error: output is not finite or not in [-1, 1]", file=sys.stderr)
        return 1

    args.out.mkdir(parents=True, exist_ok=True)
    latent_bytes = z.astype("<f4", copy=False).tobytes(order="C")
    output_bytes = y.astype("<f4", copy=False).tobytes(order="C")
    (args.out / "latent.f32").write_bytes(latent_bytes)
    (args.out / "output.f32").write_bytes(output_bytes)
    meta = {
        "model_id": MODEL_ID,
        "model_file": args.model.name,
        "model_sha256": model_sha,
        "input_name": inp.name,
        "output_name": outp.name,
        "dtype": "float32",
        "byte_order": "little",
        "layout": "C order (row-major), no header",
        "latent_file": "latent.f32",
        "latent_shape": list(z.shape),
        "latent_sha256": hashlib.sha256(latent_bytes).hexdigest(),
        "output_file": "output.f32",
        "output_shape": list(y.shape),
        "output_sha256": hashlib.sha256(output_bytes).hexdigest(),
        "output_min": float(y.min()),
        "output_max": float(y.max()),
        "output_range": [-1.0, 1.0],
        "seed": SEED,
        "latent_recipe": ("numpy.random.default_rng(1234).standard_normal((4, 100, 1, 1))"
                          ".astype(numpy.float32)"),
        "numpy_version": np.__version__,
        "onnxruntime_version": ort.__version__,
        "execution_provider": "CPUExecutionProvider",
        "intra_op_num_threads": 1,
        "inter_op_num_threads": 1,
        "graph_optimization_level": "ORT_ENABLE_ALL (default)",
        "suggested_tolerance_abs": 1e-5,
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {args.out}/latent.f32 {list(z.shape)}, output.f32 {list(y.shape)}, meta.json "
          f"(onnxruntime {ort.__version__}, model {model_sha[:12]}...)")

    if args.png:
        args.png.mkdir(parents=True, exist_ok=True)
        tiles = []
        for i, img in enumerate(y):
            rgb = to_rgb8(img, scale=4)
            write_png(args.png / f"face_{i}.png", rgb)
            tiles.append(rgb)
        gap = np.full((tiles[0].shape[0], 8, 3), 255, np.uint8)
        grid = np.concatenate([t for tile in tiles for t in (tile, gap)][:-1], axis=1)
        write_png(args.png / "grid.png", grid)
        print(f"wrote PNGs to {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
