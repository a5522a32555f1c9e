"""The base initramfs of one kernel, built once and cached: busybox-static,
mkfs.xfs and xfs_io with the shared libraries ldd names, the modules of
modules.py decompressed, and guest_init.sh as /init. Rebuilt when any input
(a host binary, a module, the init script, this builder) changes.

Each boot appends a second, tiny archive holding /repro.sh (with_script).
"""

import gzip
import hashlib
import io
import os
import re
import subprocess

from cpio_newc import NewcWriter
from modules import ModuleTree, read_module

HERE = os.path.dirname(os.path.abspath(__file__))
BINARIES = ["mkfs.xfs", "xfs_io"]
BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"]


class InitramfsError(Exception):
    pass


def _which(name):
    for d in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    raise InitramfsError(f"{name} not found on the host (Debian package xfsprogs)")


def _shared_libraries(binary):
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    if r.returncode != 0:
        raise InitramfsError(f"ldd {binary}: {r.stderr.strip()}")
    libs = []
    for line in r.stdout.splitlines():
        m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)", line)
        if m:
            libs.append(m.group(1))
    return libs


def _host_files():
    """(path in the guest, path on the host) of every host file the guest needs."""
    busybox = next((b for b in BUSYBOX if os.path.exists(b)), None)
    if busybox is None:
        raise InitramfsError("busybox not found on the host (Debian package busybox-static)")
    files = {"/bin/busybox": busybox}
    if "statically linked" not in subprocess.run(["file", "-L", busybox], capture_output=True,
                                                 text=True).stdout:
        # a dynamic busybox (package busybox, not busybox-static) needs its libraries too
        for lib in _shared_libraries(busybox):
            files[lib] = lib
    for name in BINARIES:
        path = _which(name)
        files[path] = path
        for lib in _shared_libraries(path):
            files[lib] = lib
    return files


def _inputs_key(kernel, files, order, tree):
    h = hashlib.sha256()
    for src in [os.path.join(HERE, "guest_init.sh"), __file__,
                os.path.join(HERE, "modules.py"), os.path.join(HERE, "cpio_newc.py")]:
        h.update(open(src, "rb").read())
    for guest, host in sorted(files.items()):
        st = os.stat(host)
        h.update(f"{guest} {st.st_size} {st.st_mtime_ns}\n".encode())
    for name in order:
        st = os.stat(tree.files[name])
        h.update(f"{name} {st.st_size} {st.st_mtime_ns}\n".encode())
    h.update(kernel.release.encode())
    return h.hexdigest()


def _dirs_of(path):
    parts = path.strip("/").split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def base_initramfs(kernel, cache, log=print):
    """Path of the cached base archive for this kernel, built if missing or stale."""
    tree = ModuleTree(kernel.modules)
    try:
        order = tree.load_order()
    except KeyError as e:
        raise InitramfsError(f"{kernel.release}: module {e.args[0]} is neither built in nor shipped")
    files = _host_files()
    key = _inputs_key(kernel, files, order, tree)
    safe = re.sub(r"[^A-Za-z0-9._+-]", "_", kernel.name.strip("/"))
    out_dir = os.path.join(cache, "initramfs", safe, kernel.release)
    out = os.path.join(out_dir, "base.cpio.gz")
    key_file = os.path.join(out_dir, "inputs.sha256")
    if os.path.exists(out) and os.path.exists(key_file) and open(key_file).read().strip() == key:
        return out
    log(f"daxcheck kernel: building the initramfs for {kernel.release} (modules: {' '.join(order)})")
    os.makedirs(out_dir, exist_ok=True)
    buf = io.BytesIO()
    w = NewcWriter(buf)
    made = set()

    def mkdirs(path):
        for d in _dirs_of(path):
            if d not in made:
                made.add(d)
                w.directory(d)

    for d in ["bin", "sbin", "dev", "proc", "sys", "tmp", "mnt", "etc", "lib/modules", "lib64"]:
        mkdirs(d + "/x")
    for guest, host in sorted(files.items()):
        mkdirs(guest)
        w.file(guest.lstrip("/"), open(host, "rb").read())
    for name in order:
        w.file(f"lib/modules/{name}.ko", read_module(tree.files[name]), 0o644)
    w.file("etc/daxcheck-modules", ("\n".join(order) + "\n").encode(), 0o644)
    w.symlink("etc/mtab", "/proc/mounts")
    w.file("init", open(os.path.join(HERE, "guest_init.sh"), "rb").read())
    w.close()
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(buf.getvalue(), compresslevel=3))
    os.replace(tmp, out)
    with open(key_file, "w") as f:
        f.write(key + "\n")
    return out


def with_script(base, script_text, dest):
    """base archive + a second archive holding /repro.sh -> dest (one -initrd)."""
    part = io.BytesIO()
    w = NewcWriter(part)
    w.file("repro.sh", script_text.encode(), 0o755)
    w.close()
    data = open(base, "rb").read()
    with open(dest, "wb") as f:
        f.write(data)
        # The kernel skips NUL padding between archives; start the next one aligned.
        f.write(b"\0" * ((-len(data)) % 512))
        f.write(gzip.compress(part.getvalue()))
    return dest
