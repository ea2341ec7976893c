//! Stage timings for profiling (AIMSBOOK_TIMINGS=1), shared by every stage that has one.

/// Stage timings, printed to stderr when AIMSBOOK_TIMINGS is set (for profiling, not output).
pub(crate) struct Timer {
    start: std::cell::Cell<std::time::Instant>,
    on: bool,
}

impl Timer {
    pub(crate) fn new() -> Timer {
        Timer { start: std::cell::Cell::new(std::time::Instant::now()), on: std::env::var_os("AIMSBOOK_TIMINGS").is_some() }
    }
    pub(crate) fn lap(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!("  {:>7.1} ms  {what}", (now - self.start.get()).as_secs_f64() * 1000.0);
            self.start.set(now);
        }
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}
