"""The networks Postcraft trains itself, and their export to ONNX.

Export is written by hand with `onnx.helper` (batch norm folded into the convolutions), not with
`torch.onnx`: the graph is small, the file is byte-reproducible, and the exporter checks its
graph against the PyTorch module on random input before writing it.

The restyle generator has no instance normalization: once batch norm is folded it is a pure
stack of local convolutions, so a tiled run equals a whole-image run away from the tile borders
(the engine tiles large photos with overlap). Upsampling is nearest-neighbour + convolution
(no checkerboard artefacts of transposed convolutions).
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

OPSET = 17


# ---------------------------------------------------------------- sticker DCGAN (RGBA, 64 px)


class StickerGenerator(nn.Module):
    """z [b, latent, 1, 1] -> premultiplied RGBA [b, 4, 64, 64] in [-1, 1]."""

    def __init__(self, latent: int = 100, width: int = 32, channels: int = 4):
        super().__init__()
        self.latent = latent
        w = width
        self.layers = nn.ModuleList(
            [
                nn.ConvTranspose2d(latent, w * 8, 4, 1, 0, bias=False),
                nn.ConvTranspose2d(w * 8, w * 4, 4, 2, 1, bias=False),
                nn.ConvTranspose2d(w * 4, w * 2, 4, 2, 1, bias=False),
                nn.ConvTranspose2d(w * 2, w, 4, 2, 1, bias=False),
                nn.ConvTranspose2d(w, channels, 4, 2, 1, bias=True),
            ]
        )
        self.norms = nn.ModuleList([nn.BatchNorm2d(c) for c in (w * 8, w * 4, w * 2, w)])

    def forward(self, z):
        x = z
        for conv, norm in zip(self.layers[:-1], self.norms):
            x = torch.relu(norm(conv(x)))
        return torch.tanh(self.layers[-1](x))


class StickerDiscriminator(nn.Module):
    def __init__(self, width: int = 32, channels: int = 4):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(channels, w, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w, w * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(w * 2),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w * 2, w * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(w * 4),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w * 4, w * 8, 4, 2, 1, bias=False),
            nn.BatchNorm2d(w * 8),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w * 8, 1, 4, 1, 0),
        )

    def forward(self, x):
        return self.net(x).flatten(1)


# ---------------------------------------------------------------- restyle (CycleGAN) generator


class ResBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv1, self.norm1 = nn.Conv2d(c, c, 3, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.norm2 = nn.Conv2d(c, c, 3, bias=False), nn.BatchNorm2d(c)

    def forward(self, x):
        y = torch.relu(self.norm1(self.conv1(nn.functional.pad(x, (1, 1, 1, 1), mode="reflect"))))
        y = self.norm2(self.conv2(nn.functional.pad(y, (1, 1, 1, 1), mode="reflect")))
        return x + y


class RestyleGenerator(nn.Module):
    """image [b, 3, h, w] in [-1, 1] -> image [b, 3, h, w] in [-1, 1]; h and w multiples of 4."""

    def __init__(self, width: int = 16, blocks: int = 6):
        super().__init__()
        w = width
        self.stem, self.stem_norm = nn.Conv2d(3, w, 7, bias=False), nn.BatchNorm2d(w)
        self.down1, self.down1_norm = nn.Conv2d(w, w * 2, 3, 2, 1, bias=False), nn.BatchNorm2d(w * 2)
        self.down2, self.down2_norm = nn.Conv2d(w * 2, w * 4, 3, 2, 1, bias=False), nn.BatchNorm2d(w * 4)
        self.blocks = nn.ModuleList([ResBlock(w * 4) for _ in range(blocks)])
        self.up1, self.up1_norm = nn.Conv2d(w * 4, w * 2, 3, bias=False), nn.BatchNorm2d(w * 2)
        self.up2, self.up2_norm = nn.Conv2d(w * 2, w, 3, bias=False), nn.BatchNorm2d(w)
        self.head = nn.Conv2d(w, 3, 7)

    def forward(self, x):
        pad = nn.functional.pad
        up = nn.functional.interpolate
        x = torch.relu(self.stem_norm(self.stem(pad(x, (3, 3, 3, 3), mode="reflect"))))
        x = torch.relu(self.down1_norm(self.down1(x)))
        x = torch.relu(self.down2_norm(self.down2(x)))
        for block in self.blocks:
            x = block(x)
        x = torch.relu(self.up1_norm(self.up1(pad(up(x, scale_factor=2, mode="nearest"), (1, 1, 1, 1), mode="reflect"))))
        x = torch.relu(self.up2_norm(self.up2(pad(up(x, scale_factor=2, mode="nearest"), (1, 1, 1, 1), mode="reflect"))))
        return torch.tanh(self.head(pad(x, (3, 3, 3, 3), mode="reflect")))

    def receptive_radius(self) -> int:
        """Pixels of context each output pixel sees on each side (for the tile overlap)."""
        # At input scale: stem 7x7 (3), down1 3x3 (1), down2 3x3 at 1/2 (2), two 3x3 per block
        # at 1/4 (8 each), up1 3x3 at 1/2 (2), up2 3x3 (1), head 7x7 (3).
        r = 3 + 1 + 2 + 8 * len(self.blocks) + 2 + 1 + 3
        return r + 4  # nearest upsampling rounds positions to the coarser grid


class PatchDiscriminator(nn.Module):
    """70x70-style PatchGAN, small."""

    def __init__(self, width: int = 32):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(3, w, 4, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w, w * 2, 4, 2, 1),
            nn.InstanceNorm2d(w * 2),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w * 2, w * 4, 4, 2, 1),
            nn.InstanceNorm2d(w * 4),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w * 4, w * 4, 4, 1, 1),
            nn.InstanceNorm2d(w * 4),
            nn.LeakyReLU(0.2),
            nn.Conv2d(w * 4, 1, 4, 1, 1),
        )

    def forward(self, x):
        return self.net(x)


# ---------------------------------------------------------------- ONNX export


def _fold(weight: torch.Tensor, bias: torch.Tensor | None, norm: nn.BatchNorm2d | None, transposed: bool):
    w = weight.detach().double().clone()
    out_channels = w.shape[1] if transposed else w.shape[0]
    b = bias.detach().double().clone() if bias is not None else torch.zeros(out_channels, dtype=torch.float64)
    if norm is not None:
        scale = norm.weight.detach().double() / torch.sqrt(norm.running_var.double() + norm.eps)
        shape = (1, -1, 1, 1) if transposed else (-1, 1, 1, 1)
        w = w * scale.reshape(shape)
        b = (b - norm.running_mean.double()) * scale + norm.bias.detach().double()
    return w.float().numpy(), b.float().numpy()


class _Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}_{self.count}"

    def const(self, prefix: str, array: np.ndarray) -> str:
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def op(self, op: str, inputs: list[str], output: str | None = None, **attrs) -> str:
        output = output or self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def conv(self, x: str, conv, norm=None, transposed=False) -> str:
        w, b = _fold(conv.weight, conv.bias, norm, transposed)
        pads = [conv.padding[0]] * 4 if not transposed else [conv.padding[0]] * 4
        kind = "ConvTranspose" if transposed else "Conv"
        return self.op(
            kind,
            [x, self.const("w", w), self.const("b", b)],
            kernel_shape=list(conv.kernel_size),
            strides=list(conv.stride),
            pads=pads,
        )

    def reflect(self, x: str, p: int) -> str:
        pads = self.const("pads", np.array([0, 0, p, p, 0, 0, p, p], dtype=np.int64))
        return self.op("Pad", [x, pads], mode="reflect")

    def upsample(self, x: str) -> str:
        scales = self.const("scales", np.array([1, 1, 2, 2], dtype=np.float32))
        return self.op(
            "Resize", [x, "", scales], mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"
        )


def _model(graph: _Graph, inputs, outputs, doc: str, metadata: dict[str, str]) -> onnx.ModelProto:
    g = helper.make_graph(graph.nodes, "postcraft", inputs, outputs, graph.inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="postcraft-train")
    model.ir_version = 8
    model.doc_string = doc
    for key, value in sorted(metadata.items()):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model, full_check=True)
    return model


def export_sticker_generator(gen: StickerGenerator, metadata: dict[str, str]) -> onnx.ModelProto:
    gen.eval()
    graph = _Graph()
    x = "z"
    for conv, norm in zip(gen.layers[:-1], gen.norms):
        x = graph.op("Relu", [graph.conv(x, conv, norm, transposed=True)])
    x = graph.conv(x, gen.layers[-1], None, transposed=True)
    graph.op("Tanh", [x], "image")
    channels = gen.layers[-1].out_channels
    inputs = [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", gen.latent, 1, 1])]
    outputs = [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", channels, 64, 64])]
    return _model(graph, inputs, outputs, "Postcraft sticker DCGAN: premultiplied RGBA in [-1, 1]", metadata)


def export_restyle_generator(gen: RestyleGenerator, metadata: dict[str, str]) -> onnx.ModelProto:
    gen.eval()
    graph = _Graph()
    x = graph.op("Relu", [graph.conv(graph.reflect("image", 3), gen.stem, gen.stem_norm)])
    x = graph.op("Relu", [graph.conv(x, gen.down1, gen.down1_norm)])
    x = graph.op("Relu", [graph.conv(x, gen.down2, gen.down2_norm)])
    for block in gen.blocks:
        y = graph.op("Relu", [graph.conv(graph.reflect(x, 1), block.conv1, block.norm1)])
        y = graph.conv(graph.reflect(y, 1), block.conv2, block.norm2)
        x = graph.op("Add", [x, y])
    x = graph.op("Relu", [graph.conv(graph.reflect(graph.upsample(x), 1), gen.up1, gen.up1_norm)])
    x = graph.op("Relu", [graph.conv(graph.reflect(graph.upsample(x), 1), gen.up2, gen.up2_norm)])
    x = graph.conv(graph.reflect(x, 3), gen.head, None)
    graph.op("Tanh", [x], "output")
    inputs = [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, "height", "width"])]
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 3, "height", "width"])]
    return _model(graph, inputs, outputs, "Postcraft restyle generator (CycleGAN): RGB in [-1, 1]", metadata)


def check_export(model: onnx.ModelProto, module: nn.Module, example: torch.Tensor, tolerance: float = 1e-4) -> float:
    """Runs the exported graph in onnxruntime and the module in PyTorch on `example`; returns the
    largest absolute difference and raises when it exceeds `tolerance`."""
    import onnxruntime as ort

    module.eval()
    with torch.no_grad():
        expected = module(example).numpy()
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    got = session.run(None, {name: example.numpy()})[0]
    diff = float(np.abs(got - expected).max())
    if not diff <= tolerance:
        raise AssertionError(f"exported graph differs from the module by {diff}")
    return diff
