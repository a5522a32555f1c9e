#include "cli/output_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>

#include "cli/shell_words.h"
#include "harness/printable.h"

namespace daxcheck {
namespace {

namespace fs = std::filesystem;

std::string cannot(const std::string& path, int err) {
    return fmt::format("cannot write {}: {}", printable(path), std::strerror(err));
}

// The directory a new file at `path` goes into.
std::string directory_of(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}

// Where a dangling symlink at `path` points, through a chain of links (a
// relative target is taken from its link's directory); nullopt when `path`
// is no dangling link. Writing "through" it creates that file.
std::optional<std::string> dangling_target(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 || errno != ENOENT) return std::nullopt;
    fs::path at = path;
    for (int hops = 0; hops < 40; hops++) {  // the kernel's own limit on a chain
        std::error_code ec;
        if (!fs::is_symlink(fs::symlink_status(at, ec))) return hops ? std::optional(at.string()) : std::nullopt;
        const fs::path next = fs::read_symlink(at, ec);
        if (ec) return std::nullopt;
        at = next.is_absolute() ? next : at.parent_path() / next;
    }
    return std::nullopt;  // a loop: stat said ELOOP, not ENOENT, but be safe
}

// Writes all of `content` to `fd`; 0 or the errno.
int write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

// A device or FIFO: written in place. O_NONBLOCK only for the open, so a FIFO
// without a reader fails (ENXIO) instead of blocking forever.
std::string write_through(const std::string& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENXIO)
            return fmt::format("cannot write {}: a FIFO or socket with no reader", printable(path));
        return cannot(path, errno);
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int err = write_all(fd, content);
    if (::close(fd) != 0 && !err) err = errno;
    return err ? cannot(path, err) : "";
}

// The descriptor of the process's own stdout: 1, or a copy of it once
// claim_stdout_for_json has pointed descriptor 1 at stderr.
int g_stdout_fd = 1;
std::optional<std::string> g_json_path;  // the run's --json output (claimed_json_path)

// The descriptor of this process a path names ("-", /dev/stdout, /dev/stderr,
// /dev/fd/N, /proc/self/fd/N, or any name of the file or device behind
// stdout or stderr), if it names one. Written through that
// descriptor where it stands: opened again by name it would be truncated,
// and a regular file behind it would lose the output already written there.
std::optional<int> own_descriptor(const std::string& path) {
    if (path == "-" || path == "/dev/stdout") return g_stdout_fd;
    if (path == "/dev/stderr") return 2;
    for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        const std::string_view p(path);
        if (!p.starts_with(prefix) || p.size() == std::strlen(prefix)) continue;
        int fd = 0;
        for (char c : p.substr(std::strlen(prefix))) {
            if (c < '0' || c > '9' || fd > 100000) return std::nullopt;
            fd = fd * 10 + (c - '0');
        }
        return fd;
    }
    // Any other name of the file behind stdout or stderr (a symlink to
    // /dev/stdout, //dev/stdout, the file stdout was redirected to).
    struct stat st {}, std_st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    for (int fd : {g_stdout_fd, 2})
        if (::fstat(fd, &std_st) == 0 && std_st.st_dev == st.st_dev && std_st.st_ino == st.st_ino)
            return fd;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> claimed_json_path() { return g_json_path; }

void claim_stdout_for_json(const std::string& path) {
    g_json_path = path;
    if (path != "-" || g_stdout_fd != 1) return;
    // A silenced stdout (an MPI rank but the first: /dev/null) stays so:
    // that rank's text would otherwise reach stderr once per rank.
    struct stat out {}, null {};
    if (::fstat(1, &out) == 0 && ::stat("/dev/null", &null) == 0 && out.st_rdev == null.st_rdev &&
        S_ISCHR(out.st_mode))
        return;
    std::fflush(stdout);
    const int copy = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) return;  // the JSON then follows the text on stdout
    // The text goes to stderr; with stderr closed, nowhere (as it asked).
    int text = 2;
    if (::fcntl(2, F_GETFD) < 0) text = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (text < 0 || ::dup2(text, 1) < 0) {
        if (text > 2) ::close(text);
        ::close(copy);
        return;
    }
    if (text > 2) ::close(text);
    g_stdout_fd = copy;
}

std::string output_name(const std::string& path) { return path == "-" ? "stdout" : printable(path); }

std::string output_word(const std::string& path) { return path == "-" ? "-" : shell_path(path); }

std::string output_path_problem(const std::string& flag, const std::string& path) {
    if (path.empty()) return flag + ": needs a file name, not \"\"";
    if (const auto fd = own_descriptor(path))  // written through it (write_output_file)
        return ::fcntl(*fd, F_GETFD) < 0 ? flag + ": " + cannot(path, errno) : "";
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return fmt::format("{}: {} is a directory", flag, printable(path));
        if (S_ISSOCK(st.st_mode)) return fmt::format("{}: {} is a socket", flag, printable(path));
        if (!S_ISREG(st.st_mode)) return "";  // a device or FIFO: written through
        if (::access(path.c_str(), W_OK) != 0) return flag + ": " + cannot(path, errno);
        std::error_code ec;
        const std::string dir = directory_of(fs::canonical(path, ec).string());
        if (::access(dir.c_str(), W_OK) != 0)
            return fmt::format("{}: cannot write {}: its directory {}: {}", flag, printable(path),
                               printable(dir), std::strerror(errno));
        return "";
    }
    if (errno != ENOENT) return flag + ": " + cannot(path, errno);
    // A dangling symlink: its target is created, in the target's directory.
    const auto target = dangling_target(path);
    const std::string dir = directory_of(target.value_or(path));
    if (::access(dir.c_str(), W_OK) != 0)
        return target ? fmt::format("{}: cannot write {}: a symlink to {}, whose directory {}: {}", flag,
                                    printable(path), printable(*target), printable(dir), std::strerror(errno))
                      : fmt::format("{}: cannot write {}: {}: {}", flag, printable(path), printable(dir),
                                    std::strerror(errno));
    return "";
}

namespace {

// Whether an entry can be made in directory `dir`: a directory made there
// and removed at once. access(W_OK) says yes to root in /proc or sysfs,
// where the run would only fail at its end, after the work. errno says why
// not.
bool can_create_in(const std::string& dir) {
    std::string probe = (fs::path(dir) / ".daxcheck-probe-XXXXXX").string();
    if (!::mkdtemp(probe.data())) return false;
    ::rmdir(probe.c_str());
    return true;
}

}  // namespace

std::string output_dir_problem(const std::string& flag, const std::string& dir) {
    if (dir.empty()) return flag + ": needs a directory name, not \"\"";
    // The first part of the path that exists must be a writable directory.
    fs::path p = fs::path(dir).lexically_normal();
    for (;;) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return fmt::format("{}: {} is not a directory", flag, printable(p.string()));
            if (::access(p.c_str(), W_OK) == 0 && can_create_in(p.string())) return "";
            const int err = errno;
            // A directory that is not there yet is named, and where it fails
            // (/proc says ENOENT to a new entry: not that /proc is missing).
            if (p != fs::path(dir).lexically_normal())
                return fmt::format("{}: cannot create {}: no new entry can be made in {} ({})", flag,
                                   printable(dir), printable(p.string()), std::strerror(err));
            return fmt::format("{}: cannot write in {}: {}", flag, printable(p.string()), std::strerror(err));
        }
        if (errno != ENOENT)
            return fmt::format("{}: {}: {}", flag, printable(p.string()), std::strerror(errno));
        // A dangling symlink on the way: create_directories cannot make it
        // (its target's parent may not exist), found only after the run.
        struct stat link {};
        if (::lstat(p.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
            return fmt::format("{}: {} is a symlink to nothing (a dangling link): make its target or "
                               "give another directory", flag, printable(p.string()));
        if (!p.has_parent_path() || p.parent_path() == p) p = ".";
        else p = p.parent_path();
    }
}

bool same_file(const std::string& a_name, const std::string& b_name) {
    // "-" is stdout (claim_stdout_for_json): whatever file is behind it.
    const std::string first = a_name == "-" ? "/dev/stdout" : a_name;
    const std::string second = b_name == "-" ? "/dev/stdout" : b_name;
    struct stat sa {}, sb {};
    if (::stat(first.c_str(), &sa) == 0 && ::stat(second.c_str(), &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    // A dangling symlink names the file writing it creates.
    const std::string a = dangling_target(first).value_or(first);
    const std::string b = dangling_target(second).value_or(second);
    std::error_code ea, eb;
    const fs::path ca = fs::weakly_canonical(fs::absolute(a, ea), ea);
    const fs::path cb = fs::weakly_canonical(fs::absolute(b, eb), eb);
    if (ea || eb) return a == b;
    return ca.lexically_normal() == cb.lexically_normal();
}

std::string write_output_file(const std::string& path, std::string_view content, Existing existing) {
    if (const auto fd = own_descriptor(path); fd && existing == Existing::Replace) {
        std::fflush(stdout);  // what was printed before comes first
        std::fflush(stderr);
        if (::fcntl(*fd, F_GETFD) < 0) return cannot(path, errno);
        const int err = write_all(*fd, content);
        return err ? cannot(path, err) : "";
    }
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    struct stat link {};
    // Keep: a name taken by anything, a dangling symlink too, is not ours.
    if (existing == Existing::Keep && (exists || ::lstat(path.c_str(), &link) == 0)) return "exists";
    if (exists && S_ISDIR(st.st_mode)) return fmt::format("cannot write {}: a directory", printable(path));
    if (exists && !S_ISREG(st.st_mode)) return write_through(path, content);
    // A regular file (through any symlinks), a new name or a dangling
    // symlink's target: a temporary file beside it, renamed over the name.
    std::error_code ec;
    const std::string target = exists ? fs::canonical(path, ec).string()
                                      : dangling_target(path).value_or(path);
    if (ec) return fmt::format("cannot write {}: {}", printable(path), ec.message());
    const fs::path name = fs::path(target).filename();
    std::string tmp = (fs::path(directory_of(target)) / ("." + name.string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0) return cannot(path, errno);  // the name asked for, not the temporary one
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask));
    int err = write_all(fd, content);
    if (!err && ::fsync(fd) != 0) err = errno;
    if (::close(fd) != 0 && !err) err = errno;
    if (!err) {
        if (existing == Existing::Keep) {
            // Never over an existing file, even one made meanwhile.
            if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
                err = errno;
                if (err == EINVAL || err == ENOSYS) {  // no RENAME_NOREPLACE: link + unlink
                    err = ::link(tmp.c_str(), target.c_str()) == 0 ? 0 : errno;
                    ::unlink(tmp.c_str());
                }
            }
        } else if (::rename(tmp.c_str(), target.c_str()) != 0) {
            err = errno;
        }
    }
    if (err) {
        ::unlink(tmp.c_str());
        return err == EEXIST && existing == Existing::Keep ? "exists" : cannot(path, err);
    }
    return "";
}

bool write_corpus_file(const std::string& dir, const std::string& name, const std::string& text) {
    // The callers save only sequences the directory does not hold: a file
    // already at the name holds another, or is no corpus file.
    const std::string stem = fs::path(name).stem().string();
    for (int k = 1; k <= 100; k++) {
        const std::string file = k == 1 ? name : fmt::format("{}-{}.dax", stem, k);
        const std::string result = write_output_file((fs::path(dir) / file).string(), text, Existing::Keep);
        if (result == "exists") continue;
        if (!result.empty()) {
            fmt::print(stderr, "daxcheck: {}\n", result);
            return false;
        }
        fmt::print("saved {}/{}{}\n", printable(dir), printable(file),
                   k == 1 ? "" : fmt::format(" ({} is another file)", printable(name)));
        return true;
    }
    fmt::print(stderr, "daxcheck: cannot save {}/{}: it and {}-2 .. {}-100.dax all hold other files\n",
               printable(dir), printable(name), printable(stem), printable(stem));
    return false;
}

}  // namespace daxcheck
