//! Progress on standard error for inputs that take more than a moment: items read, items per second and,
//! when the source knows its item count, the time left. Shown only when standard error is a terminal.
//!
//! It wraps a source rather than the engine, so the engine stays free of output.

use std::io::Write;
use std::time::{Duration, Instant};

use calcheck_model::{CalendarSource, ItemResult, SourceInfo};

/// How long a source must run before progress appears, so quick inputs print nothing.
const QUIET_FOR: Duration = Duration::from_millis(700);

/// How often the progress line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(200);

/// A source that reports progress while its items are read.
pub struct ProgressSource<'a> {
    inner: &'a dyn CalendarSource,
    enabled: bool,
}

impl<'a> ProgressSource<'a> {
    /// Wraps `inner`; `enabled` is false when standard error is not a terminal or `--quiet` was given.
    pub fn new(inner: &'a dyn CalendarSource, enabled: bool) -> Self {
        ProgressSource { inner, enabled }
    }
}

impl CalendarSource for ProgressSource<'_> {
    fn info(&self) -> &SourceInfo {
        self.inner.info()
    }

    fn item_count_hint(&self) -> Option<usize> {
        self.inner.item_count_hint()
    }

    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        let items = self.inner.items();
        if !self.enabled {
            return items;
        }
        Box::new(Counter {
            items,
            name: self.inner.info().path.display().to_string(),
            total: self.inner.item_count_hint(),
            done: 0,
            started: Instant::now(),
            last: None,
        })
    }
}

struct Counter<'a> {
    items: Box<dyn Iterator<Item = ItemResult> + Send + 'a>,
    name: String,
    total: Option<usize>,
    done: usize,
    started: Instant,
    last: Option<Instant>,
}

impl Counter<'_> {
    fn draw(&mut self) {
        let now = Instant::now();
        let elapsed = now.duration_since(self.started);
        if elapsed < QUIET_FOR
            || self
                .last
                .is_some_and(|l| now.duration_since(l) < REDRAW_EVERY)
        {
            return;
        }
        self.last = Some(now);
        let rate = self.done as f64 / elapsed.as_secs_f64().max(0.001);
        let mut line = match self.total {
            Some(t) => format!(
                "checking {}: {}/{} items, {rate:.0} items/s",
                self.name, self.done, t
            ),
            None => format!(
                "checking {}: {} items, {rate:.0} items/s",
                self.name, self.done
            ),
        };
        if let Some(t) = self.total
            && rate > 0.0
        {
            let left = t.saturating_sub(self.done) as f64 / rate;
            let _ = std::fmt::Write::write_fmt(&mut line, format_args!(", about {left:.0} s left"));
        }
        // Progress is best effort: a failed write to the terminal must not stop the check.
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    fn clear(&self) {
        if self.last.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Iterator for Counter<'_> {
    type Item = ItemResult;

    fn next(&mut self) -> Option<ItemResult> {
        let next = self.items.next();
        match next {
            Some(_) => {
                self.done += 1;
                self.draw();
            }
            None => self.clear(),
        }
        next
    }
}
