#!/usr/bin/env python3
"""Write the speech reference fixtures: what piper-tts makes of five texts with the Joe voice.

The Rust speech pipeline (crates/speech) must give the same sentences, phonemes and phoneme ids,
and the same samples with both noise scales at 0, as the reference `piper-tts` package. This
script runs piper-tts itself (its phonemizer, piper-phonemize, and onnxruntime) and writes:

  tests/fixtures/tts_reference/reference.json   per text: its sentences, each with the phoneme
                                                string, the ids, the sample count and the SHA-256
                                                of the raw float32 and the int16 samples
  tests/fixtures/tts_reference/tNsM.f32         raw model output of text N, sentence M
                                                (float32 little-endian, before normalization)

Usage (maintainers; a separate venv, since piper-tts is no part of the studio's set-up):

    python3 -m venv ~/.cache/postcraft/venv-piper
    ~/.cache/postcraft/venv-piper/bin/pip install --require-hashes -r models/tools/requirements-piper.txt
    ~/.cache/postcraft/venv-piper/bin/python models/tools/make_tts_reference.py [--check]

It reads the voice from .postcraft/models/ (installed by set-up). --check compares with the
committed fixtures instead of writing (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from importlib.metadata import version

import numpy as np
from piper import PiperVoice
from piper.util import audio_float_to_int16

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests/fixtures/tts_reference"
VOICE = "piper-joe-medium"

# Varied on purpose: clause punctuation (, : ;), a question, an exclamation, numbers, a time,
# an ordinal, abbreviations ("Dr." ends a sentence for espeak; "p.m." does not), contractions.
TEXTS = [
    "Fresh coffee, warm light, and a quiet morning: that's the whole plan.",
    "Is this the best sunset we've seen all year?",
    "Doors open at 7:30 p.m. on Friday, November 27th.",
    "We tested 3 lenses; the 35mm won, hands down!",
    "Dr. Rivera's studio tour starts soon. Don't miss it.",
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, default=REPO / ".postcraft/models")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    model = args.models / f"{VOICE}.onnx"
    voice = PiperVoice.load(model, config_path=args.models / f"{VOICE}.onnx.json")
    texts, blobs = [], {}
    for t, text in enumerate(TEXTS):
        sentences = []
        for s, phonemes in enumerate(voice.phonemize(text)):
            ids = voice.phonemes_to_ids(phonemes)
            # piper-tts's own synthesis, with both noise scales at 0 (deterministic); the raw
            # output is taken just before its int16 conversion.
            raw = voice.session.run(None, {
                "input": np.array([ids], dtype=np.int64),
                "input_lengths": np.array([len(ids)], dtype=np.int64),
                "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
            })[0].squeeze().astype("<f4")
            pcm = audio_float_to_int16(raw)
            assert pcm.tobytes() == voice.synthesize_ids_to_raw(ids, length_scale=1.0, noise_scale=0.0, noise_w=0.0)
            name = f"t{t}s{s}.f32"
            blobs[name] = raw.tobytes()
            sentences.append({
                "phonemes": "".join(phonemes),
                "ids": ids,
                "samples": int(raw.size),
                "raw_sha256": sha256(raw.tobytes()),
                "pcm16_sha256": sha256(pcm.astype("<i2").tobytes()),
                "file": name,
            })
        texts.append({"text": text, "sentences": sentences})

    meta = {
        "voice": VOICE,
        "voice_sha256": sha256(model.read_bytes()),
        "scales": {"noise_scale": 0.0, "length_scale": 1.0, "noise_w": 0.0},
        "sample_rate": voice.config.sample_rate,
        "versions": {p: version(p) for p in ("piper-tts", "piper-phonemize", "onnxruntime", "numpy")},
        "texts": texts,
    }
    encoded = (json.dumps(meta, indent=1, ensure_ascii=False) + "\n").encode()
    if args.check:
        stale = [n for n, b in {**blobs, "reference.json": encoded}.items()
                 if not (OUT / n).is_file() or (OUT / n).read_bytes() != b]
        if stale:
            print(f"differs from the committed fixtures: {stale}", file=sys.stderr)
            return 1
        print("tts reference: fixtures up to date")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("t*s*.f32"):
        old.unlink()
    for name, blob in blobs.items():
        (OUT / name).write_bytes(blob)
    (OUT / "reference.json").write_bytes(encoded)
    total = sum(len(b) for b in blobs.values())
    print(f"wrote {len(blobs)} sentences ({total / 1e6:.2f} MB) and reference.json to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
