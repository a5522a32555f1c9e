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


class FromJson(unittest.TestCase):
    """`--from-json RUN.json`: a run's filesystem-level counterexamples."""

    RESULT = {"variant": "v6.2", "property": "drain", "profile": "reflink", "level": "fs", "verdict": "fail",
              "failure": "after #4 (read-fault A 0): A's mapping->nrpages is 2",
              "counterexample": ["write A 0 2", "read-fault A 1 pmd", "reflink A 0 B 0 1", "read-fault A 0"],
              "reproduce": "./daxcheck run --level fs --variant v6.2 --seed 1 --walks 10000 --files 3 "
                           "--pfns 4 --offsets 4 --pmd-order 1 --max-pins 2"}

    def write(self, doc):
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        f.write(doc if isinstance(doc, str) else __import__("json").dumps(doc))
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_corpus_text_of_a_result(self):
        import run_json
        text = run_json.corpus_text(self.RESULT, "run.json", 0)
        self.assertIn("universe: files=3 pfns=4 offsets=4 pmd-order=1 max-pins=2\n", text)
        self.assertIn("level: fs\n", text)
        self.assertIn("expect: v6.2 fail\n", text)
        self.assertTrue(text.endswith("reflink A 0 B 0 1\nread-fault A 0\n"))

    def test_one_boot_per_sequence(self):
        import run_json
        other = dict(self.RESULT, property="refinement")
        fn = dict(self.RESULT, level="function", counterexample=["associate A 0 pfn=0 order=0 shared=0"])
        path = self.write({"level": "fs", "results": [self.RESULT, other, fn]})
        with tempfile.TemporaryDirectory() as out:
            found, notes = run_json.collect(path, FAKE, out)
            self.assertEqual(len(found), 1)
            self.assertTrue(any("function-level" in n for n in notes))

    def test_bad_documents_name_the_file(self):
        import run_json
        for doc, words in (("{not json", "not JSON"), ({"results": 3}, "no \"results\" list"),
                           ({"results": [dict(self.RESULT, verdict="pass")]}, "no filesystem-level")):
            path = self.write(doc)
            with self.assertRaises(reproducers.InputError) as e:
                run_json.collect(path, FAKE, "/tmp")
            self.assertIn(path, str(e.exception))
            self.assertIn(words, str(e.exception))
        with self.assertRaises(reproducers.InputError):
            run_json.collect("/nonexistent/run.json", FAKE, "/tmp")
