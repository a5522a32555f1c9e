"""A minimal writer of the initramfs format (cpio "newc"), so a per-boot
archive holding just the reproducer can be appended to the cached base one:
the kernel unpacks concatenated archives in order."""

import stat


class NewcWriter:
    def __init__(self, out):
        self.out = out
        self.ino = 1

    def _entry(self, name, mode, data=b"", nlink=1):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        self.ino += 1
        self.out.write(hdr.encode() + name_b)
        self.out.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
        self.out.write(data)
        self.out.write(b"\0" * ((4 - len(data) % 4) % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755, nlink=2)

    def file(self, name, data, mode=0o755):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def close(self):
        self._entry("TRAILER!!!", 0)


def write_tree(out, entries):
    """entries: (name, kind, payload) with kind dir / file / symlink, in order."""
    w = NewcWriter(out)
    for name, kind, payload in entries:
        if kind == "dir":
            w.directory(name)
        elif kind == "symlink":
            w.symlink(name, payload)
        else:
            w.file(name, payload)
    w.close()
