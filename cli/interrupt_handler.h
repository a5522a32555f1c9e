// SIGINT / SIGTERM during run and swarm: the handler only records the signal
// (engines/interrupt.h); the command stops at its next check, prints the
// partial table, the seed and the reproduce line, writes its JSON marked
// "interrupted": true and exits 128 + the signal (130, 143). A second signal
// kills at once (SA_RESETHAND).
#pragma once

#include <signal.h>

#include "engines/interrupt.h"

namespace daxcheck {

inline void install_interrupt_handlers() {
    struct sigaction sa {};
    sa.sa_handler = [](int sig) { g_interrupt_signal.store(sig, std::memory_order_relaxed); };
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

inline int interrupt_exit_code() { return 128 + g_interrupt_signal.load(); }

}  // namespace daxcheck
