//! Spawning, tracking and cancelling jobs.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use postcraft_core::ipc::{JobEvent, JobOutcome};
use postcraft_core::{ErrorCode, IpcError, JobId};

use crate::{CancelToken, ProgressClock};

/// Where a job's events go. Called on the job's worker thread; must not block for long.
pub type EventSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// Why a job's work stopped before completing.
#[derive(Debug, Clone, PartialEq)]
pub enum JobFailure {
    /// The token was cancelled; not an error.
    Cancelled,
    /// The work failed.
    Failed(IpcError),
}

impl From<IpcError> for JobFailure {
    fn from(error: IpcError) -> Self {
        Self::Failed(error)
    }
}

/// What the work of a job sees: its id, its token, and the way to report progress and items.
pub struct JobContext {
    id: JobId,
    token: CancelToken,
    sink: EventSink,
    clock: ProgressClock,
}

impl std::fmt::Debug for JobContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobContext").field("id", &self.id).field("clock", &self.clock).finish()
    }
}

impl JobContext {
    /// The job's id.
    pub fn id(&self) -> JobId {
        self.id
    }

    /// The job's cancellation token, for hooks that abort a step in flight.
    pub fn token(&self) -> &CancelToken {
        &self.token
    }

    /// `Err(Cancelled)` once cancellation was requested: call it between steps with `?`.
    pub fn checkpoint(&self) -> Result<(), JobFailure> {
        if self.token.is_cancelled() { Err(JobFailure::Cancelled) } else { Ok(()) }
    }

    /// Sends an event produced by the work (a partial result).
    pub fn emit(&self, event: JobEvent) {
        (self.sink)(event);
    }

    /// Records one finished item and sends a (throttled) progress update.
    pub fn item_done(&mut self) {
        if self.clock.advance() {
            (self.sink)(JobEvent::Progress {
                job_id: self.id,
                done: self.clock.done(),
                total: self.clock.total(),
                eta_ms: self.clock.eta_ms(),
                rate: self.clock.rate(),
            });
        }
    }

    /// Items finished so far.
    pub fn done(&self) -> u32 {
        self.clock.done()
    }
}

/// Starts jobs on worker threads and keeps the tokens of running ones for [`JobManager::cancel`].
#[derive(Debug)]
pub struct JobManager {
    next_id: AtomicU32,
    running: Arc<Mutex<HashMap<JobId, CancelToken>>>,
    progress_interval: Duration,
}

impl Default for JobManager {
    fn default() -> Self {
        Self::new()
    }
}

/// Removes a job from the running table when its thread ends, however it ends.
struct RunningGuard {
    id: JobId,
    running: Arc<Mutex<HashMap<JobId, CancelToken>>>,
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.running.lock().remove(&self.id);
    }
}

impl JobManager {
    /// A manager that sends at most about 20 progress updates a second per job.
    pub fn new() -> Self {
        Self { next_id: AtomicU32::new(1), running: Arc::default(), progress_interval: Duration::from_millis(50) }
    }

    /// Starts `work` on its own thread and returns its id at once. `total` is the number of items
    /// the work will report with [`JobContext::item_done`]. The sink receives `started`, then
    /// whatever the work emits, then exactly one `finished` (also when the work panics).
    pub fn spawn<F>(&self, name: &str, total: u32, sink: EventSink, work: F) -> Result<JobId, IpcError>
    where
        F: FnOnce(&mut JobContext) -> Result<(), JobFailure> + Send + 'static,
    {
        let id = JobId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let token = CancelToken::new();
        self.running.lock().insert(id, token.clone());
        let guard = RunningGuard { id, running: Arc::clone(&self.running) };
        let mut context =
            JobContext { id, token, sink: Arc::clone(&sink), clock: ProgressClock::new(total, self.progress_interval) };

        let spawned = std::thread::Builder::new().name(format!("{name}-{}", id.0)).spawn(move || {
            (context.sink)(JobEvent::Started { job_id: id, total });
            let result = catch_unwind(AssertUnwindSafe(|| work(&mut context)));
            let outcome = match result {
                Ok(Ok(())) => JobOutcome::Completed,
                Ok(Err(JobFailure::Cancelled)) => JobOutcome::Cancelled,
                Ok(Err(JobFailure::Failed(error))) => JobOutcome::Failed { error },
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_owned());
                    tracing::error!(job = %id, "job panicked: {what}");
                    JobOutcome::Failed {
                        error: IpcError::new(ErrorCode::Internal, format!("the job stopped on a bug: {what}")),
                    }
                }
            };
            tracing::debug!(job = %id, ?outcome, done = context.done(), "job finished");
            // Out of the running table before `finished` goes out: whoever sees the event finds
            // the job no longer cancellable.
            drop(guard);
            (context.sink)(JobEvent::Finished { job_id: id, done: context.done(), outcome });
        });
        match spawned {
            Ok(_) => Ok(id),
            Err(error) => {
                self.running.lock().remove(&id);
                Err(IpcError::new(ErrorCode::Internal, format!("could not start a worker thread: {error}")))
            }
        }
    }

    /// Requests cancellation of a running job. Returns `JOB_NOT_FOUND` if it is not running
    /// (it may have just finished: the UI then shows its real outcome).
    pub fn cancel(&self, id: JobId) -> Result<(), IpcError> {
        let token = self.running.lock().get(&id).cloned();
        match token {
            Some(token) => {
                token.cancel();
                Ok(())
            }
            None => Err(IpcError::new(ErrorCode::JobNotFound, format!("{id} is not running"))),
        }
    }

    /// Ids of the jobs still running.
    pub fn running(&self) -> Vec<JobId> {
        let mut ids: Vec<JobId> = self.running.lock().keys().copied().collect();
        ids.sort();
        ids
    }

    /// Cancels every running job (on shutdown).
    pub fn cancel_all(&self) {
        let tokens: Vec<CancelToken> = self.running.lock().values().cloned().collect();
        for token in tokens {
            token.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn channel_sink() -> (EventSink, mpsc::Receiver<JobEvent>) {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        (Arc::new(move |event| drop(tx.lock().send(event))), rx)
    }

    fn collect_until_finished(rx: &mpsc::Receiver<JobEvent>) -> Vec<JobEvent> {
        let mut events = Vec::new();
        loop {
            let event = rx.recv_timeout(Duration::from_secs(30)).expect("job sends events");
            let finished = matches!(event, JobEvent::Finished { .. });
            events.push(event);
            if finished {
                return events;
            }
        }
    }

    #[test]
    fn completed_job_streams_started_progress_finished() {
        let manager = JobManager::new();
        let (sink, rx) = channel_sink();
        let id = manager
            .spawn("test", 3, sink, |ctx| {
                for _ in 0..3 {
                    ctx.checkpoint()?;
                    ctx.item_done();
                }
                Ok(())
            })
            .expect("spawned");
        let events = collect_until_finished(&rx);
        assert_eq!(events.first(), Some(&JobEvent::Started { job_id: id, total: 3 }));
        assert_eq!(events.last(), Some(&JobEvent::Finished { job_id: id, done: 3, outcome: JobOutcome::Completed }));
        assert!(events.iter().any(|e| matches!(e, JobEvent::Progress { done: 3, total: 3, .. })));
    }

    #[test]
    fn cancelled_job_reports_cancelled_not_failed() {
        let manager = Arc::new(JobManager::new());
        let (sink, rx) = channel_sink();
        let (started_tx, started_rx) = mpsc::channel();
        let id = manager
            .spawn("test", 1_000_000, sink, move |ctx| {
                started_tx.send(()).ok();
                loop {
                    ctx.checkpoint()?;
                    ctx.item_done();
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
            .expect("spawned");
        started_rx.recv().expect("work started");
        manager.cancel(id).expect("running");
        let events = collect_until_finished(&rx);
        assert!(matches!(events.last(), Some(JobEvent::Finished { outcome: JobOutcome::Cancelled, .. })));
        // Once `finished` is out, the job is no longer in the table.
        assert_eq!(manager.cancel(id).map_err(|e| e.code), Err(ErrorCode::JobNotFound));
    }

    #[test]
    fn panicking_job_is_reported_as_internal_error() {
        let manager = JobManager::new();
        let (sink, rx) = channel_sink();
        manager.spawn("test", 1, sink, |_| panic!("boom")).expect("spawned");
        let events = collect_until_finished(&rx);
        match events.last() {
            Some(JobEvent::Finished { outcome: JobOutcome::Failed { error }, .. }) => {
                assert_eq!(error.code, ErrorCode::Internal);
                assert!(error.message.contains("boom"));
            }
            other => panic!("unexpected end: {other:?}"),
        }
    }
}
