//! Audio for the studio. For now: whether the default output device opens, so `postcraft doctor`
//! and the status line can say if playback will work. No sound card is not an error for the
//! studio: everything but playback keeps working.

/// Why playback is unavailable.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The default output device could not be opened.
    #[error("no audio output device ({0}); playback is off, everything else works")]
    NoDevice(String),
}

/// Opens and closes the default output stream; returns a description of it.
pub fn probe_output() -> Result<String, AudioError> {
    let mut sink = rodio::DeviceSinkBuilder::open_default_sink().map_err(|e| AudioError::NoDevice(e.to_string()))?;
    // Closing a probe is expected; rodio would otherwise log a warning on drop.
    sink.log_on_drop(false);
    let config = sink.config();
    Ok(format!("{} Hz, {} channels", config.sample_rate(), config.channel_count()))
}
