//! The studio's one player: opened on first use (no sound card is a clear error, remembered
//! until a reload), playing clips and speech as it is made, reporting its position to the UI.

use std::sync::Arc;

use parking_lot::Mutex;
use postcraft_audio::dsp::resample::{resample, to_channels};
use postcraft_audio::playback::{PlaybackState, PlaybackStatus, Player, StreamWriter};
use postcraft_core::IpcError;
use postcraft_core::audio_ipc::{PlayerReport, PlayerStatus};

/// Where reports go (the UI's channel).
pub type ReportSink = Arc<dyn Fn(PlayerReport) + Send + Sync>;

#[derive(Default)]
struct Shared {
    /// The clip loaded (none for a speech stream or nothing).
    clip: Option<u32>,
    /// Who hears the reports.
    listener: Option<ReportSink>,
}

/// The player and what it plays.
#[derive(Default)]
pub struct PlayerHost {
    player: Mutex<Option<Result<Arc<Player>, IpcError>>>,
    shared: Arc<Mutex<Shared>>,
}

impl std::fmt::Debug for PlayerHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayerHost").field("clip", &self.shared.lock().clip).finish()
    }
}

fn report_of(state: &PlaybackState, clip: Option<u32>) -> PlayerReport {
    PlayerReport {
        status: match state.status {
            PlaybackStatus::Idle => PlayerStatus::Idle,
            PlaybackStatus::Playing => PlayerStatus::Playing,
            PlaybackStatus::Paused => PlayerStatus::Paused,
            PlaybackStatus::Buffering => PlayerStatus::Buffering,
            PlaybackStatus::Ended => PlayerStatus::Ended,
        },
        clip,
        position_seconds: state.position_seconds,
        duration_seconds: state.duration_seconds,
        looping: state.looping,
        volume: state.volume,
        error: state.device_error.clone(),
    }
}

impl PlayerHost {
    /// The player, opening the output device on first use.
    pub fn player(&self) -> Result<Arc<Player>, IpcError> {
        let mut player = self.player.lock();
        player
            .get_or_insert_with(|| {
                let opened = Player::open().map_err(|e| IpcError::new(e.code(), e.to_string()))?;
                let shared = Arc::clone(&self.shared);
                opened.subscribe(move |state| {
                    let (listener, clip) = {
                        let shared = shared.lock();
                        (shared.listener.clone(), shared.clip)
                    };
                    if let Some(listener) = listener {
                        listener(report_of(state, clip));
                    }
                });
                Ok(Arc::new(opened))
            })
            .clone()
    }

    /// Forgets a failed open, so the next use tries the device again.
    pub fn forget_failure(&self) {
        self.player.lock().take_if(|opened| opened.is_err());
    }

    /// Sends reports to `listener` from now on (replacing the previous one) and returns the
    /// current state. Fails when there is no output device.
    pub fn subscribe(&self, listener: ReportSink) -> Result<PlayerReport, IpcError> {
        let player = self.player()?;
        let clip = {
            let mut shared = self.shared.lock();
            shared.listener = Some(listener);
            shared.clip
        };
        Ok(report_of(&player.state(), clip))
    }

    /// Loads a clip's sound (resampled to the device's rate and channels) and plays it.
    pub fn play_clip(&self, id: u32, audio: &postcraft_audio::dsp::AudioBuffer) -> Result<(), IpcError> {
        let player = self.player()?;
        let output = player.output_config();
        let prepared = to_channels(&resample(audio, output.sample_rate), output.channels);
        self.shared.lock().clip = Some(id);
        let error = |e: postcraft_audio::playback::PlaybackError| IpcError::new(e.code(), e.to_string());
        player.load(prepared).map_err(error)?;
        player.play().map_err(error)
    }

    /// Starts playing a sound that is still being made (speech): push to the writer as it comes.
    pub fn play_stream(&self, sample_rate: u32, channels: u16) -> Result<StreamWriter, IpcError> {
        let player = self.player()?;
        let error = |e: postcraft_audio::playback::PlaybackError| IpcError::new(e.code(), e.to_string());
        self.shared.lock().clip = None;
        let writer = player.load_stream(sample_rate, channels).map_err(error)?;
        player.play().map_err(error)?;
        Ok(writer)
    }

    /// Marks the sound now playing as clip `id` (once a stream became a clip) and tells the
    /// listener at once, so the UI can name what plays.
    pub fn set_clip(&self, id: u32) {
        let listener = {
            let mut shared = self.shared.lock();
            shared.clip = Some(id);
            shared.listener.clone()
        };
        let opened = self.player.lock().as_ref().and_then(|p| p.as_ref().ok()).cloned();
        if let (Some(listener), Some(player)) = (listener, opened) {
            listener(report_of(&player.state(), Some(id)));
        }
    }
}
