"""Converter `gguf-llama`: a llama-architecture GGUF (SmolLM2) -> ONNX decoder + tokenizer.json.

Used by setup_models.py (CONVERTERS["gguf-llama"]). Needs only numpy, onnx and the pure-Python
`gguf` package (its reader and nothing else); no PyTorch, no network.

The graph (see models/README.md, "Conversion gguf-llama", for the contract the engine relies on):

    input_ids int64 [batch, seq], attention_mask int64 [batch, total_seq],
    position_ids int64 [batch, seq], past_key_values.{i}.key/.value float32 [batch, kv, past, hd]
      -> logits float32 [batch, 1, vocab] (last position only),
         present.{i}.key/.value float32 [batch, kv, total_seq, hd]

built from ONNX Runtime's CPU contrib ops (com.microsoft): GatherBlockQuantized (Q8_0 embedding),
MatMulNBits (Q4_1 block weights, Q8_0 tied LM head), SkipSimplifiedLayerNormalization (residual
add + RMSNorm), GroupQueryAttention (rotary inside, KV cache). The quantized GGUF values are
carried over without requantization (see `q4_1_to_nbits` and `q8_0_to_uint8`).

The tokenizer (`tokenizer.ggml.model = gpt2`, `pre = smollm`) becomes a Hugging Face
`tokenizer.json`: byte-level BPE with the GGUF's vocabulary and merges, llama.cpp's smollm
pre-tokenizer (digits one by one, then the GPT-2 regex) and the control tokens as special
added tokens.

Everything is deterministic: no timestamps, fixed node/initializer order and names, fixed IR and
opset versions, and no float arithmetic whose result could depend on the machine (see
`rope_inv_freq`), so the output bytes are pinned by sha256 in models/manifest.toml.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np

QK = 32  # elements per Q4_1 / Q8_0 block, and the MatMulNBits / GatherBlockQuantized block size
MS = "com.microsoft"
IR_VERSION = 8
OPSET = 17

# GGML tensor type ids (gguf.GGMLQuantizationType), spelled out so a changed enum cannot slip by.
GGML_F32, GGML_Q4_1, GGML_Q8_0 = 0, 3, 8
Q4_1_BLOCK_BYTES = 20  # f16 d, f16 m, 16 bytes of nibbles
Q8_0_BLOCK_BYTES = 34  # f16 d, 32 x int8

# token types in tokenizer.ggml.token_type (llama.cpp's llama_token_type)
TOKEN_NORMAL, TOKEN_CONTROL = 1, 3


class ConvertError(Exception):
    """The GGUF is not what this converter understands."""


# --------------------------------------------------------------------------------------------
# reading the GGUF


@dataclass(frozen=True)
class LlamaConfig:
    layers: int
    d_model: int
    d_ff: int
    heads: int
    kv_heads: int
    head_dim: int
    rope_base: float
    rms_eps: float
    vocab: int
    context_length: int


@dataclass
class GgufModel:
    """What the converter needs from a GGUF: metadata values and raw tensors (copied out of
    the memory map, so the file may go away)."""

    meta: dict[str, Any]
    tensors: dict[str, tuple[int, tuple[int, ...], np.ndarray]]  # name -> (ggml type, ne, data)


def read_gguf(data: bytes) -> GgufModel:
    """Parse GGUF bytes with gguf.GGUFReader (which memory-maps a path)."""
    import gguf

    with tempfile.TemporaryDirectory(prefix="postcraft-gguf-") as tmp:
        path = os.path.join(tmp, "model.gguf")
        with open(path, "wb") as f:
            f.write(data)
        try:
            reader = gguf.GGUFReader(path)
        except Exception as e:  # the reader raises ValueError/struct errors on bad input
            raise ConvertError(f"not a readable GGUF file: {e}") from None
        meta: dict[str, Any] = {}
        for name, field in reader.fields.items():
            if name.startswith("GGUF."):
                continue
            meta[name] = field.contents()
        tensors = {}
        for t in reader.tensors:
            ne = tuple(int(n) for n in t.shape)
            tensors[t.name] = (int(t.tensor_type), ne, np.array(t.data, copy=True))
        del reader
    return GgufModel(meta, tensors)


def llama_config(g: GgufModel) -> LlamaConfig:
    m = g.meta
    arch = m.get("general.architecture")
    if arch != "llama":
        raise ConvertError(f"general.architecture is {arch!r}, this converter reads 'llama'")

    def get(key: str) -> Any:
        if f"llama.{key}" not in m:
            raise ConvertError(f"GGUF metadata lacks llama.{key}")
        return m[f"llama.{key}"]

    heads = int(get("attention.head_count"))
    d_model = int(get("embedding_length"))
    head_dim = int(m.get("llama.rope.dimension_count", d_model // heads))
    vocab = int(m.get("llama.vocab_size", len(m.get("tokenizer.ggml.tokens", []))))
    cfg = LlamaConfig(
        layers=int(get("block_count")),
        d_model=d_model,
        d_ff=int(get("feed_forward_length")),
        heads=heads,
        kv_heads=int(m.get("llama.attention.head_count_kv", heads)),
        head_dim=head_dim,
        rope_base=float(m.get("llama.rope.freq_base", 10000.0)),
        rms_eps=float(get("attention.layer_norm_rms_epsilon")),
        vocab=vocab,
        context_length=int(get("context_length")),
    )
    if cfg.heads * cfg.head_dim != cfg.d_model or cfg.heads % cfg.kv_heads:
        raise ConvertError(f"unsupported head layout: {cfg}")
    if cfg.d_model % QK or cfg.d_ff % QK or cfg.head_dim % 2:
        raise ConvertError(f"dimensions are not multiples of the {QK}-element block: {cfg}")
    if "llama.rope.scaling.type" in m and m["llama.rope.scaling.type"] not in ("none", ""):
        raise ConvertError(f"RoPE scaling {m['llama.rope.scaling.type']!r} is not supported")
    return cfg


def tensor(g: GgufModel, name: str, ggml_type: int, ne: tuple[int, ...]) -> np.ndarray:
    if name not in g.tensors:
        raise ConvertError(f"GGUF lacks tensor {name}")
    t, got_ne, data = g.tensors[name]
    if t != ggml_type or got_ne != ne:
        raise ConvertError(f"{name} is type {t} with ne {got_ne}, expected type {ggml_type} "
                           f"with ne {ne}")
    return data


# --------------------------------------------------------------------------------------------
# quantized blocks -> MatMulNBits / GatherBlockQuantized layouts


def f16_field(blocks: np.ndarray, offset: int) -> np.ndarray:
    """The little-endian float16 at byte `offset` of every block, as float32 (exact)."""
    return np.ascontiguousarray(blocks[..., offset:offset + 2]).view("<f2")[..., 0].astype(np.float32)


def q4_1_unpack(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q4_1 rows -> (d [rows, nb] f32, m [rows, nb] f32, q [rows, nb, 32] uint8 in 0..15).

    ggml's block_q4_1: f16 d, f16 m, uint8 qs[16]; element j is qs[j] & 15 and element j + 16
    is qs[j] >> 4; value = d * q + m.
    """
    nb = cols // QK
    blocks = np.asarray(raw, dtype=np.uint8).reshape(rows, nb, Q4_1_BLOCK_BYTES)
    d = f16_field(blocks, 0)
    m = f16_field(blocks, 2)
    qs = blocks[..., 4:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)
    return d, m, q


def pack_nibbles(q: np.ndarray) -> np.ndarray:
    """[.., 32] values 0..15 -> [.., 16] bytes as MatMulNBits packs them: element 2i in the low
    nibble of byte i, element 2i + 1 in the high nibble."""
    return (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)


def q4_1_to_nbits(raw: np.ndarray, rows: int, cols: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q4_1 -> (B [rows, nb, 16] packed nibbles, scales [rows, nb] f32, offsets [rows, nb] f32)
    with d * q + m == (q - 8) * scale + offset exactly: scale = d, offset = m + 8 d.

    MatMulNBits without zero points uses the symmetric zero point 8 and its fast kernels; the
    graph adds offset[n, b] * (sum of the input over block b) with a small MatMul (see
    `build_graph`), which is how llama.cpp itself evaluates Q4_1 dot products. Why not the other
    exact encoding, float zero points zp = -m / d: ONNX Runtime 1.31's CPU kernel dequantizes
    the whole weight on every call with those (about 20x slower); uint8 zero points would have
    to round -m / d and shift every block (measured: the top-1 token changes).
    A block with d == 0 holds the constant m: (q - 8) * 0 + m, no special case needed.
    """
    d, m, q = q4_1_unpack(raw, rows, cols)
    return pack_nibbles(q), d, (m + np.float32(8) * d).astype(np.float32)


def q8_0_unpack(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q8_0 rows -> (d [rows, nb] f32, q [rows, nb, 32] int8); value = d * q."""
    nb = cols // QK
    blocks = np.asarray(raw, dtype=np.uint8).reshape(rows, nb, Q8_0_BLOCK_BYTES)
    d = f16_field(blocks, 0)
    q = np.ascontiguousarray(blocks[..., 2:]).view(np.int8)
    return d, q


def q8_0_to_uint8(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q8_0 -> (u [rows, nb, 32] uint8 = q + 128, scales [rows, nb] f32): with zero point 128
    (the default of MatMulNBits and GatherBlockQuantized for 8-bit data), (u - 128) * d is
    exactly d * q."""
    d, q = q8_0_unpack(raw, rows, cols)
    u = (q.view(np.uint8) ^ 0x80).astype(np.uint8)  # two's complement + 128, no overflow
    return u, d


def unpermute_rows(x: np.ndarray, heads: int) -> np.ndarray:
    """Undo llama.cpp's convert_hf_to_gguf permutation of Q/K rows.

    The converter wrote w.reshape(heads, 2, hd/2, ...).swapaxes(1, 2) so that llama.cpp can
    rotate adjacent pairs; this restores the Hugging Face order (rotate the two halves of each
    head), which GroupQueryAttention uses with rotary_interleaved = 0. Rows are whole output
    features, so this moves quantized rows (and their scales) without touching any value.
    """
    rows = x.shape[0]
    return x.reshape(heads, rows // heads // 2, 2, *x.shape[1:]).swapaxes(1, 2).reshape(x.shape)


def rope_inv_freq(base: float, head_dim: int) -> np.ndarray:
    """inv_freq[i] = base ** (-2i / head_dim) as float32 (as Hugging Face computes it).

    Computed in double precision; each value is checked to be far from a float32 rounding
    boundary, so a libm that differs in the last double bit still gives the same float32 bytes.
    """
    out = np.empty(head_dim // 2, dtype=np.float32)
    for i in range(head_dim // 2):
        v = 1.0 / (base ** (2.0 * i / head_dim))
        f = np.float32(v)
        # distance to the nearest float32 rounding boundary, relative to the value
        below, above = np.nextafter(f, np.float32(0)), np.nextafter(f, np.float32(np.inf))
        margin = min(abs(v - (float(f) + float(below)) / 2), abs(v - (float(f) + float(above)) / 2))
        if margin < 1e-12 * v:
            raise ConvertError(f"inv_freq[{i}] = {v!r} is too close to a float32 rounding "
                               f"boundary to be reproducible")
        out[i] = f
    return out


# --------------------------------------------------------------------------------------------
# the ONNX graph


class GraphBuilder:
    """Collects nodes and initializers in a fixed order with stable names."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper = helper
        self.numpy_helper = numpy_helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self.names: set[str] = set()

    def init(self, name: str, array: np.ndarray) -> str:
        if name in self.names:
            raise ValueError(f"duplicate initializer {name}")
        self.names.add(name)
        arr = np.array(array, order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        self.inits.append(self.numpy_helper.from_array(arr, name))
        return name

    def node(self, op: str, inputs: list[str], outputs: list[str], name: str,
             domain: str = "", **attrs: Any) -> list[str]:
        self.nodes.append(self.helper.make_node(op, inputs, outputs, name=name, domain=domain,
                                                **attrs))
        return outputs


@dataclass(frozen=True)
class GraphOptions:
    """MatMulNBits accuracy_level (0: float32 compute; 4: the input quantized to int8 per
    32-block on the fly, as llama.cpp does with Q8 activations) for the blocks' weights and for
    the LM head. Measured (models/README.md): level 4 decodes faster; the 8-bit LM head at
    level 0 takes ~0.3 s a call (no fast kernel)."""

    accuracy_level: int = 4
    head_accuracy_level: int = 4


def build_graph(g: GgufModel, cfg: LlamaConfig, opts: GraphOptions, doc: str,
                metadata: list[tuple[str, str]]) -> Any:
    import onnx
    from onnx import TensorProto, helper

    b = GraphBuilder()
    L, D, F = cfg.layers, cfg.d_model, cfg.d_ff
    H, KV, HD, V = cfg.heads, cfg.kv_heads, cfg.head_dim, cfg.vocab

    def matmul_q4(prefix: str, x: str, parts: list[tuple[np.ndarray, int, int]]) -> str:
        """x @ W^T for one or more Q4_1 weights concatenated along N (Q|K|V, gate|up):
        MatMulNBits (symmetric 4-bit) + block sums of x @ offsets, exact in the weights."""
        n = sum(rows for _, rows, _ in parts)
        k = parts[0][2]
        nb = k // QK
        packed, scales, offsets = zip(*(q4_1_to_nbits(raw, rows, cols)
                                        for raw, rows, cols in parts))
        w = b.init(f"{prefix}.qweight", np.concatenate(packed, axis=0))
        s = b.init(f"{prefix}.scales", np.concatenate(scales, axis=0))
        c = b.init(f"{prefix}.block_offset", np.ascontiguousarray(np.concatenate(offsets).T))
        mm = b.node("MatMulNBits", [x, w, s], [f"{prefix}.mm"], f"{prefix}.MatMulNBits",
                    MS, K=k, N=n, bits=4, block_size=QK, accuracy_level=opts.accuracy_level)[0]
        blocks_shape = f"const.blocks{k}"
        if blocks_shape not in b.names:
            b.init(blocks_shape, np.array([0, 0, nb, QK], dtype=np.int64))
        r = b.node("Reshape", [x, blocks_shape], [f"{prefix}.blocks"], f"{prefix}.blocks.Reshape")[0]
        bs = b.node("ReduceSum", [r, "const.last"], [f"{prefix}.block_sums"],
                    f"{prefix}.block_sums", keepdims=0)[0]  # [batch, seq, nb]
        co = b.node("MatMul", [bs, c], [f"{prefix}.offset"], f"{prefix}.offset.MatMul")[0]
        return b.node("Add", [mm, co], [f"{prefix}.out"], f"{prefix}.Add")[0]

    def weight_q4(name: str, ne: tuple[int, int]) -> tuple[np.ndarray, int, int]:
        return tensor(g, name, GGML_Q4_1, ne), ne[1], ne[0]

    # ---- shared inputs: sequence lengths for GroupQueryAttention, RoPE tables
    b.init("const.one_i64", np.array([1], dtype=np.int64))
    b.init("const.last", np.array([-1], dtype=np.int64))
    b.init("const.index1", np.array(1, dtype=np.int64))
    b.node("ReduceSum", ["attention_mask", "const.one_i64"], ["mask.total"], "mask.ReduceSum",
           keepdims=0)
    b.node("Sub", ["mask.total", "const.one_i64"], ["mask.seqlens_minus1"], "mask.Sub")
    b.node("Cast", ["mask.seqlens_minus1"], ["seqlens_k"], "seqlens_k.Cast", to=TensorProto.INT32)
    b.node("Shape", ["attention_mask"], ["mask.shape"], "mask.Shape")
    b.node("Gather", ["mask.shape", "const.index1"], ["mask.total_len"], "mask.total_len.Gather",
           axis=0)
    b.node("Cast", ["mask.total_len"], ["total_sequence_length"], "total_len.Cast",
           to=TensorProto.INT32)

    # cos/sin tables [context_length, head_dim / 2], computed in the graph from 32 float32
    # frequencies (constant-folded by ONNX Runtime when the session is created) rather than
    # stored: float32 cos/sin tables computed here could differ in the last bit between numpy
    # builds and machines, and would change the file's hash.
    b.init("rope.inv_freq", rope_inv_freq(cfg.rope_base, HD).reshape(1, HD // 2))
    b.init("rope.start", np.array(0, dtype=np.float32))
    b.init("rope.limit", np.array(cfg.context_length, dtype=np.float32))
    b.init("rope.delta", np.array(1, dtype=np.float32))
    b.init("rope.axis1", np.array([1], dtype=np.int64))
    b.node("Range", ["rope.start", "rope.limit", "rope.delta"], ["rope.positions"], "rope.Range")
    b.node("Unsqueeze", ["rope.positions", "rope.axis1"], ["rope.positions_col"],
           "rope.Unsqueeze")
    b.node("Mul", ["rope.positions_col", "rope.inv_freq"], ["rope.angles"], "rope.Mul")
    b.node("Cos", ["rope.angles"], ["rope.cos"], "rope.Cos")
    b.node("Sin", ["rope.angles"], ["rope.sin"], "rope.Sin")

    # ---- token embedding (Q8_0, gathered without dequantizing the table)
    emb_raw = tensor(g, "token_embd.weight", GGML_Q8_0, (D, V))
    # One uint8 table [vocab, blocks, 32] serves both the input Gather and the tied LM head
    # (MatMulNBits' B layout is [N, blocks, 32] for 8 bits), so it is stored once. Zero point:
    # both ops default to 128 for 8-bit data, which makes (u - 128) * d == d * q exactly.
    emb_u8, emb_scales = q8_0_to_uint8(emb_raw, V, D)
    b.init("token_embd.qweight", emb_u8)
    b.init("token_embd.scales", emb_scales.reshape(V, D // QK, 1))  # same rank as the data
    b.node("GatherBlockQuantized", ["token_embd.qweight", "input_ids", "token_embd.scales"],
           ["embed.blocks"], "token_embd.GatherBlockQuantized", MS,
           bits=8, block_size=QK, gather_axis=0, quantize_axis=2)
    b.init("const.embed_shape", np.array([0, 0, D], dtype=np.int64))
    b.node("Reshape", ["embed.blocks", "const.embed_shape"], ["embed.out"], "embed.Reshape")

    residual = "embed.out"
    mlp_out = ""
    for i in range(L):
        p = f"blk.{i}"
        attn_norm = b.init(f"{p}.attn_norm.weight",
                           tensor(g, f"{p}.attn_norm.weight", GGML_F32, (D,)).astype(np.float32))
        if i == 0:
            # RMSNorm in standard ops (ONNX Runtime fuses this Pow/ReduceMean/Add/Sqrt/Div/Mul
            # chain into SimplifiedLayerNormalization, which onnx's checker does not know)
            b.init("const.two", np.array(2, dtype=np.float32))
            b.init("const.rms_eps", np.array(cfg.rms_eps, dtype=np.float32))
            sq = b.node("Pow", [residual, "const.two"], [f"{p}.attn_norm.sq"], f"{p}.attn_norm.Pow")
            ms = b.node("ReduceMean", sq, [f"{p}.attn_norm.ms"], f"{p}.attn_norm.ReduceMean",
                        axes=[-1], keepdims=1)
            ad = b.node("Add", [ms[0], "const.rms_eps"], [f"{p}.attn_norm.add"], f"{p}.attn_norm.Add")
            rt = b.node("Sqrt", ad, [f"{p}.attn_norm.rms"], f"{p}.attn_norm.Sqrt")
            dv = b.node("Div", [residual, rt[0]], [f"{p}.attn_norm.div"], f"{p}.attn_norm.Div")
            h = b.node("Mul", [dv[0], attn_norm], [f"{p}.attn_norm.out"], f"{p}.attn_norm.Mul")[0]
        else:
            h, residual = b.node("SkipSimplifiedLayerNormalization", [mlp_out, residual, attn_norm],
                                 [f"{p}.attn_norm.out", "", "", f"{p}.attn_in"],
                                 f"{p}.attn_norm", MS, epsilon=cfg.rms_eps)[::3]

        wq, nq, kq = weight_q4(f"{p}.attn_q.weight", (D, H * HD))
        wk, nk, kk = weight_q4(f"{p}.attn_k.weight", (D, KV * HD))
        wv = weight_q4(f"{p}.attn_v.weight", (D, KV * HD))
        qkv = matmul_q4(f"{p}.attn_qkv", h, [(unpermute_rows(wq, H), nq, kq),
                                             (unpermute_rows(wk, KV), nk, kk), wv])
        attn, _, _ = b.node(
            "GroupQueryAttention",
            [qkv, "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k",
             "total_sequence_length", "rope.cos", "rope.sin", "position_ids"],
            [f"{p}.attn.out", f"present.{i}.key", f"present.{i}.value"], f"{p}.attn", MS,
            num_heads=H, kv_num_heads=KV, do_rotary=1, rotary_interleaved=0)
        o = matmul_q4(f"{p}.attn_output", attn, [weight_q4(f"{p}.attn_output.weight", (D, D))])
        if i == L - 1:
            # Only the last position's logits leave the graph: the rest of the last block, the
            # final norm and the LM head run on one position.
            o = b.node("Gather", [o, "const.last"], [f"{p}.attn_output.last"],
                       f"{p}.attn_output.last", axis=1)[0]
            residual = b.node("Gather", [residual, "const.last"], [f"{p}.attn_in.last"],
                              f"{p}.attn_in.last", axis=1)[0]
        ffn_norm = b.init(f"{p}.ffn_norm.weight",
                          tensor(g, f"{p}.ffn_norm.weight", GGML_F32, (D,)).astype(np.float32))
        h2, residual = b.node("SkipSimplifiedLayerNormalization", [o, residual, ffn_norm],
                              [f"{p}.ffn_norm.out", "", "", f"{p}.ffn_in"],
                              f"{p}.ffn_norm", MS, epsilon=cfg.rms_eps)[::3]
        gu = matmul_q4(f"{p}.ffn_gate_up", h2, [weight_q4(f"{p}.ffn_gate.weight", (D, F)),
                                                weight_q4(f"{p}.ffn_up.weight", (D, F))])
        b.init(f"{p}.ffn_split", np.array([F, F], dtype=np.int64))
        gate, up = b.node("Split", [gu, f"{p}.ffn_split"], [f"{p}.ffn_gate.out", f"{p}.ffn_up.out"],
                          f"{p}.ffn_split", axis=-1)
        sig = b.node("Sigmoid", [gate], [f"{p}.ffn_gate.sigmoid"], f"{p}.ffn_gate.Sigmoid")[0]
        silu = b.node("Mul", [gate, sig], [f"{p}.ffn_gate.silu"], f"{p}.ffn_gate.silu")[0]
        act = b.node("Mul", [silu, up], [f"{p}.ffn_act"], f"{p}.ffn_act.Mul")[0]
        mlp_out = matmul_q4(f"{p}.ffn_down", act, [weight_q4(f"{p}.ffn_down.weight", (F, D))])

    out_norm = b.init("output_norm.weight",
                      tensor(g, "output_norm.weight", GGML_F32, (D,)).astype(np.float32))
    final = b.node("SkipSimplifiedLayerNormalization", [mlp_out, residual, out_norm],
                   ["output_norm.out"], "output_norm", MS, epsilon=cfg.rms_eps)[0]
    if "output.weight" in g.tensors:
        raise ConvertError("the GGUF has its own output.weight; this converter expects the LM "
                           "head tied to token_embd (SmolLM2)")
    # tied LM head: the embedding's Q8_0 table as MatMulNBits bits 8 (default zero point 128)
    b.init("lm_head.scales", emb_scales)
    b.node("MatMulNBits", [final, "token_embd.qweight", "lm_head.scales"], ["logits"],
           "lm_head.MatMulNBits", MS, K=D, N=V, bits=8, block_size=QK,
           accuracy_level=opts.head_accuracy_level)

    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    inputs = [
        helper.make_tensor_value_info("input_ids", i64, ["batch", "seq"]),
        helper.make_tensor_value_info("attention_mask", i64, ["batch", "total_seq"]),
        helper.make_tensor_value_info("position_ids", i64, ["batch", "seq"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", f32, ["batch", 1, V])]
    for i in range(L):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(
                f"past_key_values.{i}.{kind}", f32, ["batch", KV, "past_seq", HD]))
            outputs.append(helper.make_tensor_value_info(
                f"present.{i}.{kind}", f32, ["batch", KV, "total_seq", HD]))

    graph = helper.make_graph(b.nodes, "llama_decoder", inputs, outputs, initializer=b.inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_operatorsetid("", OPSET), helper.make_operatorsetid(MS, 1)],
        producer_name="postcraft-setup_models",
        producer_version="1",
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    model.model_version = 1
    for k, v in metadata:
        entry = model.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.checker.check_model(model)
    return model


# --------------------------------------------------------------------------------------------
# tokenizer.json


def tokenizer_json(g: GgufModel) -> dict[str, Any]:
    """A Hugging Face tokenizer.json equivalent to llama.cpp's tokenizer for this GGUF."""
    m = g.meta
    if m.get("tokenizer.ggml.model") != "gpt2":
        raise ConvertError(f"tokenizer.ggml.model is {m.get('tokenizer.ggml.model')!r}; only "
                           f"'gpt2' (byte-level BPE) is supported")
    pre = m.get("tokenizer.ggml.pre")
    if pre != "smollm":
        # other pre-tokenizers split differently; writing them as smollm would tokenize wrongly
        raise ConvertError(f"tokenizer.ggml.pre is {pre!r}; only 'smollm' is supported")
    tokens: list[str] = list(m["tokenizer.ggml.tokens"])
    types: list[int] = [int(t) for t in m["tokenizer.ggml.token_type"]]
    merges: list[str] = list(m["tokenizer.ggml.merges"])
    if len(tokens) != len(types):
        raise ConvertError("tokenizer.ggml.tokens and token_type differ in length")
    if len(set(tokens)) != len(tokens):
        raise ConvertError("tokenizer.ggml.tokens has duplicates")
    unknown = sorted({t for t in types} - {TOKEN_NORMAL, TOKEN_CONTROL})
    if unknown:
        raise ConvertError(f"token types {unknown} are not supported (normal and control only)")
    for merge in merges:
        if merge.count(" ") != 1:
            raise ConvertError(f"merge {merge!r} is not two tokens separated by one space")

    added = [{
        "id": i, "content": tok, "single_word": False, "lstrip": False, "rstrip": False,
        "normalized": False, "special": True,
    } for i, (tok, ty) in enumerate(zip(tokens, types)) if ty == TOKEN_CONTROL]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                  "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        # llama.cpp's "smollm" pre-tokenizer: \p{N} split one digit at a time, then GPT-2's regex
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            byte_level,
        ]},
        "post_processor": None,  # add_bos_token is false: the engine writes ChatML itself
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {tok: i for i, tok in enumerate(tokens)},
            "merges": merges,
        },
    }


# --------------------------------------------------------------------------------------------
# entry point for setup_models.py


@dataclass(frozen=True)
class Conversion:
    model: bytes
    summary: str
    tokenizer: bytes
    config: LlamaConfig
    meta: dict[str, Any]


def check_manifest(cfg: LlamaConfig, meta: dict[str, Any], model: dict[str, Any]) -> None:
    """The manifest's description of the graph must match what the GGUF says."""
    kv = model.get("kv_cache", {})
    want = {"layers": cfg.layers, "kv_heads": cfg.kv_heads, "head_dim": cfg.head_dim,
            "max_seq": cfg.context_length}
    for k, v in want.items():
        if k in kv and kv[k] != v:
            raise ConvertError(f"manifest kv_cache.{k} = {kv[k]}, the GGUF says {v}")
    params = model.get("params", {})
    pwant = {"vocab_size": cfg.vocab, "context_length": cfg.context_length,
             "bos_token_id": int(meta["tokenizer.ggml.bos_token_id"])}
    for k, v in pwant.items():
        if k in params and params[k] != v:
            raise ConvertError(f"manifest params.{k} = {params[k]}, the GGUF says {v}")


def convert(data: bytes, model: dict[str, Any], opts: GraphOptions = GraphOptions()
            ) -> Conversion:
    g = read_gguf(data)
    cfg = llama_config(g)
    check_manifest(cfg, g.meta, model)
    src = model.get("source", {})
    doc = (f"llama decoder converted from {src.get('package')}=={src.get('version')} "
           f"({src.get('member')}): {cfg.layers} blocks, d {cfg.d_model}, {cfg.heads} heads / "
           f"{cfg.kv_heads} kv heads of {cfg.head_dim}, vocab {cfg.vocab}; logits of the last "
           f"position only")
    metadata = [(k, str(src[k2])) for k, k2 in (
        ("source_package", "package"), ("source_version", "version"),
        ("source_sha256", "sha256"), ("source_member", "member")) if k2 in src]
    onnx_model = build_graph(g, cfg, opts, doc, metadata)
    blob = onnx_model.SerializeToString(deterministic=True)
    tok = json.dumps(tokenizer_json(g), ensure_ascii=False, separators=(",", ":")) + "\n"
    n_params = sum(int(np.prod(ne)) for _, ne, _ in g.tensors.values())
    summary = (f"{cfg.layers} blocks, {n_params / 1e6:.1f} M parameters; Q4_1 -> MatMulNBits "
               f"4-bit + block offsets, Q8_0 -> 8-bit, accuracy_level {opts.accuracy_level}/"
               f"{opts.head_accuracy_level}")
    return Conversion(blob, summary, tok.encode("utf-8"), cfg, g.meta)
