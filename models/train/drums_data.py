"""One-shot drum and percussion samples for the drum GAN, read from Debian packages only.

Source: the kits that `hydrogen-drumkits` installs under /usr/share/hydrogen/data/drumkits/
(`apt install hydrogen-drumkits`). `hydrogen-drumkits-effects` installs one kit only,
`belofilms_GuitarStrums` (strummed guitar chords, not percussion): it is left out.

Each kit's `drumkit.xml` names its instruments and their sample files (one per velocity layer).
Every file -> mono (mean of the channels), resampled to 22,050 Hz with a polyphase
Kaiser-windowed sinc filter (`scipy.signal.resample_poly`), high-passed at 20 Hz (DC offsets),
the leading silence cut (from 16 samples before the first sample above -40 dB of the peak), cut
or zero-padded to 16,384 samples (0.74 s) with a short fade-out at the end, and peak-normalised
to 0.95. The KIND comes from the instrument name (`kind_of`; from the file name when the
instrument name names no kind). Dropped: instruments without a usable name (rumpf's unnamed
"Sample: ..." slots, Millo's numbered empty slots), missing or silent files, and exact
duplicates (the same audio under several instruments or kits: the first occurrence wins). The
result is cached as `drums-v1.npz` under the cache folder.

Licences of the kits (Debian's copyright file, which is more precise than drumkit.xml): `KITS`.
`--licences cc` in train_drums.py keeps the CC0 / CC-BY / CC-BY-SA kits only (no GPL).

Needs `soundfile` (FLAC, AIFF) and `scipy` in the training venv.
"""

from __future__ import annotations

import hashlib
import re
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np

from datasets import cache_dir

ROOT = Path("/usr/share/hydrogen/data/drumkits")
PACKAGE = "hydrogen-drumkits"
SAMPLE_RATE = 22050
LENGTH = 16384
PEAK = 0.95
FADE = 2048  # samples of raised-cosine fade-out at the end (long cymbals are cut)
PRE_ROLL = 16
ONSET_DB = -40.0
CACHE_NAME = "drums-v1.npz"

KINDS = ["kick", "snare", "hat", "clap", "tom", "cymbal", "perc"]

# kit folder -> licence per /usr/share/doc/hydrogen-drumkits/copyright (2017.09.19~dfsg-1)
KITS = {
    "Audiophob": "CC0-1.0",
    "BJA_Pacific": "CC-BY-SA-3.0-US",
    "ColomboAcousticDrumkit": "GPL-2.0-or-later (with composition exception)",
    "ElectricEmpireKit": "GPL-2.0-or-later",
    "ForzeeStereo": "GPL-2.0",
    "Gimme A Hand 1.0": "GPL-2.0",
    "HardElectro1": "GPL-2.0-or-later",
    "Millo-Drums_v.1": "GPL-2.0",
    "Millo_MultiLayered2": "GPL-2.0",
    "Millo_MultiLayered3": "GPL-2.0",
    "The Black Pearl 1.0": "GPL-2.0",
    "VariBreaks": "GPL-2.0-or-later",
    "circAfrique v4": "CC-BY-SA-3.0",
    "rumpf_kit_z01_h2": "CC-BY-3.0",
}
EXCLUDED_KITS = {"belofilms_GuitarStrums": "hydrogen-drumkits-effects: guitar strums, not percussion"}

# Ordered: the first rule whose pattern matches the lower-cased instrument name wins.
_RULES = [
    ("perc", r"djembe|sangban|dununba|kenkeni|conga|bongo|cajon|cowbell|agogo|tambourine|woodblock|clave"),
    ("clap", r"clap"),
    ("hat", r"\bhh\b|\bchh\b|\bohh\b|hi-?\s?hat|hihat|\bhat\b"),
    ("cymbal", r"crash|ride|splash|china|cymbal|paiste bell"),
    ("snare", r"snare|\bsn\b|\bsd\b"),
    ("kick", r"kick|bass ?drum|\bbd\b"),
    ("tom", r"\btom"),
]
_UNNAMED = re.compile(r"^\s*$|^\d+$|^sample:|^[a-g]#?\d\s*-\s*$")


def _match(text: str) -> str | None:
    text = re.sub(r"[_\-.]+", " ", text.lower())
    for kind, pattern in _RULES:
        if re.search(pattern, text):
            return kind
    return None


def kind_of(instrument: str, file: str = "") -> str | None:
    """KIND of an instrument (its name, else its sample's file name; "perc" when neither names a
    kind), or None when the instrument has no usable name (the sample is dropped)."""
    if _UNNAMED.match(instrument.strip().lower()):
        return None
    return _match(instrument) or _match(Path(file).stem) or "perc"


def kit_info(kit: Path) -> dict:
    """name, author, license (as drumkit.xml gives them) and instruments [(name, [files])]."""
    root = ET.parse(kit / "drumkit.xml").getroot()
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def text(e, tag):
        return (e.findtext(ns + tag) or "").strip()

    instruments = []
    for inst in root.find(ns + "instrumentList").findall(ns + "instrument"):
        files = [f.text.strip() for f in inst.iter(ns + "filename") if f.text and f.text.strip()]
        instruments.append((text(inst, "name"), files))
    return {
        "name": text(root, "name"),
        "author": text(root, "author"),
        "license": text(root, "license"),
        "instruments": instruments,
    }


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    from scipy.signal import resample_poly

    if rate == SAMPLE_RATE:
        return x
    ratio = Fraction(SAMPLE_RATE, rate)
    return resample_poly(x, ratio.numerator, ratio.denominator, window=("kaiser", 8.0))


def highpass(x: np.ndarray) -> np.ndarray:
    """Removes DC and sub-audio rumble (2nd-order Butterworth at 20 Hz)."""
    from scipy.signal import butter, sosfilt

    return sosfilt(butter(2, 20.0, "highpass", fs=SAMPLE_RATE, output="sos"), x)


def prepare(x: np.ndarray, rate: int) -> np.ndarray | None:
    """Decoded [frames] or [frames, channels] -> [LENGTH] float32, or None when silent."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if x.size == 0 or np.abs(x).max() < 1e-4:
        return None
    x = highpass(resample(x, rate))
    peak = np.abs(x).max()
    onset = int(np.argmax(np.abs(x) >= peak * 10 ** (ONSET_DB / 20)))
    x = x[max(0, onset - PRE_ROLL) :][:LENGTH]
    out = np.zeros(LENGTH)
    out[: len(x)] = x
    out[LENGTH - FADE :] *= 0.5 * (1 + np.cos(np.linspace(0, np.pi, FADE)))
    peak = np.abs(out).max()
    if peak < 1e-4:
        return None
    return (out * (PEAK / peak)).astype(np.float32)


def build() -> dict[str, np.ndarray]:
    import soundfile as sf

    if not ROOT.is_dir():
        sys.exit(f"{ROOT} is missing: install the Debian package {PACKAGE} (apt install {PACKAGE})")
    audio, kinds, kits, names, files = [], [], [], [], []
    seen: dict[bytes, str] = {}
    dropped = {"unnamed": 0, "silent": 0, "duplicate": 0, "unreadable": 0}
    kit_names = sorted(KITS)
    for k, kit in enumerate(kit_names):
        info = kit_info(ROOT / kit)
        for instrument, sample_files in info["instruments"]:
            if kind_of(instrument) is None:
                dropped["unnamed"] += len(sample_files)
                continue
            for file in sample_files:
                kind = kind_of(instrument, file)
                try:
                    data, rate = sf.read(ROOT / kit / file, always_2d=False)
                except (RuntimeError, OSError) as error:
                    print(f"skipped {kit}/{file}: {error}")
                    dropped["unreadable"] += 1
                    continue
                clip = prepare(data, rate)
                if clip is None:
                    dropped["silent"] += 1
                    continue
                digest = hashlib.sha1(np.round(clip * 32767).astype(np.int16).tobytes()).digest()
                if digest in seen:
                    dropped["duplicate"] += 1
                    continue
                seen[digest] = file
                audio.append(clip)
                kinds.append(KINDS.index(kind))
                kits.append(k)
                names.append(instrument)
                files.append(file)
    print("dropped:", ", ".join(f"{v} {k}" for k, v in dropped.items()))
    return {
        "audio": np.stack(audio),
        "kind": np.array(kinds, dtype=np.int64),
        "kit": np.array(kits, dtype=np.int64),
        "kit_names": np.array(kit_names),
        "instrument": np.array(names),
        "path": np.array(files),
    }


def load() -> dict[str, np.ndarray]:
    """{"audio": [n, 16384] float32, "kind": [n], "kit": [n], "kit_names", "instrument", "file"}."""
    path = cache_dir() / CACHE_NAME
    if not path.exists():
        data = build()
        tmp = path.with_suffix(".part.npz")
        np.savez(tmp, **data)
        tmp.replace(path)
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def select(data: dict[str, np.ndarray], licences: str) -> np.ndarray:
    """Indices of the samples whose kit licence fits `licences` ("all" or "cc": no GPL kits)."""
    if licences == "all":
        return np.arange(len(data["kind"]))
    allowed = [i for i, name in enumerate(data["kit_names"]) if KITS[str(name)].startswith("CC")]
    return np.flatnonzero(np.isin(data["kit"], allowed))


def summary(data: dict[str, np.ndarray], index: np.ndarray | None = None) -> str:
    index = np.arange(len(data["kind"])) if index is None else index
    kinds = np.bincount(data["kind"][index], minlength=len(KINDS))
    lines = [f"{len(index)} samples: " + ", ".join(f"{k} {n}" for k, n in zip(KINDS, kinds))]
    for i, name in enumerate(data["kit_names"]):
        per = np.bincount(data["kind"][index][data["kit"][index] == i], minlength=len(KINDS))
        if per.sum():
            lines.append(
                f"  {name} ({KITS[str(name)]}): {per.sum()} = " + " ".join(f"{k}:{n}" for k, n in zip(KINDS, per) if n)
            )
    return "\n".join(lines)


if __name__ == "__main__":
    for kit in sorted(KITS):
        info = kit_info(ROOT / kit)
        print(
            f"{kit}: name {info['name']!r}; author {info['author']!r}; drumkit.xml license {info['license']!r}; Debian: {KITS[kit]}"
        )
    for kit, why in EXCLUDED_KITS.items():
        print(f"{kit}: excluded ({why})")
    data = load()
    print(summary(data))
    if "-v" in sys.argv[1:]:
        for i in np.argsort(data["kind"], kind="stable"):
            print(
                f"{KINDS[data['kind'][i]]:7s} {data['kit_names'][data['kit'][i]]} / {data['instrument'][i]} / {data['path'][i]}"
            )
