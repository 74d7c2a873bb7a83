//! Loudness measurement (EBU R128 / ITU-R BS.1770) and normalisation to a platform target.
//!
//! # Measuring
//!
//! [`measure`] runs the `ebur128` crate (a port of libebur128, the meter ffmpeg and most
//! editors use) over the whole sound: integrated loudness, loudness range, sample peak and true
//! peak (4x oversampled below 96 kHz). Silence has no integrated loudness (every 400 ms block
//! falls under the -70 LUFS gate): that is [`LoudnessError::Silent`], never `-inf` in a number.
//!
//! # Normalising
//!
//! [`normalize`] applies the gain that brings the integrated loudness to the target. When that
//! gain would push the true peak over the ceiling, a true-peak limiter lowers the peaks:
//!
//! - **Detection on the oversampled signal.** The peak of every 16-frame block is read from
//!   ebur128's own true-peak meter, the same interpolator the final check uses, so the limiter
//!   sees the inter-sample peaks the check will see. (Its filter lags the input by a few frames,
//!   so each block also takes the next block's peak.)
//! - **Look-ahead with a smooth attack.** The gain a frame needs is the minimum over the next
//!   5 ms, averaged over the 5 ms before it: the gain ramps down linearly over 5 ms *before* a
//!   peak and is at or under what the peak needs when it arrives. No click, no overshoot.
//! - **Two-speed release**: the reduction lets go within about 10 ms after a lone click, so a
//!   drum's body right after its transient keeps its level, but builds a slow component (100 ms
//!   to charge, 150 ms to let go) while limiting is sustained, so a loud passage is held
//!   smoothly instead of fluttering with every cycle.
//! - The stereo channels share one gain (linked), so the image does not shift.
//!
//! Limiting lowers the loudness a little, so the gain and the limiter's threshold are refined
//! over a few passes, each checked by measuring the result again, until it is within 0.05 LU of
//! the target with the true peak at or under the ceiling. The result is guaranteed within
//! [`NORMALIZE_TOLERANCE_LU`] of the target and under the ceiling, or the sound is left
//! unchanged and the error says what was reached.

use ebur128::{EbuR128, Mode};
use postcraft_core::ErrorCode;

use super::AudioBuffer;

/// Integrated loudness the studio's exports aim at: what the major social platforms normalise
/// to, so a post is neither turned down (wasted headroom) nor turned up (added noise).
pub const PLATFORM_TARGET_LUFS: f64 = -14.0;

/// True-peak ceiling of the studio's exports: 1 dB of headroom for the platforms' lossy
/// re-encoding, whose own reconstruction overshoots the original peaks.
pub const PLATFORM_MAX_TRUE_PEAK_DBTP: f64 = -1.0;

/// How far from the target a normalised sound may end up, in LU. [`normalize`] aims for 0.05;
/// this is what it guarantees.
pub const NORMALIZE_TOLERANCE_LU: f64 = 0.5;

/// The loudness of a sound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// Integrated (programme) loudness, in LUFS, gated as EBU R128 prescribes.
    pub integrated_lufs: f64,
    /// Highest true (inter-sample) peak over all channels, in dBTP.
    pub true_peak_dbtp: f64,
    /// Highest sample value over all channels, in dBFS.
    pub sample_peak_dbfs: f64,
    /// Loudness range (EBU Tech 3342), in LU: how much the loudness varies. 0 for sounds too
    /// short to have one (under about 3 seconds).
    pub loudness_range_lu: f64,
}

/// What [`normalize`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalizeReport {
    /// Gain applied to the whole sound, in dB (before the limiter).
    pub gain_db: f64,
    /// The most the limiter lowered any moment, in dB (0 when it did not act).
    pub limiter_max_reduction_db: f64,
    /// Loudness of the sound as given.
    pub before: Loudness,
    /// Loudness of the result, measured on the result.
    pub after: Loudness,
}

/// Why a sound's loudness could not be measured or normalised.
#[derive(Debug, thiserror::Error)]
pub enum LoudnessError {
    /// Shorter than one 400 ms gating block: EBU R128 defines no loudness for it.
    #[error("the sound is too short to measure its loudness ({seconds:.3} s; at least 0.4 s is needed)")]
    TooShort {
        /// Its length.
        seconds: f64,
    },
    /// Silent, or so quiet that every block is under the -70 LUFS gate: there is no loudness to
    /// measure or to bring to a target.
    #[error("the sound is silent (below -70 LUFS throughout): there is no loudness to measure or normalize")]
    Silent,
    /// The samples include NaN or infinity (a bug upstream, or a broken effect).
    #[error("the sound contains invalid samples (NaN or infinite)")]
    NonFiniteSamples,
    /// A sample rate or channel count the meter does not take (0 channels, over 64, a rate
    /// under 16 Hz).
    #[error("cannot measure loudness of {channels}-channel sound at {sample_rate} Hz")]
    UnsupportedFormat {
        /// Frames per second.
        sample_rate: u32,
        /// Channels.
        channels: u16,
    },
    /// The target or the ceiling is not a finite number.
    #[error("invalid loudness target: {0}")]
    InvalidTarget(String),
    /// No gain and limiting reached the target under the ceiling (a target far louder than the
    /// ceiling allows). The sound was left unchanged.
    #[error(
        "could not reach {target_lufs:.1} LUFS with true peaks at or under {max_true_peak_dbtp:.1} dBTP (closest: {reached_lufs:.1} LUFS); lower the target or raise the ceiling"
    )]
    TargetUnreachable {
        /// The target asked for.
        target_lufs: f64,
        /// The ceiling asked for.
        max_true_peak_dbtp: f64,
        /// The loudness of the closest attempt under the ceiling (of any attempt when none was).
        reached_lufs: f64,
    },
}

impl LoudnessError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooShort { .. } | Self::Silent | Self::UnsupportedFormat { .. } => ErrorCode::MediaInvalid,
            Self::InvalidTarget(_) | Self::TargetUnreachable { .. } => ErrorCode::InvalidRequest,
            Self::NonFiniteSamples => ErrorCode::Internal,
        }
    }
}

/// Measures the loudness of the whole sound.
pub fn measure(audio: &AudioBuffer) -> Result<Loudness, LoudnessError> {
    if audio.samples.iter().any(|s| !s.is_finite()) {
        return Err(LoudnessError::NonFiniteSamples);
    }
    // ebur128 produces its first gating block after 4 x round(rate / 10) frames.
    let first_block_frames = 4 * ((audio.sample_rate as usize + 5) / 10);
    if audio.frames() < first_block_frames || audio.frames() == 0 {
        return Err(LoudnessError::TooShort { seconds: audio.duration_seconds() });
    }
    let meter = run_meter(audio, Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK)?;
    // The meter's errors here can only be a mode or channel it was not created with: a bug.
    let integrated_lufs = meter.loudness_global().unwrap_or(f64::NEG_INFINITY);
    if !integrated_lufs.is_finite() {
        return Err(LoudnessError::Silent);
    }
    let mut true_peak: f64 = 0.0;
    let mut sample_peak: f64 = 0.0;
    for channel in 0..u32::from(audio.channels) {
        true_peak = true_peak.max(meter.true_peak(channel).unwrap_or(0.0));
        sample_peak = sample_peak.max(meter.sample_peak(channel).unwrap_or(0.0));
    }
    Ok(Loudness {
        integrated_lufs,
        true_peak_dbtp: amplitude_to_db(true_peak),
        sample_peak_dbfs: amplitude_to_db(sample_peak),
        loudness_range_lu: meter.loudness_range().unwrap_or(0.0),
    })
}

fn run_meter(audio: &AudioBuffer, mode: Mode) -> Result<EbuR128, LoudnessError> {
    let unsupported = || LoudnessError::UnsupportedFormat { sample_rate: audio.sample_rate, channels: audio.channels };
    let mut meter = EbuR128::new(u32::from(audio.channels), audio.sample_rate, mode).map_err(|_| unsupported())?;
    let whole_frames = audio.frames() * usize::from(audio.channels);
    meter.add_frames_f32(&audio.samples[..whole_frames]).map_err(|_| unsupported())?;
    Ok(meter)
}

/// Brings `audio` to `target_lufs` integrated loudness with true peaks at or under
/// `max_true_peak_dbtp`, limiting the peaks when the gain alone would exceed the ceiling (see
/// the module documentation). The platform values are [`PLATFORM_TARGET_LUFS`] and
/// [`PLATFORM_MAX_TRUE_PEAK_DBTP`].
///
/// On success the result is within [`NORMALIZE_TOLERANCE_LU`] of the target and its true peak,
/// measured again, is at or under the ceiling. On error `audio` is unchanged. A ceiling above
/// 0 dBTP lets samples exceed `[-1, 1]`; a 16-bit export then clips them.
///
/// Material whose peaks stand far above its loudness (peak-to-loudness ratio well over
/// `ceiling - target`, 13 dB for the platform values) can only reach the target with heavy
/// limiting: [`NormalizeReport::limiter_max_reduction_db`] says how heavy.
pub fn normalize(
    audio: &mut AudioBuffer,
    target_lufs: f64,
    max_true_peak_dbtp: f64,
) -> Result<NormalizeReport, LoudnessError> {
    if !target_lufs.is_finite() {
        return Err(LoudnessError::InvalidTarget(format!("target loudness {target_lufs} LUFS")));
    }
    if !max_true_peak_dbtp.is_finite() {
        return Err(LoudnessError::InvalidTarget(format!("true-peak ceiling {max_true_peak_dbtp} dBTP")));
    }
    let before = measure(audio)?;
    let original_true_peak = db_to_amplitude(before.true_peak_dbtp);

    let mut gain_db = target_lufs - before.integrated_lufs;
    // Aim a little under the ceiling: the gain's own movement adds a hair of peak.
    let mut threshold_db = max_true_peak_dbtp - LIMITER_HEADROOM_DB;
    let mut envelope: Option<Vec<f32>> = None;
    // Only the settings of the best pass are kept, not its samples: rendering is deterministic,
    // and a second copy of a ten-minute soundtrack is 230 MB.
    let mut best: Option<Pass> = None;
    let mut latest: Option<(Pass, Vec<f32>)> = None;
    let mut previous: Option<(f64, f64)> = None;
    let mut closest_lufs = f64::NEG_INFINITY;

    for _ in 0..MAX_PASSES {
        if envelope.is_none() && original_true_peak * db_to_amplitude(gain_db) > db_to_amplitude(threshold_db) {
            envelope = Some(true_peak_envelope(audio)?);
        }
        let (samples, reduction_db) = render(audio, envelope.as_deref(), gain_db, threshold_db);
        let candidate = AudioBuffer { sample_rate: audio.sample_rate, channels: audio.channels, samples };
        let after = measure(&candidate)?;
        let error_lu = after.integrated_lufs - target_lufs;
        let under_ceiling = after.true_peak_dbtp <= max_true_peak_dbtp;
        if error_lu.abs() < (closest_lufs - target_lufs).abs() {
            closest_lufs = after.integrated_lufs;
        }
        let pass = Pass { gain_db, threshold_db, reduction_db, after, error_lu };
        if under_ceiling && best.is_none_or(|b| error_lu.abs() < b.error_lu.abs()) {
            best = Some(pass);
        }
        latest = Some((pass, candidate.samples));
        if under_ceiling && error_lu.abs() <= AIM_LU {
            break;
        }
        if !under_ceiling {
            threshold_db -= after.true_peak_dbtp - max_true_peak_dbtp + LIMITER_HEADROOM_DB;
        }
        // Loudness rises with the gain, but by less than the gain once the limiter acts: step
        // by the slope seen between passes (a secant step), one-for-one at first.
        let slope = match previous {
            Some((previous_gain, previous_loudness)) if (gain_db - previous_gain).abs() > 1e-6 => {
                ((after.integrated_lufs - previous_loudness) / (gain_db - previous_gain)).clamp(MIN_SLOPE, 1.0)
            }
            _ => 1.0,
        };
        previous = Some((gain_db, after.integrated_lufs));
        gain_db += (-error_lu / slope).clamp(-MAX_STEP_DB, MAX_STEP_DB);
    }

    match best {
        Some(best) if best.error_lu.abs() <= NORMALIZE_TOLERANCE_LU => {
            audio.samples = match latest {
                Some((pass, samples)) if pass == best => samples,
                _ => render(audio, envelope.as_deref(), best.gain_db, best.threshold_db).0,
            };
            Ok(NormalizeReport {
                gain_db: best.gain_db,
                limiter_max_reduction_db: best.reduction_db,
                before,
                after: best.after,
            })
        }
        _ => Err(LoudnessError::TargetUnreachable {
            target_lufs,
            max_true_peak_dbtp,
            reached_lufs: best.map_or(closest_lufs, |b| b.after.integrated_lufs),
        }),
    }
}

/// The settings and outcome of one normalisation pass.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pass {
    gain_db: f64,
    threshold_db: f64,
    reduction_db: f64,
    after: Loudness,
    error_lu: f64,
}

/// `audio` times the gain, limited to the threshold where its true peak (from `envelope`,
/// computed whenever limiting can be needed) would exceed it. Returns the samples and the
/// limiter's largest reduction in dB.
fn render(audio: &AudioBuffer, envelope: Option<&[f32]>, gain_db: f64, threshold_db: f64) -> (Vec<f32>, f64) {
    let gain = db_to_amplitude(gain_db) as f32;
    let mut samples: Vec<f32> = audio.samples.iter().map(|s| s * gain).collect();
    let reduction_db = match envelope {
        Some(envelope) => {
            limit(&mut samples, audio.channels, audio.sample_rate, envelope, gain, db_to_amplitude(threshold_db) as f32)
        }
        None => 0.0,
    };
    (samples, reduction_db)
}

/// Passes of gain and limiting tried before giving up. Gain alone needs one; typical limiting
/// two to four.
const MAX_PASSES: usize = 12;
/// How close to the target a pass must land to stop refining, in LU.
const AIM_LU: f64 = 0.05;
/// How far under the ceiling the limiter aims, in dB.
const LIMITER_HEADROOM_DB: f64 = 0.05;
/// The flattest loudness-per-gain slope assumed (heavy limiting), bounding the secant step.
const MIN_SLOPE: f64 = 0.05;
/// The largest gain change between passes, in dB.
const MAX_STEP_DB: f64 = 24.0;

/// Frames per true-peak reading: short enough to place each peak within a third of a
/// millisecond at 48 kHz, long enough that the meter's per-call overhead is negligible.
const PEAK_BLOCK_FRAMES: usize = 16;
/// How long before a peak the limiter starts lowering the gain, in seconds.
const LOOK_AHEAD_SECONDS: f64 = 0.005;
/// Time constant of the recovery after a brief peak, in seconds.
const FAST_RELEASE_SECONDS: f64 = 0.01;
/// Time constant with which sustained limiting builds the slow release, in seconds.
const SLOW_ATTACK_SECONDS: f64 = 0.1;
/// Time constant of the recovery after sustained limiting, in seconds.
const SLOW_RELEASE_SECONDS: f64 = 0.15;
/// A reduction too small to matter (a 24-bit step is 1e-6 of full scale, -120 dB; this is a
/// gain within 1e-7 of one).
const NEGLIGIBLE_DB: f64 = 1e-6;

/// The true peak (over all channels, linear) around every frame of `audio`, read block by block
/// from ebur128's true-peak meter.
fn true_peak_envelope(audio: &AudioBuffer) -> Result<Vec<f32>, LoudnessError> {
    let unsupported = || LoudnessError::UnsupportedFormat { sample_rate: audio.sample_rate, channels: audio.channels };
    let channels = usize::from(audio.channels);
    let frames = audio.frames();
    let mut meter =
        EbuR128::new(u32::from(audio.channels), audio.sample_rate, Mode::TRUE_PEAK).map_err(|_| unsupported())?;
    let mut block_peaks = Vec::with_capacity(frames.div_ceil(PEAK_BLOCK_FRAMES));
    for block in audio.samples[..frames * channels].chunks(PEAK_BLOCK_FRAMES * channels) {
        meter.add_frames_f32(block).map_err(|_| unsupported())?;
        let peak = (0..u32::from(audio.channels))
            .map(|channel| meter.prev_true_peak(channel).unwrap_or(0.0))
            .fold(0.0_f64, f64::max);
        block_peaks.push(peak as f32);
    }
    let mut envelope = Vec::with_capacity(frames);
    for (index, &peak) in block_peaks.iter().enumerate() {
        // The interpolator reports a peak a few frames after the input frame that causes it,
        // possibly in the next block.
        let next = block_peaks.get(index + 1).copied().unwrap_or(0.0);
        let block_frames = PEAK_BLOCK_FRAMES.min(frames - index * PEAK_BLOCK_FRAMES);
        envelope.extend(std::iter::repeat_n(peak.max(next), block_frames));
    }
    Ok(envelope)
}

/// Limits `samples` (already multiplied by `gain`) so that every frame's true peak, estimated as
/// `envelope * gain` times the limiter's gain there, is at most `threshold`. Returns the largest
/// reduction, in dB.
fn limit(samples: &mut [f32], channels: u16, sample_rate: u32, envelope: &[f32], gain: f32, threshold: f32) -> f64 {
    let channels = usize::from(channels);
    let frames = envelope.len();
    if frames == 0 {
        return 0.0;
    }
    let look_ahead = ((LOOK_AHEAD_SECONDS * f64::from(sample_rate)).round() as usize).max(1);
    let needed: Vec<f32> = envelope
        .iter()
        .map(|&peak| {
            let peak = peak * gain;
            if peak > threshold { threshold / peak } else { 1.0 }
        })
        .collect();
    let held = sliding_minimum_ahead(&needed, look_ahead);

    // Averaging the held gain over the look-ahead makes the attack a linear ramp. At a peak at
    // frame p, every frame averaged (p - look_ahead + 1 ..= p) holds p's need, so the average
    // there is at most p's need: the peak is always fully caught.
    //
    // The release works on the reduction in dB with two followers, and the larger one wins:
    // a fast one that lets go within milliseconds after a lone click, and a slow one that only
    // charges while the reduction is sustained (a loud passage), then lets go smoothly. A click
    // thus costs the sound after it almost nothing, and a dense passage does not flutter.
    let per_frame = |seconds: f64| (-1.0 / (seconds * f64::from(sample_rate))).exp();
    let fast_keep = per_frame(FAST_RELEASE_SECONDS);
    let slow_charge = 1.0 - per_frame(SLOW_ATTACK_SECONDS);
    let slow_keep = per_frame(SLOW_RELEASE_SECONDS);
    let mut window_sum: f64 = f64::from(held[0]) * look_ahead as f64;
    let (mut fast_db, mut slow_db, mut largest_db): (f64, f64, f64) = (0.0, 0.0, 0.0);
    for frame in 0..frames {
        // Frames before the start count as the first frame's hold, so an early peak is caught.
        let leaving = if frame >= look_ahead { held[frame - look_ahead] } else { held[0] };
        window_sum += f64::from(held[frame]) - f64::from(leaving);
        let attack_gain = window_sum / look_ahead as f64;
        // Most of a sound is never limited: skip the dB arithmetic until something is.
        if attack_gain >= 1.0 && fast_db < NEGLIGIBLE_DB && slow_db < NEGLIGIBLE_DB {
            (fast_db, slow_db) = (0.0, 0.0);
            continue;
        }
        let needed_db = -amplitude_to_db(attack_gain).min(0.0);
        fast_db = needed_db.max(fast_db * fast_keep);
        slow_db = if needed_db > slow_db { slow_db + (needed_db - slow_db) * slow_charge } else { slow_db * slow_keep };
        let reduction_db = fast_db.max(slow_db);
        largest_db = largest_db.max(reduction_db);
        let factor = db_to_amplitude(-reduction_db) as f32;
        for sample in &mut samples[frame * channels..(frame + 1) * channels] {
            *sample *= factor;
        }
    }
    largest_db
}

/// `result[i] = min(values[i .. i + window])` (the window shortened at the end), in one pass
/// with a monotonic queue of candidate minima.
fn sliding_minimum_ahead(values: &[f32], window: usize) -> Vec<f32> {
    let mut result = vec![0.0; values.len()];
    let mut candidates: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    for end in 0..values.len() + window - 1 {
        if let Some(&value) = values.get(end) {
            while candidates.back().is_some_and(|&last| values[last] >= value) {
                candidates.pop_back();
            }
            candidates.push_back(end);
        }
        let Some(start) = (end + 1).checked_sub(window) else { continue };
        if start >= values.len() {
            break;
        }
        while candidates.front().is_some_and(|&first| first < start) {
            candidates.pop_front();
        }
        if let Some(&first) = candidates.front() {
            result[start] = values[first];
        }
    }
    result
}

fn amplitude_to_db(amplitude: f64) -> f64 {
    20.0 * amplitude.log10()
}

fn db_to_amplitude(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_minimum_looks_ahead() {
        let values = [5.0, 3.0, 4.0, 1.0, 6.0, 7.0];
        assert_eq!(sliding_minimum_ahead(&values, 3), vec![3.0, 1.0, 1.0, 1.0, 6.0, 7.0]);
        assert_eq!(sliding_minimum_ahead(&values, 1), values.to_vec());
    }

    #[test]
    fn limiter_catches_a_lone_peak_with_a_ramp() {
        let frames = 2000;
        let mut envelope = vec![0.1_f32; frames];
        envelope[1000] = 2.0;
        let mut samples = vec![1.0_f32; frames];
        let reduction = limit(&mut samples, 1, 48000, &envelope, 1.0, 1.0);
        assert!((reduction - amplitude_to_db(2.0)).abs() < 1e-3, "{reduction}");
        assert!(samples[1000] <= 0.5 + 1e-6, "gain at the peak {}", samples[1000]);
        assert_eq!(samples[0], 1.0, "far before the peak nothing changes");
        // The ramp starts within the 5 ms (240 frames) look-ahead and never jumps.
        assert_eq!(samples[1000 - 240], 1.0);
        assert!(samples[1000 - 120] < 1.0 && samples[1000 - 120] > 0.5);
        let largest_step = samples.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        assert!(largest_step < 0.01, "gain jumps by {largest_step}");
    }
}
