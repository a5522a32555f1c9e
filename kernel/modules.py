"""Which kernel modules the guest loads, in load order: emulated pmem
(nd_e820 -> libnvdimm, nd_pmem) and XFS, with their dependencies read from
each module's own .modinfo (Debian's packages ship no modules.dep, and the
host may have no depmod). Built-in ones are skipped.
"""

import glob
import gzip
import lzma
import os
import re
import subprocess

# What the guest needs: memmap=! pmem is claimed by nd_e820, exposed as
# /dev/pmem0 by nd_pmem (with DAX through the built-in dax core), and XFS.
WANTED = ["nd_e820", "nd_pmem", "xfs"]
SUFFIXES = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")


def _norm(name):
    return name.replace("-", "_")


def read_module(path):
    """The module's ELF bytes, decompressed."""
    raw = open(path, "rb").read()
    if path.endswith(".xz"):
        return lzma.decompress(raw)
    if path.endswith(".gz"):
        return gzip.decompress(raw)
    if path.endswith(".zst"):
        r = subprocess.run(["zstd", "-dc", path], capture_output=True)
        if r.returncode != 0:
            raise RuntimeError(f"{path}: zstd -dc failed (is zstd installed?)")
        return r.stdout
    return raw


def modinfo(data):
    """key -> [values] from the NUL-separated key=value strings of .modinfo."""
    info = {}
    for m in re.finditer(rb"(?<=\0)(depends|softdep|alias|name)=([^\0]*)", data):
        info.setdefault(m.group(1).decode(), []).append(m.group(2).decode(errors="replace"))
    return info


class ModuleTree:
    def __init__(self, modules_dir):
        self.dir = modules_dir
        self.files = {}
        for path in glob.glob(os.path.join(modules_dir, "kernel", "**", "*.ko*"), recursive=True):
            base = os.path.basename(path)
            for suf in SUFFIXES:
                if base.endswith(suf):
                    self.files.setdefault(_norm(base[: -len(suf)]), path)
        self.builtin = set()
        try:
            for line in open(os.path.join(modules_dir, "modules.builtin")):
                self.builtin.add(_norm(os.path.basename(line.strip()).split(".ko")[0]))
        except OSError:
            pass
        self._info = {}

    def info(self, name):
        if name not in self._info:
            self._info[name] = modinfo(read_module(self.files[name]))
        return self._info[name]

    def _by_alias(self, alias):
        """A softdep names an alias ("crc32c"): look for it among the crypto modules."""
        for name, path in sorted(self.files.items()):
            if "/crypto/" not in path:
                continue
            aliases = self.info(name).get("alias", [])
            if alias in aliases or f"crypto-{alias}" in aliases:
                return name
        return None

    def load_order(self, wanted=WANTED):
        """Modules to insmod, dependencies first. Raises KeyError naming a module
        that is neither a file nor built in."""
        order, seen = [], set()

        def visit(name):
            name = _norm(name)
            if name in seen or name in self.builtin:
                return
            seen.add(name)
            if name not in self.files:
                alt = self._by_alias(name)
                if alt is None:
                    raise KeyError(name)
                visit(alt)
                return
            info = self.info(name)
            deps = [d for v in info.get("depends", []) for d in v.split(",") if d]
            # "softdep=pre: crc32c" (libcrc32c): loaded first, or the first mount
            # asks for a modprobe the initramfs does not have.
            for v in info.get("softdep", []):
                m = re.search(r"pre:\s*([^:]*?)(?:\s+post:|$)", v)
                if m:
                    deps += m.group(1).split()
            for d in deps:
                visit(d)
            order.append(name)

        for w in wanted:
            visit(w)
        return order
