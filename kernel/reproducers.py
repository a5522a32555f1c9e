"""What the runner boots: reproducers, each a script + predictions pair per
port variant.

  DIR with V.sh + V.json per variant V (hand-written samples, kernel/tests/samples/)
  FILE.sh with FILE.json beside it (one pair, used for every kernel)
  FILE.dax, or a DIR of them: `daxcheck emit FILE.dax --variant V --script ... --predictions ...`
"""

import glob
import os
import re
import subprocess

from predictions import PredictionError, Predictions


class InputError(Exception):
    """Bad input (missing file, unknown kind): a clear message, exit 2."""


# `daxcheck emit` exits with this when the file has no filesystem-level
# reproducer (an operation with no xfs_io counterpart at all): skipped, not failed.
EMIT_NO_REPRODUCER = 3


class NoReproducer(Exception):
    pass


class Reproducer:
    def __init__(self, name, origin):
        self.name = name
        self.origin = origin
        self.pairs = {}        # variant (or None: any) -> (script path, predictions path)
        self.emit = None       # (daxcheck binary, .dax file, out dir) to emit on demand
        self.skip = None       # why this input has no reproducer (emit said so)

    def pair_for(self, variant):
        """(script text, Predictions) for the port variant, or raise PredictionError."""
        if variant not in self.pairs and None not in self.pairs and self.emit:
            self._emit(variant)
        pair = self.pairs.get(variant) or self.pairs.get(None)
        if pair is None:
            have = ", ".join(sorted(v for v in self.pairs if v)) or "none"
            raise PredictionError(f"no {variant} reproducer in {self.origin} (has: {have})")
        script, preds = pair
        with open(script, encoding="utf-8") as f:
            return f.read(), Predictions.load(preds)

    def _emit(self, variant):
        daxcheck, dax, out = self.emit
        os.makedirs(out, exist_ok=True)
        script = os.path.join(out, f"{variant}.sh")
        preds = os.path.join(out, f"{variant}.json")
        r = subprocess.run([daxcheck, "emit", dax, "--variant", variant, "--script", script,
                            "--predictions", preds], capture_output=True, text=True, timeout=300)
        if r.returncode == EMIT_NO_REPRODUCER:
            msg = (r.stderr or r.stdout).strip().splitlines()
            raise NoReproducer(msg[-1] if msg else "no filesystem-level reproducer")
        if r.returncode != 0:
            msg = (r.stderr or r.stdout).strip().splitlines()
            raise PredictionError(f"daxcheck emit {os.path.basename(dax)} --variant {variant}: "
                                  + (msg[-1] if msg else f"exit {r.returncode}"))
        self.pairs[variant] = (script, preds)


def _from_dir(path):
    pairs = {}
    for script in sorted(glob.glob(os.path.join(path, "*.sh"))):
        stem = script[:-3]
        if os.path.exists(stem + ".json"):
            pairs[os.path.basename(stem)] = (script, stem + ".json")
    return pairs


def collect(args, daxcheck, out_dir):
    """Reproducers from the command line's inputs, in order; raises InputError."""
    found = []
    for arg in args:
        path = arg.rstrip("/") or arg
        if not os.path.exists(path):
            raise InputError(f"{arg}: no such file or directory")
        if os.path.isdir(path):
            pairs = _from_dir(path)
            if pairs:
                r = Reproducer(os.path.basename(os.path.abspath(path)), path)
                r.pairs = pairs
                found.append(r)
                continue
            daxes = sorted(glob.glob(os.path.join(path, "*.dax")))
            subdirs = [d for d in sorted(glob.glob(os.path.join(path, "*", ""))) if _from_dir(d)]
            if not daxes and subdirs:
                # a directory of sample directories (kernel/tests/samples)
                for d in subdirs:
                    r = Reproducer(os.path.basename(d.rstrip("/")), d.rstrip("/"))
                    r.pairs = _from_dir(d)
                    found.append(r)
                continue
            if not daxes:
                raise InputError(f"{arg}: neither V.sh + V.json pairs nor .dax files in it")
            for d in daxes:
                found.append(_dax(d, daxcheck, out_dir))
        elif path.endswith(".dax"):
            found.append(_dax(path, daxcheck, out_dir))
        elif path.endswith(".sh"):
            preds = path[:-3] + ".json"
            if not os.path.exists(preds):
                raise InputError(f"{arg}: no predictions {os.path.basename(preds)} beside it")
            r = Reproducer(os.path.basename(path)[:-3], path)
            r.pairs = {None: (path, preds)}
            found.append(r)
        else:
            raise InputError(f"{arg}: not a .dax file, a reproducer .sh or a directory")
    return found


_emit_checked = {}


def _has_emit(daxcheck):
    if daxcheck not in _emit_checked:
        try:
            r = subprocess.run([daxcheck, "emit", "--help"], capture_output=True, text=True,
                               timeout=60)
            # CLI11 answers an unknown subcommand's --help with the top-level help
            _emit_checked[daxcheck] = r.returncode == 0 and re.search(r"Usage: \S+ emit\b", r.stdout) is not None
        except (OSError, subprocess.SubprocessError):
            _emit_checked[daxcheck] = False
    return _emit_checked[daxcheck]


def _dax(path, daxcheck, out_dir):
    if daxcheck is None:
        raise InputError(f"{path}: a .dax file needs the daxcheck binary (run through ./daxcheck kernel)")
    if not _has_emit(daxcheck):
        raise InputError(f"{path}: {daxcheck} has no `emit` command yet, so .dax files cannot be "
                         "turned into reproducers; give a directory of V.sh + V.json pairs instead")
    stem = os.path.basename(path)[:-4]
    r = Reproducer(stem, path)
    r.emit = (daxcheck, os.path.abspath(path), os.path.join(out_dir, "emit", stem))
    return r
