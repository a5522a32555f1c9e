// Files the tool writes (--json, the report's files, corpus files): checked
// before a run starts, and written so that nothing but a regular file is ever
// replaced and a failed write (a full disk) leaves the old file as it was.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace daxcheck {

// "" when `path` can be written as an output file, else why not, naming
// `flag` and the path: an empty name, a directory, a missing or read-only
// directory, a socket. An existing device or FIFO is fine (written through).
std::string output_path_problem(const std::string& flag, const std::string& path);
// The same for an output directory (--corpus-dir, --reports-dir): it is a
// writable directory, or can be created in one.
std::string output_dir_problem(const std::string& flag, const std::string& dir);

// True when `a` and `b` name one file: the same path once made absolute and
// normal with the symlinks of their existing parts resolved, or one existing
// file (device and inode) under two names. For refusing an output flag that
// names another output's file before anything runs.
bool same_file(const std::string& a, const std::string& b);

// "-" as --json's name is standard output, with the JSON alone on it:
// claim_stdout_for_json("-") keeps the real stdout for the JSON (written
// at the end through write_output_file("-")) and sends everything the run
// prints, its tables and progress, to stderr. Any other name does nothing.
// Call it once the flags are checked, before anything is printed. (A name
// of stdout's file, such as /dev/stdout, is written through it after the
// text, as that name asks.)
// It also records `path` as the run's JSON output, for claimed_json_path().
void claim_stdout_for_json(const std::string& path);
// The --json output claim_stdout_for_json() was given, if any: where
// cli_entry writes an error document when an internal error stops the run
// (a file left from an earlier run would read as this run's results).
std::optional<std::string> claimed_json_path();
// How "wrote ..." lines name an output: "stdout" for "-", else the path
// with control characters escaped.
std::string output_name(const std::string& path);
// An output's name as a printed command's word: "-" as it is (shell_path
// would make it ./-, a file), else shell_path's quoting.
std::string output_word(const std::string& path);

enum class Existing { Replace, Keep };

// Writes `content` to `path`. A name of one of this process's descriptors
// (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N) is written through
// that descriptor where it stands, after stdout and stderr are flushed (a
// regular file behind it keeps what was printed before). A symlink is followed (its target is written,
// the link stays; a dangling one's target is created); an existing device or FIFO is written through in place (a
// FIFO without a reader is an error, not a hang); a regular file, or a new
// name, gets a temporary file in the same directory, flushed to disk and
// renamed over it, so a failed write leaves the old file intact. With
// Existing::Keep an existing file is never replaced: "exists" is returned.
// "" on success, else "cannot write PATH: reason".
std::string write_output_file(const std::string& path, std::string_view content,
                              Existing existing = Existing::Replace);

// Writes `text`, a corpus file DIR does not hold yet, to DIR/NAME, or to the
// first free NAME-2.dax .. NAME-100.dax when another file (one edited by
// hand, a dangling link) has that name; prints "saved ...". False, with the
// error printed, when it cannot. For every --save-failures (race too).
bool write_corpus_file(const std::string& dir, const std::string& name, const std::string& text);

}  // namespace daxcheck
