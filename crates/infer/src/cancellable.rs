//! Model runs that a cancel token can interrupt mid-run.

use std::sync::Arc;

use ort::session::RunOptions;
use postcraft_jobs::{CancelHookGuard, CancelToken};

use crate::InferError;

/// Calls `run` with run options that ONNX Runtime terminates as soon as `cancel` fires, so a
/// cancel does not wait for a long run (a large tile, a batch) to finish. A run that fails
/// because it was terminated reports [`InferError::Cancelled`].
pub(crate) fn run_cancellable<T>(
    cancel: Option<&CancelToken>,
    run: impl FnOnce(&RunOptions) -> Result<T, ort::Error>,
) -> Result<T, InferError> {
    if cancel.is_some_and(CancelToken::is_cancelled) {
        return Err(InferError::Cancelled);
    }
    let (options, _terminate_on_cancel) = terminating_options(cancel)?;
    match run(&options) {
        Ok(value) => Ok(value),
        Err(_) if cancel.is_some_and(CancelToken::is_cancelled) => Err(InferError::Cancelled),
        Err(error) => Err(InferError::Inference(error.to_string())),
    }
}

/// Run options that ONNX Runtime terminates when `cancel` fires, for as long as the returned
/// guard lives (several runs may share them, as token-by-token generation does).
pub(crate) fn terminating_options(
    cancel: Option<&CancelToken>,
) -> Result<(Arc<RunOptions>, Option<CancelHookGuard>), InferError> {
    let options = Arc::new(RunOptions::new().map_err(|e| InferError::Inference(e.to_string()))?);
    let guard = cancel.map(|token| {
        let options = Arc::clone(&options);
        token.on_cancel(move || {
            if let Err(error) = options.terminate() {
                tracing::warn!("could not terminate a model run: {error}");
            }
        })
    });
    Ok((options, guard))
}
