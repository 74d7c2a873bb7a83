"""Checkpoints, logs and sample grids shared by the training scripts."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image


def default_run_dir(name: str) -> Path:
    return Path(os.environ.get("POSTCRAFT_TRAIN_RUNS", Path.home() / ".cache/postcraft/train-runs")) / name


def save_atomic(state: dict, path: Path) -> None:
    """Writes to a temporary file and renames, so a run killed mid-save keeps the last checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load(path: Path) -> dict | None:
    return torch.load(path, map_location="cpu", weights_only=False) if path.exists() else None


class Log:
    """Appends one CSV row per logged step; keeps the header stable across resumed runs."""

    def __init__(self, path: Path, fields: list[str]):
        self.path, self.fields = path, ["step", "seconds", *fields]
        self.started = time.monotonic()
        new = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "a", newline="")
        self.writer = csv.DictWriter(self.file, fieldnames=self.fields)
        if new:
            self.writer.writeheader()

    def write(self, step: int, elapsed_before: float, **values: float) -> None:
        row = {"step": step, "seconds": round(elapsed_before + time.monotonic() - self.started, 1)}
        row.update({k: f"{v:.4f}" for k, v in values.items()})
        self.writer.writerow(row)
        self.file.flush()

    def elapsed(self, before: float) -> float:
        return before + time.monotonic() - self.started


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """[b, 3, h, w] in [-1, 1] -> [b, h, w, 3] bytes."""
    return ((images.detach().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def save_grid(rows: list[np.ndarray], path: Path) -> None:
    """Saves rows of equally sized [n, h, w, 3] images as one PNG grid."""
    grid = np.concatenate([np.concatenate(list(row), axis=1) for row in rows], axis=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(grid).save(path)
