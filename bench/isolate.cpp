#include "bench/isolate.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

namespace daxcheck::bench {

Isolated run_isolated(const std::function<nlohmann::json()>& section) {
    Isolated out;
    const auto start = std::chrono::steady_clock::now();
    int fds[2];
    if (pipe(fds) != 0) {
        out.error = std::string("pipe: ") + std::strerror(errno);
        return out;
    }
    std::fflush(stdout);  // the child must not print the parent's buffer again
    const pid_t pid = fork();
    if (pid < 0) {
        out.error = std::string("fork: ") + std::strerror(errno);
        close(fds[0]);
        close(fds[1]);
        return out;
    }
    if (pid == 0) {
        close(fds[0]);
        std::string text;
        int rc = 0;
        try {
            text = section().dump();
        } catch (const std::exception& e) {
            text = nlohmann::json{{"error", e.what()}}.dump();
            rc = 1;
        }
        std::fflush(stdout);
        for (std::size_t done = 0; done < text.size();) {
            const ssize_t n = write(fds[1], text.data() + done, text.size() - done);
            if (n <= 0) _exit(3);
            done += static_cast<std::size_t>(n);
        }
        _exit(rc);
    }
    close(fds[1]);
    std::string text;
    char buf[65536];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    out.peak_rss_kb = usage.ru_maxrss;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (WIFSIGNALED(status)) {
        out.error = "killed by signal " + std::to_string(WTERMSIG(status));
        return out;
    }
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        out.error = "the section wrote no result";
    } else if (doc.contains("error")) {
        out.error = doc["error"].get<std::string>();
    } else {
        out.result = std::move(doc);
    }
    return out;
}

}  // namespace daxcheck::bench
