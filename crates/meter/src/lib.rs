//! Per-thread heap metering, for gouji's per-file memory budget.
//!
//! [`Meter`] is a global allocator that forwards every call to the system
//! allocator and keeps two counters per thread: the bytes the thread has
//! allocated less those it has freed, and the highest that difference has
//! been. A [`Mark`] taken on a thread tells how much that thread has held
//! at its peak since: gouji reads and parses a file on one thread, and runs
//! each rule on one thread. Memory freed on another thread than the one that allocated it
//! counts for the thread that frees it: a check that frees a shared cache
//! another thread filled (a regex's pool) looks that much smaller, and one
//! whose results are freed elsewhere that much bigger. Both are a few MiB,
//! noise against a budget in GiB. A `realloc` that moves its block holds
//! both blocks for the copy; only the change in size is counted.
//!
//! The only `unsafe` of gouji lives here, kept to forwarding calls to
//! [`System`]; `cargo +nightly miri test -p gouji-meter` runs the tests
//! below under Miri.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The metering allocator: install it with
/// `#[global_allocator] static A: gouji_meter::Meter = gouji_meter::Meter;`.
pub struct Meter;

/// Set on the first allocation through [`Meter`]: without it installed,
/// every figure here is 0 and a budget cannot be enforced.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// One thread's counts: what it holds (allocated less freed) and the most
/// it has held since the last [`Mark`].
struct Counts {
    live: Cell<isize>,
    peak: Cell<isize>,
}

thread_local! {
    // Const-initialised and without Drop: reaching it never allocates, so
    // the allocator may use it, and it is one lookup per call.
    static COUNTS: Counts = const {
        Counts {
            live: Cell::new(0),
            peak: Cell::new(0),
        }
    };
}

/// Count `delta` bytes for this thread. A thread being torn down has no
/// counters left: its last frees are not counted.
fn count(delta: isize) {
    let _ = COUNTS.try_with(|c| {
        let now = c.live.get().wrapping_add(delta);
        c.live.set(now);
        if now > c.peak.get() {
            c.peak.set(now);
        }
    });
}

fn size(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

fn allocated(p: *mut u8, n: usize) -> *mut u8 {
    if !p.is_null() {
        if !INSTALLED.load(Ordering::Relaxed) {
            INSTALLED.store(true, Ordering::Relaxed);
        }
        count(size(n));
    }
    p
}

// SAFETY: every method forwards its arguments unchanged to `System`, whose
// contract is the caller's; the counting around it touches no memory the
// allocation hands out.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        allocated(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        allocated(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, which is `System`'s.
        unsafe { System.dealloc(ptr, layout) };
        count(-size(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds
        // the rest of `GlobalAlloc::realloc`'s contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(size(new_size).wrapping_sub(size(layout.size())));
        }
        p
    }
}

/// Is [`Meter`] the global allocator of this process (has it allocated)?
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// A point on this thread from which the peak is measured. Marks nest: a
/// mark taken inside another restores the outer peak when dropped, so the
/// outer mark still sees the inner check's peak.
pub struct Mark {
    base: isize,
    outer_peak: isize,
}

impl Mark {
    pub fn new() -> Mark {
        COUNTS
            .try_with(|c| {
                let base = c.live.get();
                Mark {
                    base,
                    outer_peak: c.peak.replace(base),
                }
            })
            .unwrap_or(Mark {
                base: 0,
                outer_peak: 0,
            })
    }

    /// The most this thread has held since the mark, over what it held at
    /// the mark, in bytes (0 when [`Meter`] is not installed).
    pub fn peak(&self) -> usize {
        let peak = COUNTS.try_with(|c| c.peak.get()).unwrap_or(self.base);
        usize::try_from(peak.saturating_sub(self.base)).unwrap_or(0)
    }
}

impl Default for Mark {
    fn default() -> Mark {
        Mark::new()
    }
}

impl Drop for Mark {
    fn drop(&mut self) {
        let outer = self.outer_peak;
        let _ = COUNTS.try_with(|c| c.peak.set(c.peak.get().max(outer)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static METER: Meter = Meter;

    #[test]
    fn a_mark_sees_the_peak_of_what_was_allocated_since() {
        let m = Mark::new();
        let v = vec![0u8; 1 << 20];
        drop(v);
        let small = vec![0u8; 1000];
        assert!(installed());
        assert!(m.peak() >= 1 << 20, "peak {}", m.peak());
        assert!(m.peak() < (1 << 20) + (64 << 10), "peak {}", m.peak());
        drop(small);
    }

    #[test]
    fn growing_a_vector_counts_its_final_size_once() {
        let m = Mark::new();
        let mut v: Vec<u64> = Vec::new();
        for i in 0..100_000u64 {
            v.push(i);
        }
        let held = v.capacity() * 8;
        // realloc counts the difference: the peak is the final buffer, not
        // the sum of every buffer the vector grew through.
        assert!(m.peak() >= held, "peak {} held {held}", m.peak());
        assert!(m.peak() <= 2 * held + (64 << 10), "peak {}", m.peak());
    }

    #[test]
    fn an_inner_mark_does_not_hide_its_peak_from_the_outer() {
        let outer = Mark::new();
        {
            let inner = Mark::new();
            let v = vec![1u8; 256 << 10];
            assert!(inner.peak() >= 256 << 10);
            drop(v);
        }
        assert!(outer.peak() >= 256 << 10, "outer peak {}", outer.peak());
        let after = Mark::new();
        assert!(after.peak() < 256 << 10, "a new mark starts from now");
    }

    #[test]
    fn each_thread_counts_its_own() {
        let m = Mark::new();
        std::thread::spawn(|| {
            let other = Mark::new();
            let v = vec![0u8; 512 << 10];
            assert!(other.peak() >= 512 << 10);
            drop(v);
        })
        .join()
        .unwrap();
        assert!(
            m.peak() < 512 << 10,
            "another thread's memory, peak {}",
            m.peak()
        );
    }

    #[test]
    fn zeroed_memory_is_zero_and_counted() {
        let m = Mark::new();
        let v = vec![0u32; 4096];
        assert!(v.iter().all(|&x| x == 0));
        assert!(m.peak() >= 4096 * 4);
    }
}
