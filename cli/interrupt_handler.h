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
    // The first signal is recorded and puts both signals back to their
    // default action, so a second one of either kind kills (SA_RESETHAND
    // alone resets only the one received). sigaction is async-signal-safe.
    sa.sa_handler = [](int sig) {
        int none = 0;
        g_interrupt_signal.compare_exchange_strong(none, sig, std::memory_order_relaxed);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGINT, &dfl, nullptr);
        sigaction(SIGTERM, &dfl, nullptr);
    };
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);  // neither interrupts the handler
    sigaddset(&sa.sa_mask, SIGTERM);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

inline int interrupt_exit_code() { return 128 + g_interrupt_signal.load(); }

}  // namespace daxcheck
