"""Boot one kernel under QEMU (TCG) with one reproducer, with a hard timeout.

No QEMU may outlive its boot: each runs in its own process group (killed as
a group on timeout, error or Ctrl-C), gets SIGKILL from the kernel if this
runner dies (PR_SET_PDEATHSIG), and kill_all() ends whatever is still
running when the runner is interrupted.
"""

import ctypes
import os
import signal
import subprocess
import tempfile
import threading
import time

PMEM = "1G!1G"      # 1 GiB of emulated pmem at 1 GiB: mkfs.xfs -d su=2m,sw=1 needs more than 512 MiB
MEMORY = "3G"       # guest RAM, including the pmem range
PR_SET_PDEATHSIG = 1

_running = set()
_lock = threading.Lock()


# Loaded here, not in the child: dlopen between fork and exec of a threaded
# process can hang or fail.
try:
    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except OSError:
    _prctl = None


def _die_with_parent():
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))


def kill_all():
    with _lock:
        procs = list(_running)
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class BootResult:
    def __init__(self, console, seconds, timed_out, returncode, error=None):
        self.console = console        # the serial console text
        self.seconds = seconds
        self.timed_out = timed_out
        self.returncode = returncode
        self.error = error            # QEMU could not start
        self.wedged = False           # finished, but never powered off (ended after a grace)


def qemu_command(vmlinuz, initrd, console_file, pmem=PMEM, memory=MEMORY, cpus=1):
    append = " ".join([
        "console=ttyS0", f"memmap={pmem}",
        "panic=-1",            # reboot at once on panic; -no-reboot turns that into an exit
        "nokaslr", "tsc=reliable", "no_timer_check",
    ])
    # More than one vCPU (a race reproducer's two processes): multi-threaded
    # TCG, so the guest's CPUs really run at once on the host's cores.
    accel = "tcg,thread=multi" if cpus > 1 else "tcg"
    return ["qemu-system-x86_64", "-accel", accel, "-cpu", "max", "-smp", str(cpus), "-m", memory,
            "-nodefaults", "-nographic", "-no-reboot", "-display", "none", "-monitor", "none",
            "-serial", f"file:{console_file}",
            "-kernel", vmlinuz, "-initrd", initrd, "-append", append]


FINISHED = b"daxcheck: finished"
# After the guest says it finished, it has this long to power off. A kernel
# wedged by a BUG (say, one taken with interrupts off on the only CPU) never
# does: the results are complete, so it is ended then instead of at the timeout.
POWEROFF_GRACE = 10.0


def _said_finished(console_file):
    try:
        with open(console_file, "rb") as f:
            return FINISHED in f.read()
    except OSError:
        return False


def boot(vmlinuz, initrd, console_file, timeout, pmem=PMEM, memory=MEMORY, cpus=1):
    cmd = qemu_command(vmlinuz, initrd, console_file, pmem, memory, cpus)
    start = time.monotonic()
    out = tempfile.TemporaryFile()  # QEMU's own messages; a pipe nobody reads could fill up
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent)
    except OSError as e:
        out.close()
        return BootResult("", 0.0, False, None, f"cannot start qemu-system-x86_64: {e}")
    with _lock:
        _running.add(proc)
    timed_out = False
    wedged = False
    finished_at = None
    try:
        while proc.poll() is None:
            now = time.monotonic()
            if now - start >= timeout:
                timed_out = True
                break
            if finished_at is None and _said_finished(console_file):
                finished_at = now
            if finished_at is not None and now - finished_at >= POWEROFF_GRACE:
                wedged = True
                break
            time.sleep(0.25)
    finally:
        # Always end the whole group, even after a normal exit (nothing may linger).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        with _lock:
            _running.discard(proc)
    seconds = time.monotonic() - start
    out.seek(0)
    qemu_said = out.read().decode(errors="replace")
    out.close()
    try:
        console = open(console_file, encoding="utf-8", errors="replace").read()
    except OSError:
        console = ""
    error = None
    if not timed_out and not wedged and proc.returncode not in (0, None) and not console:
        error = f"qemu-system-x86_64 exited {proc.returncode}: {qemu_said.strip()[-300:]}"
    result = BootResult(console, seconds, timed_out, proc.returncode, error)
    result.wedged = wedged
    return result
