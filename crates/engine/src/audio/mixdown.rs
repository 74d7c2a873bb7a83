//! Voice over bed, the one way the studio mixes: both resampled to 48 kHz stereo, the bed ducked
//! under the voice and faded, the whole normalized to -14 LUFS with the true peak at or under
//! -1 dBTP. The Sound tool's mix job and the post's export both use it.

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::loudness::{NormalizeReport, PLATFORM_MAX_TRUE_PEAK_DBTP, PLATFORM_TARGET_LUFS, normalize};
use postcraft_audio::dsp::mix::{Ducking, MixLength, MixSpec, mix};
use postcraft_audio::dsp::resample::{resample, to_channels};
use postcraft_core::post::PostMix;
use postcraft_core::{ErrorCode, IpcError};

/// Rate and channels of a mix: what video and the platforms take.
pub const MIX_SAMPLE_RATE: u32 = 48_000;
/// Stereo.
pub const MIX_CHANNELS: u16 = 2;

/// Mixes `voice` over `bed` with `settings` and normalizes to the platform loudness. At least
/// one of the two must be there. Without a voice the mix is as long as the bed.
pub fn mixdown(
    voice: Option<&AudioBuffer>,
    bed: Option<&AudioBuffer>,
    settings: &PostMix,
) -> Result<(AudioBuffer, NormalizeReport), IpcError> {
    if voice.is_none() && bed.is_none() {
        return Err(IpcError::new(ErrorCode::InvalidRequest, "nothing to mix: choose a voiceover, a bed or both"));
    }
    let prepare = |audio: &AudioBuffer| to_channels(&resample(audio, MIX_SAMPLE_RATE), MIX_CHANNELS);
    let spec = MixSpec {
        voice: voice.map(prepare),
        bed: bed.map(prepare),
        voice_offset_seconds: if voice.is_some() { settings.voice_offset_seconds } else { 0.0 },
        length: if voice.is_some() { MixLength::default() } else { MixLength::FollowBed },
        bed_gain_db: settings.bed_gain_db,
        ducking: (settings.ducking_db > 0.0).then(|| Ducking { depth_db: settings.ducking_db, ..Ducking::default() }),
        fade_in_seconds: settings.fade_in_seconds,
        fade_out_seconds: settings.fade_out_seconds,
        ..MixSpec::default()
    };
    let mut mixed = mix(&spec).map_err(|e| IpcError::new(ErrorCode::InvalidRequest, e.to_string()))?.audio;
    let report = normalize(&mut mixed, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP)
        .map_err(|e| IpcError::new(e.code(), e.to_string()))?;
    Ok((mixed, report))
}
