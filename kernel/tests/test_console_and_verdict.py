"""Unit tests of the console parser and of the prediction matching, on console
excerpts recorded from real boots (kernel/tests/consoles/, register dumps and
machine code removed). Run: python3 -m unittest discover -s kernel/tests"""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import console_log                    # noqa: E402
import kernel_names                   # noqa: E402
import kernel_source                  # noqa: E402
import verdict                        # noqa: E402
from boot import BootResult           # noqa: E402
from predictions import Predictions, normalise  # noqa: E402


def console(name):
    with open(os.path.join(HERE, "consoles", name)) as f:
        return f.read()


def sample(name, variant):
    return Predictions.load(os.path.join(HERE, "samples", name, f"{variant}.json"))


def predictions(steps, **extra):
    return Predictions(dict({"steps": steps, "complete": True}, **extra))


def fake_source(lines_by_number):
    """A stand-in for the kernel's fs/dax.c: only the lines a test needs, written
    here (no kernel text is kept in the repository)."""
    n = max(lines_by_number)
    lines = [""] * n
    for k, v in lines_by_number.items():
        lines[k - 1] = v
    f = tempfile.NamedTemporaryFile("w", suffix=".c", delete=False)
    f.write("\n".join(lines) + "\n")
    f.close()
    src = kernel_source.SourceFile(f.name)
    os.unlink(f.name)
    return src


# Line 380 sits in "associate", line 404 in "disassociate", as on Debian's 6.1.
SOURCE_6_1 = fake_source({
    370: "static void dax_associate_entry(void *entry)", 371: "{",
    380: "\t\t\tWARN_ON_ONCE(page->mapping);", 385: "}",
    390: "static void dax_disassociate_entry(void *entry, bool trunc)", 391: "{",
    398: "\t\tWARN_ON_ONCE(trunc && page_ref_count(page) > 1);",
    404: "\t\t\tWARN_ON_ONCE(page->mapping && page->mapping != mapping);", 410: "}",
})

FINISHED = BootResult("", 10.0, False, 0)


class ParseRealConsoles(unittest.TestCase):
    def test_6_1_warns_at_step_4_and_at_unmount(self):
        log = console_log.parse(console("6.1-reflink-read-fault.log"))
        self.assertEqual(log.release, "6.1.0-57-amd64")
        self.assertTrue(log.finished)
        self.assertTrue(log.dax_active())
        self.assertEqual([s["step"] for s in log.steps], ["1", "2", "3", "4", "umount"])
        self.assertEqual([s["exit"] for s in log.steps], [0, 0, 0, 0, 0])
        w = log.events
        self.assertEqual(len(w), 2)
        self.assertEqual((w[0].kind, w[0].file, w[0].line, w[0].function, w[0].step, w[0].comm),
                         ("WARNING", "fs/dax.c", 380, "dax_insert_entry", "4", "xfs_io"))
        self.assertEqual(w[0].trace[:2], ["dax_fault_iter", "dax_iomap_pte_fault"])
        self.assertEqual((w[1].line, w[1].function, w[1].step, w[1].comm),
                         (404, "dax_disassociate_entry", "umount", "umount"))

    def test_6_12_and_sid_are_clean(self):
        for name in ("6.12-reflink-read-fault.log", "sid-reflink-read-fault.log"):
            log = console_log.parse(console(name))
            self.assertEqual(log.events, [], name)
            self.assertTrue(log.dax_active(), name)
            self.assertEqual(len(log.steps), 5, name)

    def test_panic(self):
        log = console_log.parse(console("6.12-panic.log"))
        self.assertEqual(log.panic, "sysrq triggered crash")
        self.assertIn("kernel panic", verdict.failure(log, FINISHED, 90))

    def test_hang(self):
        log = console_log.parse(console("6.1-hang.log"))
        self.assertFalse(log.finished)
        v = verdict.failure(log, BootResult(log, 20.0, True, None), 20)
        self.assertTrue(v.startswith("boot hung"), v)
        self.assertIn("last step 1", v)
        # the same log without a timeout (QEMU exited early) is still no agree
        self.assertTrue(verdict.failure(log, FINISHED, 90).startswith("boot hung"))

    def test_dax_not_active(self):
        log = console_log.parse(console("6.12-no-dax.log"))
        self.assertFalse(log.dax_active())
        self.assertTrue(verdict.failure(log, FINISHED, 90).startswith("DAX not active on the mount"))

    def test_device_without_dax(self):
        text = console("6.12-reflink-read-fault.log").replace("queue/dax 1", "queue/dax 0")
        log = console_log.parse(text)
        self.assertFalse(log.dax_active())
        self.assertTrue(verdict.failure(log, FINISHED, 90).startswith("DAX not active"))

    def test_kernel_refusing_dax(self):
        text = console("6.12-reflink-read-fault.log").replace(
            "daxcheck: dax active",
            "[    6.1] XFS (pmem0): DAX unsupported by block device. Turning off DAX.\ndaxcheck: dax active")
        v = verdict.failure(console_log.parse(text), FINISHED, 90)
        self.assertTrue(v.startswith("DAX not active on the mount"), v)


class NewerKernel(unittest.TestCase):
    """sid (7.2) prints "WARNING: FILE:LINE at FUNC+off, CPU#n: comm/pid"."""

    def test_sid_order_mismatch_warning(self):
        log = console_log.parse(console("sid-pte-share-of-pmd-folio.log"))
        [e] = log.events
        self.assertEqual((e.file, e.line, e.function, e.comm, e.step),
                         ("fs/dax.c", 495, "dax_insert_entry", "xfs_io", "4"))
        src = fake_source({480: "static void dax_associate_entry(void *entry)", 481: "{",
                           494: "\t\tWARN_ON_ONCE(!folio->share);",
                           495: "\t\tWARN_ON_ONCE(dax_entry_order(entry) != folio_order(folio));",
                           500: "}"})
        p = sample("pte-share-of-pmd-folio", "v6.15")
        self.assertEqual(verdict.compare(log, p, src, "sid", "7.2.13+deb14-amd64")[0], "agree")
        # the other check of the same function, predicted instead, disagrees
        p.steps[3]["warnings"] = [{"function": "dax_associate_entry", "condition": "!folio->share"}]
        self.assertTrue(verdict.compare(log, p, src, "sid", "7.2.13")[0].startswith("disagree"))


class OtherReportFormats(unittest.TestCase):
    def test_newer_warning_line_and_sigbus(self):
        text = ("daxcheck: guest up 7.2.13\n[ 1.0] daxcheck: step 3: write-fault B 0\n"
                "[ 1.1] WARNING: fs/dax.c:498 at dax_insert_entry+0x2a/0x300, CPU#0: xfs_io/77\n"
                "[ 1.2] ---[ end trace 0000000000000000 ]---\n"
                "daxcheck: step 3 exit 135\n")
        log = console_log.parse(text)
        e = log.events[0]
        self.assertEqual((e.file, e.line, e.function, e.comm, e.step),
                         ("fs/dax.c", 498, "dax_insert_entry", "xfs_io", "3"))
        self.assertEqual(log.steps[0]["signal"], "SIGBUS")

    def test_bug_and_oops_are_one_event(self):
        text = ("[ 2.0] daxcheck: step 2: truncate A 0\n"
                "[ 2.1] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
                "[ 2.2] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
                "[ 2.3] CPU: 0 PID: 9 Comm: xfs_io Not tainted 6.1.0 #1\n"
                "[ 2.4] RIP: 0010:dax_disassociate_entry+0x49/0xb0\n"
                "[ 2.5] kernel BUG at fs/dax.c:123!\n")
        log = console_log.parse(text)
        self.assertEqual([e.kind for e in log.events], ["BUG", "kernel BUG"])
        self.assertEqual(log.events[0].function, "dax_disassociate_entry")
        self.assertIn("Oops", log.events[0].title)
        self.assertEqual((log.events[1].file, log.events[1].line), ("fs/dax.c", 123))


class Matching(unittest.TestCase):
    def setUp(self):
        self.log61 = console_log.parse(console("6.1-reflink-read-fault.log"))
        self.log612 = console_log.parse(console("6.12-reflink-read-fault.log"))

    def test_sample_agrees_on_6_1_with_source(self):
        v, d = verdict.compare(self.log61, sample("reflink-read-fault", "v6.0"), SOURCE_6_1,
                               "6.1", "6.1.0-57-amd64")
        self.assertEqual(v, "agree")
        self.assertEqual(d["events"][0]["identified_function"], "dax_associate_entry")
        self.assertEqual(d["events"][0]["condition"], "page->mapping")
        self.assertTrue(any("at unmount" in n for n in d["notes"]))

    def test_sample_agrees_on_6_12(self):
        v, _ = verdict.compare(self.log612, sample("reflink-read-fault", "v6.2"), None,
                               "6.12", "6.12.118+deb13-amd64")
        self.assertEqual(v, "agree")

    def test_function_only_without_source_says_so(self):
        v, d = verdict.compare(self.log61, sample("reflink-read-fault", "v6.0"), None,
                               "6.1", "6.1.0-57-amd64")
        self.assertEqual(v, "agree (function-only matching)")
        self.assertTrue(any("function only" in n for n in d["notes"]))

    def test_a_port_predicting_nothing_disagrees_with_6_1(self):
        # v6.2's predictions (no warning) against the 6.1 kernel: the kernel warns.
        p = sample("reflink-read-fault", "v6.2")
        p.kernel_expect = []
        v, _ = verdict.compare(self.log61, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertTrue(v.startswith("disagree"), v)
        self.assertIn("dax_associate_entry", v)
        self.assertIn("step 4", v)

    def test_a_predicted_warning_the_kernel_does_not_raise_disagrees(self):
        p = sample("reflink-read-fault", "v6.0")
        p.kernel_expect = []
        v, _ = verdict.compare(self.log612, p, None, "6.12", "6.12.118")
        self.assertTrue(v.startswith("disagree"), v)
        self.assertIn("kernel is silent", v)

    def test_wrong_condition_disagrees_when_the_source_is_known(self):
        p = predictions([{"step": 4, "op": "read-fault B 0",
                          "warnings": [{"function": "dax_associate_entry",
                                        "condition": "trunc && page_ref_count(page) > 1"}]}])
        v, _ = verdict.compare(self.log61, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertTrue(v.startswith("disagree"), v)

    def test_wrong_step_disagrees(self):
        p = predictions([{"step": s, "op": "x", "warnings": []} for s in (1, 2, 4)] +
                        [{"step": 3, "op": "read-fault A 0",
                          "warnings": [{"function": "dax_associate_entry", "condition": "page->mapping"}]}])
        v, _ = verdict.compare(self.log61, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertIn("port at step 3, kernel at step 4", v)

    def test_line_number_is_not_matched(self):
        # the same condition at another line of the same function still agrees
        moved = fake_source({370: "static void dax_associate_entry(void *entry)", 371: "{",
                             380: "\t\tWARN_ON_ONCE(page->mapping);", 381: "}",
                             390: "static void dax_disassociate_entry(void *entry)", 391: "{",
                             404: "\t\tWARN_ON_ONCE(page->mapping && page->mapping != mapping);",
                             405: "}"})
        p = sample("reflink-read-fault", "v6.0")
        self.assertEqual(verdict.compare(self.log61, p, moved, "6.1", "6.1.0")[0], "agree")

    def test_unmount_prediction_is_compared_when_given(self):
        p = sample("reflink-read-fault", "v6.0")
        p.at_unmount = []
        v, _ = verdict.compare(self.log61, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertTrue(v.startswith("disagree"), v)
        p.at_unmount = [{"function": "dax_disassociate_entry",
                         "condition": "page->mapping && page->mapping != mapping"}]
        self.assertEqual(verdict.compare(self.log61, p, SOURCE_6_1, "6.1", "6.1.0")[0], "agree")

    def test_unmount_warning_of_some_eviction_orders_agrees_either_way(self):
        # The kernel picks the order it evicts inodes in at unmount: a warning
        # the port raises in some orders only agrees seen or not seen.
        import copy
        p = sample("reflink-read-fault", "v6.0")
        p.at_unmount = []
        p.at_unmount_may = [{"function": "dax_disassociate_entry",
                             "condition": "page->mapping && page->mapping != mapping"}]
        v, _ = verdict.compare(self.log61, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertEqual(v, "agree")
        silent = copy.copy(self.log61)
        silent.events = [e for e in self.log61.events if e.step != "umount"]
        v, _ = verdict.compare(silent, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertEqual(v, "agree")
        # A certain one still disagrees when the kernel is silent.
        p.at_unmount, p.at_unmount_may = p.at_unmount_may, []
        v, _ = verdict.compare(silent, p, SOURCE_6_1, "6.1", "6.1.0-57-amd64")
        self.assertTrue(v.startswith("disagree"), v)

    def test_corpus_expectation_is_checked(self):
        p = sample("reflink-read-fault", "v6.2")
        p.kernel_expect = [{"kernel": "6.12", "warns": ["dax_associate_entry"]}]
        v, _ = verdict.compare(self.log612, p, None, "6.12", "6.12.118+deb13-amd64")
        self.assertIn("corpus says 6.12 warns dax_associate_entry", v)

    def test_clear_inode_bug_at_unmount(self):
        # Debian's 6.12 after a PTE fault inside a shared PMD entry (corpus
        # fs-v6.2-pte-fault-under-shared-pmd-bugs-at-unmount.dax).
        log = console_log.parse(console("6.12-nrpages-clear-inode-bug.log"))
        e = log.events[0]
        self.assertEqual((e.kind, e.file, e.function, e.step), ("kernel BUG", "fs/inode.c", "clear_inode", "umount"))
        steps = [{"step": i, "op": op, "warnings": []} for i, op in
                 enumerate(["write A 2 2", "reflink A 2 A 0 2", "read-fault A 3 pmd", "read-fault A 3"], 1)]
        bug = {"function": "clear_inode", "condition": "inode->i_data.nrpages", "kind": "BUG"}
        v, _ = verdict.compare(log, predictions(steps, at_unmount=[bug]), None, "6.12", "6.12.118")
        self.assertTrue(verdict.is_agree(v), v)
        v, _ = verdict.compare(log, predictions(steps, at_unmount=[]), None, "6.12", "6.12.118")
        self.assertTrue(v.startswith("disagree") and "clear_inode" in v, v)
        p = predictions(steps, at_unmount=[bug], kernel_expect=[{"kernel": "6.12", "bugs": ["clear_inode"]}])
        self.assertTrue(verdict.is_agree(verdict.compare(log, p, None, "6.12", "6.12.118")[0]))

    def test_corpus_bug_expectation_is_checked(self):
        p = sample("reflink-read-fault", "v6.2")
        p.kernel_expect = [{"kernel": "6.12", "bugs": ["clear_inode"]}]
        v, _ = verdict.compare(self.log612, p, None, "6.12", "6.12.118+deb13-amd64")
        self.assertIn("corpus says 6.12 hits a kernel BUG in clear_inode", v)

    def test_partial_reproducer_never_says_plain_agree(self):
        p = sample("reflink-read-fault", "v6.2")
        p.complete = False
        v, _ = verdict.compare(self.log612, p, None, "6.12", "6.12.118")
        self.assertEqual(v, "agree (partial reproducer)")

    def test_a_failing_step_is_a_script_error(self):
        text = console("6.12-reflink-read-fault.log").replace("daxcheck: step 2 exit 0",
                                                              "daxcheck: step 2 exit 1")
        v, _ = verdict.compare(console_log.parse(text), sample("reflink-read-fault", "v6.2"),
                               None, "6.12", "6.12.118")
        self.assertTrue(v.startswith("script error: step 2"), v)

    def test_unpredicted_sigbus_disagrees(self):
        text = console("6.12-reflink-read-fault.log").replace("daxcheck: step 4 exit 0",
                                                              "daxcheck: step 4 exit 135")
        v, _ = verdict.compare(console_log.parse(text), sample("reflink-read-fault", "v6.2"),
                               None, "6.12", "6.12.118")
        self.assertIn("SIGBUS", v)
        self.assertTrue(v.startswith("disagree"))


class Helpers(unittest.TestCase):
    def test_ports_by_kernel(self):
        self.assertEqual(kernel_names.port_for_release("6.1.0-57-amd64"), "v6.0")
        self.assertEqual(kernel_names.port_for_release("6.12.118+deb13-amd64"), "v6.2")
        self.assertEqual(kernel_names.port_for_release("7.2.13+deb14-amd64"), "v6.15")
        self.assertIsNone(kernel_names.port_for_release("5.10.0-30-amd64"))
        ports = kernel_names.ports_from_list("  v6.0  ...\n  v6.2 ...\n  v6.15 ...\n  v7.1 x\n")
        self.assertEqual(kernel_names.port_for_release("7.2.13", ports), "v7.1")

    def test_normalise(self):
        self.assertEqual(normalise(" ( page->mapping ) "), "page->mapping")
        self.assertEqual(normalise("(a) && (b)"), "(a)&&(b)")

    def test_source_reading(self):
        self.assertEqual(SOURCE_6_1.enclosing_function(380), "dax_associate_entry")
        self.assertEqual(SOURCE_6_1.warn_condition(404), "page->mapping && page->mapping != mapping")
        self.assertIsNone(SOURCE_6_1.enclosing_function(388))


if __name__ == "__main__":
    unittest.main()
