"""The drum GAN: a conditional WaveGAN-style generator, two discriminators, and the ONNX export.

Generator (`DrumGenerator`): [z (100) | one-hot kind (7)] -> dense -> [8w, 16] -> five 1-D
transposed convolutions (kernel 16, stride 4: every output sample gets exactly four taps, so the
overlap is even) 16 -> 64 -> 256 -> 1,024 -> 4,096 -> 16,384 samples, ReLU, tanh. No normalization
layers: the exported graph is Concat, Gemm, Reshape, ConvTranspose, Relu, Tanh.

Discriminators (training only, never exported), both conditioned by projection (the logit plus
<embedding(kind), features>):
- `WaveDiscriminator`: the WaveGAN critic, 1-D strided convolutions (kernel 16, stride 4) with
  LeakyReLU and phase shuffle (each layer's output shifted by -2..2 samples at random per example,
  so the generator's period-4 upsampling artefacts cannot be used to tell fakes apart).
- `SpectrumDiscriminator`: log-magnitude STFT (512 / hop 128, Hann) treated as a 257-channel
  sequence of 129 frames, 1-D convolutions over time: it judges the spectral envelope and its
  decay, which the waveform critic learns slowly.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

import nets

LENGTH = 16384
SEED_LENGTH = 16  # dense output length; five x4 upsamplings -> 16,384


class DrumGenerator(nn.Module):
    """z [b, latent], kind one-hot [b, kinds] -> audio [b, 16384] in [-1, 1]."""

    def __init__(self, kinds: int, latent: int = 100, width: int = 24):
        super().__init__()
        self.latent, self.kinds = latent, kinds
        channels = [width * 8, width * 4, width * 2, width, width // 2]
        self.channels = channels
        self.dense = nn.Linear(latent + kinds, channels[0] * SEED_LENGTH)
        self.ups = nn.ModuleList(
            [nn.ConvTranspose1d(c_in, c_out, 16, 4, 6) for c_in, c_out in zip(channels, [*channels[1:], 1])]
        )

    def forward(self, z, kind):
        x = self.dense(torch.cat([z, kind], 1)).reshape(-1, self.channels[0], SEED_LENGTH)
        x = torch.relu(x)
        for up in self.ups[:-1]:
            x = torch.relu(up(x))
        return torch.tanh(self.ups[-1](x)).reshape(-1, LENGTH)


def phase_shuffle(x: torch.Tensor, n: int) -> torch.Tensor:
    """Shifts each example by a random -n..n samples, reflecting at the edges (WaveGAN)."""
    if n <= 0:
        return x
    b, c, length = x.shape
    shift = torch.randint(-n, n + 1, (b, 1, 1), device=x.device)
    padded = nn.functional.pad(x, (n, n), mode="reflect")
    index = (torch.arange(length, device=x.device).reshape(1, 1, -1) + n + shift).expand(b, c, length)
    return padded.gather(2, index)


class WaveDiscriminator(nn.Module):
    def __init__(self, kinds: int, width: int = 24, shuffle: int = 2):
        super().__init__()
        channels = [1, width // 2, width, width * 2, width * 4, width * 8]
        self.convs = nn.ModuleList([nn.Conv1d(a, b, 16, 4, 6) for a, b in zip(channels[:-1], channels[1:])])
        features = channels[-1] * (LENGTH // 4 ** len(self.convs))
        self.out = nn.Linear(features, 1)
        self.embed = nn.Embedding(kinds, features)
        self.shuffle = shuffle

    def forward(self, audio, kind):
        x = audio.unsqueeze(1)
        for i, conv in enumerate(self.convs):
            x = nn.functional.leaky_relu(conv(x), 0.2)
            if i < len(self.convs) - 1 and self.training:
                x = phase_shuffle(x, self.shuffle)
        h = x.flatten(1)
        return self.out(h).squeeze(1) + (self.embed(kind) * h).sum(1) / h.shape[1] ** 0.5


class SpectrumDiscriminator(nn.Module):
    def __init__(self, kinds: int, width: int = 24, n_fft: int = 512, hop: int = 128):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        bins = n_fft // 2 + 1
        self.convs = nn.ModuleList(
            [
                nn.Conv1d(bins, width * 4, 3, 1, 1),
                nn.Conv1d(width * 4, width * 4, 4, 2, 1),
                nn.Conv1d(width * 4, width * 8, 4, 2, 1),
                nn.Conv1d(width * 8, width * 8, 4, 2, 1),
            ]
        )
        frames = LENGTH // hop + 1
        for _ in range(3):
            frames = (frames + 2 - 4) // 2 + 1
        features = width * 8 * frames
        self.out = nn.Linear(features, 1)
        self.embed = nn.Embedding(kinds, features)

    def spectrum(self, audio):
        spec = torch.stft(audio, self.n_fft, self.hop, window=self.window, center=True, return_complex=True)
        magnitude = torch.sqrt(spec.real.square() + spec.imag.square() + 1e-10)
        # Floor at 0.01 (about -80 dB below the loudest bin of a full-scale hit): a lower floor
        # makes the critic hypersensitive to noise in the silent tails (huge input gradients).
        return (torch.log(magnitude + 1e-2) + 2.0) / 4.0

    def forward(self, audio, kind):
        x = self.spectrum(audio)
        for conv in self.convs:
            x = nn.functional.leaky_relu(conv(x), 0.2)
        h = x.flatten(1)
        return self.out(h).squeeze(1) + (self.embed(kind) * h).sum(1) / h.shape[1] ** 0.5


# ---------------------------------------------------------------- ONNX export


def export_generator(gen: DrumGenerator, metadata: dict[str, str]) -> onnx.ModelProto:
    """Inputs `z` [batch, latent] and `kind` [batch, kinds] (one-hot float); output `audio`
    [batch, 16384] in [-1, 1]."""
    gen.eval()
    graph = nets._Graph()
    x = graph.op("Concat", ["z", "kind"], axis=1)
    weight = gen.dense.weight.detach().float().numpy()  # [out, in]
    x = graph.op(
        "Gemm", [x, graph.const("w", weight), graph.const("b", gen.dense.bias.detach().float().numpy())], transB=1
    )
    x = graph.op("Reshape", [x, graph.const("shape", np.array([0, gen.channels[0], SEED_LENGTH], dtype=np.int64))])
    x = graph.op("Relu", [x])
    for i, up in enumerate(gen.ups):
        x = graph.op(
            "ConvTranspose",
            [
                x,
                graph.const("w", up.weight.detach().float().numpy()),
                graph.const("b", up.bias.detach().float().numpy()),
            ],
            kernel_shape=[up.kernel_size[0]],
            strides=[up.stride[0]],
            pads=[up.padding[0], up.padding[0]],
        )
        x = graph.op("Relu" if i < len(gen.ups) - 1 else "Tanh", [x])
    graph.op("Reshape", [x, graph.const("shape", np.array([0, LENGTH], dtype=np.int64))], "audio")
    inputs = [
        helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", gen.latent]),
        helper.make_tensor_value_info("kind", TensorProto.FLOAT, ["batch", gen.kinds]),
    ]
    outputs = [helper.make_tensor_value_info("audio", TensorProto.FLOAT, ["batch", LENGTH])]
    doc = "Postcraft drum GAN (conditional WaveGAN): one-shot drum sound, mono, in [-1, 1]"
    return nets._model(graph, inputs, outputs, doc, metadata)


def check_export(
    model: onnx.ModelProto, gen: DrumGenerator, z: torch.Tensor, kind: torch.Tensor, tolerance: float = 1e-4
) -> float:
    """Runs the exported graph in onnxruntime and the generator in PyTorch; returns the largest
    absolute difference and raises when it exceeds `tolerance`."""
    import onnxruntime as ort

    gen.eval()
    with torch.no_grad():
        expected = gen(z, kind).numpy()
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(["audio"], {"z": z.numpy(), "kind": kind.numpy()})[0]
    if got.shape != expected.shape:
        raise AssertionError(f"exported graph gives shape {got.shape}, the module {expected.shape}")
    diff = float(np.abs(got - expected).max())
    if not diff <= tolerance:
        raise AssertionError(f"exported graph differs from the module by {diff}")
    return diff
