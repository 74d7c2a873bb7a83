"""Trains the restyle CycleGAN pair (photo <-> clip-art / sticker style); exports both ONNX.

    python train_restyle.py train --steps 7000     # resumes from the run folder
    python train_restyle.py export                  # writes ../trained/restyle-*.onnx

Domain A: photo crops of the Debian wallpapers; domain B: Openclipart and Noto Color Emoji on
white (see datasets.py). Losses of the CycleGAN paper: least-squares GAN, cycle consistency
(weight 10) and identity (weight 5), a pool of 50 past fakes for each discriminator; Adam 2e-4,
decaying linearly to 0 over the second half of the steps.

Maintainer-only (needs PyTorch). `--resume-from` starts from a committed weights-only
checkpoint (models/train/checkpoints/) when the run folder has none (a new machine).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import onnx
import torch

import common
import datasets
import nets

HERE = Path(__file__).parent


class FakePool:
    """The history buffer of the CycleGAN paper: half the time the discriminator sees an older fake."""

    def __init__(self, size: int, rng: random.Random):
        self.size, self.items, self.rng = size, [], rng

    def query(self, images: torch.Tensor) -> torch.Tensor:
        out = []
        for image in images.detach():
            if len(self.items) < self.size:
                self.items.append(image)
                out.append(image)
            elif self.rng.random() < 0.5:
                i = self.rng.randrange(self.size)
                out.append(self.items[i])
                self.items[i] = image
            else:
                out.append(image)
        return torch.stack(out)


def batch(sampler, n: int) -> torch.Tensor:
    x = np.stack([sampler.sample() for _ in range(n)]).astype(np.float32)
    return torch.from_numpy(x).permute(0, 3, 1, 2) / 127.5 - 1


def models(args):
    g_ab, g_ba = nets.RestyleGenerator(args.width, args.blocks), nets.RestyleGenerator(args.width, args.blocks)
    d_a, d_b = nets.PatchDiscriminator(), nets.PatchDiscriminator()
    return g_ab, g_ba, d_a, d_b


def train(args) -> None:
    torch.set_num_threads(args.threads)
    run = args.run
    g_ab, g_ba, d_a, d_b = models(args)
    opt_g = torch.optim.Adam(list(g_ab.parameters()) + list(g_ba.parameters()), lr=args.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(list(d_a.parameters()) + list(d_b.parameters()), lr=args.lr, betas=(0.5, 0.999))
    step, elapsed = 0, 0.0
    state = common.load(run / "checkpoint.pt")
    if state is None and args.resume_from and args.resume_from.exists():
        state = common.load(args.resume_from)
        print(f"starting from the weights of {args.resume_from} (optimizer state restarts)")
    if state:
        for module, key in ((g_ab, "g_ab"), (g_ba, "g_ba"), (d_a, "d_a"), (d_b, "d_b")):
            module.load_state_dict(state[key])
        if "opt_g" in state:
            opt_g.load_state_dict(state["opt_g"]), opt_d.load_state_dict(state["opt_d"])
        step, elapsed = state["step"], state["seconds"]
        print(f"resumed at step {step}")
    else:
        torch.manual_seed(args.seed)
        for m in [*g_ab.modules(), *g_ba.modules(), *d_a.modules(), *d_b.modules()]:
            if isinstance(m, torch.nn.Conv2d):
                torch.nn.init.normal_(m.weight, 0.0, 0.02)
    rng = random.Random(args.seed * 1_000_003 + step)
    torch.manual_seed(args.seed + step)
    photos = datasets.PhotoCrops(datasets.photos(), args.size, rng)
    cartoons = datasets.CartoonCrops(datasets.cartoons(), args.size, rng)
    pool_a, pool_b = FakePool(50, rng), FakePool(50, rng)
    preview_rng = random.Random(99)
    preview_a = batch(datasets.PhotoCrops(datasets.photos(), 128, preview_rng), 6)
    preview_b = batch(datasets.CartoonCrops(datasets.cartoons(), 128, preview_rng), 6)
    log = common.Log(run / "log.csv", ["lr", "d_a", "d_b", "gan_ab", "gan_ba", "cycle", "identity"])
    mse, l1 = torch.nn.MSELoss(), torch.nn.L1Loss()
    while step < args.steps:
        lr = args.lr * min(1.0, 2 * (1 - step / args.steps))  # constant, then linear to 0
        for group in [*opt_g.param_groups, *opt_d.param_groups]:
            group["lr"] = lr
        for m in (g_ab, g_ba, d_a, d_b):
            m.train()
        real_a, real_b = batch(photos, args.batch), batch(cartoons, args.batch)

        opt_g.zero_grad()
        fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        pred_b, pred_a = d_b(fake_b), d_a(fake_a)
        gan_ab, gan_ba = mse(pred_b, torch.ones_like(pred_b)), mse(pred_a, torch.ones_like(pred_a))
        cycle = l1(g_ba(fake_b), real_a) + l1(g_ab(fake_a), real_b)
        identity = l1(g_ab(real_b), real_b) + l1(g_ba(real_a), real_a) if args.identity > 0 else torch.zeros(())
        (gan_ab + gan_ba + args.cycle * cycle + args.identity * identity).backward()
        opt_g.step()

        opt_d.zero_grad()
        loss_d = []
        for disc, real, fake in ((d_a, real_a, pool_a.query(fake_a)), (d_b, real_b, pool_b.query(fake_b))):
            pr, pf = disc(real), disc(fake)
            loss = 0.5 * (mse(pr, torch.ones_like(pr)) + mse(pf, torch.zeros_like(pf)))
            loss.backward()
            loss_d.append(loss.item())
        opt_d.step()
        step += 1

        if step % 10 == 0:
            log.write(
                step,
                elapsed,
                lr=lr * 1e4,
                d_a=loss_d[0],
                d_b=loss_d[1],
                gan_ab=gan_ab.item(),
                gan_ba=gan_ba.item(),
                cycle=cycle.item(),
                identity=identity.item(),
            )
        if step % args.save_every == 0 or step == args.steps:
            save(run, step, log.elapsed(elapsed), g_ab, g_ba, d_a, d_b, opt_g, opt_d)
            print(f"step {step}: cycle {cycle.item():.3f} gan {gan_ab.item():.3f}/{gan_ba.item():.3f}", flush=True)
        if step % args.sample_every == 0 or step == args.steps:
            g_ab.eval(), g_ba.eval()
            with torch.no_grad():
                rows = [preview_a, g_ab(preview_a), preview_b, g_ba(preview_b)]
            common.save_grid([common.to_uint8(r) for r in rows], run / "samples" / f"step{step:06d}.png")


def save(run: Path, step: int, seconds: float, g_ab, g_ba, d_a, d_b, opt_g, opt_d) -> None:
    weights = {"g_ab": g_ab.state_dict(), "g_ba": g_ba.state_dict(), "d_a": d_a.state_dict(), "d_b": d_b.state_dict()}
    common.save_atomic(
        {**weights, "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(), "step": step, "seconds": seconds},
        run / "checkpoint.pt",
    )
    # Weights only (a quarter of the size): what is committed so another machine can resume.
    common.save_atomic({**weights, "step": step, "seconds": seconds}, run / "weights.pt")


def export(args) -> None:
    state = common.load(args.run / "checkpoint.pt") or common.load(args.resume_from)
    if not state:
        raise SystemExit(f"no checkpoint in {args.run} or {args.resume_from}")
    g_ab, g_ba, _, _ = models(args)
    g_ab.load_state_dict(state["g_ab"]), g_ba.load_state_dict(state["g_ba"])
    example = torch.rand(1, 3, 96, 132, generator=torch.Generator().manual_seed(5)) * 2 - 1
    for gen, name, direction in ((g_ab, "restyle-cartoon", "photo to clip-art"), (g_ba, "restyle-photo", "clip-art to photo")):
        meta = {
            "postcraft.kind": "image-to-image",
            "postcraft.direction": direction,
            "postcraft.steps": str(state["step"]),
            "postcraft.receptive_radius": str(gen.receptive_radius()),
            "postcraft.size_multiple": "4",
        }
        model = nets.export_restyle_generator(gen, meta)
        diff = nets.check_export(model, gen, example)
        out = args.out_dir / f"{name}.onnx"
        out.parent.mkdir(parents=True, exist_ok=True)
        onnx.save(model, out)
        print(f"wrote {out} (step {state['step']}; max |onnx - torch| = {diff:.2e})")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["train", "export"])
    p.add_argument("--run", type=Path, default=common.default_run_dir("restyle"))
    p.add_argument("--resume-from", type=Path, default=HERE / "checkpoints/restyle-weights.pt")
    p.add_argument("--steps", type=int, default=7000)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--blocks", type=int, default=6)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--cycle", type=float, default=10.0)
    p.add_argument("--identity", type=float, default=5.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--sample-every", type=int, default=500)
    p.add_argument("--out-dir", type=Path, default=HERE.parent / "trained")
    args = p.parse_args()
    train(args) if args.command == "train" else export(args)


if __name__ == "__main__":
    main()
