"""Inputs of the runner: sample directories, REPRO.sh pairs, and .dax files
through `daxcheck emit` (a stand-in binary, tests/fake/daxcheck)."""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import reproducers                     # noqa: E402
from predictions import PredictionError  # noqa: E402

FAKE = os.path.join(HERE, "fake", "daxcheck")


class Inputs(unittest.TestCase):
    def test_sample_directory_has_a_pair_per_port(self):
        [r] = reproducers.collect([os.path.join(HERE, "samples", "reflink-read-fault")], None, "/tmp")
        self.assertEqual(sorted(r.pairs), ["v6.0", "v6.15", "v6.2"])
        script, preds = r.pair_for("v6.0")
        self.assertIn('step 4 "read-fault B 0"', script)
        self.assertEqual(preds.variant, "v6.0")
        with self.assertRaises(PredictionError):
            r.pair_for("v9.9")

    def test_directory_of_samples(self):
        found = reproducers.collect([os.path.join(HERE, "samples")], None, "/tmp")
        self.assertIn("reflink-read-fault", [r.name for r in found])
        self.assertIn("exclusive-clean", [r.name for r in found])

    def test_dax_goes_through_emit(self):
        with tempfile.TemporaryDirectory() as d:
            dax = os.path.join(d, "x.dax")
            open(dax, "w").close()
            [r] = reproducers.collect([dax], FAKE, d)
            script, preds = r.pair_for("v6.2")
            self.assertEqual(preds.variant, "v6.2")
            self.assertTrue(os.path.exists(os.path.join(d, "emit", "x", "v6.2.sh")))

    def test_emit_without_reproducer_is_skipped(self):
        with tempfile.TemporaryDirectory() as d:
            dax = os.path.join(d, "no-repro.dax")
            open(dax, "w").close()
            [r] = reproducers.collect([d], FAKE, d)
            with self.assertRaises(reproducers.NoReproducer):
                r.pair_for("v6.0")

    def test_bad_inputs(self):
        for args, daxcheck in (["/no/such"], None), ([__file__], None), \
                ([os.path.join(HERE, "consoles")], None), ([os.path.join(HERE, "fake")], None):
            with self.assertRaises(reproducers.InputError):
                reproducers.collect(args, daxcheck, "/tmp")
        with tempfile.TemporaryDirectory() as d:
            dax = os.path.join(d, "x.dax")
            open(dax, "w").close()
            with self.assertRaises(reproducers.InputError):   # a binary without emit
                reproducers.collect([dax], "/bin/false", d)


if __name__ == "__main__":
    unittest.main()
