"""One verdict per (reproducer, kernel): agree, disagree (and what differs),
or a failure that is never "agree" (boot hung, kernel panic, DAX not active on
the mount, package missing, download failed, script error).

A prediction matches a kernel WARNING by function and condition, never by
line number. The line is only used to read, in the kernel's own fs/dax.c, the
function that encloses it and the condition it tests: on these kernels
dax_associate_entry is inlined into dax_insert_entry, so the reported
function alone cannot tell its checks from dax_insert_entry's own.
"""

from predictions import normalise

# Without the source: which reported function may stand for which inlined one.
INLINED_INTO = {
    "dax_insert_entry": {"dax_associate_entry", "dax_disassociate_entry"},
    "dax_fault_iter": {"dax_insert_entry", "dax_associate_entry", "dax_disassociate_entry"},
    "__dax_invalidate_entry": {"dax_disassociate_entry"},
    "dax_delete_mapping_entry": {"dax_disassociate_entry"},
    "grab_mapping_entry": {"dax_disassociate_entry"},
    "dax_folio_put": {"dax_disassociate_entry"},
}

FAILURES = ("boot hung", "kernel panic", "DAX not active on the mount", "package missing",
            "download failed", "script error", "boot failed")


class Identified:
    """A kernel event with the function and condition it stands for."""

    def __init__(self, event, source):
        self.event = event
        self.function = event.function
        self.condition = None
        self.by_source = False
        if source is not None and event.file == "fs/dax.c" and event.line:
            f = source.enclosing_function(event.line)
            if f:
                self.function = f
                self.condition = source.warn_condition(event.line)
                self.by_source = True

    def label(self):
        cond = f" ({self.condition})" if self.condition else ""
        inl = f" [reported in {self.event.function}]" if self.function != self.event.function else ""
        return f"{self.event.kind} {self.function}{cond}{inl} at step {self.event.step}"

    def matches(self, function, condition):
        if self.by_source:
            if self.function != function:
                return False
            if condition is None or self.condition is None:
                return True
            a, b = normalise(condition), normalise(self.condition)
            return a == b or a in b or b in a
        # function only: the reported name, or one inlined into it
        return function == self.function or function in INLINED_INTO.get(self.function, ())


def failure(log, boot_result, timeout):
    """The one-line failure of a boot, or None when the reproducer ran to its end."""
    if boot_result.error:
        return f"boot failed: {boot_result.error}"
    if log.panic:
        return f"kernel panic: {log.panic}"
    if boot_result.timed_out:
        last = log.steps[-1]["step"] if log.steps else "before the first step"
        where = "no guest output" if not log.guest_up else f"last step {last}"
        return f"boot hung: killed after {timeout:.0f} s ({where})"
    if not log.guest_up:
        return "boot failed: the guest never ran /init"
    if log.setup_failure:
        return f"script error: {log.setup_failure}"
    if not log.finished:
        return "boot hung: the guest stopped before the script ended"
    if log.dax_refusals or (log.script_began and not log.dax_said_active):
        why = log.dax_refusals[0] if log.dax_refusals else "the script did not see dax=always"
        return f"DAX not active on the mount ({why})"
    if log.script_exit not in (0, None):
        return f"script error: the reproducer exited {log.script_exit}"
    if not log.dax_active():
        why = ("/dev/pmem0 offers no DAX (queue/dax 0)" if log.pmem_dax == "0"
               else "no dax=always in /proc/mounts")
        return f"DAX not active on the mount ({why})"
    return None


def compare(log, predictions, source, kernel_name, release):
    """-> (verdict line, details dict)."""
    identified = [Identified(e, source) for e in log.events]
    function_only = any(e.file == "fs/dax.c" and not i.by_source
                        for e, i in zip(log.events, identified))
    differences = []
    notes = []
    # every predicted step must have run; a step that failed without a signal is a script error
    ran = {s["step"]: s for s in log.steps}
    for s in predictions.steps:
        got = ran.get(s["step"])
        if got is None:
            return f"script error: step {s['step']} ({s['op']}) never ran", {}
        if got["exit"] not in (0, None) and not got["signal"]:
            return f"script error: step {s['step']} ({s['op']}) exited {got['exit']}", {}
        predicted_signal = s.get("signal")
        if got["signal"] != predicted_signal and (got["signal"] or predicted_signal):
            differences.append(f"step {s['step']}: process got {got['signal'] or 'no signal'}, "
                               f"port predicts {predicted_signal or 'none'}")
    in_steps = [i for i in identified if i.event.step in ran and i.event.step != "umount"]
    at_unmount = [i for i in identified if i.event.step == "umount"]
    outside = [i for i in identified if i.event.step not in ran]
    matched = set()
    for step, function, condition in predictions.expected_sites():
        hit = next((i for i in in_steps if id(i) not in matched and i.matches(function, condition)),
                   None)
        what = f"{function}({condition})" if condition else function
        if hit is None:
            differences.append(f"port predicts WARNING {what} at step {step}; the kernel is silent")
            continue
        matched.add(id(hit))
        if hit.event.step != step:
            differences.append(f"WARNING {what}: port at step {step}, kernel at step {hit.event.step}")
    for i in in_steps:
        if id(i) not in matched:
            differences.append(f"kernel: {i.label()}; the port predicts none")
    if predictions.at_unmount is not None:
        for w in predictions.at_unmount:
            hit = next((i for i in at_unmount if id(i) not in matched
                        and i.matches(w["function"], w.get("condition"))), None)
            if hit is None:
                differences.append(f"port predicts WARNING {w['function']} at unmount; kernel silent")
            else:
                matched.add(id(hit))
        for w in predictions.at_unmount_may:
            hit = next((i for i in at_unmount if id(i) not in matched
                        and i.matches(w["function"], w.get("condition"))), None)
            if hit is not None:
                matched.add(id(hit))
            notes.append(f"at unmount, {w['function']} "
                         f"{'seen' if hit is not None else 'not seen'}: the port raises it in "
                         "some inode eviction orders only, so either agrees")
        for i in at_unmount:
            if id(i) not in matched:
                differences.append(f"kernel: {i.label()}; the port predicts none")
    elif at_unmount:
        notes.append("at unmount (not compared: no prediction for it): "
                     + "; ".join(i.label() for i in at_unmount))
    if outside:
        notes.append("outside the steps (not compared): " + "; ".join(i.label() for i in outside))
    expect = predictions.expectation_for(kernel_name, release)
    if expect is not None:
        fired = {i.function for i in identified}
        if expect.get("clean") and identified:
            differences.append(f"corpus says {expect.get('kernel')} is clean; the kernel warned: "
                               + "; ".join(i.label() for i in identified))
        for f in expect.get("warns", []):
            if f not in fired and not any(i.matches(f, None) for i in identified):
                differences.append(f"corpus says {expect.get('kernel')} warns {f}; it did not")
        for f in expect.get("bugs", []):
            if not any(i.event.kind in ("BUG", "kernel BUG") and (i.function == f or i.matches(f, None))
                       for i in identified):
                differences.append(f"corpus says {expect.get('kernel')} hits a kernel BUG in {f}; it did not")
    if function_only:
        notes.append("matched by function only: the kernel's fs/dax.c was not available")
    details = {"events": [dict(i.event.as_dict(), identified_function=i.function,
                               condition=i.condition, by_source=i.by_source) for i in identified],
               "differences": differences, "notes": notes}
    if differences:
        return "disagree: " + "; ".join(differences), details
    qual = []
    if not predictions.complete:
        qual.append("partial reproducer")
    if function_only:
        qual.append("function-only matching")
    return "agree" + (f" ({', '.join(qual)})" if qual else ""), details


def is_agree(verdict):
    return verdict.startswith("agree")
