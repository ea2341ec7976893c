//! Dropping large values off the critical path: freeing a site of tens of thousands of pages
//! (every path string, every buffer's reference count) takes milliseconds that a reader waiting
//! for a reload should not wait for.

/// Drops `value` on a background thread (or here, when no thread can be started: the closure
/// holding it is then dropped by `spawn`).
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("aimsbook-drop".into()).spawn(move || drop(value));
}
