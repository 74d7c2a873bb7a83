//! The IPC commands. Each is async and moves engine work to a blocking thread, so neither the
//! UI thread nor a tokio worker waits on a model.

use std::sync::Arc;

use postcraft_core::image_ipc::{InterpolateRequest, RestyleImageRequest, RestyleVideoRequest};
use postcraft_core::ipc::{AppStatus, GenerateImagesRequest, JobEvent};
use postcraft_core::write_ipc::{PlatformInfo, TextCount, WriteRequest};
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_engine::{Engine, EventSink};
use tauri::ipc::Channel;

use crate::state::EngineState;

pub(crate) async fn blocking<T: Send + 'static>(
    engine: &EngineState,
    work: impl FnOnce(&Arc<Engine>) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    let engine = Arc::clone(&engine.0);
    tauri::async_runtime::spawn_blocking(move || work(&engine))
        .await
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("the engine task stopped: {e}")))?
}

/// The runtime and models, for the status line. The UI asks once it has painted, so the first
/// call marks the cold start's end.
#[tauri::command]
pub async fn app_status(engine: tauri::State<'_, EngineState>) -> Result<AppStatus, IpcError> {
    static FIRST_CALL: std::sync::Once = std::sync::Once::new();
    FIRST_CALL.call_once(|| {
        if let Some(started) = crate::STARTED.get() {
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "first paint: the UI asked for the status"
            );
        }
    });
    blocking(&engine, |engine| Ok(engine.status())).await
}

/// Starts an image-generation job (new images by seed, or variations of one); its images
/// stream over `on_event`.
#[tauri::command]
pub async fn generate_images(
    engine: tauri::State<'_, EngineState>,
    request: GenerateImagesRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.generate_images(request, sink)).await
}

/// Starts rendering an animation between two generated images (GIF or MP4); progress counts
/// frames, then `fileWritten` names the file.
#[tauri::command]
pub async fn interpolate_images(
    engine: tauri::State<'_, EngineState>,
    request: InterpolateRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.interpolate(request, sink)).await
}

/// Starts restyling a photo; the result and the original stream as one `restyled` event.
#[tauri::command]
pub async fn restyle_image(
    engine: tauri::State<'_, EngineState>,
    request: RestyleImageRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.restyle_image(request, sink)).await
}

/// Starts restyling a clip into an MP4 (an empty `output` picks `<name>-restyled.mp4` beside
/// the clip); progress counts frames with frames per second, then `fileWritten` names the file.
#[tauri::command]
pub async fn restyle_video(
    engine: tauri::State<'_, EngineState>,
    request: RestyleVideoRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.restyle_video(request, sink)).await
}

/// Starts a writing job (caption, hashtags, draft, rewrite, alt text); the model's text streams
/// over `on_event` token by token, then the ranked variants.
#[tauri::command]
pub async fn write_text(
    engine: tauri::State<'_, EngineState>,
    request: WriteRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.write(request, sink)).await
}

/// Every platform's text rules, for the Write tool. Like `presets_list`, answered on the async
/// thread: the data file is embedded and parsed once, so this is a copy of a small list.
#[tauri::command]
pub async fn platforms_list() -> Result<Vec<PlatformInfo>, IpcError> {
    Ok(postcraft_engine::write::platform_list())
}

/// How long `text` is on `platform`, against its limit: the engine's exact count (the caption box
/// asks as the user types). Counting is linear and takes microseconds for a caption, but the text
/// is whatever was typed or pasted, of any length (megabytes take about a second in a debug
/// build), and the tokio workers also answer the preview scheme during a drag: so it runs on a
/// blocking thread, which costs a thread hop per (debounced) request.
#[tauri::command]
pub async fn count_text(
    engine: tauri::State<'_, EngineState>,
    text: String,
    platform: String,
) -> Result<TextCount, IpcError> {
    blocking(&engine, move |_| postcraft_engine::write::count_text(&text, &platform)).await
}

pub(crate) fn channel_sink(channel: Channel<JobEvent>) -> EventSink {
    Arc::new(move |event| {
        if let Err(error) = channel.send(event) {
            tracing::warn!("a job event could not reach the UI: {error}");
        }
    })
}

/// Asks a job to stop; false when it is no longer running.
#[tauri::command]
pub async fn cancel_job(engine: tauri::State<'_, EngineState>, job_id: JobId) -> Result<bool, IpcError> {
    Ok(engine.0.request_cancel(job_id))
}

/// Retries loading what failed (after the user re-ran the set-up) and returns the new status.
#[tauri::command]
pub async fn reload_engine(engine: tauri::State<'_, EngineState>) -> Result<AppStatus, IpcError> {
    blocking(&engine, |engine| {
        engine.reload();
        Ok(engine.status())
    })
    .await
}
