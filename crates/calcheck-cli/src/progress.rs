//! Progress on standard error for runs that take more than a moment: items read, the share done, items per
//! second and, when the sources know their item counts, the time left. Shown only when standard error is a
//! terminal (and not with `--quiet`).
//!
//! One [`Progress`] counts for the whole run (every input, batch mode included); it wraps the sources rather
//! than the engine, so the engine stays free of output. Items are read on several threads, so the count is
//! atomic and only one thread redraws at a time.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use calcheck_model::{CalendarSource, ItemResult, SourceInfo};

/// How long a run must take before progress appears, so quick runs print nothing.
const QUIET_FOR: Duration = Duration::from_millis(700);

/// How often the progress line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(200);

/// The progress of one run, shared by every source and thread.
pub struct Progress {
    enabled: bool,
    label: String,
    total: Option<usize>,
    done: AtomicUsize,
    started: Instant,
    /// When the line was last drawn; `None` until it first is.
    last: Mutex<Option<Instant>>,
}

impl Progress {
    /// Progress over `total` items (when known) described as `label` (an input, or "3 inputs");
    /// `enabled` is false when standard error is not a terminal or `--quiet` was given.
    pub fn new(label: impl Into<String>, total: Option<usize>, enabled: bool) -> Self {
        Progress {
            enabled,
            label: label.into(),
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
            last: Mutex::new(None),
        }
    }

    /// Progress over `sources`: their summed item counts, when each knows its own.
    pub fn over(sources: &[&dyn CalendarSource], enabled: bool) -> Self {
        let label = match sources {
            [one] => one.info().path.display().to_string(),
            many => format!("{} inputs", many.len()),
        };
        let total = sources
            .iter()
            .map(|s| s.indexed_len().or_else(|| s.item_count_hint()))
            .sum::<Option<usize>>();
        Progress::new(label, total, enabled)
    }

    /// Counts one item read and redraws when it is time.
    fn tick(&self) {
        if !self.enabled {
            return;
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        let elapsed = now.duration_since(self.started);
        if elapsed < QUIET_FOR {
            return;
        }
        // Another thread drawing right now is enough; this one goes back to work.
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if last.is_some_and(|l| now.duration_since(l) < REDRAW_EVERY) {
            return;
        }
        *last = Some(now);
        let text = line(&self.label, done, self.total, elapsed);
        // Progress is best effort: a failed write to the terminal must not stop the check.
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
    }

    /// Clears the progress line, if one was drawn.
    pub fn finish(&self) {
        let shown = self.last.lock().map_or(true, |l| l.is_some());
        if self.enabled && shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// The progress line, e.g. `checking user.pst: 12000/50000 items (24%), 8000 items/s, about 5 s left`.
pub fn line(label: &str, done: usize, total: Option<usize>, elapsed: Duration) -> String {
    let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
    match total {
        Some(t) => {
            // Items read twice (rows of items a store check flags) may take the count past the total.
            let done = done.min(t);
            let percent = (done * 100).checked_div(t).unwrap_or(100);
            let mut text =
                format!("checking {label}: {done}/{t} items ({percent}%), {rate:.0} items/s");
            if rate > 0.0 {
                let left = Duration::from_secs_f64(t.saturating_sub(done) as f64 / rate);
                let _ = write!(text, ", about {} left", duration_text(left));
            }
            text
        }
        None => format!("checking {label}: {done} items, {rate:.0} items/s"),
    }
}

/// A duration as a person reads it: `5 s`, `2 min 05 s`, `1 h 02 min`.
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{} h {:02} min", s / 3600, s % 3600 / 60)
    }
}

/// A source whose reads are counted by a [`Progress`].
pub struct ProgressSource<'a> {
    inner: Inner<'a>,
    progress: &'a Progress,
}

/// The source a [`ProgressSource`] counts: borrowed, or owned when batch mode opens it for its turn.
enum Inner<'a> {
    Borrowed(&'a dyn CalendarSource),
    Owned(Box<dyn CalendarSource + 'a>),
}

impl<'a> ProgressSource<'a> {
    /// Wraps `inner`, counting into `progress`.
    pub fn new(inner: &'a dyn CalendarSource, progress: &'a Progress) -> Self {
        ProgressSource {
            inner: Inner::Borrowed(inner),
            progress,
        }
    }

    /// Wraps `inner`, which the wrapper then owns, counting into `progress`.
    pub fn owning(inner: Box<dyn CalendarSource + 'a>, progress: &'a Progress) -> Self {
        ProgressSource {
            inner: Inner::Owned(inner),
            progress,
        }
    }

    fn inner(&self) -> &dyn CalendarSource {
        match &self.inner {
            Inner::Borrowed(s) => *s,
            Inner::Owned(s) => s.as_ref(),
        }
    }
}

impl CalendarSource for ProgressSource<'_> {
    fn info(&self) -> &SourceInfo {
        self.inner().info()
    }

    fn item_count_hint(&self) -> Option<usize> {
        self.inner().item_count_hint()
    }

    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        let items = self.inner().items();
        if !self.progress.enabled {
            return items;
        }
        Box::new(items.inspect(|_| self.progress.tick()))
    }

    fn indexed_len(&self) -> Option<usize> {
        self.inner().indexed_len()
    }

    #[allow(clippy::result_large_err)]
    fn item_at(&self, index: usize) -> Option<ItemResult> {
        let item = self.inner().item_at(index);
        if item.is_some() {
            self.progress.tick();
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_gives_share_rate_and_time_left() {
        // 12000 of 50000 items in 1.5 s: 8000 items/s, 38000 items left take 4.75 s.
        assert_eq!(
            line(
                "user.pst",
                12_000,
                Some(50_000),
                Duration::from_millis(1500)
            ),
            "checking user.pst: 12000/50000 items (24%), 8000 items/s, about 4 s left"
        );
        assert_eq!(
            line("3 inputs", 10, None, Duration::from_secs(2)),
            "checking 3 inputs: 10 items, 5 items/s"
        );
        // A count past the total (rows read again) is shown as the total.
        assert_eq!(
            line("a.pst", 12, Some(10), Duration::from_secs(1)),
            "checking a.pst: 10/10 items (100%), 12 items/s, about 0 s left"
        );
    }

    #[test]
    fn durations_read_as_seconds_minutes_or_hours() {
        assert_eq!(duration_text(Duration::from_secs(59)), "59 s");
        assert_eq!(duration_text(Duration::from_secs(125)), "2 min 05 s");
        assert_eq!(duration_text(Duration::from_secs(3720)), "1 h 02 min");
    }
}
