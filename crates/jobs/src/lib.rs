//! The job manager: every long piece of work in the studio is a job.
//!
//! A job gets an id at once, runs on its own worker thread (never on the UI thread or a tokio
//! worker), streams [`JobEvent`]s to an [`EventSink`] (the shell forwards them over a
//! `tauri::ipc::Channel`, the CLI prints them), and can be cancelled at any time through its
//! [`CancelToken`]: the work checks the token between steps, and registers a hook with
//! [`CancelToken::on_cancel`] to abort a step already in flight (a model run).

mod cancel;
mod manager;
mod progress;

pub use cancel::{CancelHookGuard, CancelToken};
pub use manager::{EventSink, JobContext, JobFailure, JobManager};
pub use postcraft_core::ipc::{JobEvent, JobOutcome};
pub use progress::ProgressClock;
