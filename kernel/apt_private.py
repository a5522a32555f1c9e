"""A private apt configuration under the cache: its own sources.list, lists,
archives and an empty dpkg status, so reading bookworm, trixie or sid never
touches the host's apt sources or installs anything.

The mirror is the one the host's own apt sources already use.
"""

import glob
import os
import re
import subprocess
import time

DEFAULT_MIRROR = "http://deb.debian.org/debian"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
LISTS_MAX_AGE = 24 * 3600  # re-read the indexes once a day


class AptError(Exception):
    """apt could not give us what we asked for; `kind` is the verdict."""

    def __init__(self, kind, detail):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "download failed" or "package missing"
        self.detail = detail


def host_mirrors():
    """(archive URI, security URI) from the host's own apt sources."""
    uris = []
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*")):
        if not (path.endswith(".list") or path.endswith(".sources")):
            continue
        try:
            text = open(path, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("#"):
                continue
            m = re.match(r"URIs:\s*(\S+)", line) or re.match(r"deb\s+(?:\[[^\]]*\]\s+)?(\S+)", line)
            if m:
                uris.append(m.group(1).rstrip("/"))
    # DAXCHECK_DEBIAN_MIRROR overrides (the tests point it at a closed port).
    override = os.environ.get("DAXCHECK_DEBIAN_MIRROR")
    if override:
        return override.rstrip("/"), override.rstrip("/") + "-security"
    archive = next((u for u in uris if u.endswith("/debian")), DEFAULT_MIRROR)
    security = next((u for u in uris if u.endswith("/debian-security")),
                    archive[: -len("/debian")] + "/debian-security")
    return archive, security


class PrivateApt:
    def __init__(self, root, name, suites):
        self.root = os.path.join(root, "apt", name)
        self.suites = suites
        self.sources = os.path.join(self.root, "sources.list")
        self.archives = os.path.join(self.root, "cache", "archives")

    def options(self):
        user = "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
        opts = {
            "Dir::Etc::SourceList": self.sources,
            "Dir::Etc::SourceParts": os.path.join(self.root, "sources.list.d"),
            "Dir::Etc::Preferences": os.path.join(self.root, "preferences"),
            "Dir::Etc::PreferencesParts": os.path.join(self.root, "preferences.d"),
            "Dir::State::Lists": os.path.join(self.root, "lists"),
            "Dir::State::status": os.path.join(self.root, "status"),
            "Dir::Cache": os.path.join(self.root, "cache"),
            "APT::Architectures::": "amd64",
            "Acquire::Languages": "none",
            "APT::Sandbox::User": user,
            "Debug::NoLocking": "1",
        }
        out = []
        for k, v in opts.items():
            out += ["-o", f"{k}={v}"]
        return out

    def _write_config(self):
        archive, security = host_mirrors()
        lines = []
        for suite in self.suites:
            uri = security if suite.endswith("-security") else archive
            lines.append(f"deb [signed-by={KEYRING}] {uri} {suite} main")
        text = "\n".join(lines) + "\n"
        for d in ["lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d"]:
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        status = os.path.join(self.root, "status")
        if not os.path.exists(status):
            open(status, "w").close()
        old = open(self.sources).read() if os.path.exists(self.sources) else None
        if old != text:
            with open(self.sources, "w") as f:
                f.write(text)
            return True
        return False

    def _lists_fresh(self):
        stamp = os.path.join(self.root, "updated")
        return os.path.exists(stamp) and time.time() - os.path.getmtime(stamp) < LISTS_MAX_AGE

    def update(self, force=False):
        """Read the indexes unless they are fresh; True when they were read now."""
        changed = self._write_config()
        if not force and not changed and self._lists_fresh():
            return False
        r = subprocess.run(["apt-get", *self.options(), "-q", "update"],
                           capture_output=True, text=True, timeout=600)
        # apt-get update exits 0 even when a suite could not be read: look for E: / W: lines.
        failed = [l for l in (r.stdout + r.stderr).splitlines()
                  if l.startswith(("E:", "Err:")) or "Failed to fetch" in l]
        if r.returncode != 0 or failed:
            raise AptError("download failed", f"apt-get update for {' '.join(self.suites)}: "
                           + (failed[0] if failed else r.stderr.strip()[-200:]))
        open(os.path.join(self.root, "updated"), "w").close()
        return True

    def show(self, package):
        """The candidate's control fields, or None when the suites lack it."""
        r = subprocess.run(["apt-cache", *self.options(), "show", "--no-all-versions", package],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or not r.stdout.strip():
            return None
        fields = {}
        for line in r.stdout.splitlines():
            m = re.match(r"([A-Za-z-]+):\s*(.*)", line)
            if m:
                fields.setdefault(m.group(1), m.group(2))
        return fields

    def download(self, package, version=None):
        """Fetch one .deb into the private archive dir; return its path."""
        spec = f"{package}={version}" if version else package
        r = subprocess.run(["apt-get", *self.options(), "-q", "download", spec],
                           capture_output=True, text=True, timeout=1800, cwd=self.archives)
        if r.returncode != 0:
            kind = "package missing" if "Unable to locate" in r.stderr or "not found" in r.stderr \
                else "download failed"
            raise AptError(kind, f"apt-get download {spec}: {r.stderr.strip().splitlines()[-1:]}")
        debs = sorted(glob.glob(os.path.join(self.archives, f"{package}_*.deb")),
                      key=os.path.getmtime)
        if not debs:
            raise AptError("download failed", f"apt-get download {spec} left no .deb")
        return debs[-1]
