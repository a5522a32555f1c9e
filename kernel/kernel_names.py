"""The kernels `./daxcheck kernel` knows by name, and which port models each.

A name is a Debian suite plus its meta-package: the suite's newest kernel of
that series is what gets booted, so `6.1` moves with Debian's 6.1 LTS updates.
"""

import re

# name -> (suites to read, package that depends on the versioned image,
#          "X.Y" series the image must belong to, or None for any)
KNOWN = {
    "6.1": (["bookworm", "bookworm-updates", "bookworm-security"], "linux-image-amd64", "6.1"),
    "6.12": (["trixie", "trixie-updates", "trixie-security"], "linux-image-amd64", "6.12"),
    "sid": (["sid"], "linux-image-amd64", None),
}

# The in-tree ports by the first kernel version each transcribes, newest last.
PORTS_BY_VERSION = [((6, 0), "v6.0"), ((6, 2), "v6.2"), ((6, 15), "v6.15")]


def version_tuple(release):
    """'6.1.0-57-amd64' or '6.12.117+deb13-amd64' -> (6, 1) / (6, 12)."""
    m = re.match(r"(\d+)\.(\d+)", release)
    if not m:
        raise ValueError(f"not a kernel release: {release!r}")
    return int(m.group(1)), int(m.group(2))


def port_for_release(release, ports=PORTS_BY_VERSION):
    """The port that models this kernel: the newest one not newer than it.

    6.1 -> v6.0, 6.12 -> v6.2, 6.15 and later (sid) -> the newest port.
    A kernel older than every port has none (None): it predates reflink+DAX.
    """
    v = version_tuple(release)
    chosen = None
    for first, name in ports:
        if v >= first:
            chosen = name
    return chosen


def ports_from_list(text):
    """Read `daxcheck list` output for the vX.Y ports, so a new port added by
    the lead (v7.1, say) becomes sid's without editing this file."""
    found = {}
    for m in re.finditer(r"^\s*v(\d+)\.(\d+)\b", text, re.M):
        found[(int(m.group(1)), int(m.group(2)))] = f"v{m.group(1)}.{m.group(2)}"
    return sorted(found.items()) or PORTS_BY_VERSION
