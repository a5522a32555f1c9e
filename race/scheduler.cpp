#include "race/scheduler.h"

#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>

#include <stdexcept>

// AddressSanitizer must be told when the stack changes (race/scheduler.h's
// fibers): each switch is announced, as Boost.Context's own ucontext flavour
// does, which Debian's library is not built with.
#if defined(__SANITIZE_ADDRESS__)
#define DAXCHECK_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DAXCHECK_ASAN_FIBERS 1
#endif
#endif
#ifdef DAXCHECK_ASAN_FIBERS
#include <sanitizer/common_interface_defs.h>
#endif

namespace daxcheck::race {

namespace ctx = boost::context;

namespace {

// One stack's extent, for AddressSanitizer.
struct StackExtent {
    const void* bottom = nullptr;
    std::size_t size = 0;
};

// Announces a switch to the stack `to`; `fake` keeps the leaving stack's fake
// frames (nullptr: the leaving fiber ends). No-ops without AddressSanitizer.
void start_switch([[maybe_unused]] void** fake, [[maybe_unused]] const StackExtent& to) {
#ifdef DAXCHECK_ASAN_FIBERS
    __sanitizer_start_switch_fiber(fake, to.bottom, to.size);
#endif
}
// After a switch: `from` gets the stack we came from.
void finish_switch([[maybe_unused]] void* fake, [[maybe_unused]] StackExtent* from) {
#ifdef DAXCHECK_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(fake, from ? &from->bottom : nullptr, from ? &from->size : nullptr);
#endif
}

// fixedsize_stack that remembers the extent of the stack it hands out.
struct RecordingStack {
    ctx::fixedsize_stack stack;
    StackExtent* extent;
    ctx::stack_context allocate() {
        ctx::stack_context s = stack.allocate();
        extent->bottom = static_cast<const char*>(s.sp) - s.size;
        extent->size = s.size;
        return s;
    }
    void deallocate(ctx::stack_context& s) noexcept { stack.deallocate(s); }
};

}  // namespace

bool conflict(const kshim::access_point& a, const kshim::access_point& b) {
    return a.address == b.address && (a.writes() || b.writes());
}

namespace {

// A lock word is free when it reads 0 (kshim::spinlock_t).
bool can_run(const kshim::access_point& a) {
    return a.kind != kshim::access_kind::lock || *static_cast<const int*>(a.address) == 0;
}

class Interleaving final : kshim::access_hook {
public:
    Interleaving(const std::array<std::function<void()>, 2>& ops, bool record)
        : ops_(ops), record_(record) {}

    RunResult run(const std::function<int(const Decision&)>& choose) {
        kshim::access_hook* const outer = kshim::current_access_hook;
        kshim::current_access_hook = this;
        struct Restore {
            kshim::access_hook* h;
            ~Restore() { kshim::current_access_hook = h; }
        } restore{outer};
        for (int t = 0; t < 2; t++) {
            fibers_[t] = ctx::fiber(std::allocator_arg, RecordingStack{ctx::fixedsize_stack(kStackBytes), &stacks_[t]},
                                    [this, t](ctx::fiber&& back) { return body(t, std::move(back)); });
            resume(t);  // up to its first access
        }
        while (!done_[0] || !done_[1]) {
            int next;
            if (done_[0] || done_[1]) {
                next = done_[0] ? 1 : 0;
                if (!can_run(pending_[next])) {
                    // A lock nobody will release: a port bug (unbalanced lock).
                    result_.deadlock = true;
                    break;
                }
            } else {
                Decision d;
                d.pending = pending_;
                d.enabled = {can_run(pending_[0]), can_run(pending_[1])};
                d.step = steps_;
                d.last = last_;
                if (!d.enabled[0] && !d.enabled[1]) {
                    result_.deadlock = true;
                    break;
                }
                next = d.enabled[0] && d.enabled[1] ? choose(d) : (d.enabled[0] ? 0 : 1);
                if (next != 0 && next != 1) throw std::logic_error("race: choose returned no operation");
                d.chosen = next;
                result_.decisions.push_back(d);
            }
            resume(next);
        }
        // A deadlocked run leaves its fibers suspended: destroying them unwinds their stacks.
        fibers_ = {};
        return std::move(result_);
    }

private:
    static constexpr std::size_t kStackBytes = 256 * 1024;

    ctx::fiber body(int t, ctx::fiber&& back) {
        finish_switch(nullptr, &scheduler_stack_);
        back_ = std::move(back);
        current_ = t;
        try {
            ops_[t]();
        } catch (const kshim::kernel_bug& bug) {
            result_.bug[t] = bug.what();
        } catch (const std::exception& e) {  // never let an exception leave a fiber
            result_.bug[t] = std::string("error: ") + e.what();
        }
        done_[t] = true;
        start_switch(nullptr, scheduler_stack_);  // this fiber's stack ends here
        return std::move(back_);
    }

    void resume(int t) {
        current_ = t;
        void* fake = nullptr;
        start_switch(&fake, stacks_[t]);
        fibers_[t] = std::move(fibers_[t]).resume();
        finish_switch(fake, nullptr);
    }

    void before(const kshim::access_point& a) override {
        const int t = current_;
        // Once the other operation has finished there is nothing to decide.
        if (done_[1 - t] && can_run(a)) return;
        pending_[t] = a;
        void* fake = nullptr;
        start_switch(&fake, scheduler_stack_);
        back_ = std::move(back_).resume();  // to the scheduler, which resumes us when we run
        finish_switch(fake, &scheduler_stack_);
    }

    void after(const kshim::access_point& a) override {
        steps_++;
        last_ = current_;
        if (record_) result_.steps.push_back(Step{current_, a});
    }

    const std::array<std::function<void()>, 2>& ops_;
    const bool record_;
    std::array<ctx::fiber, 2> fibers_;
    std::array<StackExtent, 2> stacks_{};
    StackExtent scheduler_stack_;  // the stack run() is on (learnt at the first switch)
    ctx::fiber back_;  // the scheduler, while an operation runs
    std::array<kshim::access_point, 2> pending_{};
    std::array<bool, 2> done_{};
    int current_ = 0;
    std::size_t steps_ = 0;
    int last_ = -1;
    RunResult result_;
};

}  // namespace

RunResult run_interleaved(const std::array<std::function<void()>, 2>& ops,
                          const std::function<int(const Decision&)>& choose, bool record_steps) {
    return Interleaving(ops, record_steps).run(choose);
}

}  // namespace daxcheck::race
