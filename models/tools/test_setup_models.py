"""Tests of the model set-up's safety checks (run by scripts/test in the set-up venv):
the checkpoint reader must refuse anything but tensors and plain containers, and the espeak-ng
installation must verify the library and every data file before anything is in place."""

import collections
import io
import os
import pickle
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import setup_models  # noqa: E402


def checkpoint(pickled: bytes) -> bytes:
    """A torch.save()-shaped zip holding one data.pkl."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("archive/data.pkl", pickled)
        z.writestr("archive/byteorder", b"little")
    return buffer.getvalue()


class Exploit:
    """Unpickling this with plain pickle would run a shell command."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/postcraft-pwned",))


class RestrictedUnpicklerTest(unittest.TestCase):
    def test_refuses_code_execution(self):
        with self.assertRaises(setup_models.SetupError) as caught:
            setup_models.load_torch_checkpoint(checkpoint(pickle.dumps(Exploit())))
        self.assertIn("refusing", str(caught.exception))
        self.assertFalse(Path("/tmp/postcraft-pwned").exists())

    def test_refuses_other_globals(self):
        with self.assertRaises(setup_models.SetupError):
            setup_models.load_torch_checkpoint(checkpoint(pickle.dumps(collections.Counter("ab"))))

    def test_reads_plain_containers(self):
        state = collections.OrderedDict([("netG", {"epochs": 3, "name": "g"})])
        self.assertEqual(setup_models.load_torch_checkpoint(checkpoint(pickle.dumps(state))), state)

    def test_rejects_non_zip_and_garbage(self):
        with self.assertRaises(setup_models.SetupError):
            setup_models.load_torch_checkpoint(pickle.dumps({"a": 1}))
        with self.assertRaises(setup_models.SetupError):
            setup_models.load_torch_checkpoint(checkpoint(b"\x80\x05garbage"))


def fake_phonemizer_wheel(folder: Path, data: dict[str, bytes]) -> tuple[Path, dict]:
    """A wheel shaped like piper-phonemize's, already in downloads/, and its manifest entry."""
    downloads = folder / "downloads"
    downloads.mkdir(parents=True)
    wheel = downloads / "fake_phonemize-1.0-py3-none-any.whl"
    library = b"\x7fELF not really a library"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("fake.libs/libespeak-ng-1234.so.1", library)
        z.writestr("fake-1.0.dist-info/LICENSE.md", b"MIT")
        for name, blob in data.items():
            z.writestr(f"fake/espeak-ng-data/{name}", blob)
    entry = {
        "package": "fake-phonemize", "version": "1.0", "wheel": wheel.name,
        "wheel_sha256": setup_models.sha256_file(wheel),
        "member": "fake.libs/libespeak-ng-1234.so.1", "file": "libespeak-ng.so.1",
        "sha256": setup_models.sha256_bytes(library),
        "data_member": "fake/espeak-ng-data/",
        "data_sha256": setup_models.tree_digest(data),
        "licence": "GPL-3.0-or-later",
    }
    return wheel, entry


class PhonemizerSetupTest(unittest.TestCase):
    DATA = {"phontab": b"phonemes", "en_dict": b"words", "voices/en/en-us": b"voice"}

    def test_installs_verifies_and_skips_the_second_time(self):
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp)
            _, entry = fake_phonemizer_wheel(dest, self.DATA)
            setup_models.setup_phonemizer(entry, dest)
            folder = dest / "espeak-ng"
            self.assertEqual((folder / "libespeak-ng.so.1").read_bytes(), b"\x7fELF not really a library")
            self.assertEqual((folder / "espeak-ng-data/voices/en/en-us").read_bytes(), b"voice")
            self.assertEqual(setup_models.tree_digest_on_disk(folder / "espeak-ng-data"), entry["data_sha256"])
            self.assertEqual(oct((folder / "espeak-ng-data").stat().st_mode & 0o777), "0o755")
            # A changed data file is noticed and repaired on the next run.
            (folder / "espeak-ng-data/en_dict").write_bytes(b"tampered")
            setup_models.setup_phonemizer(entry, dest)
            self.assertEqual((folder / "espeak-ng-data/en_dict").read_bytes(), b"words")
            self.assertEqual(sorted(p.name for p in folder.iterdir()), ["espeak-ng-data", "libespeak-ng.so.1"])

    def test_refuses_data_that_differs_from_the_pin(self):
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp)
            _, entry = fake_phonemizer_wheel(dest, self.DATA)
            entry["data_sha256"] = setup_models.tree_digest({**self.DATA, "phontab": b"other"})
            with self.assertRaises(setup_models.SetupError):
                setup_models.setup_phonemizer(entry, dest)
            self.assertFalse((dest / "espeak-ng" / "espeak-ng-data").exists())
            self.assertFalse((dest / "espeak-ng" / "libespeak-ng.so.1").exists())

    def test_refuses_paths_that_leave_the_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp)
            data = {**self.DATA, "../../escape": b"x"}
            _, entry = fake_phonemizer_wheel(dest, data)
            with self.assertRaisesRegex(setup_models.SetupError, "unsafe path"):
                setup_models.setup_phonemizer(entry, dest)
            self.assertFalse((dest / "escape").exists())


if __name__ == "__main__":
    unittest.main()
