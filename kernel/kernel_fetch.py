"""Find a kernel to boot: a Debian package by name (fetched through the
private apt configuration and unpacked with dpkg -x into the cache, never
installed), or a local vmlinuz with its modules directory (--kernel PATH).
"""

import glob
import os
import re
import shutil
import subprocess

from apt_private import AptError, PrivateApt
from kernel_names import KNOWN


class Kernel:
    """One bootable kernel: what the report calls it and where its files are."""

    def __init__(self, name, release, vmlinuz, modules, package_version=None, source=None):
        self.name = name                    # "6.1", "sid" or the PATH given
        self.release = release              # uname -r, e.g. 6.1.0-57-amd64
        self.vmlinuz = vmlinuz
        self.modules = modules              # .../lib/modules/<release>
        self.package_version = package_version  # Debian version, e.g. 6.1.192-3
        self.source = source                # (PrivateApt, "linux-source-6.1", version) or None

    def describe(self):
        v = f" (Debian {self.package_version})" if self.package_version else ""
        return f"{self.name}: {self.release}{v}"


def _image_package(apt, meta, series):
    """linux-image-amd64 -> the versioned image it depends on, e.g. linux-image-6.1.0-57-amd64."""
    fields = apt.show(meta)
    if not fields:
        raise AptError("package missing", f"{meta} not in {' '.join(apt.suites)}")
    for dep in re.split(r",\s*", fields.get("Depends", "")):
        m = re.match(r"(linux-image-(\d+\.\d+)[^\s(]*)", dep)
        if m and (series is None or m.group(2) == series):
            return m.group(1)
    raise AptError("package missing",
                   f"{meta} in {' '.join(apt.suites)} depends on no {series or ''} image "
                   f"({fields.get('Depends', '')})")


def _unpack(debs, dest):
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for deb in debs:
        r = subprocess.run(["dpkg-deb", "-x", deb, tmp], capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise AptError("download failed", f"dpkg -x {os.path.basename(deb)}: {r.stderr.strip()}")
    os.replace(tmp, dest)


def _prune(cache, name, keep):
    """A newer Debian kernel replaces the older one of the same name in the cache
    (each unpacked image is a few hundred MB)."""
    for kind in ("images", "initramfs"):
        for d in glob.glob(os.path.join(cache, kind, name, "*")):
            if os.path.basename(d) != keep:
                shutil.rmtree(d, ignore_errors=True)


def fetch_debian(name, cache, log=print):
    """Resolve a known name to the newest image of its suite, download and unpack it once."""
    suites, meta, series = KNOWN[name]
    apt = PrivateApt(cache, name, suites)
    offline_error = None
    updated = False
    try:
        updated = apt.update()
    except AptError as e:
        offline_error = e  # fall back to a kernel unpacked earlier, if any
    # What the current indexes resolved to, kept until they are read again
    # (apt-cache takes seconds per question).
    resolved_file = os.path.join(apt.root, "resolved")
    resolved = None
    if offline_error is None and not updated and os.path.exists(resolved_file):
        resolved = open(resolved_file).read().split()
        if len(resolved) != 1 or not os.path.isdir(os.path.join(cache, "images", name, resolved[0])):
            resolved = None
    if resolved:
        dest = os.path.join(cache, "images", name, resolved[0])
    elif offline_error is None:
        image = _image_package(apt, meta, series)
        fields = apt.show(image) or {}
        version = fields.get("Version")
        release = image[len("linux-image-"):]
        dest = os.path.join(cache, "images", name, release)
        if not os.path.isdir(dest):
            log(f"daxcheck kernel: fetching {image} {version} for {name}")
            # Newer Debian kernels split the image into linux-binary-* and
            # linux-modules-* packages of the same release: unpack those too.
            parts = [(image, version)]
            for dep in re.split(r",\s*", fields.get("Depends", "")):
                m = re.match(r"(linux-(?:binary|modules)-" + re.escape(release) + r")\s*(?:\(= ([^)]+)\))?", dep)
                if m:
                    parts.append((m.group(1), m.group(2)))
            debs = [apt.download(p, v) for p, v in parts]
            _unpack(debs, dest)
            for deb in debs:
                os.remove(deb)  # the unpacked tree is what we keep
            _prune(cache, name, release)
            with open(os.path.join(dest, "debian-version"), "w") as f:
                f.write(f"{version}\n")
        with open(resolved_file, "w") as f:
            f.write(release + "\n")
    else:
        found = sorted(glob.glob(os.path.join(cache, "images", name, "*")), key=os.path.getmtime)
        found = [d for d in found if not d.endswith(".partial")]
        if not found:
            raise offline_error
        dest = found[-1]
        log(f"daxcheck kernel: {offline_error.detail}; using the cached {os.path.basename(dest)}")
    release = os.path.basename(dest)
    version = open(os.path.join(dest, "debian-version")).read().strip() \
        if os.path.exists(os.path.join(dest, "debian-version")) else None
    # boot/vmlinuz-<release>, or beside the modules in newer packages
    vmlinuz = next((v for v in (os.path.join(dest, "boot", f"vmlinuz-{release}"),
                                os.path.join(dest, "usr", "lib", "modules", release, "vmlinuz"))
                    if os.path.exists(v)), "")
    # trixie and later ship modules under usr/lib (merged /usr)
    modules = next((m for m in (os.path.join(dest, "lib", "modules", release),
                                os.path.join(dest, "usr", "lib", "modules", release))
                    if os.path.isdir(m)), "")
    if not os.path.exists(vmlinuz) or not os.path.isdir(modules):
        raise AptError("package missing", f"{release}: no vmlinuz or modules in the package")
    series_of_release = re.match(r"\d+\.\d+", release).group(0)
    source = (apt, f"linux-source-{series_of_release}", version)
    return Kernel(name, release, vmlinuz, modules, version, source)


def local_kernel(path):
    """--kernel PATH: a vmlinuz file (its modules at ../lib/modules/<release> or
    /lib/modules/<release>), or a directory holding boot/vmlinuz-* and lib/modules/*."""
    path = os.path.abspath(path)
    if os.path.isdir(path):
        images = sorted(glob.glob(os.path.join(path, "boot", "vmlinuz-*"))) + \
            sorted(glob.glob(os.path.join(path, "vmlinuz-*")))
        if not images:
            raise AptError("package missing", f"{path}: no vmlinuz-* in it or in its boot/")
        vmlinuz = images[-1]
    elif os.path.isfile(path):
        vmlinuz = path
    else:
        raise AptError("package missing", f"--kernel {path}: no such file or directory")
    base = os.path.basename(vmlinuz)
    release = base[len("vmlinuz-"):] if base.startswith("vmlinuz-") else None
    roots = [os.path.dirname(os.path.dirname(vmlinuz)), os.path.dirname(vmlinuz), path, "/"]
    candidates = []
    for r in roots:
        for lib in (os.path.join(r, "lib"), os.path.join(r, "usr", "lib")):
            if release:
                candidates.append(os.path.join(lib, "modules", release))
            else:
                candidates += sorted(glob.glob(os.path.join(lib, "modules", "*")))
    modules = next((c for c in candidates if os.path.isdir(c)), None)
    if modules is None:
        raise AptError("package missing", f"--kernel {path}: no lib/modules/<release> beside it")
    return Kernel(path, os.path.basename(modules), vmlinuz, modules)
