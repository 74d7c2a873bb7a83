//! A step sequencer for music beds: turns one-shot drum hits into a seamless drum loop.
//!
//! Time is 4/4 with 16 steps per bar (sixteenth notes). A [`Pattern`] has one [`Lane`] per
//! drum kind; each lane holds a velocity per step. [`render_loop`] places every hit at its exact
//! sample position for the tempo, sums them, wraps tails that run past the end back to the start
//! (so the loop repeats without a gap or a click), and leaves headroom for the loudness stage.
//!
//! The hits must already share one sample rate and channel count (the drum generator makes mono
//! 22,050 Hz hits); this module does not resample, it refuses mixed formats instead.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::AudioBuffer;

/// Names of the preset patterns [`Pattern::preset`] knows, in the order a picker shows them.
pub const PRESETS: &[&str] = &["four-on-the-floor", "backbeat", "hip-hop", "half-time", "breakbeat"];

/// Steps in one 4/4 bar: sixteenth notes.
pub const STEPS_PER_BAR: u32 = 16;
/// The most lanes a pattern may have (seven drum kinds, with room for doubled kinds).
pub const MAX_LANES: usize = 16;
/// The most bars one lane may span before it repeats.
pub const MAX_PATTERN_BARS: usize = 16;
/// Slowest tempo [`render_loop`] accepts, in beats per minute.
pub const MIN_BPM: f64 = 40.0;
/// Fastest tempo [`render_loop`] accepts, in beats per minute.
pub const MAX_BPM: f64 = 240.0;
/// Longest loop [`render_loop`] renders, in bars.
pub const MAX_BARS: u32 = 64;
/// Most swing [`render_loop`] accepts (see [`render_loop`] for what the number means).
pub const MAX_SWING: f32 = 0.6;
/// Peak level the rendered loop is scaled down to when the summed hits go above it.
pub const HEADROOM_PEAK: f32 = 0.9;

/// Why a pattern is invalid or a loop could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SequencerError {
    /// Only sixteenth-note grids are supported.
    #[error("a pattern has {steps_per_bar} steps per bar; only {STEPS_PER_BAR} (sixteenth notes) is supported")]
    UnsupportedStepsPerBar {
        /// What the pattern asked for.
        steps_per_bar: u32,
    },
    /// More lanes than [`MAX_LANES`].
    #[error("a pattern has {lanes} lanes; at most {MAX_LANES} are allowed")]
    TooManyLanes {
        /// Lanes in the pattern.
        lanes: usize,
    },
    /// A lane's step count is not a whole number of bars between 1 and [`MAX_PATTERN_BARS`].
    #[error(
        "the {kind:?} lane has {steps} steps; it needs a whole number of bars \
         ({steps_per_bar} steps each, 1 to {MAX_PATTERN_BARS} bars)"
    )]
    LaneLength {
        /// The lane's drum kind.
        kind: String,
        /// Steps in the lane.
        steps: usize,
        /// Steps per bar of the pattern.
        steps_per_bar: u32,
    },
    /// A velocity outside `0..=1` (or NaN).
    #[error("the {kind:?} lane has velocity {velocity} at step {step}; velocities go from 0 (off) to 1")]
    Velocity {
        /// The lane's drum kind.
        kind: String,
        /// Zero-based step index in the lane.
        step: usize,
        /// The offending value.
        velocity: f32,
    },
    /// Tempo outside [`MIN_BPM`]`..=`[`MAX_BPM`].
    #[error("tempo {0} bpm is outside {MIN_BPM}..={MAX_BPM}")]
    Bpm(f64),
    /// Loop length outside `1..=`[`MAX_BARS`].
    #[error("{0} bars is outside 1..={MAX_BARS}")]
    Bars(u32),
    /// Swing outside `0..=`[`MAX_SWING`].
    #[error("swing {0} is outside 0..={MAX_SWING}")]
    Swing(f32),
    /// No hits at all, so there is no sample rate to render at.
    #[error("no drum hits were given")]
    NoHits,
    /// A lane plays a drum kind that has no hit.
    #[error("the pattern plays {kind:?} but no {kind:?} hit was given")]
    MissingHit {
        /// The lane's drum kind.
        kind: String,
    },
    /// A hit with a zero sample rate, zero channels or a partial last frame.
    #[error("the {kind:?} hit is malformed (sample rate {sample_rate}, {channels} channels, {samples} samples)")]
    MalformedHit {
        /// The hit's drum kind.
        kind: String,
        /// Its sample rate.
        sample_rate: u32,
        /// Its channel count.
        channels: u16,
        /// Its sample count.
        samples: usize,
    },
    /// Hits with different sample rates or channel counts.
    #[error(
        "the {kind:?} hit is {sample_rate} Hz with {channels} channels but the {reference_kind:?} hit is \
         {reference_sample_rate} Hz with {reference_channels} channels; resample them to one format first"
    )]
    HitFormatMismatch {
        /// The hit that differs.
        kind: String,
        /// Its sample rate.
        sample_rate: u32,
        /// Its channel count.
        channels: u16,
        /// The hit the others are compared with (the first kind in alphabetical order).
        reference_kind: String,
        /// That hit's sample rate.
        reference_sample_rate: u32,
        /// That hit's channel count.
        reference_channels: u16,
    },
    /// A hit holds NaN or infinity.
    #[error("the {kind:?} hit contains NaN or infinite samples")]
    NonFiniteHit {
        /// The hit's drum kind.
        kind: String,
    },
}

/// One drum kind's row of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lane {
    /// Which hit this lane plays: a key of the hits map (`"kick"`, `"snare"`, `"hat"`, ...).
    pub kind: String,
    /// Velocity per step, `0..=1`; `0` is off. Linear amplitude: 0.5 plays the hit at half level.
    /// The length is a whole number of bars; a lane shorter than the loop repeats.
    pub steps: Vec<f32>,
}

/// A drum pattern: lanes of steps on a 4/4 sixteenth-note grid.
///
/// Lanes may differ in length (a one-bar hat under a two-bar kick); each repeats on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pattern {
    /// Steps per bar; must be [`STEPS_PER_BAR`] (16). Kept in the data so saved patterns say what
    /// grid they were written for.
    pub steps_per_bar: u32,
    /// One row per drum kind, at most [`MAX_LANES`].
    pub lanes: Vec<Lane>,
}

/// A rendered loop and the gain the headroom stage applied to it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedLoop {
    /// The loop: the hits' sample rate and channel count, exactly the length [`render_loop`]
    /// documents.
    pub audio: AudioBuffer,
    /// Linear gain applied so peaks stay at or below [`HEADROOM_PEAK`]; `1.0` when the summed
    /// hits already did (quiet loops are never boosted).
    pub headroom_gain: f32,
    /// Peak absolute sample of the summed hits before that gain.
    pub peak_before_gain: f32,
}

impl Pattern {
    /// A preset pattern by name (one of [`PRESETS`]), or `None` for an unknown name.
    ///
    /// Presets use the kinds `kick`, `snare`, `hat` and `clap`.
    pub fn preset(name: &str) -> Option<Pattern> {
        // Steps are written as strings, one character per sixteenth, so the grooves read like a
        // drum-machine screen: 'X' accent (1.0), 'x' normal (0.7), 'o' ghost (0.35), '.' off.
        let lanes: &[(&str, &str)] = match name {
            "four-on-the-floor" => {
                &[("kick", "X...X...X...X..."), ("clap", "....X.......X..."), ("hat", "..x...x...x...x.")]
            }
            "backbeat" => &[("kick", "X.......X.x....."), ("snare", "....X.......X..."), ("hat", "x.x.x.x.x.x.x.x.")],
            "hip-hop" => &[("kick", "X..o......X.x..."), ("snare", "....X..o....X..."), ("hat", "x.o.x.o.x.o.x.ox")],
            "half-time" => &[("kick", "X.........x....."), ("snare", "........X......."), ("hat", "x.x.x.x.x.x.x.x.")],
            // Two bars, after the classic "Amen" break; the hat lane is one bar and repeats.
            "breakbeat" => &[
                ("kick", "X.X.......xX....X.X.......x....."),
                ("snare", "....X..o.o..X..o....X..o.o....X."),
                ("hat", "x.x.x.x.x.x.x.x."),
            ],
            _ => return None,
        };
        let lanes = lanes
            .iter()
            .map(|(kind, grid)| Lane { kind: (*kind).to_owned(), steps: grid.chars().map(grid_velocity).collect() })
            .collect();
        Some(Pattern { steps_per_bar: STEPS_PER_BAR, lanes })
    }

    /// Checks the grid, the lane count, every lane's length and every velocity.
    pub fn validate(&self) -> Result<(), SequencerError> {
        if self.steps_per_bar != STEPS_PER_BAR {
            return Err(SequencerError::UnsupportedStepsPerBar { steps_per_bar: self.steps_per_bar });
        }
        if self.lanes.len() > MAX_LANES {
            return Err(SequencerError::TooManyLanes { lanes: self.lanes.len() });
        }
        let steps_per_bar = self.steps_per_bar as usize;
        for lane in &self.lanes {
            let steps = lane.steps.len();
            let whole_bars = steps > 0 && steps.is_multiple_of(steps_per_bar);
            if !whole_bars || steps / steps_per_bar > MAX_PATTERN_BARS {
                return Err(SequencerError::LaneLength {
                    kind: lane.kind.clone(),
                    steps,
                    steps_per_bar: self.steps_per_bar,
                });
            }
            if let Some((step, &velocity)) = lane.steps.iter().enumerate().find(|(_, v)| !(0.0..=1.0).contains(*v)) {
                return Err(SequencerError::Velocity { kind: lane.kind.clone(), step, velocity });
            }
        }
        Ok(())
    }

    /// Bars before the whole pattern repeats: the longest lane's length in bars (0 without lanes).
    pub fn bars(&self) -> usize {
        let steps_per_bar = (self.steps_per_bar as usize).max(1);
        self.lanes.iter().map(|lane| lane.steps.len().div_ceil(steps_per_bar)).max().unwrap_or(0)
    }
}

/// Velocity of one preset grid character.
fn grid_velocity(symbol: char) -> f32 {
    match symbol {
        'X' => 1.0,
        'x' => 0.7,
        'o' => 0.35,
        _ => 0.0,
    }
}

/// Frames in a loop of `bars` bars of 4/4 at `bpm`: `round(sample_rate * bars * 4 * 60 / bpm)`.
///
/// Does not validate its arguments; [`render_loop`] does.
pub fn loop_frames(sample_rate: u32, bpm: f64, bars: u32) -> usize {
    (f64::from(sample_rate) * f64::from(bars) * 240.0 / bpm).round() as usize
}

/// Frame at which step `step` (counted from the loop's start, zero-based) begins.
///
/// A sixteenth is `sample_rate * 15 / bpm` frames; odd steps (the off-sixteenths: the second
/// sixteenth of every eighth) are delayed by `swing` half-sixteenths. The product is formed
/// before the single division so beats land on the same frame [`loop_frames`] rounds to.
pub fn step_frame(sample_rate: u32, bpm: f64, swing: f32, step: usize) -> usize {
    let swing_delay_steps = if step % 2 == 1 { f64::from(swing) / 2.0 } else { 0.0 };
    ((step as f64 + swing_delay_steps) * 15.0 * f64::from(sample_rate) / bpm).round() as usize
}

/// Renders `bars` bars of `pattern` at `bpm` from one-shot `hits` (keyed by lane kind).
///
/// See [`render_loop_with_report`] for the rules; this drops the headroom report.
pub fn render_loop(
    hits: &HashMap<String, AudioBuffer>,
    pattern: &Pattern,
    bpm: f64,
    bars: u32,
    swing: f32,
) -> Result<AudioBuffer, SequencerError> {
    render_loop_with_report(hits, pattern, bpm, bars, swing).map(|rendered| rendered.audio)
}

/// Renders `bars` bars of `pattern` at `bpm` from one-shot `hits` (keyed by lane kind), and
/// reports the headroom gain.
///
/// - **Format:** every hit in `hits` (used or not) must share one sample rate and channel count;
///   the loop has that format. Resample beforehand; mixed formats are an error.
/// - **Length:** exactly `round(sample_rate * bars * 4 * 60 / bpm)` frames ([`loop_frames`]), so
///   the loop's length follows from tempo and bar count alone, and it tiles with no drift.
/// - **Placement:** each step with a non-zero velocity adds its lane's hit, scaled linearly by the
///   velocity, starting at [`step_frame`] (rounded to the nearest frame). A lane shorter than the
///   loop repeats; a lane longer than the loop plays only its first `bars` bars.
/// - **Swing:** `0` is straight; `swing` delays every second sixteenth by
///   `swing * sixteenth / 2`, up to [`MAX_SWING`] (0.6: a near-triplet shuffle).
/// - **Seamless loop:** hit tails that run past the end wrap around and add at the start, as they
///   would when the loop plays again.
/// - **Headroom:** after summing, the loop is scaled down so its peak is at most
///   [`HEADROOM_PEAK`]; it is never boosted. The gain is in the returned [`RenderedLoop`].
/// - **Checks:** the pattern is [validated](Pattern::validate); `bpm` must be within
///   [`MIN_BPM`]`..=`[`MAX_BPM`], `bars` within `1..=`[`MAX_BARS`], `swing` within
///   `0..=`[`MAX_SWING`]; a lane whose kind has no hit is an error naming the kind.
pub fn render_loop_with_report(
    hits: &HashMap<String, AudioBuffer>,
    pattern: &Pattern,
    bpm: f64,
    bars: u32,
    swing: f32,
) -> Result<RenderedLoop, SequencerError> {
    pattern.validate()?;
    if !(MIN_BPM..=MAX_BPM).contains(&bpm) {
        return Err(SequencerError::Bpm(bpm));
    }
    if !(1..=MAX_BARS).contains(&bars) {
        return Err(SequencerError::Bars(bars));
    }
    if !(0.0..=MAX_SWING).contains(&swing) {
        return Err(SequencerError::Swing(swing));
    }
    let (sample_rate, channels) = common_hit_format(hits)?;
    // Checked before rendering so a pattern naming a missing kind fails the same way every time.
    let lane_hits = pattern
        .lanes
        .iter()
        .map(|lane| hits.get(&lane.kind).ok_or_else(|| SequencerError::MissingHit { kind: lane.kind.clone() }))
        .collect::<Result<Vec<_>, _>>()?;

    let channel_count = usize::from(channels);
    let frames = loop_frames(sample_rate, bpm, bars);
    let mut mixed = vec![0.0_f32; frames * channel_count];
    let total_steps = bars as usize * pattern.steps_per_bar as usize;
    for (lane, hit) in pattern.lanes.iter().zip(lane_hits) {
        for step in 0..total_steps {
            let velocity = lane.steps[step % lane.steps.len()];
            if velocity > 0.0 {
                let start = step_frame(sample_rate, bpm, swing, step);
                add_wrapped(&mut mixed, channel_count, start, &hit.samples, velocity);
            }
        }
    }

    let peak_before_gain = mixed.iter().fold(0.0_f32, |peak, sample| peak.max(sample.abs()));
    let headroom_gain = if peak_before_gain > HEADROOM_PEAK { HEADROOM_PEAK / peak_before_gain } else { 1.0 };
    if headroom_gain < 1.0 {
        mixed.iter_mut().for_each(|sample| *sample *= headroom_gain);
    }
    Ok(RenderedLoop { audio: AudioBuffer { sample_rate, channels, samples: mixed }, headroom_gain, peak_before_gain })
}

/// The one sample rate and channel count all hits share.
fn common_hit_format(hits: &HashMap<String, AudioBuffer>) -> Result<(u32, u16), SequencerError> {
    // Sorted so the reference hit, and therefore the error message, does not depend on hash order.
    let mut kinds: Vec<&String> = hits.keys().collect();
    kinds.sort();
    let reference_kind = *kinds.first().ok_or(SequencerError::NoHits)?;
    let reference = &hits[reference_kind];
    for kind in kinds {
        let hit = &hits[kind];
        let malformed =
            hit.sample_rate == 0 || hit.channels == 0 || !hit.samples.len().is_multiple_of(usize::from(hit.channels));
        if malformed {
            return Err(SequencerError::MalformedHit {
                kind: kind.clone(),
                sample_rate: hit.sample_rate,
                channels: hit.channels,
                samples: hit.samples.len(),
            });
        }
        if hit.sample_rate != reference.sample_rate || hit.channels != reference.channels {
            return Err(SequencerError::HitFormatMismatch {
                kind: kind.clone(),
                sample_rate: hit.sample_rate,
                channels: hit.channels,
                reference_kind: reference_kind.clone(),
                reference_sample_rate: reference.sample_rate,
                reference_channels: reference.channels,
            });
        }
        if hit.samples.iter().any(|sample| !sample.is_finite()) {
            return Err(SequencerError::NonFiniteHit { kind: kind.clone() });
        }
    }
    Ok((reference.sample_rate, reference.channels))
}

/// Adds `hit * velocity` into the interleaved loop `mixed` from frame `start_frame`, wrapping
/// past the end back to the start (as many times as a hit longer than the loop needs).
fn add_wrapped(mixed: &mut [f32], channel_count: usize, start_frame: usize, hit: &[f32], velocity: f32) {
    let loop_samples = mixed.len();
    if loop_samples == 0 {
        return;
    }
    let mut position = (start_frame * channel_count) % loop_samples;
    // Copy in runs up to the loop's end rather than taking a modulo per sample.
    let mut remaining = hit;
    while !remaining.is_empty() {
        let run = remaining.len().min(loop_samples - position);
        let (now, later) = remaining.split_at(run);
        for (target, source) in mixed[position..position + run].iter_mut().zip(now) {
            *target += source * velocity;
        }
        remaining = later;
        position = 0;
    }
}
