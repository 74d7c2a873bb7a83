#!/usr/bin/env python3
"""Publishes the current training runs into the repository (maintainer-only, needs PyTorch):

1. exports the sticker DCGAN and both restyle generators to models/trained/*.onnx (each export
   is checked against PyTorch in onnxruntime before it is written);
2. copies each run's training log, its latest sample grid and a weights-only checkpoint (what
   another machine resumes from) into models/trained/ and models/train/checkpoints/;
3. rewrites the sha256 of those models in models/manifest.toml;
4. installs them (models/tools/setup_models.py) and regenerates the restyle reference fixtures
   (models/tools/make_restyle_reference.py) in the set-up venv.

    ~/.cache/postcraft/venv-train/bin/python models/train/publish.py [--checkpoints-only]

`--drums` does the same for the drum GAN only (exports `models/trained/drums-oneshot.onnx`, adds
its manifest entry the first time, installs it and regenerates tests/fixtures/drums_reference/);
with `--checkpoints-only` too, only its weights and log.

`--checkpoints-only` saves step 2 (weights and logs under models/train/checkpoints/) and nothing
else: for the end of a session whose training continues elsewhere. Then commit models/, tests/fixtures/restyle_reference/ and update models/trained/MODEL_CARD.md.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import torch

import common

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TRAINED = REPO / "models/trained"
CHECKPOINTS = HERE / "checkpoints"
MANIFEST = REPO / "models/manifest.toml"
SETUP_PYTHON = REPO / ".postcraft/venv/bin/python"

# manifest id -> file under models/trained
MODELS = {
    "dcgan-stickers": "sticker-dcgan.onnx",
    "restyle-cartoon": "restyle-cartoon.onnx",
    "restyle-photo": "restyle-photo.onnx",
}


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=HERE)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_hashes(text: str, model_id: str, digest: str) -> str:
    """Sets `sha256` of the model block `model_id` and of its source to `digest`."""
    start = text.index(f'id = "{model_id}"')
    end = text.find("[[model]]", start)
    end = len(text) if end < 0 else end
    block = re.sub(r'sha256 = "[0-9a-f]{64}"', f'sha256 = "{digest}"', text[start:end])
    return text[:start] + block + text[end:]


def weights_only(run_dir: Path, keys: list[str], out: Path) -> None:
    state = common.load(run_dir / "checkpoint.pt")
    if state is None:
        sys.exit(f"no checkpoint in {run_dir}")
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({**{k: state[k] for k in keys}, "step": state["step"], "seconds": state["seconds"]}, out)


def copy_log(src: Path, dst: Path) -> None:
    """Copies a training log, keeping the last row of each step: a resumed run logs again the
    steps after its last checkpoint, and those later rows are the ones the weights went on from."""
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    by_step: dict[str, list[str]] = {}
    for row in body:
        by_step[row[0]] = row
    ordered = sorted(by_step.values(), key=lambda r: int(r[0]))
    with open(dst, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(ordered)


def save_progress(stickers: Path, restyle: Path) -> None:
    """Weights-only checkpoints and the training logs: what another machine resumes from."""
    weights_only(stickers, ["gen", "disc"], CHECKPOINTS / "sticker-weights.pt")
    weights_only(restyle, ["g_ab", "g_ba", "d_a", "d_b"], CHECKPOINTS / "restyle-weights.pt")
    for name, run_dir in (("sticker-dcgan", stickers), ("restyle", restyle)):
        copy_log(run_dir / "log.csv", CHECKPOINTS / f"{name}-training-log.csv")


DRUMS_MANIFEST_BLOCK = """
[[model]]
id = "drums-oneshot"
name = "Drums: one-shot hits (WaveGAN)"
kind = "sound-gan"
file = "drums-oneshot.onnx"
sha256 = "{digest}"
licence = "MIT (Postcraft); trained on Debian's hydrogen-drumkits (GPL-2+, CC-BY, CC-BY-SA, CC0 kits: see the model card)"
notes = "Conditional WaveGAN trained by the Postcraft project: 16,384 samples at 22,050 Hz per hit; kinds kick, snare, hat, clap, tom, cymbal, perc."

[model.source]
registry = "repo"
path = "models/trained/drums-oneshot.onnx"
sha256 = "{digest}"

[[model.inputs]]
name = "z"
dtype = "float32"
shape = ["batch", 100]

[[model.inputs]]
name = "kind"
dtype = "float32"
shape = ["batch", 7]

[[model.outputs]]
name = "audio"
dtype = "float32"
shape = ["batch", 16384]

[model.params]
kinds = ["kick", "snare", "hat", "clap", "tom", "cymbal", "perc"]
sample_rate = 22050
"""


def publish_drums(python: str) -> None:
    """Exports the drum GAN, copies its log, spectrogram grid and weights, and pins it in the
    manifest (adding its entry the first time)."""
    run_dir = common.default_run_dir("drums")
    if not (run_dir / "weights.pt").exists():
        sys.exit(f"no weights in {run_dir}")
    shutil.copy(run_dir / "weights.pt", CHECKPOINTS / "drums-weights.pt")  # the run writes them weights-only
    copy_log(run_dir / "log.csv", CHECKPOINTS / "drums-training-log.csv")
    if "--checkpoints-only" in sys.argv[1:]:
        return
    onnx_file = TRAINED / "drums-oneshot.onnx"
    run(python, "train_drums.py", "export", onnx_file)
    run(python, "train_drums.py", "samples", "--out-dir", run_dir / "listen")
    copy_log(run_dir / "log.csv", TRAINED / "drums-training-log.csv")
    shutil.copy(run_dir / "listen" / "samples.png", TRAINED / "drums-samples.png")
    digest = sha256(onnx_file)
    text = MANIFEST.read_text()
    if 'id = "drums-oneshot"' in text:
        text = set_hashes(text, "drums-oneshot", digest)
    else:
        text = text.rstrip("\n") + "\n" + DRUMS_MANIFEST_BLOCK.format(digest=digest)
    MANIFEST.write_text(text)
    print(f"drums-oneshot published ({digest})")
    if SETUP_PYTHON.exists():
        run(SETUP_PYTHON, REPO / "models/tools/setup_models.py", "--dest", REPO / ".postcraft")
        run(SETUP_PYTHON, REPO / "models/tools/make_drums_reference.py")
    else:
        print(f"{SETUP_PYTHON} is missing: run ./scripts/setup, then make_drums_reference.py")


def main() -> None:
    python = sys.executable
    if "--drums" in sys.argv[1:]:
        publish_drums(python)
        return
    stickers, restyle = common.default_run_dir("stickers"), common.default_run_dir("restyle")
    save_progress(stickers, restyle)
    if "--checkpoints-only" in sys.argv[1:]:
        print("saved the weights and logs to resume from; the published models are unchanged")
        return
    run(python, "train_stickers.py", "export", "--grid", TRAINED / "sticker-dcgan-samples.png")
    run(python, "train_restyle.py", "export")
    for name, run_dir in (("sticker-dcgan", stickers), ("restyle", restyle)):
        copy_log(run_dir / "log.csv", TRAINED / f"{name}-training-log.csv")
    grids = sorted((restyle / "samples").glob("step*.png"))
    if grids:
        shutil.copy(grids[-1], TRAINED / "restyle-samples.png")

    text = MANIFEST.read_text()
    for model_id, file in MODELS.items():
        text = set_hashes(text, model_id, sha256(TRAINED / file))
    MANIFEST.write_text(text)
    print("manifest hashes updated")
    if SETUP_PYTHON.exists():
        run(SETUP_PYTHON, REPO / "models/tools/setup_models.py", "--dest", REPO / ".postcraft")
        run(SETUP_PYTHON, REPO / "models/tools/make_restyle_reference.py")
    else:
        print(f"{SETUP_PYTHON} is missing: run ./scripts/setup, then make_restyle_reference.py")


if __name__ == "__main__":
    main()
