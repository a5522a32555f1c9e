"""fs/dax.c of the exact kernel booted, read from Debian's own source package
(linux-source-X.Y, same version as the image) into the cache, so a WARNING
reported at fs/dax.c:LINE can be told apart by the condition on that line and
the function that encloses it (dax_associate_entry is inlined into
dax_insert_entry: the reported function alone cannot separate them).
Nothing of it goes into the repository.
"""

import os
import re
import subprocess

from apt_private import AptError

WANTED = ["fs/dax.c"]


def source_dir(cache, package, version):
    return os.path.join(cache, "source", f"{package}_{version}")


def fetch_source(kernel, cache, log=print):
    """Directory holding fs/dax.c of this kernel, or None (with the reason) when unavailable."""
    if kernel.source is None:
        return None, "no Debian source package for a local kernel"
    apt, package, version = kernel.source
    dest = source_dir(cache, package, version)
    if all(os.path.exists(os.path.join(dest, w)) for w in WANTED):
        return dest, None
    try:
        fields = apt.show(package)
        if not fields:
            return None, f"{package} not in {' '.join(apt.suites)}"
        if fields.get("Version") != version:
            # only this exact version's lines are meaningful
            return None, f"{package} is {fields.get('Version')}, the image is {version}"
        log(f"daxcheck kernel: fetching {package} {version} (once, for fs/dax.c)")
        deb = apt.download(package, version)
    except AptError as e:
        return None, e.detail
    tmp = dest + ".partial"
    os.makedirs(tmp, exist_ok=True)
    inner = f"./usr/src/{package}.tar.xz"
    top = package  # the tarball's top directory
    members = [f"{top}/{w}" for w in WANTED]
    # dpkg-deb | tar (the inner tarball) | xz | tar (the files): nothing big touches the disk.
    cmd = (f"dpkg-deb --fsys-tarfile '{deb}' | tar -xOf - '{inner}' | xz -dc | "
           f"tar -xf - -C '{tmp}' --strip-components=1 {' '.join(repr(m) for m in members)}")
    r = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=900)
    os.remove(deb)
    if r.returncode != 0 or not all(os.path.exists(os.path.join(tmp, w)) for w in WANTED):
        return None, f"could not extract fs/dax.c from {package}: {r.stderr.strip()[-200:]}"
    os.replace(tmp, dest)
    return dest, None


FUNC_START = re.compile(r"^(?:static\s+|inline\s+|noinline\s+|__\w+\s+)*[\w\s\*]+?\b(\w+)\s*\(")


class SourceFile:
    def __init__(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            self.lines = f.read().splitlines()

    def line(self, n):
        return self.lines[n - 1] if 0 < n <= len(self.lines) else None

    def enclosing_function(self, n):
        """The function whose body holds line n: the nearest definition above it
        that starts in column 0 and whose body opens with '{' in column 0."""
        i = min(n, len(self.lines)) - 1
        while i >= 0:
            text = self.lines[i]
            if text.startswith("{"):
                # the signature is on the lines just above the brace
                j = i - 1
                while j >= 0 and j >= i - 6:
                    m = FUNC_START.match(self.lines[j])
                    if m and not self.lines[j].startswith((" ", "\t", "#", "}")):
                        return m.group(1)
                    j -= 1
                return None
            if text.startswith("}") and i != n - 1:
                return None  # line n is outside any function body
            i -= 1
        return None

    def warn_condition(self, n):
        """The argument of the WARN_ON / WARN_ON_ONCE / BUG_ON at line n (which
        may continue on the next lines), whitespace collapsed; None if none."""
        text = " ".join(l.strip() for l in self.lines[n - 1: n + 3]) if self.line(n) else ""
        m = re.search(r"\b(?:WARN_ON_ONCE|WARN_ON|WARN_ONCE|WARN|BUG_ON|VM_WARN_ON_ONCE|"
                      r"VM_WARN_ON|VM_BUG_ON)\s*\(", text)
        if not m:
            return None
        depth, start = 1, m.end()
        for i in range(start, len(text)):
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
                if depth == 0:
                    arg = text[start:i]
                    if m.group(0).startswith(("WARN_ONCE", "WARN(")):
                        arg = arg.split(",")[0]  # WARN(cond, fmt, ...)
                    return re.sub(r"\s+", " ", arg).strip()
        return None
