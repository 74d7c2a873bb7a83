"""Tests of the model set-up's safety checks (run by scripts/test in the set-up venv):
the checkpoint reader must refuse anything but tensors and plain containers."""

import collections
import io
import os
import pickle
import sys
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


if __name__ == "__main__":
    unittest.main()
