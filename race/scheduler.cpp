#include "race/scheduler.h"

#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>

#include <stdexcept>

namespace daxcheck::race {

namespace ctx = boost::context;

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
            fibers_[t] = ctx::fiber(std::allocator_arg, ctx::fixedsize_stack(kStackBytes),
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
        return std::move(back_);
    }

    void resume(int t) {
        current_ = t;
        fibers_[t] = std::move(fibers_[t]).resume();
    }

    void before(const kshim::access_point& a) override {
        const int t = current_;
        // Once the other operation has finished there is nothing to decide.
        if (done_[1 - t] && can_run(a)) return;
        pending_[t] = a;
        back_ = std::move(back_).resume();  // to the scheduler, which resumes us when we run
    }

    void after(const kshim::access_point& a) override {
        steps_++;
        last_ = current_;
        if (record_) result_.steps.push_back(Step{current_, a});
    }

    const std::array<std::function<void()>, 2>& ops_;
    const bool record_;
    std::array<ctx::fiber, 2> fibers_;
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
