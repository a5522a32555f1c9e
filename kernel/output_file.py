"""The runner's --json file, with the rules the daxcheck binary keeps for its
own output files (cli/output_file.h): checked before any boot, and written so
that nothing but a regular file is ever replaced and a failed write leaves
the old file as it was."""

import os
import stat
import tempfile


def problem(flag, path):
    """Why `path` cannot be written as an output file, naming `flag`, or None:
    an empty name, a directory, a socket, a missing or read-only directory.
    An existing device or FIFO is fine (written through)."""
    if not path:
        return f'{flag}: needs a file name, not ""'
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return None  # a dangling symlink: its target is created
        d = os.path.dirname(path) or "."
        if not os.path.isdir(d):
            return f"{flag}: cannot write {path}: no directory {d}"
        if not os.access(d, os.W_OK):
            return f"{flag}: cannot write {path}: {d} is not writable"
        return None
    except OSError as e:
        return f"{flag}: cannot write {path}: {e.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return f"{flag}: {path} is a directory"
    if stat.S_ISSOCK(st.st_mode):
        return f"{flag}: {path} is a socket"
    if not stat.S_ISREG(st.st_mode):
        return None
    if not os.access(path, os.W_OK):
        return f"{flag}: cannot write {path}: not writable"
    d = os.path.dirname(os.path.realpath(path))
    if not os.access(d, os.W_OK):
        return f"{flag}: cannot write {path}: its directory {d} is not writable"
    return None


def write(path, text):
    """Writes `text` to `path`: a symlink's target is written (the link stays),
    a device or FIFO in place, a regular file or a new name through a
    temporary file in the same directory, flushed and renamed over it.
    Raises OSError with the path in its message when the write fails."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"cannot write {path}: a directory")
    if (st is not None and not stat.S_ISREG(st.st_mode)) or (st is None and os.path.islink(path)):
        with open(path, "w") as f:  # a device, a FIFO or a dangling link's target
            f.write(text)
        return
    target = os.path.realpath(path) if st is not None else path
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".",
                               dir=os.path.dirname(target) or ".")
    try:
        if st is not None:
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OSError(e.errno, f"cannot write {path}: {e.strerror}") from None
