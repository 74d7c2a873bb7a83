"""Training data for Postcraft's own image models, read from Debian packages only.

Every source is a file that a Debian package installs (see `SOURCES`), so anyone can rebuild
the exact data set with `apt install`; nothing is downloaded from elsewhere. Decoded images are
cached as `.npy` arrays under the cache folder, so a resumed run starts in seconds.

Domains:
- `photos`: wallpapers that are photographs or photo-like renders (GNOME, MATE nature, KDE
  Plasma), one file per wallpaper (the largest size under 4K), short side scaled to 512.
- `cartoons`: Openclipart PNGs (public domain) and Noto Color Emoji bitmaps (OFL), composited
  on white and fitted into 128x128: the "sticker / clip-art" style of the restyler.
- `emoji_rgba`: the emoji alone at 64x64, RGB premultiplied by alpha plus alpha, for the sticker
  GAN (premultiplied, so fully transparent pixels carry no colour to learn).
"""

from __future__ import annotations

import io
import os
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

SOURCES = {
    "gnome-backgrounds": "/usr/share/backgrounds/gnome",
    "mate-backgrounds": "/usr/share/backgrounds/mate/nature",
    "mate-backgrounds (Elephants)": "/usr/share/backgrounds/mate/abstract/Elephants.jpg",
    "plasma-workspace-wallpapers": "/usr/share/wallpapers",
    "openclipart-png": "/usr/share/openclipart/png",
    "fonts-noto-color-emoji": "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
}

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
PHOTO_SHORT_SIDE = 512
CARTOON_SIZE = 128
EMOJI_SIZE = 64


def cache_dir() -> Path:
    root = Path(os.environ.get("POSTCRAFT_TRAIN_CACHE", Path.home() / ".cache/postcraft/train-data"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def require(path: str, package: str) -> Path:
    p = Path(path)
    if not p.exists():
        sys.exit(f"{path} is missing: install the Debian package {package} (apt install {package.split()[0]})")
    return p


def _pixel_count(path: Path) -> int:
    try:
        with Image.open(path) as im:
            return im.width * im.height
    except OSError:
        return 0


def photo_files() -> list[Path]:
    files: list[Path] = []
    gnome = require(SOURCES["gnome-backgrounds"], "gnome-backgrounds")
    files += sorted(p for p in gnome.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    nature = require(SOURCES["mate-backgrounds"], "mate-backgrounds")
    files += sorted(p for p in nature.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    files.append(require(SOURCES["mate-backgrounds (Elephants)"], "mate-backgrounds"))
    plasma = require(SOURCES["plasma-workspace-wallpapers"], "plasma-workspace-wallpapers")
    for wallpaper in sorted(p for p in plasma.iterdir() if (p / "contents/images").is_dir()):
        sizes = [p for p in (wallpaper / "contents/images").iterdir() if p.suffix.lower() in IMAGE_SUFFIXES]
        sizes = [p for p in sizes if _pixel_count(p) <= 3840 * 2160]
        if sizes:
            files.append(max(sizes, key=_pixel_count))
    return files


def _load_photo(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        im = im.convert("RGB")
        scale = PHOTO_SHORT_SIDE / min(im.size)
        im = im.resize((round(im.width * scale), round(im.height * scale)), Image.Resampling.LANCZOS)
        return np.asarray(im, dtype=np.uint8)


def photos() -> list[np.ndarray]:
    path = cache_dir() / "photos.npz"
    if path.exists():
        with np.load(path) as data:
            return [data[k] for k in sorted(data.files, key=int)]
    images = [_load_photo(p) for p in photo_files()]
    np.savez(path, **{str(i): im for i, im in enumerate(images)})
    return images


def _fit_on_white(rgba: Image.Image, size: int) -> np.ndarray:
    rgba = rgba.convert("RGBA")
    bbox = rgba.getchannel("A").getbbox()
    if bbox:
        rgba = rgba.crop(bbox)
    scale = (size * 0.9) / max(rgba.size)
    rgba = rgba.resize((max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale))), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (size, size), (255, 255, 255, 255))
    canvas.alpha_composite(rgba, ((size - rgba.width) // 2, (size - rgba.height) // 2))
    return np.asarray(canvas.convert("RGB"), dtype=np.uint8)


def emoji_images() -> list[Image.Image]:
    from fontTools.ttLib import TTFont

    font = TTFont(require(SOURCES["fonts-noto-color-emoji"], "fonts-noto-color-emoji"))
    strike = font["CBDT"].strikeData[0]
    images = []
    for name in sorted(strike):
        data = getattr(strike[name], "imageData", None)
        if data:
            images.append(Image.open(io.BytesIO(data)).convert("RGBA"))
    return images


def cartoons() -> np.ndarray:
    path = cache_dir() / "cartoons.npy"
    if path.exists():
        return np.load(path)
    clipart = require(SOURCES["openclipart-png"], "openclipart-png")
    out = []
    for p in sorted(clipart.rglob("*.png")):
        try:
            with Image.open(p) as im:
                out.append(_fit_on_white(im, CARTOON_SIZE))
        except (OSError, Image.DecompressionBombError):  # a few clip-art PNGs are huge or broken
            continue
    out += [_fit_on_white(im, CARTOON_SIZE) for im in emoji_images()]
    array = np.stack(out)
    np.save(path, array)
    return array


def emoji_rgba() -> np.ndarray:
    """[n, 64, 64, 4] float32 in [0, 1], RGB premultiplied by alpha."""
    path = cache_dir() / "emoji_rgba.npy"
    if path.exists():
        return np.load(path)
    out = []
    for im in emoji_images():
        bbox = im.getchannel("A").getbbox()
        if bbox:
            im = im.crop(bbox)
        scale = (EMOJI_SIZE - 4) / max(im.size)
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.LANCZOS)
        canvas = Image.new("RGBA", (EMOJI_SIZE, EMOJI_SIZE), (0, 0, 0, 0))
        canvas.paste(im, ((EMOJI_SIZE - im.width) // 2, (EMOJI_SIZE - im.height) // 2))
        a = np.asarray(canvas, dtype=np.float32) / 255.0
        a[..., :3] *= a[..., 3:4]
        out.append(a)
    array = np.stack(out).astype(np.float32)
    np.save(path, array)
    return array


class PhotoCrops:
    """Random crops of the photos at a random scale, flipped at random."""

    def __init__(self, images: list[np.ndarray], size: int, rng: random.Random):
        self.images, self.size, self.rng = images, size, rng

    def sample(self) -> np.ndarray:
        im = self.images[self.rng.randrange(len(self.images))]
        h, w, _ = im.shape
        side = self.rng.randint(self.size, min(h, w, self.size * 3))
        y, x = self.rng.randint(0, h - side), self.rng.randint(0, w - side)
        crop = Image.fromarray(im[y : y + side, x : x + side]).resize((self.size, self.size), Image.Resampling.BILINEAR)
        out = np.asarray(crop, dtype=np.uint8)
        return out[:, ::-1] if self.rng.random() < 0.5 else out


class CartoonCrops:
    def __init__(self, images: np.ndarray, size: int, rng: random.Random):
        self.images, self.size, self.rng = images, size, rng

    def sample(self) -> np.ndarray:
        im = self.images[self.rng.randrange(len(self.images))]
        if self.size != im.shape[0]:
            im = np.asarray(Image.fromarray(im).resize((self.size, self.size), Image.Resampling.BILINEAR))
        return im[:, ::-1] if self.rng.random() < 0.5 else im


if __name__ == "__main__":
    p = photos()
    print(f"photos: {len(p)} images from {len(photo_files())} files")
    print(f"cartoons: {cartoons().shape}")
    print(f"emoji: {emoji_rgba().shape}")
