"""Trains the drum GAN (conditional WaveGAN, one-shot drums at 22,050 Hz); exports ONNX.

    python train_drums.py train --steps 15000 --threads 1   # resumes from the run folder, else
                                                           # from checkpoints/drums-weights.pt
    python train_drums.py export ../trained/drums-wavegan.onnx
    python train_drums.py samples                          # WAVs + a spectrogram PNG per kind
    python train_drums.py evaluate                         # kind accuracy, decay, brightness, spread

Data: the Hydrogen drum kits of the Debian package hydrogen-drumkits (see drums_data.py), seven
KINDS (kick, snare, hat, clap, tom, cymbal, perc), 16,384 samples (0.74 s) each. Every batch
draws its kinds uniformly (the kinds are unbalanced: 17 claps, 152 perc), then a sample of each.

Objective: non-saturating GAN loss summed over a waveform and a spectrum discriminator (see
drums_nets.py), R1 penalty on real data (each discriminator's, every 4 steps: lazy
regularisation), the same random polarity flip and delay (0-255 samples) applied to real and
generated audio before the discriminators (differentiable, so it does not leak into the
generator), Adam 2e-4 (0.5, 0.99), an exponential moving average of the generator's weights
(what is exported and sampled). Batch 16, generator width 24: about 0.35 s a step on one core.

Maintainer-only (needs PyTorch, soundfile, scipy). Output: ~/.cache/postcraft/train-runs/drums/
(checkpoint.pt with optimizer state, weights.pt without, log.csv, samples/stepNNNNNN.png).
"""

from __future__ import annotations

import argparse
import copy
import random
import wave
from pathlib import Path

import numpy as np
import onnx
import torch
from PIL import Image, ImageDraw

import common
import drums_data
import drums_nets

HERE = Path(__file__).parent
KINDS = drums_data.KINDS
LATENT = 100
MAX_DELAY = 256


def one_hot(kind: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.one_hot(kind, len(KINDS)).float()


def models(config: dict):
    width = config["width"]
    gen = drums_nets.DrumGenerator(len(KINDS), LATENT, width)
    wave_d = drums_nets.WaveDiscriminator(len(KINDS), width)
    spec_d = drums_nets.SpectrumDiscriminator(len(KINDS), width)
    return gen, wave_d, spec_d


def augment(audio: torch.Tensor, gen: torch.Generator | None = None) -> torch.Tensor:
    """Random polarity and a random delay of 0..MAX_DELAY-1 samples (zeros in front), per example."""
    b, length = audio.shape
    sign = torch.where(torch.rand(b, 1, generator=gen) < 0.5, -1.0, 1.0)
    delay = torch.randint(0, MAX_DELAY, (b, 1), generator=gen)
    padded = torch.nn.functional.pad(audio * sign, (MAX_DELAY, 0))
    index = torch.arange(length).reshape(1, -1) + MAX_DELAY - delay
    return padded.gather(1, index)


class Batches:
    """Real batches with the kinds drawn uniformly (among the kinds present), then a sample."""

    def __init__(self, audio: torch.Tensor, kinds: np.ndarray, rng: random.Random):
        self.audio, self.rng = audio, rng
        self.by_kind = {k: np.flatnonzero(kinds == k).tolist() for k in range(len(KINDS))}
        self.present = [k for k, items in self.by_kind.items() if items]

    def sample(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        kinds = [self.rng.choice(self.present) for _ in range(n)]
        index = [self.rng.choice(self.by_kind[k]) for k in kinds]
        return self.audio[index], torch.tensor(kinds)


def load_data(licences: str):
    data = drums_data.load()
    index = drums_data.select(data, licences)
    print(drums_data.summary(data, index))
    return torch.from_numpy(data["audio"][index]), data["kind"][index]


def train(args) -> None:
    torch.set_num_threads(args.threads)
    run = args.run
    state = common.load(run / "checkpoint.pt")
    if state is None and args.resume_from and args.resume_from.exists():
        state = common.load(args.resume_from)
        print(f"starting from the weights of {args.resume_from} (optimizer state restarts)")
    config = state["config"] if state else {"width": args.width, "licences": args.licences}
    if state and (args.width, args.licences) != (config["width"], config["licences"]):
        print(f"note: continuing with the run's width {config['width']} and licences {config['licences']}")
    if not state:
        torch.manual_seed(args.seed)
    gen, wave_d, spec_d = models(config)
    ema = copy.deepcopy(gen).eval().requires_grad_(False)
    opt_g = torch.optim.Adam(gen.parameters(), lr=args.lr, betas=(0.5, 0.99))
    opt_d = torch.optim.Adam([*wave_d.parameters(), *spec_d.parameters()], lr=args.lr, betas=(0.5, 0.99))
    step, elapsed = 0, 0.0
    if state:
        gen.load_state_dict(state["gen"]), ema.load_state_dict(state["ema"])
        wave_d.load_state_dict(state["wave_d"]), spec_d.load_state_dict(state["spec_d"])
        if "opt_g" in state:
            opt_g.load_state_dict(state["opt_g"]), opt_d.load_state_dict(state["opt_d"])
        step, elapsed = state["step"], state["seconds"]
        print(f"resumed at step {step}")
    print(
        f"parameters: generator {count(gen) / 1e6:.2f} M, discriminators {count(wave_d) / 1e6:.2f} M + {count(spec_d) / 1e6:.2f} M"
    )
    audio, kinds = load_data(config["licences"])
    rng = random.Random(args.seed * 1_000_003 + step)
    torch.manual_seed(args.seed + step)
    batches = Batches(audio, kinds, rng)
    preview = preview_set(audio, kinds)
    log = common.Log(run / "log.csv", ["loss_d", "loss_g", "r1", "wave_real", "wave_fake", "spec_real", "spec_fake"])
    softplus = torch.nn.functional.softplus
    discriminators = (wave_d, spec_d)
    r1 = torch.zeros(())
    while step < args.steps:
        gen.train(), wave_d.train(), spec_d.train()
        real, kind = batches.sample(args.batch)
        z = torch.randn(args.batch, LATENT)
        fake = gen(z, one_hot(kind))

        opt_d.zero_grad()
        real_aug, fake_aug = augment(real), augment(fake.detach())
        logits = [(d(real_aug, kind), d(fake_aug, kind)) for d in discriminators]
        loss_d = sum(softplus(-lr).mean() + softplus(lf).mean() for lr, lf in logits)
        loss_d.backward()
        if args.r1 > 0 and step % args.r1_every == 0:
            x = augment(real).requires_grad_(True)
            r1 = 0
            for d in discriminators:
                (grad,) = torch.autograd.grad(d(x, kind).sum(), x, create_graph=True)
                r1 = r1 + grad.square().sum(1).mean()
            (0.5 * args.r1 * args.r1_every * r1).backward()
            r1 = r1.detach()
        opt_d.step()

        opt_g.zero_grad()
        fake_aug = augment(fake)
        loss_g = sum(softplus(-d(fake_aug, kind)).mean() for d in discriminators)
        loss_g.backward()
        opt_g.step()
        step += 1
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for p_ema, p in zip(ema.parameters(), gen.parameters()):
                p_ema.lerp_(p, 1 - decay)

        if step % 25 == 0 or step == args.steps:
            log.write(
                step,
                elapsed,
                loss_d=loss_d.item(),
                loss_g=loss_g.item(),
                r1=float(r1),
                wave_real=logits[0][0].mean().item(),
                wave_fake=logits[0][1].mean().item(),
                spec_real=logits[1][0].mean().item(),
                spec_fake=logits[1][1].mean().item(),
            )
        if step % args.save_every == 0 or step == args.steps:
            seconds = log.elapsed(elapsed)
            weights = {
                "gen": gen.state_dict(),
                "ema": ema.state_dict(),
                "wave_d": wave_d.state_dict(),
                "spec_d": spec_d.state_dict(),
                "config": config,
                "step": step,
                "seconds": seconds,
            }
            common.save_atomic(
                {**weights, "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict()}, run / "checkpoint.pt"
            )
            # Weights only: what is committed (checkpoints/drums-weights.pt) so another machine can resume.
            common.save_atomic(weights, run / "weights.pt")
            print(
                f"step {step}: loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f} r1 {float(r1):.3f} ({seconds / 60:.1f} min)",
                flush=True,
            )
        if step % args.sample_every == 0 or step == args.steps:
            with torch.no_grad():
                generated = ema(*fixed_inputs(5))
            save_png(preview, generated.reshape(len(KINDS), 5, -1), run / "samples" / f"step{step:06d}.png")


def count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def fixed_inputs(per_kind: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The same latents for every kind: rows of kinds x `per_kind` columns."""
    z = torch.randn(per_kind, LATENT, generator=torch.Generator().manual_seed(1234))
    kind = torch.arange(len(KINDS)).repeat_interleave(per_kind)
    return z.repeat(len(KINDS), 1), one_hot(kind)


def preview_set(audio: torch.Tensor, kinds: np.ndarray) -> list[torch.Tensor | None]:
    """One real example of each kind (the first), for the left column of the sample PNGs."""
    return [audio[int(np.flatnonzero(kinds == k)[0])] if (kinds == k).any() else None for k in range(len(KINDS))]


# ---------------------------------------------------------------- listening and looking


_COLOURS = np.array(
    [
        [0, 0, 4],
        [40, 11, 84],
        [101, 21, 110],
        [159, 42, 99],
        [212, 72, 66],
        [245, 125, 21],
        [250, 193, 39],
        [252, 255, 164],
    ],
    dtype=np.float64,
)


def _colour(values: np.ndarray) -> np.ndarray:
    """[h, w] in [0, 1] -> [h, w, 3] bytes (an inferno-like ramp)."""
    pos = np.clip(values, 0, 1) * (len(_COLOURS) - 1)
    lo = np.floor(pos).astype(int).clip(0, len(_COLOURS) - 2)
    frac = (pos - lo)[..., None]
    return (_COLOURS[lo] * (1 - frac) + _COLOURS[lo + 1] * frac).round().astype(np.uint8)


def tile(audio: np.ndarray, width: int = 160, spec_height: int = 128, wave_height: int = 48) -> np.ndarray:
    """Spectrogram (0-11 kHz, low frequencies at the bottom; -90..0 dB of a full-scale sine, so
    quiet noise shows dark) over the waveform."""
    n_fft, hop = 512, len(audio) // width
    window = np.hanning(n_fft)
    padded = np.pad(audio, (n_fft // 2, n_fft // 2))
    frames = np.stack([padded[i * hop : i * hop + n_fft] * window for i in range(width)])
    db = 20 * np.log10(np.abs(np.fft.rfft(frames, axis=1)) / (window.sum() / 2) + 1e-9)
    db = db[:, :-1].reshape(width, spec_height, -1).max(axis=2)  # 256 bins -> spec_height rows
    spec = _colour((db.T[::-1] + 90) / 90)
    wave_img = np.full((wave_height, width, 3), 255, np.uint8)
    mid = wave_height // 2
    for x in range(width):
        seg = audio[x * hop : (x + 1) * hop]
        top, bottom = mid - int(seg.max() * (mid - 1)), mid - int(seg.min() * (mid - 1))
        wave_img[min(top, bottom) : max(top, bottom) + 1, x] = (30, 60, 160)
    wave_img[mid, :] = np.minimum(wave_img[mid, :], 200)
    return np.concatenate([spec, wave_img], axis=0)


def save_png(real: list, generated: torch.Tensor, path: Path) -> None:
    """Rows = kinds; first column a real example, then generated samples; label at the left."""
    label_w, gap = 56, 4
    rows = []
    for k, kind in enumerate(KINDS):
        tiles = [tile(real[k].numpy()) if real[k] is not None else np.zeros_like(tile(np.zeros(drums_nets.LENGTH)))]
        tiles += [tile(a.numpy()) for a in generated[k]]
        h = tiles[0].shape[0]
        label = Image.new("RGB", (label_w, h), (255, 255, 255))
        ImageDraw.Draw(label).text((4, h // 2 - 6), kind, fill=(0, 0, 0))
        sep = np.full((h, gap, 3), 255, np.uint8)
        parts = [np.asarray(label), tiles[0], np.full((h, gap * 3, 3), 255, np.uint8)]
        for t in tiles[1:]:
            parts += [t, sep]
        rows += [np.concatenate(parts, axis=1), np.full((gap, sum(p.shape[1] for p in parts), 3), 255, np.uint8)]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(rows, axis=0)).save(path)


def write_wav(path: Path, audio: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(audio, -1, 1) * 32767).round().astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(drums_data.SAMPLE_RATE)
        f.writeframes(pcm.tobytes())


def load_generator(args) -> tuple[drums_nets.DrumGenerator, dict]:
    state = common.load(args.run / "checkpoint.pt") or (common.load(args.resume_from) if args.resume_from else None)
    if not state:
        raise SystemExit(f"no checkpoint in {args.run} or {args.resume_from}")
    gen, _, _ = models(state["config"])
    gen.load_state_dict(state["ema"])
    return gen.eval(), state


def samples(args) -> None:
    torch.set_num_threads(args.threads)
    gen, state = load_generator(args)
    out = args.out_dir or args.run / "listen"
    per_kind = args.count
    with torch.no_grad():
        audio = gen(*fixed_inputs(per_kind)).reshape(len(KINDS), per_kind, -1)
    gap = np.zeros(drums_data.SAMPLE_RATE // 4, np.float32)
    sequence = []
    for k, kind in enumerate(KINDS):
        for i in range(per_kind):
            write_wav(out / f"{kind}-{i}.wav", audio[k, i].numpy())
            sequence += [audio[k, i].numpy(), gap]
    write_wav(out / "all.wav", np.concatenate(sequence))
    data_audio, data_kinds = load_data(state["config"]["licences"])
    save_png(preview_set(data_audio, data_kinds), audio[:, : min(per_kind, 6)], out / "samples.png")
    print(f"wrote {len(KINDS) * per_kind} WAVs, all.wav and samples.png to {out} (step {state['step']})")


def export(args) -> None:
    gen, state = load_generator(args)
    out = args.target or args.out
    meta = {
        "postcraft.kind": "audio-gan",
        "postcraft.sample_rate": str(drums_data.SAMPLE_RATE),
        "postcraft.kinds": ",".join(KINDS),
        "postcraft.latent": str(LATENT),
        "postcraft.length": str(drums_nets.LENGTH),
        "postcraft.steps": str(state["step"]),
        "postcraft.training_data": f"hydrogen-drumkits ({state['config']['licences']} kits)",
    }
    model = drums_nets.export_generator(gen, meta)
    g = torch.Generator().manual_seed(7)
    z = torch.randn(2 * len(KINDS), LATENT, generator=g)
    kind = one_hot(torch.arange(len(KINDS)).repeat(2))
    diff = drums_nets.check_export(model, gen, z, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, out)
    print(
        f"wrote {out} ({out.stat().st_size:,} bytes; step {state['step']}; generator {count(gen):,} parameters; max |onnx - torch| = {diff:.2e})"
    )


def features(audio: np.ndarray) -> np.ndarray:
    """Per clip: mean log power in 24 log-spaced bands and log energy in 8 time segments of the
    first 0.37 s (where one-shots differ), from a 1024-point STFT with hop 256."""
    n_fft, hop = 1024, 256
    window = np.hanning(n_fft).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(audio, n_fft, axis=-1)[..., ::hop, :]
    power = np.abs(np.fft.rfft(frames * window, axis=-1)) ** 2  # clips, frames, bins
    edges = np.unique(np.geomspace(2, n_fft // 2 + 1, 25).astype(int))
    bands = np.stack([power[..., a:b].sum(-1) for a, b in zip(edges[:-1], edges[1:])], -1)
    spectral = np.log10(bands.mean(1) + 1e-9)
    energy = power.sum(-1)[:, : 8 * 4].reshape(len(audio), 8, 4).mean(-1)
    temporal = np.log10(energy + 1e-9)
    return np.concatenate([spectral, temporal], 1)


def descriptors(audio: np.ndarray) -> dict[str, np.ndarray]:
    """Brightness (spectral centroid, Hz) and decay (seconds from the peak of the 10 ms envelope
    until it stays 30 dB under it)."""
    spectrum = np.abs(np.fft.rfft(audio, axis=-1))
    freqs = np.fft.rfftfreq(audio.shape[-1], 1 / drums_data.SAMPLE_RATE)
    centroid = (spectrum * freqs).sum(-1) / (spectrum.sum(-1) + 1e-9)
    hop = drums_data.SAMPLE_RATE // 100
    env = np.sqrt((audio[:, : audio.shape[1] // hop * hop].reshape(len(audio), -1, hop) ** 2).mean(-1))
    decay = []
    for e in env:
        peak = int(e.argmax())
        loud = np.nonzero(e >= e[peak] * 10 ** (-30 / 20))[0]
        decay.append((loud.max() - peak) / 100)
    return {"centroid": centroid, "decay": np.array(decay)}


def knn_predict(train_x, train_y, x, k=5, exclude_self=False):
    d = ((x[:, None, :] - train_x[None, :, :]) ** 2).sum(-1)
    if exclude_self:
        np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, 1)[:, :k]
    votes = train_y[nearest]
    return np.array([np.bincount(v, minlength=len(KINDS)).argmax() for v in votes])


def evaluate(args) -> None:
    """How far the generator is from the data, in numbers for the model card: a 5-nearest-
    neighbour kind classifier on band/envelope features fitted to the real hits labels generated
    hits (100 per kind, fixed seeds) with the kind they were asked for; brightness and decay per
    kind, generated next to real; and the spread within a kind (mean distance to the kind's mean
    feature), a check against mode collapse."""
    torch.set_num_threads(args.threads)
    gen, state = load_generator(args)
    real_audio, real_kinds = load_data(state["config"]["licences"])
    real_audio = real_audio.numpy()
    per_kind = 100
    g = torch.Generator().manual_seed(1234)
    z = torch.randn(per_kind * len(KINDS), LATENT, generator=g)
    asked = torch.arange(len(KINDS)).repeat_interleave(per_kind)
    with torch.no_grad():
        fake_audio = torch.cat([gen(z[i : i + 100], one_hot(asked[i : i + 100])) for i in range(0, len(z), 100)]).numpy()
    asked = asked.numpy()
    real_f, fake_f = features(real_audio), features(fake_audio)
    mean, std = real_f.mean(0), real_f.std(0) + 1e-6
    real_f, fake_f = (real_f - mean) / std, (fake_f - mean) / std
    real_pred = knn_predict(real_f, real_kinds, real_f, exclude_self=True)
    fake_pred = knn_predict(real_f, real_kinds, fake_f)
    real_d, fake_d = descriptors(real_audio), descriptors(fake_audio)

    def spread(f, kinds, k):
        x = f[kinds == k]
        return float(np.sqrt(((x - x.mean(0)) ** 2).sum(1)).mean())

    print(f"step {state['step']}: kind accuracy of a 5-NN fitted to the real hits")
    print(f"  real (leave-one-out): {np.mean(real_pred == real_kinds):.0%}; generated: {np.mean(fake_pred == asked):.0%}")
    print()
    print("| kind | accuracy real / generated | brightness real / generated (Hz) | decay real / generated (s) | spread real / generated |")
    print("|---|---|---|---|---|")
    for k, kind in enumerate(KINDS):
        r, f = real_kinds == k, asked == k
        print(
            f"| {kind} | {np.mean(real_pred[r] == k):.0%} / {np.mean(fake_pred[f] == k):.0%} "
            f"| {np.median(real_d['centroid'][r]):.0f} / {np.median(fake_d['centroid'][f]):.0f} "
            f"| {np.median(real_d['decay'][r]):.2f} / {np.median(fake_d['decay'][f]):.2f} "
            f"| {spread(real_f, real_kinds, k):.1f} / {spread(fake_f, asked, k):.1f} |"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["train", "export", "samples", "evaluate"])
    p.add_argument("target", nargs="?", type=Path, help="export: the ONNX file to write (else --out)")
    p.add_argument("--run", type=Path, default=common.default_run_dir("drums"))
    p.add_argument("--resume-from", type=Path, default=HERE / "checkpoints/drums-weights.pt")
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--width", type=int, default=24, help="generator channels 8w..w/2 (new runs only)")
    p.add_argument(
        "--licences", choices=["all", "cc"], default="all", help="cc: CC0/CC-BY/CC-BY-SA kits only (new runs only)"
    )
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--r1", type=float, default=1.0, help="R1 penalty weight (gamma)")
    p.add_argument("--r1-every", type=int, default=4)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--save-every", type=int, default=250)
    p.add_argument("--sample-every", type=int, default=1000)
    p.add_argument("--count", type=int, default=4, help="samples: sounds per kind")
    p.add_argument("--out", type=Path, default=HERE.parent / "trained/drums-wavegan.onnx")
    p.add_argument("--out-dir", type=Path, help="samples: folder for the WAVs and PNG (default RUN/listen)")
    args = p.parse_args()
    {"train": train, "export": export, "samples": samples, "evaluate": evaluate}[args.command](args)


if __name__ == "__main__":
    main()
