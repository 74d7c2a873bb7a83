"""Trains the sticker DCGAN (premultiplied RGBA, 64 px) on Noto Color Emoji; exports ONNX.

    python train_stickers.py train --steps 6000          # resumes from the run folder, else
                                                         # from checkpoints/sticker-weights.pt
    python train_stickers.py export --out ../trained/sticker-dcgan.onnx

Maintainer-only (needs PyTorch); the ONNX it writes is committed with its model card.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

import common
import datasets
import nets


def premultiplied_to_rgb_on(images: torch.Tensor, background: float) -> np.ndarray:
    """[b, 4, h, w] premultiplied RGBA in [-1, 1] -> [b, h, w, 3] bytes over a grey level."""
    x = (images.detach().clamp(-1, 1) + 1) / 2
    rgb = x[:, :3] + (1 - x[:, 3:4]) * background
    return (rgb.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1).numpy()


def train(args) -> None:
    torch.set_num_threads(args.threads)
    run = args.run
    data = torch.from_numpy(datasets.emoji_rgba()).permute(0, 3, 1, 2) * 2 - 1  # [n, 4, 64, 64]
    gen, disc = nets.StickerGenerator(), nets.StickerDiscriminator()
    opt_g = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
    step, elapsed = 0, 0.0
    state = common.load(run / "checkpoint.pt")
    if state is None and args.resume_from.exists():
        state = common.load(args.resume_from)
        print(f"starting from the weights of {args.resume_from} (optimizer state restarts)")
    if state:
        gen.load_state_dict(state["gen"]), disc.load_state_dict(state["disc"])
        if "opt_g" in state:
            opt_g.load_state_dict(state["opt_g"]), opt_d.load_state_dict(state["opt_d"])
            torch.set_rng_state(state["torch_rng"])
        step, elapsed = state["step"], state["seconds"]
        print(f"resumed at step {step}")
    else:
        torch.manual_seed(args.seed)
        for m in list(gen.modules()) + list(disc.modules()):
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(m.weight, 0.0, 0.02)
    rng = random.Random(args.seed + step)
    fixed_z = torch.randn(64, 100, 1, 1, generator=torch.Generator().manual_seed(1234))
    log = common.Log(run / "log.csv", ["loss_d", "loss_g", "d_real", "d_fake"])
    bce = nn.BCEWithLogitsLoss()
    while step < args.steps:
        gen.train(), disc.train()
        idx = torch.tensor([rng.randrange(len(data)) for _ in range(args.batch)])
        real = data[idx]
        flip = torch.rand(args.batch) < 0.5
        real[flip] = real[flip].flip(3)
        z = torch.randn(args.batch, 100, 1, 1)
        fake = gen(z)
        # Instance noise (fading out over the first steps) keeps the discriminator from
        # separating the two sets trivially before the generator has learnt anything.
        sigma = 0.15 * max(0.0, 1 - step / args.noise_steps)
        noisy = lambda x: x + sigma * torch.randn_like(x) if sigma > 0 else x  # noqa: E731
        opt_d.zero_grad()
        out_real, out_fake = disc(noisy(real)), disc(noisy(fake.detach()))
        loss_d = bce(out_real, torch.full_like(out_real, 0.9)) + bce(out_fake, torch.zeros_like(out_fake))
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        out = disc(noisy(fake))
        loss_g = bce(out, torch.ones_like(out))
        loss_g.backward()
        opt_g.step()
        step += 1
        if step % 25 == 0:
            log.write(
                step,
                elapsed,
                loss_d=loss_d.item(),
                loss_g=loss_g.item(),
                d_real=torch.sigmoid(out_real).mean().item(),
                d_fake=torch.sigmoid(out_fake).mean().item(),
            )
        if step % args.save_every == 0 or step == args.steps:
            gen.eval()
            with torch.no_grad():
                sample = gen(fixed_z)
            common.save_grid(
                [premultiplied_to_rgb_on(sample[r * 8 : r * 8 + 8], 1.0) for r in range(8)],
                run / "samples" / f"step{step:06d}.png",
            )
            common.save_atomic(
                {
                    "gen": gen.state_dict(),
                    "disc": disc.state_dict(),
                    "opt_g": opt_g.state_dict(),
                    "opt_d": opt_d.state_dict(),
                    "step": step,
                    "seconds": log.elapsed(elapsed),
                    "torch_rng": torch.get_rng_state(),
                },
                run / "checkpoint.pt",
            )
            print(f"step {step}: loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f}", flush=True)


def export(args) -> None:
    state = common.load(args.run / "checkpoint.pt")
    if not state:
        raise SystemExit(f"no checkpoint in {args.run}")
    gen = nets.StickerGenerator()
    gen.load_state_dict(state["gen"])
    meta = {"postcraft.kind": "image-gan", "postcraft.output": "premultiplied-rgba", "postcraft.steps": str(state["step"])}
    model = nets.export_sticker_generator(gen, meta)
    diff = nets.check_export(model, gen, torch.randn(4, 100, 1, 1, generator=torch.Generator().manual_seed(7)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, args.out)
    print(f"wrote {args.out} (step {state['step']}; max |onnx - torch| = {diff:.2e})")
    gen.eval()
    with torch.no_grad():
        sample = gen(torch.randn(64, 100, 1, 1, generator=torch.Generator().manual_seed(1234)))
    if args.grid:
        common.save_grid([premultiplied_to_rgb_on(sample[r * 8 : r * 8 + 8], 1.0) for r in range(8)], args.grid)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["train", "export"])
    p.add_argument("--run", type=Path, default=common.default_run_dir("stickers"))
    p.add_argument("--resume-from", type=Path, default=Path(__file__).parent / "checkpoints/sticker-weights.pt")
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--noise-steps", type=int, default=2000)
    p.add_argument("--save-every", type=int, default=250)
    p.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "trained/sticker-dcgan.onnx")
    p.add_argument("--grid", type=Path)
    args = p.parse_args()
    train(args) if args.command == "train" else export(args)


if __name__ == "__main__":
    main()
