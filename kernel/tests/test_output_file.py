"""The --json file: refused up front when it cannot be written, and written
as the daxcheck binary writes its output files (links followed, devices
written through, a regular file replaced whole)."""

import errno
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import output_file  # noqa: E402
import run          # noqa: E402


class OutputFile(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def test_refuses_what_cannot_be_written(self):
        self.assertIn("is a directory", output_file.problem("--json", self.d))
        self.assertIn("no directory", output_file.problem("--json", os.path.join(self.d, "no", "x.json")))
        self.assertIn("needs a file name", output_file.problem("--json", ""))
        self.assertIsNone(output_file.problem("--json", os.path.join(self.d, "new.json")))
        self.assertIsNone(output_file.problem("--json", "/dev/null"))

    def test_a_symlink_keeps_pointing_at_its_target(self):
        target = os.path.join(self.d, "target.json")
        link = os.path.join(self.d, "link.json")
        with open(target, "w") as f:
            f.write("old\n")
        os.symlink(target, link)
        output_file.write(link, "new\n")
        self.assertTrue(os.path.islink(link))
        with open(target) as f:
            self.assertEqual(f.read(), "new\n")
        self.assertEqual(sorted(os.listdir(self.d)), ["link.json", "target.json"])

    def test_a_failed_write_leaves_the_old_file(self):
        path = os.path.join(self.d, "r.json")
        with open(path, "w") as f:
            f.write("old\n")

        def full(fd):  # a full disk, seen at the flush
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real = os.fsync
        os.fsync = full
        try:
            with self.assertRaises(OSError) as e:
                output_file.write(path, "new\n")
        finally:
            os.fsync = real
        self.assertIn(path, str(e.exception))
        self.assertIn("No space left", str(e.exception))
        with open(path) as f:
            self.assertEqual(f.read(), "old\n")
        self.assertEqual(os.listdir(self.d), ["r.json"])  # no temporary file left

    def test_a_device_is_written_through(self):
        output_file.write("/dev/null", "x\n")
        self.assertTrue(os.path.exists("/dev/null") and not os.path.isfile("/dev/null"))

    def test_the_runner_checks_json_and_timeout_before_any_boot(self):
        out = ["--out", os.path.join(self.d, "out")]
        a_file = os.path.join(self.d, "a-file")
        open(a_file, "w").close()
        for argv, want in ((["--json", self.d, "x.dax"], "is a directory"),
                           (["--json", os.path.join(self.d, "a", "b.json"), "x.dax"], "no directory"),
                           (["--out", a_file, "x.dax"], "--out: cannot make the directory"),
                           (["--out", "", "x.dax"], "--out: needs a directory name"),
                           (["--timeout", "nan", "x.dax"], "--timeout"),
                           (["--timeout", "inf", "x.dax"], "--timeout"),
                           # float() and int() also read these as 16, 10 and 5.
                           (["--timeout", "0x10", "x.dax"], "'0x10' is not a decimal number"),
                           (["--timeout", "1_0", "x.dax"], "'1_0' is not a decimal number"),
                           (["--jobs", " 5", "x.dax"], "' 5' is not a decimal number")):
            with self.assertRaises(run.Usage) as e:
                run.parse_args(out + argv)
            self.assertIn(want, str(e.exception))

    def test_a_refused_json_leaves_no_new_out_directory(self):
        out = os.path.join(self.d, "new-out")
        with self.assertRaises(run.Usage):
            run.parse_args(["--out", out, "--json", os.path.join(self.d, "no", "x.json"), "x.dax"])
        self.assertFalse(os.path.exists(out))

    def test_a_json_inside_a_new_out_directory_is_accepted(self):
        # As the kernel/boot-* tests run it: --out is made before --json is checked.
        out = os.path.join(self.d, "kernel-reports")
        a = run.parse_args(["--out", out, "--json", os.path.join(out, "boot.json"), "x.dax"])
        self.assertTrue(os.path.isdir(out))
        self.assertEqual(a.json, os.path.join(out, "boot.json"))


if __name__ == "__main__":
    unittest.main()
