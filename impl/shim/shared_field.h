// The concurrency build's struct page / struct folio fields (docs/contract.md
// section 10). Only the `daxcheck_race` libraries are compiled with
// KSHIM_RACE (cmake/race.cmake); there impl/shim/kernel.h declares each field
// the ports touch as one of these types, so every plain load and store a port
// makes is a scheduling point, with no change to the port's text. Everywhere
// else the fields are the plain types and this header is not included.
//
// - shared_field<T, name>: a plain kernel field. Reading it is one load,
//   assigning it one store, and `x++` / `--x` / `x += n` a load and then a
//   store (a C read-modify-write is not atomic: another CPU can run between).
// - shared_atomic<T, name>: a field the kernel only touches through atomic
//   primitives (page->_refcount through page_ref_* / folio_ref_*): every
//   operation, read-modify-writes included, is one step.
//
// Each access calls the thread's access_hook (race/scheduler.h installs one
// while it runs two operations) before it happens, which may switch to the
// other operation, and once more after it with the value read or written.
// Without a hook an access is a plain access.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace kshim {

// A field's name as a template argument: "mapping", "share", ...
template <std::size_t N>
struct field_name {
    char text[N];
    constexpr field_name(const char (&s)[N]) { std::copy_n(s, N, text); }
};

enum class access_kind {
    load,        // a plain read
    store,       // a plain write
    atomic,      // one atomic read, write or read-modify-write
    lock,        // spin_lock: may only run while the lock word is 0
    unlock,      // spin_unlock
};

// One access: the field's address (identifies the page and the field), its
// name, and the value written (a store, before) or read (after).
struct access_point {
    access_kind kind = access_kind::load;
    const void *address = nullptr;
    const char *field = "";
    std::uintptr_t value = 0;
    bool writes() const { return kind != access_kind::load; }
};

struct access_hook {
    // Called before the access: the scheduler may run the other operation first.
    virtual void before(const access_point &a) = 0;
    // Called after it, with the value read or written.
    virtual void after(const access_point &a) = 0;

protected:
    ~access_hook() = default;
};

// The hook of the operation running on this thread (nullptr: none).
inline thread_local access_hook *current_access_hook = nullptr;

template <class T>
std::uintptr_t access_value(T v) {
    if constexpr (std::is_pointer_v<T>) return reinterpret_cast<std::uintptr_t>(v);
    else return static_cast<std::uintptr_t>(v);
}

// The hook calls around one access; `value` is the value written (for a store).
template <class T, class Body>
T with_hook(access_kind kind, const void *address, const char *name, T written, Body body) {
    access_hook *h = current_access_hook;
    if (!h) return body();
    access_point a{kind, address, name, access_value(written)};
    h->before(a);
    const T result = body();
    a.value = access_value(result);
    h->after(a);
    return result;
}

template <class T, field_name Name>
struct shared_field {
    T v;

    shared_field() = default;
    constexpr explicit shared_field(T x) : v(x) {}

    T load() const {
        return with_hook(access_kind::load, this, Name.text, T{}, [&] { return v; });
    }
    void store(T x) {
        with_hook(access_kind::store, this, Name.text, x, [&] { return v = x; });
    }
    operator T() const { return load(); }
    T operator->() const requires std::is_pointer_v<T> { return load(); }
    // `(uintptr_t)page->mapping`, as the kernel casts a pointer field: one load.
    explicit operator std::uintptr_t() const requires std::is_pointer_v<T> {
        return reinterpret_cast<std::uintptr_t>(load());
    }
    // `&page->mapping` handed to a helper that takes `struct address_space **`
    // (the v10 posting): the helper's accesses through it are plain, no
    // scheduling points; they happen in the step before them.
    T *operator&() { return &v; }
    shared_field &operator=(T x) {
        store(x);
        return *this;
    }
    // Read-modify-writes: a load, then a store.
    T operator++(int) { T old = load(); store(old + 1); return old; }
    T operator--(int) { T old = load(); store(old - 1); return old; }
    T operator++() { T n = load() + 1; store(n); return n; }
    T operator--() { T n = load() - 1; store(n); return n; }
    shared_field &operator+=(T d) { store(load() + d); return *this; }
    shared_field &operator-=(T d) { store(load() - d); return *this; }
};

template <class T, field_name Name>
struct shared_atomic {
    T v;

    shared_atomic() = default;
    constexpr explicit shared_atomic(T x) : v(x) {}

    template <class Body>
    T atomically(Body body) const {
        return with_hook(access_kind::atomic, this, Name.text, T{}, body);
    }
    operator T() const { return atomically([&] { return v; }); }  // atomic_read
    shared_atomic &operator=(T x) {                                 // atomic_set
        atomically([&] { return const_cast<T &>(v) = x; });
        return *this;
    }
    T operator++(int) { return atomically([&] { return const_cast<T &>(v)++; }); }
    T operator--(int) { return atomically([&] { return const_cast<T &>(v)--; }); }
    T operator++() { return atomically([&] { return ++const_cast<T &>(v); }); }
    T operator--() { return atomically([&] { return --const_cast<T &>(v); }); }
};

}  // namespace kshim
