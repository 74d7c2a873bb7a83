//! Commands of the Voice and Sound tools: speech, hits, beats and mixes are jobs whose results
//! stream over a channel as clips (served as WAV by the media scheme).

use postcraft_core::IpcError;
use postcraft_core::JobId;
use postcraft_core::audio_ipc::{
    AudioClip, GenerateHitsRequest, MakeBeatRequest, MixRequest, PlayerAction, PlayerReport, SpeakRequest,
};
use postcraft_core::ipc::JobEvent;
use tauri::ipc::Channel;

use crate::commands::{blocking, channel_sink};
use crate::state::EngineState;

/// Starts speaking text; `speechSentence` events stream per sentence (played at once when
/// asked), then the whole speech arrives as an `audioClip`.
#[tauri::command]
pub async fn speak(
    engine: tauri::State<'_, EngineState>,
    request: SpeakRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.speak(request, sink)).await
}

/// Starts generating one-shot hits; each arrives as an `audioClip`.
#[tauri::command]
pub async fn generate_hits(
    engine: tauri::State<'_, EngineState>,
    request: GenerateHitsRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.generate_hits(request, sink)).await
}

/// Starts sequencing a beat; the loop arrives as an `audioClip`.
#[tauri::command]
pub async fn make_beat(
    engine: tauri::State<'_, EngineState>,
    request: MakeBeatRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.make_beat(request, sink)).await
}

/// Starts mixing voice over bed at the platform loudness; the mix arrives as an `audioClip`.
#[tauri::command]
pub async fn mix_audio(
    engine: tauri::State<'_, EngineState>,
    request: MixRequest,
    on_event: Channel<JobEvent>,
) -> Result<JobId, IpcError> {
    let sink = channel_sink(on_event);
    blocking(&engine, move |engine| engine.mix_audio(request, sink)).await
}

/// Sends the player's reports (about 30 a second while playing) over `on_report` from now on;
/// returns the current state. `AUDIO_DEVICE_UNAVAILABLE` when there is no sound card.
#[tauri::command]
pub async fn player_subscribe(
    engine: tauri::State<'_, EngineState>,
    on_report: Channel<PlayerReport>,
) -> Result<PlayerReport, IpcError> {
    blocking(&engine, move |engine| {
        engine.player().subscribe(std::sync::Arc::new(move |report| {
            if let Err(error) = on_report.send(report) {
                tracing::debug!("a player report could not reach the UI: {error}");
            }
        }))
    })
    .await
}

/// Plays a clip from its start.
#[tauri::command]
pub async fn player_play_clip(engine: tauri::State<'_, EngineState>, clip: u32) -> Result<(), IpcError> {
    blocking(&engine, move |engine| {
        let stored = engine.clips().get(clip)?;
        engine.player().play_clip(clip, &stored.audio)
    })
    .await
}

/// Controls the player; the new state arrives as a report.
#[tauri::command]
pub async fn player_control(engine: tauri::State<'_, EngineState>, action: PlayerAction) -> Result<(), IpcError> {
    blocking(&engine, move |engine| {
        let player = engine.player().player()?;
        match action {
            PlayerAction::Play => player.play().map_err(|e| IpcError::new(e.code(), e.to_string()))?,
            PlayerAction::Pause => player.pause(),
            PlayerAction::Stop => player.stop(),
            PlayerAction::Seek { seconds } => player.seek(seconds),
            PlayerAction::Loop { looping } => player.set_loop(looping),
            PlayerAction::Volume { volume } => player.set_volume(volume),
        }
        Ok(())
    })
    .await
}

/// Reads a sound file the creator brings (their own music bed) as a clip.
#[tauri::command]
pub async fn import_audio(engine: tauri::State<'_, EngineState>, path: String) -> Result<AudioClip, IpcError> {
    blocking(&engine, move |engine| engine.import_audio(std::path::Path::new(&path))).await
}
