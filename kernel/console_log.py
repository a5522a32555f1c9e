"""Read a guest's serial console: the reproducer's steps and their exit
status, each kernel WARNING / BUG / Oops with file, line and function and the
step that was running, whether DAX really was active, panics and hangs.

Kernel lines carry a "[   5.81] " timestamp; the reproducer writes each step
marker both to stdout and to /dev/kmsg, and the kmsg copy sits in the kernel
log in exact order with the kernel's own messages, so events are attributed
by the kernel lines alone (the console may print user and kernel text out of
order once consoles print from their own threads).
"""

import re
import signal

KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])?\s?(.*)$")
STEP_MARK = re.compile(r"daxcheck: step (\S+): (.*)$")
STEP_EXIT = re.compile(r"^daxcheck: step (\S+) exit (\d+)")
# "WARNING: CPU: 0 PID: 115 at fs/dax.c:380 dax_insert_entry+0x227/0x320" (through 6.x),
# and the newer "WARNING: fs/dax.c:380 at dax_insert_entry+0x227/0x320, CPU#0: xfs_io/115".
WARNING = re.compile(r"WARNING: (?:CPU: \d+ PID: \d+ at )?(\S+?):(\d+)(?: at)? (\w[\w.]*)\+0x")
WARNING_NOLOC = re.compile(r"WARNING: CPU: \d+ PID: \d+ at (\w[\w.]*)\+0x")
KERNEL_BUG = re.compile(r"kernel BUG at (\S+?):(\d+)!")
BUG = re.compile(r"BUG: (.*)$")
OOPS = re.compile(r"^(Oops|general protection fault)\b(.*)$")
RIP = re.compile(r"RIP: 0010:(\w[\w.]*)\+0x")
COMM = re.compile(r"CPU: \d+ .*PID: \d+ Comm: (\S+)|, CPU#\d+: ([^/\s]+)/\d+")
PANIC = re.compile(r"Kernel panic - not syncing: (.*)$")
TRACE_FRAME = re.compile(r"^\s*(?:\? )?(\w[\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+")
DAX_REFUSED = re.compile(r"(?i)(turning off dax|dax unsupported|dax.*cannot be used|"
                         r"cannot use dax|dax.*not supported|dax option not supported)")
END_TRACE = re.compile(r"---\[ end trace|---\[ end Kernel panic")


def signal_name(status):
    """135 -> 'SIGBUS' (a shell reports death by signal N as 128+N)."""
    if status is not None and 128 < status < 128 + 65:
        try:
            return signal.Signals(status - 128).name
        except ValueError:
            return f"signal {status - 128}"
    return None


class Event:
    def __init__(self, kind, step, title):
        self.kind = kind          # WARNING, BUG, kernel BUG, Oops
        self.step = step          # the step running when it fired
        self.title = title        # the line that opened it
        self.file = None
        self.line = None
        self.function = None      # as the kernel reported it (after inlining)
        self.comm = None
        self.trace = []           # the first call-trace frames

    def as_dict(self):
        return {"kind": self.kind, "step": self.step, "file": self.file, "line": self.line,
                "function": self.function, "comm": self.comm, "title": self.title,
                "trace": self.trace}

    def where(self):
        loc = f" at {self.file}:{self.line}" if self.file else ""
        return f"{self.kind} in {self.function or '?'}{loc}"


class ConsoleLog:
    def __init__(self):
        self.release = None
        self.guest_up = False
        self.script_began = False
        self.script_exit = None
        self.finished = False
        self.powered_off = False
        self.steps = []           # {"step", "op", "exit", "signal"}
        self.events = []
        self.panic = None
        self.dax_said_active = False
        self.dax_refusals = []    # kernel or script lines saying DAX is off
        self.mounts = []          # /proc/mounts lines of /mnt/* after the script
        self.setup_failure = None # "mkfs failed", "mount failed", "no /dev/pmem0", ...
        self.pmem_dax = None      # /sys/block/pmem0/queue/dax

    def step_exit(self, step):
        return next((s for s in self.steps if s["step"] == step), None)

    def dax_active(self):
        mounted = any("dax=always" in m for m in self.mounts)
        device = self.pmem_dax != "0"   # /sys/block/pmem0/queue/dax: the device offers DAX
        return self.dax_said_active and mounted and device and not self.dax_refusals

    def as_dict(self):
        return {"release": self.release, "guest_up": self.guest_up, "finished": self.finished,
                "script_exit": self.script_exit, "steps": self.steps,
                "events": [e.as_dict() for e in self.events], "panic": self.panic,
                "dax_active": self.dax_active(), "dax_refusals": self.dax_refusals,
                "mounts": self.mounts, "setup_failure": self.setup_failure}


def parse(text):
    log = ConsoleLog()
    step = "setup"            # before the first marker: mkfs and mount
    current = None            # the event whose report is being read
    user_steps = {}
    kernel_marks = False
    for raw in text.splitlines():
        raw = raw.rstrip("\r")
        m = KERNEL_LINE.match(raw)
        if m:
            line = m.group(1)
            mark = STEP_MARK.search(line)
            if mark:
                kernel_marks = True
                step = mark.group(1)
                if not log.step_exit(step):
                    log.steps.append({"step": step, "op": mark.group(2), "exit": None, "signal": None})
                current = None
                continue
            _kernel_line(log, line, step, current)
            current = _event_start(log, line, step, current)
            if log.release is None:
                v = re.search(r"Linux version (\S+)", line)
                if v:
                    log.release = v.group(1)
            if "reboot: Power down" in line:
                log.powered_off = True
            continue
        _user_line(log, raw, user_steps)
    if not kernel_marks:
        # /dev/kmsg was not writable: fall back to the stdout markers (order approximate).
        log.steps = list(user_steps.values())
    for s in log.steps:
        u = user_steps.get(s["step"])
        if u is not None:
            s["exit"] = u["exit"]
            s["signal"] = signal_name(u["exit"])
    return log


def _user_line(log, raw, user_steps):
    line = raw.strip()
    if not line.startswith("daxcheck:"):
        return
    if line.startswith("daxcheck: guest up"):
        log.guest_up = True
        log.release = line.split()[-1]
    elif line.startswith("daxcheck: script begin"):
        log.script_began = True
    elif line.startswith("daxcheck: script exit"):
        log.script_exit = int(line.split()[-1])
    elif line == "daxcheck: finished":
        log.finished = True
    elif line == "daxcheck: dax active":
        log.dax_said_active = True
    elif line.startswith("daxcheck: DAX not active"):
        log.dax_refusals.append(line[len("daxcheck: "):])
    elif line.startswith("daxcheck: mount: "):
        log.mounts.append(line[len("daxcheck: mount: "):])
    elif line in ("daxcheck: mkfs failed", "daxcheck: mount failed", "daxcheck: no /dev/pmem0"):
        log.setup_failure = log.setup_failure or line[len("daxcheck: "):]
    elif line.startswith("daxcheck: insmod"):
        log.setup_failure = log.setup_failure or line[len("daxcheck: "):]
    elif line.startswith("daxcheck: pmem0"):
        log.pmem_dax = line.split()[-1]
    else:
        m = STEP_EXIT.match(line)
        if m:
            user_steps.setdefault(m.group(1), {"step": m.group(1), "op": None, "exit": None,
                                               "signal": None})["exit"] = int(m.group(2))
            return
        m = STEP_MARK.match(line)
        if m:
            user_steps.setdefault(m.group(1), {"step": m.group(1), "op": m.group(2), "exit": None,
                                               "signal": None})


def _kernel_line(log, line, step, current):
    """Details of the event being read: reporting task, RIP, call trace; DAX refusals."""
    if DAX_REFUSED.search(line):
        log.dax_refusals.append(line)
    p = PANIC.search(line)
    if p and log.panic is None:
        log.panic = p.group(1)
    if current is None:
        return
    c = COMM.search(line)
    if c and current.comm is None:
        current.comm = c.group(1) or c.group(2)
    r = RIP.search(line)
    if r and current.function is None:
        current.function = r.group(1)
    f = TRACE_FRAME.match(line)
    if f and len(current.trace) < 8 and not line.lstrip().startswith("?"):
        current.trace.append(f.group(1))


def _event_start(log, line, step, current):
    """A line that opens a new report returns its Event; otherwise the current one."""
    if END_TRACE.search(line):
        return None
    w = WARNING.search(line)
    if w:
        e = Event("WARNING", step, line)
        e.file, e.line, e.function = w.group(1), int(w.group(2)), w.group(3)
        c = COMM.search(line)
        e.comm = c and (c.group(1) or c.group(2))
        log.events.append(e)
        return e
    w = WARNING_NOLOC.search(line)
    if w:
        e = Event("WARNING", step, line)
        e.function = w.group(1)
        log.events.append(e)
        return e
    k = KERNEL_BUG.search(line)
    if k:
        e = Event("kernel BUG", step, line)
        e.file, e.line = k.group(1), int(k.group(2))
        log.events.append(e)
        return e
    b = BUG.search(line)
    if b:
        e = Event("BUG", step, line)
        log.events.append(e)
        return e
    o = OOPS.match(line)
    if o:
        # "Oops: 0000 [#1]" follows the BUG: line that explains it: one event.
        if current is not None and current.kind in ("BUG", "kernel BUG"):
            current.title += " / " + line
            return current
        e = Event("Oops", step, line)
        log.events.append(e)
        return e
    return current
