// SIGINT / SIGTERM: the command line's handler records the signal here, and
// long loops (swarm walks, a run's cells) stop at their next check so the
// partial results can be printed and saved (cli/interrupt_handler.h).
#pragma once

#include <atomic>

namespace daxcheck {

inline std::atomic<int> g_interrupt_signal{0};  // the signal number, 0 while none came

inline bool interrupted() { return g_interrupt_signal.load(std::memory_order_relaxed) != 0; }

}  // namespace daxcheck
