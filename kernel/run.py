#!/usr/bin/env python3
"""./daxcheck kernel: boot each reproducer on real kernels and compare what the
kernel does with what the port predicts (README "On a running kernel").

  run.py [--kernel 6.1|6.12|sid|PATH]... [--jobs N] [--timeout S] [--cpus N] [--json FILE]
         [--cache DIR] [--out DIR] [--daxcheck BIN] [--no-source]
         [FILE.dax | DIR | REPRO.sh]...

Exit status: 0 when every verdict is agree, 1 when any is not (disagree or a
failure such as boot hung), 2 on bad input.
"""

import argparse
import fcntl
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boot                                   # noqa: E402
import console_log                            # noqa: E402
import initramfs                              # noqa: E402
import kernel_fetch                           # noqa: E402
import kernel_names                           # noqa: E402
import kernel_source                          # noqa: E402
import output_file                            # noqa: E402
import report                                 # noqa: E402
import reproducers                            # noqa: E402
import run_json                               # noqa: E402
import verdict                                # noqa: E402
from apt_private import AptError              # noqa: E402
from predictions import PredictionError       # noqa: E402

DEFAULT_KERNELS = ["6.1", "6.12"]
SOURCE_WAIT = 300  # seconds a comparison waits for the kernel's fs/dax.c
_print_lock = threading.Lock()


def say(msg, stream=sys.stdout):
    with _print_lock:
        print(msg, file=stream, flush=True)


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "daxcheck", "kernels")


class Usage(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # a clear one-line error and exit 2, no usage dump
        raise Usage(message)


def decimal(kind):
    """An argparse type: plain decimal digits (a float may have a point and an
    exponent), as daxcheck's own flags are; int() and float() also take
    " 5", "1_0" and "+5"."""
    pattern = re.compile(r"[0-9]+" if kind is int else r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")

    def parse(text):
        if not pattern.fullmatch(text):
            raise argparse.ArgumentTypeError(f"'{text}' is not a decimal number")
        return kind(text)
    parse.__name__ = "decimal"
    return parse


def parse_args(argv):
    p = Parser(prog="daxcheck kernel", add_help=True,
               description="Boot reproducers on real kernels (QEMU, emulated pmem, XFS -o dax=always) "
                           "and compare with the port's predictions.")
    p.add_argument("--kernel", action="append", metavar="6.1|6.12|sid|PATH",
                   help="kernel to boot (repeatable; default: 6.1 and 6.12)")
    p.add_argument("--jobs", type=decimal(int), default=min(os.cpu_count() or 1, 2),
                   help="boots at a time (default: nproc, at most 2)")
    p.add_argument("--timeout", type=decimal(float), default=90.0, help="seconds before a boot is killed (90)")
    p.add_argument("--json", metavar="FILE", help="write the results as JSON")
    p.add_argument("--cpus", type=decimal(int), default=1,
                   help="guest vCPUs (1; 2 for a race reproducer's two processes: multi-threaded TCG)")
    p.add_argument("--cache", default=os.environ.get("DAXCHECK_KERNEL_CACHE") or default_cache(),
                   help="kernel and initramfs cache (default ~/.cache/daxcheck/kernels)")
    p.add_argument("--out", default="reports/kernel", help="console logs go here (reports/kernel)")
    p.add_argument("--daxcheck", help="the daxcheck binary, for `emit` of .dax files")
    p.add_argument("--no-source", action="store_true",
                   help="do not fetch the kernel's fs/dax.c: match warnings by function only")
    p.add_argument("--from-json", action="append", default=[], metavar="RUN.json",
                   help="boot the filesystem-level counterexamples of a `daxcheck run --level fs --json` file")
    p.add_argument("inputs", nargs="*", metavar="FILE.dax|DIR|REPRO.sh")
    a = p.parse_args(argv)
    a.kernel = a.kernel or DEFAULT_KERNELS
    for k in a.kernel:
        if k not in kernel_names.KNOWN and not os.path.exists(k):
            raise Usage(f"unknown kernel '{k}' (known: {', '.join(kernel_names.KNOWN)}, "
                        "or the path of a vmlinuz or of a directory with boot/ and lib/modules/)")
    if a.jobs < 1:
        raise Usage("--jobs wants a positive number")
    if not 1 <= a.cpus <= 8:
        raise Usage("--cpus wants 1 to 8 vCPUs")
    if not (0 < a.timeout < float("inf")):  # also refuses nan
        raise Usage(f"--timeout wants a positive, finite number of seconds, not {a.timeout}")
    if not a.inputs and not a.from_json:
        raise Usage("nothing to run: give FILE.dax, a directory, or REPRO.sh with REPRO.json")
    if not a.out:
        raise Usage('--out: needs a directory name, not ""')
    # A --json directly inside a new --out (reports/kernel/run.json) is
    # checked once --out is made; any other before, so that a refused call
    # leaves no empty --out behind.
    json_waits_for_out = (a.json is not None and not os.path.isdir(a.out) and
                          os.path.dirname(os.path.abspath(a.json)) == os.path.abspath(a.out))
    if a.json is not None and not json_waits_for_out:
        why = output_file.problem("--json", a.json)
        if why:
            raise Usage(why)
    try:
        os.makedirs(a.out, exist_ok=True)
    except OSError as e:
        raise Usage(f"--out: cannot make the directory {a.out}: {e.strerror}") from None
    if json_waits_for_out:
        why = output_file.problem("--json", a.json)
        if why:
            raise Usage(why)
    return a


class PreparedKernel:
    def __init__(self, name):
        self.name = name
        self.kernel = None
        self.initrd = None
        self.failure = None         # "package missing: ..." etc.
        self.source = None          # kernel_source.SourceFile or None
        self.source_note = None
        self.source_done = threading.Event()


def prepare_kernel(name, args, log):
    pk = PreparedKernel(name)
    try:
        # Two runners sharing the cache (ctest -j, two shells) take turns here.
        os.makedirs(args.cache, exist_ok=True)
        with open(os.path.join(args.cache, "lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            pk.kernel = (kernel_fetch.fetch_debian(name, args.cache, log)
                         if name in kernel_names.KNOWN else kernel_fetch.local_kernel(name))
            pk.initrd = initramfs.base_initramfs(pk.kernel, args.cache, log)
    except AptError as e:
        pk.failure = f"{e.kind}: {e.detail}"
    except initramfs.InitramfsError as e:
        pk.failure = f"package missing: {e}"
    except OSError as e:
        pk.failure = f"download failed: {e}"
    if pk.failure or args.no_source:
        pk.source_note = "not fetched (--no-source)" if args.no_source else None
        pk.source_done.set()
        return pk

    def fetch_source():
        try:
            d, why = kernel_source.fetch_source(pk.kernel, args.cache, log)
            if d:
                pk.source = kernel_source.SourceFile(os.path.join(d, "fs", "dax.c"))
            else:
                pk.source_note = why
        except Exception as e:  # the comparison falls back to function-only matching
            pk.source_note = f"source not available: {e}"
        finally:
            pk.source_done.set()

    threading.Thread(target=fetch_source, daemon=True).start()
    return pk


class Job:
    def __init__(self, repro, pk):
        self.repro = repro
        self.pk = pk
        self.kernel_name = pk.name
        self.result = None

    def kernel_label(self):
        rel = self.pk.kernel.release if self.pk.kernel else "?"
        return f"{self.kernel_name} ({rel})"


def run_job(job, args, ports):
    pk = job.pk
    res = {"seconds": 0.0, "release": pk.kernel.release if pk.kernel else None,
           "debian_version": pk.kernel.package_version if pk.kernel else None,
           "port": None, "dax_active": None, "steps": [], "details": {}}
    job.result = res
    if pk.failure:
        res["verdict"] = pk.failure
        return job
    port = kernel_names.port_for_release(pk.kernel.release, ports)
    res["port"] = port
    if port is None:
        res["verdict"] = f"script error: no port models {pk.kernel.release} (older than every port)"
        return job
    try:
        script, preds = job.repro.pair_for(port)
    except reproducers.NoReproducer as e:
        res["verdict"] = f"skipped: {e}"
        return job
    except PredictionError as e:
        res["verdict"] = f"script error: {e}"
        return job
    out_dir = os.path.join(args.out, job.repro.name)
    os.makedirs(out_dir, exist_ok=True)
    console_file = os.path.join(out_dir, f"{re.sub(r'[^A-Za-z0-9._-]', '_', job.kernel_name)}.console.log")
    with tempfile.TemporaryDirectory(prefix="daxcheck-kernel-") as tmp:
        initrd = initramfs.with_script(pk.initrd, script, os.path.join(tmp, "initrd.img"))
        if os.path.exists(console_file):
            os.remove(console_file)
        b = boot.boot(pk.kernel.vmlinuz, initrd, console_file, args.timeout, cpus=args.cpus)
    res["seconds"] = round(b.seconds, 1)
    res["console"] = console_file
    log = console_log.parse(b.console)
    res["dax_active"] = log.dax_active() if log.script_began else None
    res["steps"] = log.steps
    res["log"] = log.as_dict()
    fail = verdict.failure(log, b, args.timeout)
    if fail:
        res["verdict"] = fail
        res["details"] = {"events": [dict(e.as_dict(), identified_function=e.function, condition=None,
                                          by_source=False) for e in log.events],
                          "notes": [], "differences": []}
        return job
    # The source package is fetched while the first boots run; never wait on it
    # past its own budget: match by function only instead.
    if not pk.source_done.wait(SOURCE_WAIT):
        pk.source_note = pk.source_note or f"still downloading after {SOURCE_WAIT} s"
    source = pk.source if pk.source_done.is_set() else None
    line, details = verdict.compare(log, preds, source, job.kernel_name, pk.kernel.release)
    if source is None and pk.source_note and any(e.file == "fs/dax.c" for e in log.events):
        details.setdefault("notes", []).append(f"fs/dax.c of this kernel: {pk.source_note}")
    if b.wedged:
        details.setdefault("notes", []).append(
            f"the guest never powered off after the script finished (ended after "
            f"{boot.POWEROFF_GRACE:.0f} s): the kernel was wedged")
    res["verdict"] = line
    res["details"] = details
    res["complete"] = preds.complete
    return job


def known_ports(daxcheck):
    if not daxcheck:
        return kernel_names.PORTS_BY_VERSION
    try:
        r = subprocess.run([daxcheck, "list"], capture_output=True, text=True, timeout=60)
        return kernel_names.ports_from_list(r.stdout)
    except (OSError, subprocess.SubprocessError):
        return kernel_names.PORTS_BY_VERSION


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    try:
        args = parse_args(argv)
        repros = reproducers.collect(args.inputs, args.daxcheck, args.out)
        for j in args.from_json:
            more, why = run_json.collect(j, args.daxcheck, args.out)
            repros += more
            for n in why:
                print(f"daxcheck kernel: {n}", file=sys.stderr)
    except (Usage, reproducers.InputError) as e:
        print(f"daxcheck kernel: {e}", file=sys.stderr)
        return 2
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _interrupted)
    log = lambda m: say(m, sys.stderr)  # noqa: E731
    try:
        ports = known_ports(args.daxcheck)
        prepared = [prepare_kernel(k, args, log) for k in args.kernel]
        for pk in prepared:
            say(f"daxcheck kernel: {pk.kernel.describe() if pk.kernel else pk.name}, "
                f"port {kernel_names.port_for_release(pk.kernel.release, ports) if pk.kernel else '-'}"
                + (f": {pk.failure}" if pk.failure else ""))
        jobs = [Job(r, pk) for r in repros for pk in prepared]
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            pending = {pool.submit(run_job, j, args, ports) for j in jobs}
            while pending:
                # short waits keep the main thread responsive to Ctrl-C
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for f in done:
                    say(report.progress(f.result()))
        elapsed = time.monotonic() - start
    except KeyboardInterrupt:
        boot.kill_all()
        print("daxcheck kernel: interrupted; every QEMU ended", file=sys.stderr)
        return 130
    finally:
        boot.kill_all()
    say("")
    say(report.summary(jobs))
    n = report.notes(jobs)
    if n:
        say("notes:\n" + n)
    agree = sum(verdict.is_agree(j.result["verdict"]) for j in jobs)
    skipped = sum(j.result["verdict"].startswith("skipped") for j in jobs)
    say(f"\n{len(jobs)} runs in {elapsed:.0f} s with {args.jobs} at a time: "
        f"{agree} agree, {len(jobs) - agree - skipped} not, {skipped} skipped")
    if args.json:
        try:
            report.write_json(args.json, [{"name": pk.name, "release": pk.kernel and pk.kernel.release,
                                           "debian_version": pk.kernel and pk.kernel.package_version,
                                           "failure": pk.failure} for pk in prepared], jobs)
        except OSError as e:  # checked up front; a full disk still fails here
            print(f"daxcheck kernel: {e.strerror or e}", file=sys.stderr)
            return 2
    return 0 if agree + skipped == len(jobs) and agree > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
