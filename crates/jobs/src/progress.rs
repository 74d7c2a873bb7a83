//! Progress with an ETA, and throttling so the UI gets a few updates a second, not thousands.

use std::time::{Duration, Instant};

/// Tracks a job's progress and decides when an update is worth sending.
#[derive(Debug)]
pub struct ProgressClock {
    started: Instant,
    total: u32,
    done: u32,
    last_sent: Option<Instant>,
    min_interval: Duration,
}

impl ProgressClock {
    /// Updates at most every `min_interval`, except the first and the last.
    pub fn new(total: u32, min_interval: Duration) -> Self {
        Self { started: Instant::now(), total, done: 0, last_sent: None, min_interval }
    }

    /// Items done so far.
    pub fn done(&self) -> u32 {
        self.done
    }

    /// Items in all.
    pub fn total(&self) -> u32 {
        self.total
    }

    /// Records one more item; returns true when an update should be sent now.
    pub fn advance(&mut self) -> bool {
        self.advance_at(Instant::now())
    }

    fn advance_at(&mut self, now: Instant) -> bool {
        self.done = self.done.saturating_add(1).min(self.total);
        let due = match self.last_sent {
            None => true,
            Some(last) => now.duration_since(last) >= self.min_interval,
        };
        if due || self.done == self.total {
            self.last_sent = Some(now);
            true
        } else {
            false
        }
    }

    /// Items per second at the mean pace so far; `None` before the first item.
    pub fn rate(&self) -> Option<f32> {
        self.rate_at(Instant::now())
    }

    fn rate_at(&self, now: Instant) -> Option<f32> {
        let elapsed = now.duration_since(self.started).as_secs_f64();
        (self.done > 0 && elapsed > 0.0).then(|| (f64::from(self.done) / elapsed) as f32)
    }

    /// Milliseconds left at the mean pace so far; `None` before the first item.
    pub fn eta_ms(&self) -> Option<u32> {
        self.eta_ms_at(Instant::now())
    }

    fn eta_ms_at(&self, now: Instant) -> Option<u32> {
        if self.done == 0 {
            return None;
        }
        let elapsed = now.duration_since(self.started).as_secs_f64() * 1000.0;
        let left = f64::from(self.total - self.done) * elapsed / f64::from(self.done);
        Some(left.round().min(f64::from(u32::MAX)) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_follows_mean_pace() {
        let mut clock = ProgressClock::new(10, Duration::from_millis(50));
        assert_eq!(clock.eta_ms(), None);
        let t0 = clock.started;
        clock.advance_at(t0 + Duration::from_millis(100));
        clock.advance_at(t0 + Duration::from_millis(200));
        // 2 items in 400 ms -> 200 ms each -> 8 left take 1600 ms.
        assert_eq!(clock.eta_ms_at(t0 + Duration::from_millis(400)), Some(1600));
        assert_eq!(clock.rate_at(t0 + Duration::from_millis(400)), Some(5.0));
    }

    #[test]
    fn throttles_but_always_sends_first_and_last() {
        let mut clock = ProgressClock::new(3, Duration::from_secs(60));
        let t0 = clock.started;
        assert!(clock.advance_at(t0), "first update is sent");
        assert!(!clock.advance_at(t0 + Duration::from_millis(1)), "second one is throttled");
        assert!(clock.advance_at(t0 + Duration::from_millis(2)), "last one is sent");
        assert_eq!(clock.done(), 3);
    }
}
