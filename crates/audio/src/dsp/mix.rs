//! Voiceover over a music bed: placement, gains, side-chained ducking and fades.
//!
//! [`mix`] takes a [`MixSpec`] (a voice, a bed, or both) and returns the mixed [`AudioBuffer`]
//! with a [`MixReport`]. The inputs must already share one sample rate; this module does not
//! resample (resample both first) and refuses mismatched rates. Channel counts must match, except
//! that a mono track is accepted with any other layout and duplicated into every channel (a mono
//! voiceover over a stereo bed is the common case).
//!
//! The output is not normalized: the loudness stage does that afterwards. The mix only guards
//! against overs by scaling the whole mix down when its peak would exceed [`GUARD_PEAK`], and it
//! never produces NaN or infinity (non-finite inputs are refused).

use std::f64::consts::FRAC_PI_2;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::AudioBuffer;

/// Quietest gain a track may be given, in dB (practically silent).
pub const MIN_GAIN_DB: f32 = -120.0;
/// Loudest gain a track may be given, in dB.
pub const MAX_GAIN_DB: f32 = 24.0;
/// Longest mix [`mix`] makes, and the longest offset, tail or fade it accepts, in seconds.
pub const MAX_MIX_SECONDS: f64 = 3600.0;
/// Length of the ducking detector's RMS window, in milliseconds: long enough to span a few
/// periods of a low voice, short enough to catch the start of a syllable.
pub const DETECTOR_WINDOW_MS: f64 = 20.0;
/// Deepest ducking accepted, in dB.
pub const MAX_DUCKING_DEPTH_DB: f32 = 60.0;
/// Shortest ducking attack or release accepted, in milliseconds; faster ramps would click.
pub const MIN_DUCKING_RAMP_MS: f32 = 5.0;
/// Longest ducking attack accepted, in milliseconds.
pub const MAX_DUCKING_ATTACK_MS: f32 = 2000.0;
/// Longest ducking release accepted, in milliseconds.
pub const MAX_DUCKING_RELEASE_MS: f32 = 5000.0;
/// Lowest ducking threshold accepted, in dBFS.
pub const MIN_DUCKING_THRESHOLD_DB: f32 = -120.0;
/// Peak the soft guard keeps the mix at or below (full scale).
pub const GUARD_PEAK: f32 = 1.0;

/// One of the two inputs of a mix, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Track {
    /// The voiceover.
    Voice,
    /// The music bed.
    Bed,
}

impl fmt::Display for Track {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Track::Voice => "voice",
            Track::Bed => "bed",
        })
    }
}

/// Why a mix could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MixError {
    /// Neither a voice nor a bed.
    #[error("nothing to mix: the spec has neither a voice nor a bed")]
    NothingToMix,
    /// The length rule needs a track the spec does not have.
    #[error("the mix length follows the {0}, but there is no {0}")]
    LengthNeedsTrack(Track),
    /// A track with a zero sample rate, zero channels or a partial last frame.
    #[error("the {track} is malformed (sample rate {sample_rate}, {channels} channels, {samples} samples)")]
    MalformedTrack {
        /// Which track.
        track: Track,
        /// Its sample rate.
        sample_rate: u32,
        /// Its channel count.
        channels: u16,
        /// Its sample count.
        samples: usize,
    },
    /// A track holds NaN or infinity.
    #[error("the {0} contains NaN or infinite samples")]
    NonFiniteTrack(Track),
    /// Voice and bed at different sample rates.
    #[error("the voice is {voice} Hz but the bed is {bed} Hz; resample them to one rate first")]
    SampleRateMismatch {
        /// The voice's sample rate.
        voice: u32,
        /// The bed's sample rate.
        bed: u32,
    },
    /// Voice and bed with different channel counts, neither of them mono.
    #[error("the voice has {voice} channels but the bed has {bed}; convert them to one layout first")]
    ChannelMismatch {
        /// The voice's channel count.
        voice: u16,
        /// The bed's channel count.
        bed: u16,
    },
    /// A setting out of its range (NaN included).
    #[error("{setting} is {value}, expected {expected}")]
    InvalidSetting {
        /// The field, as named in [`MixSpec`] or [`Ducking`].
        setting: &'static str,
        /// The value given.
        value: f64,
        /// The accepted range, in words.
        expected: &'static str,
    },
    /// The length rule asks for more than [`MAX_MIX_SECONDS`].
    #[error("the mix would last {seconds:.1} s; at most {MAX_MIX_SECONDS} s is allowed")]
    TooLong {
        /// The length asked for.
        seconds: f64,
    },
    /// The length rule gives no frames at all (an empty bed or voice with no tail).
    #[error("the mix would be empty")]
    EmptyMix,
}

/// How long the mix is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum MixLength {
    /// Until the voice ends (after its offset), plus a tail for the bed to ring out under the
    /// fade-out. Needs a voice.
    FollowVoice {
        /// Seconds of bed after the voice ends.
        tail_seconds: f64,
    },
    /// A fixed length in seconds (greater than 0); a longer voice is cut off.
    Seconds(f64),
    /// Exactly the bed's length (the bed plays once, whatever `bed_loops` says). Needs a bed.
    FollowBed,
}

impl Default for MixLength {
    fn default() -> Self {
        MixLength::FollowVoice { tail_seconds: 2.0 }
    }
}

/// Side-chained ducking: the bed goes down while the voice speaks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Ducking {
    /// How far the bed goes down under speech, in dB (positive; `0..=`[`MAX_DUCKING_DEPTH_DB`]).
    pub depth_db: f32,
    /// Time for the bed to go all the way down, in ms. The detector looks this far ahead, so the
    /// bed is fully down when the first syllable starts.
    pub attack_ms: f32,
    /// Time for the bed to come all the way back up after speech stops, in ms.
    pub release_ms: f32,
    /// Voice level (RMS over [`DETECTOR_WINDOW_MS`], in dBFS of the voice as recorded, before
    /// `voice_gain_db`) at and above which the voice counts as speaking.
    pub threshold_db: f32,
}

impl Default for Ducking {
    fn default() -> Self {
        // 10 dB keeps the music present but clearly behind the words; a 400 ms release rides over
        // the gaps between words instead of pumping in them.
        Self { depth_db: 10.0, attack_ms: 40.0, release_ms: 400.0, threshold_db: -40.0 }
    }
}

/// What to mix and how.
///
/// Serde carries the settings only: `voice` and `bed` are skipped (audio does not travel as
/// JSON) and come back as `None`; the caller fills them in before calling [`mix`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MixSpec {
    /// The voiceover, if any.
    #[serde(skip)]
    pub voice: Option<AudioBuffer>,
    /// Where the voice starts in the mix, in seconds (`0..=`[`MAX_MIX_SECONDS`]).
    pub voice_offset_seconds: f64,
    /// The music bed, if any. It starts at the mix's start.
    #[serde(skip)]
    pub bed: Option<AudioBuffer>,
    /// Repeat the bed back to back until the mix ends (so a short loop covers a long voice);
    /// otherwise it plays once and silence follows.
    pub bed_loops: bool,
    /// How long the mix is.
    pub length: MixLength,
    /// Voice gain in dB ([`MIN_GAIN_DB`]`..=`[`MAX_GAIN_DB`]).
    pub voice_gain_db: f32,
    /// Bed gain in dB ([`MIN_GAIN_DB`]`..=`[`MAX_GAIN_DB`]), before ducking.
    pub bed_gain_db: f32,
    /// Ducking of the bed under the voice; `None` leaves the bed at its gain throughout.
    pub ducking: Option<Ducking>,
    /// Fade-in at the mix's start, in seconds (equal-power curve, see [`mix`]).
    pub fade_in_seconds: f64,
    /// Fade-out at the mix's end, in seconds (equal-power curve, see [`mix`]).
    pub fade_out_seconds: f64,
}

impl Default for MixSpec {
    /// Settings for a typical social post: the bed sets the mood for half a second before the
    /// voice, sits 12 dB under it and ducks 10 dB more while it speaks, and rings out for two
    /// seconds after the last word, fading over the last 1.5 s (so the fade never touches speech).
    fn default() -> Self {
        Self {
            voice: None,
            voice_offset_seconds: 0.5,
            bed: None,
            bed_loops: true,
            length: MixLength::default(),
            voice_gain_db: 0.0,
            bed_gain_db: -12.0,
            ducking: Some(Ducking::default()),
            fade_in_seconds: 0.5,
            fade_out_seconds: 1.5,
        }
    }
}

/// What [`mix`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MixReport {
    /// Frames in the mix.
    pub frames: usize,
    /// Length in seconds.
    pub seconds: f64,
    /// Sample rate of the mix (the inputs').
    pub sample_rate: u32,
    /// Channels in the mix (the inputs', or the non-mono one's).
    pub channels: u16,
    /// Deepest reduction ducking applied to the bed, in dB (positive; 0 without ducking).
    pub max_ducking_db: f32,
    /// Time the ducking detector heard the voice at or above the threshold, in seconds.
    pub voice_active_seconds: f64,
    /// Whether the length rule cut the voice off before its end.
    pub voice_truncated: bool,
    /// How many times the bed started (more than 1 when it looped; 0 without a bed).
    pub bed_plays: usize,
    /// Fade-in applied, in seconds (shortened with the fade-out when both did not fit).
    pub fade_in_seconds: f64,
    /// Fade-out applied, in seconds (shortened with the fade-in when both did not fit).
    pub fade_out_seconds: f64,
    /// Linear gain the soft guard applied to the whole mix (`1.0` when the peak was in range).
    pub guard_gain: f32,
    /// Peak absolute sample of the mix.
    pub peak: f32,
}

/// The mixed audio and what was done to make it.
#[derive(Debug, Clone, PartialEq)]
pub struct MixResult {
    /// The mix, at the inputs' sample rate and channel count.
    pub audio: AudioBuffer,
    /// What was done.
    pub report: MixReport,
}

/// Mixes the voice over the bed as `spec` says.
///
/// - **Format:** see the [module docs](self): one sample rate; equal channel counts or a mono
///   track, which is duplicated into every channel of the other.
/// - **Length:** [`MixLength`]: `FollowVoice` is offset + voice + tail, `Seconds` is fixed,
///   `FollowBed` is the bed's length. Each rounds to the nearest frame.
/// - **Ducking:** the detector measures the voice's RMS (all channels) over a centered
///   [`DETECTOR_WINDOW_MS`] window; wherever the voice is at or above the threshold now or within
///   the next `attack_ms`, the bed's target is `-depth_db`, elsewhere `0 dB`. The bed's gain
///   moves toward the target in dB along straight ramps: full depth in `attack_ms` going down,
///   in `release_ms` coming back. Ramps in dB sound even, and their slope bounds the per-sample
///   change (no zipper noise). Thanks to the look-ahead the bed is fully down when speech starts,
///   and it stays down until speech stops. The bed starts already ducked if speech starts the mix.
/// - **Fades:** equal-power (quarter-sine) curves over the whole mix: the gain is
///   `sin(π/2 · t)` with `t` going 0 → 1 over the fade-in and 1 → 0 over the fade-out, so the
///   first and last frames are exactly 0. It drops off more gently than a linear fade at the
///   start of the fade-out, where a linear fade sounds like a sudden dip. If the two fades do not
///   fit in the mix, both are shortened in proportion.
/// - **Guard:** if the summed peak exceeds [`GUARD_PEAK`], the whole mix is scaled down to it (no
///   clipping, no saturation); the gain is reported. Sums are formed in `f64`, so even extreme
///   finite inputs cannot overflow to infinity.
pub fn mix(spec: &MixSpec) -> Result<MixResult, MixError> {
    validate_settings(spec)?;
    let voice = spec.voice.as_ref();
    let bed = spec.bed.as_ref();
    let (sample_rate, channels) = common_format(voice, bed)?;
    let rate = f64::from(sample_rate);

    let voice_offset = seconds_to_frames(spec.voice_offset_seconds, rate);
    let frames = mix_frames(spec, rate, voice_offset)?;

    let voice_track = voice.map(|buffer| PlacedTrack::new(buffer, voice_offset, false));
    let bed_track = bed.map(|buffer| PlacedTrack::new(buffer, 0, spec.bed_loops));
    let ducking = match (spec.ducking, voice) {
        (Some(ducking), Some(voice)) if ducking.depth_db > 0.0 => {
            Some(ducking_curve(voice, voice_offset, frames, rate, &ducking))
        }
        _ => None,
    };
    let fades = Fades::fit(
        seconds_to_frames(spec.fade_in_seconds, rate),
        seconds_to_frames(spec.fade_out_seconds, rate),
        frames,
    );

    let voice_gain = db_to_gain(spec.voice_gain_db);
    let bed_gain = db_to_gain(spec.bed_gain_db);
    let channel_count = usize::from(channels);
    let mixed_sample = |frame: usize, channel: usize| -> f64 {
        let voice_part = voice_track.as_ref().map_or(0.0, |track| track.sample(frame, channel) * voice_gain);
        let bed_part = bed_track.as_ref().map_or(0.0, |track| {
            let duck = ducking.as_ref().map_or(1.0, |curve| f64::from(curve.gains[frame]));
            track.sample(frame, channel) * bed_gain * duck
        });
        (voice_part + bed_part) * fades.gain(frame)
    };

    let mut samples = vec![0.0_f32; frames * channel_count];
    let mut peak = 0.0_f64;
    for (index, sample) in samples.iter_mut().enumerate() {
        let value = mixed_sample(index / channel_count, index % channel_count);
        peak = peak.max(value.abs());
        *sample = value as f32;
    }
    let mut guard_gain = 1.0_f64;
    if peak > f64::from(GUARD_PEAK) {
        // Rare (hot inputs or large gains): render again with the guard gain applied in f64, so a
        // sum that overflowed f32 comes out finite too.
        guard_gain = f64::from(GUARD_PEAK) / peak;
        for (index, sample) in samples.iter_mut().enumerate() {
            *sample = (mixed_sample(index / channel_count, index % channel_count) * guard_gain) as f32;
        }
        peak *= guard_gain;
    }

    let report = MixReport {
        frames,
        seconds: frames as f64 / rate,
        sample_rate,
        channels,
        max_ducking_db: ducking.as_ref().map_or(0.0, |curve| curve.max_ducking_db),
        voice_active_seconds: ducking.as_ref().map_or(0.0, |curve| curve.voice_active_frames as f64 / rate),
        voice_truncated: voice.is_some_and(|voice| voice_offset + voice.frames() > frames),
        bed_plays: bed_track.as_ref().map_or(0, |track| track.plays(frames)),
        fade_in_seconds: fades.fade_in_frames as f64 / rate,
        fade_out_seconds: fades.fade_out_frames as f64 / rate,
        guard_gain: guard_gain as f32,
        peak: peak as f32,
    };
    Ok(MixResult { audio: AudioBuffer { sample_rate, channels, samples }, report })
}

/// Checks every numeric setting's range (NaN fails every check).
fn validate_settings(spec: &MixSpec) -> Result<(), MixError> {
    fn check(setting: &'static str, value: f64, valid: bool, expected: &'static str) -> Result<(), MixError> {
        if valid { Ok(()) } else { Err(MixError::InvalidSetting { setting, value, expected }) }
    }
    let seconds_range = 0.0..=MAX_MIX_SECONDS;
    let gain_range = MIN_GAIN_DB..=MAX_GAIN_DB;
    const SECONDS_EXPECTED: &str = "0 to 3600 seconds";
    const GAIN_EXPECTED: &str = "-120 to +24 dB";

    let offset = spec.voice_offset_seconds;
    check("voice_offset_seconds", offset, seconds_range.contains(&offset), SECONDS_EXPECTED)?;
    match spec.length {
        MixLength::FollowVoice { tail_seconds } => {
            check("tail_seconds", tail_seconds, seconds_range.contains(&tail_seconds), SECONDS_EXPECTED)?;
        }
        MixLength::Seconds(seconds) => {
            let valid = seconds > 0.0 && seconds <= MAX_MIX_SECONDS;
            check("length seconds", seconds, valid, "more than 0 and at most 3600 seconds")?;
        }
        MixLength::FollowBed => {}
    }
    let voice_gain = spec.voice_gain_db;
    check("voice_gain_db", voice_gain.into(), gain_range.contains(&voice_gain), GAIN_EXPECTED)?;
    let bed_gain = spec.bed_gain_db;
    check("bed_gain_db", bed_gain.into(), gain_range.contains(&bed_gain), GAIN_EXPECTED)?;
    let fade_in = spec.fade_in_seconds;
    check("fade_in_seconds", fade_in, seconds_range.contains(&fade_in), SECONDS_EXPECTED)?;
    let fade_out = spec.fade_out_seconds;
    check("fade_out_seconds", fade_out, seconds_range.contains(&fade_out), SECONDS_EXPECTED)?;

    if let Some(ducking) = &spec.ducking {
        let Ducking { depth_db, attack_ms, release_ms, threshold_db } = *ducking;
        let depth_valid = (0.0..=MAX_DUCKING_DEPTH_DB).contains(&depth_db);
        check("depth_db", depth_db.into(), depth_valid, "0 to 60 dB")?;
        let attack_valid = (MIN_DUCKING_RAMP_MS..=MAX_DUCKING_ATTACK_MS).contains(&attack_ms);
        check("attack_ms", attack_ms.into(), attack_valid, "5 to 2000 ms")?;
        let release_valid = (MIN_DUCKING_RAMP_MS..=MAX_DUCKING_RELEASE_MS).contains(&release_ms);
        check("release_ms", release_ms.into(), release_valid, "5 to 5000 ms")?;
        let threshold_valid = (MIN_DUCKING_THRESHOLD_DB..=0.0).contains(&threshold_db);
        check("threshold_db", threshold_db.into(), threshold_valid, "-120 to 0 dBFS")?;
    }
    Ok(())
}

/// Checks each present track and returns the mix's sample rate and channel count.
fn common_format(voice: Option<&AudioBuffer>, bed: Option<&AudioBuffer>) -> Result<(u32, u16), MixError> {
    for (track, buffer) in [(Track::Voice, voice), (Track::Bed, bed)] {
        if let Some(buffer) = buffer {
            check_track(track, buffer)?;
        }
    }
    match (voice, bed) {
        (None, None) => Err(MixError::NothingToMix),
        (Some(only), None) | (None, Some(only)) => Ok((only.sample_rate, only.channels)),
        (Some(voice), Some(bed)) => {
            if voice.sample_rate != bed.sample_rate {
                return Err(MixError::SampleRateMismatch { voice: voice.sample_rate, bed: bed.sample_rate });
            }
            let layouts_fit = voice.channels == bed.channels || voice.channels == 1 || bed.channels == 1;
            if !layouts_fit {
                return Err(MixError::ChannelMismatch { voice: voice.channels, bed: bed.channels });
            }
            Ok((voice.sample_rate, voice.channels.max(bed.channels)))
        }
    }
}

/// A track is well formed and finite.
fn check_track(track: Track, buffer: &AudioBuffer) -> Result<(), MixError> {
    let malformed = buffer.sample_rate == 0
        || buffer.channels == 0
        || !buffer.samples.len().is_multiple_of(usize::from(buffer.channels));
    if malformed {
        return Err(MixError::MalformedTrack {
            track,
            sample_rate: buffer.sample_rate,
            channels: buffer.channels,
            samples: buffer.samples.len(),
        });
    }
    if buffer.samples.iter().any(|sample| !sample.is_finite()) {
        return Err(MixError::NonFiniteTrack(track));
    }
    Ok(())
}

/// The mix's length in frames, by the length rule.
fn mix_frames(spec: &MixSpec, rate: f64, voice_offset: usize) -> Result<usize, MixError> {
    let frames = match spec.length {
        MixLength::FollowVoice { tail_seconds } => {
            let voice = spec.voice.as_ref().ok_or(MixError::LengthNeedsTrack(Track::Voice))?;
            voice_offset + voice.frames() + seconds_to_frames(tail_seconds, rate)
        }
        MixLength::Seconds(seconds) => seconds_to_frames(seconds, rate),
        MixLength::FollowBed => spec.bed.as_ref().ok_or(MixError::LengthNeedsTrack(Track::Bed))?.frames(),
    };
    let seconds = frames as f64 / rate;
    if seconds > MAX_MIX_SECONDS {
        return Err(MixError::TooLong { seconds });
    }
    if frames == 0 {
        return Err(MixError::EmptyMix);
    }
    Ok(frames)
}

/// Seconds to the nearest whole frame (callers pass validated, non-negative seconds).
fn seconds_to_frames(seconds: f64, rate: f64) -> usize {
    (seconds * rate).round() as usize
}

/// Decibels to a linear amplitude factor.
fn db_to_gain(decibels: f32) -> f64 {
    10.0_f64.powf(f64::from(decibels) / 20.0)
}

/// A track placed on the mix's timeline.
struct PlacedTrack<'a> {
    buffer: &'a AudioBuffer,
    /// Mix frame where the track's first frame plays.
    start: usize,
    /// Repeat back to back after the end.
    loops: bool,
}

impl<'a> PlacedTrack<'a> {
    fn new(buffer: &'a AudioBuffer, start: usize, loops: bool) -> Self {
        Self { buffer, start, loops }
    }

    /// The track's sample at mix frame `frame` for output channel `channel` (0 where the track
    /// is silent). A mono track feeds every output channel.
    fn sample(&self, frame: usize, channel: usize) -> f64 {
        let track_frames = self.buffer.frames();
        let Some(local) = frame.checked_sub(self.start) else { return 0.0 };
        if track_frames == 0 {
            return 0.0;
        }
        let local = if self.loops { local % track_frames } else { local };
        if local >= track_frames {
            return 0.0;
        }
        let channels = usize::from(self.buffer.channels);
        let source_channel = if channels == 1 { 0 } else { channel };
        f64::from(self.buffer.samples[local * channels + source_channel])
    }

    /// How many times the track starts within a mix of `mix_frames` frames.
    fn plays(&self, mix_frames: usize) -> usize {
        let track_frames = self.buffer.frames();
        let audible_frames = mix_frames.saturating_sub(self.start);
        if track_frames == 0 || audible_frames == 0 {
            0
        } else if self.loops {
            audible_frames.div_ceil(track_frames)
        } else {
            1
        }
    }
}

/// The bed's ducking gain for every mix frame.
struct DuckingCurve {
    /// Linear gain per mix frame, `10^(-depth/20)..=1`.
    gains: Vec<f32>,
    /// Deepest reduction reached, in dB (positive).
    max_ducking_db: f32,
    /// Mix frames where the detector heard the voice.
    voice_active_frames: usize,
}

/// Runs the side-chain detector on the voice (placed at `voice_offset`) and turns its verdicts
/// into a slew-limited gain curve for the bed. See [`mix`] for the rules.
fn ducking_curve(
    voice: &AudioBuffer,
    voice_offset: usize,
    frames: usize,
    rate: f64,
    ducking: &Ducking,
) -> DuckingCurve {
    let attack_frames = ((f64::from(ducking.attack_ms) * rate / 1000.0).round() as usize).max(1);
    let release_frames = ((f64::from(ducking.release_ms) * rate / 1000.0).round() as usize).max(1);
    let look_ahead = attack_frames;

    // Speaking or not, for every frame the look-ahead can reach.
    let active = voice_activity(voice, voice_offset, frames + look_ahead, rate, ducking.threshold_db);
    let voice_active_frames = active[..frames].iter().filter(|&&is_active| is_active).count();

    // Backwards, so each frame knows whether speech is at most `look_ahead` frames away.
    let mut wants_duck = vec![false; frames];
    let mut next_active: Option<usize> = None;
    for frame in (0..active.len()).rev() {
        if active[frame] {
            next_active = Some(frame);
        }
        if frame < frames {
            wants_duck[frame] = next_active.is_some_and(|next| next - frame <= look_ahead);
        }
    }

    let depth = f64::from(ducking.depth_db);
    let down_step = depth / attack_frames as f64;
    let up_step = depth / release_frames as f64;
    let target_of = |wants: bool| if wants { -depth } else { 0.0 };
    // Nothing plays before the mix, so it may start already at its target.
    let mut level_db = wants_duck.first().map_or(0.0, |&wants| target_of(wants));
    let mut lowest_db = 0.0_f64;
    let gains = wants_duck
        .iter()
        .map(|&wants| {
            let target = target_of(wants);
            level_db =
                if level_db > target { (level_db - down_step).max(target) } else { (level_db + up_step).min(target) };
            lowest_db = lowest_db.min(level_db);
            10.0_f64.powf(level_db / 20.0) as f32
        })
        .collect();
    DuckingCurve { gains, max_ducking_db: (-lowest_db) as f32, voice_active_frames }
}

/// Whether the voice's RMS over a centered [`DETECTOR_WINDOW_MS`] window is at or above
/// `threshold_db` (dBFS), for mix frames `0..span`.
fn voice_activity(voice: &AudioBuffer, voice_offset: usize, span: usize, rate: f64, threshold_db: f32) -> Vec<bool> {
    let window = ((DETECTOR_WINDOW_MS * rate / 1000.0).round() as usize).max(1);
    let half_window = window / 2;
    let channels = usize::from(voice.channels);
    let voice_frames = voice.frames();
    // Mean square over channels of the voice at mix frame `frame` (0 outside the voice).
    let power_at = |frame: usize| -> f64 {
        match frame.checked_sub(voice_offset) {
            Some(local) if local < voice_frames => {
                let samples = &voice.samples[local * channels..(local + 1) * channels];
                samples.iter().map(|&sample| f64::from(sample) * f64::from(sample)).sum::<f64>() / channels as f64
            }
            _ => 0.0,
        }
    };
    // Comparing sums avoids a division and a logarithm per frame.
    let threshold_sum = 10.0_f64.powf(f64::from(threshold_db) / 10.0) * window as f64;

    // Window for frame f covers [f - half_window, f - half_window + window); frames before the
    // timeline's start count as silence.
    let mut window_sum: f64 = (0..window - half_window).map(power_at).sum();
    let mut active = Vec::with_capacity(span);
    for frame in 0..span {
        // Guards against a tiny negative left by rounding when loud frames leave the window.
        active.push(window_sum.max(0.0) >= threshold_sum);
        let entering = frame + window - half_window;
        window_sum += power_at(entering);
        if let Some(leaving) = frame.checked_sub(half_window) {
            window_sum -= power_at(leaving);
        }
    }
    active
}

/// Fade-in and fade-out lengths that fit the mix.
struct Fades {
    fade_in_frames: usize,
    fade_out_frames: usize,
    frames: usize,
}

impl Fades {
    /// Shortens both fades in proportion when together they are longer than the mix.
    fn fit(fade_in_frames: usize, fade_out_frames: usize, frames: usize) -> Self {
        let total = fade_in_frames + fade_out_frames;
        if total <= frames {
            return Self { fade_in_frames, fade_out_frames, frames };
        }
        let scale = frames as f64 / total as f64;
        Self {
            fade_in_frames: (fade_in_frames as f64 * scale).floor() as usize,
            fade_out_frames: (fade_out_frames as f64 * scale).floor() as usize,
            frames,
        }
    }

    /// Equal-power fade gain at mix frame `frame`: exactly 0 on the first and last frames.
    fn gain(&self, frame: usize) -> f64 {
        let mut gain = 1.0;
        if frame < self.fade_in_frames {
            gain *= (FRAC_PI_2 * frame as f64 / self.fade_in_frames as f64).sin();
        }
        let frames_to_end = self.frames - 1 - frame;
        if frames_to_end < self.fade_out_frames {
            gain *= (FRAC_PI_2 * frames_to_end as f64 / self.fade_out_frames as f64).sin();
        }
        gain
    }
}
