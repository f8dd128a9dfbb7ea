//! A small pool of zstd contexts, so that encoding and decoding many small chunks does
//! not create (and allocate the tables of) a context each time.

use std::sync::{Mutex, OnceLock, PoisonError};

use zstd_safe::{CCtx, DCtx};

/// Contexts that grew larger than this (high levels on large inputs) are freed after
/// use instead of being kept: they are rare and the pool should not pin their memory.
const MAX_POOLED_CONTEXT_BYTES: usize = 64 << 20;

/// How many idle contexts of each kind a codec keeps: one per hardware thread, at most 64.
fn pool_capacity() -> usize {
    static CAPACITY: OnceLock<usize> = OnceLock::new();
    *CAPACITY.get_or_init(|| std::thread::available_parallelism().map_or(4, |n| n.get()).clamp(1, 64))
}

/// A zstd context that can be pooled.
pub(crate) trait Context: Send + Sized {
    /// Creates a context, `None` if zstd cannot allocate one.
    fn create() -> Option<Self>;
    /// The memory the context holds, in bytes.
    fn size(&self) -> usize;
}

impl Context for CCtx<'static> {
    fn create() -> Option<Self> {
        CCtx::try_create()
    }
    fn size(&self) -> usize {
        self.sizeof()
    }
}

impl Context for DCtx<'static> {
    fn create() -> Option<Self> {
        DCtx::try_create()
    }
    fn size(&self) -> usize {
        self.sizeof()
    }
}

/// Idle contexts. Whoever takes one sets every parameter it relies on before use, so a
/// context never carries state from its previous use.
pub(crate) struct Pool<T> {
    idle: Mutex<Vec<T>>,
}

impl<T: Context> Pool<T> {
    /// An empty pool.
    pub(crate) const fn new() -> Self {
        Pool { idle: Mutex::new(Vec::new()) }
    }

    /// An idle context, or a new one; `None` if zstd cannot allocate one.
    pub(crate) fn take(&self) -> Option<T> {
        let pooled = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        pooled.or_else(T::create)
    }

    /// Returns a context to the pool (or frees it if the pool is full or it is large).
    pub(crate) fn give_back(&self, context: T) {
        if context.size() > MAX_POOLED_CONTEXT_BYTES {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < pool_capacity() {
            idle.push(context);
        }
    }

    /// Number of idle contexts (for tests).
    #[cfg(test)]
    pub(crate) fn idle(&self) -> usize {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}
