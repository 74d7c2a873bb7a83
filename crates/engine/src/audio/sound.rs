//! Generated sound: one-shot drum hits by seed and kind, and beats sequenced from them.

use std::collections::HashMap;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::sequencer::{Pattern, RenderedLoop, render_loop_with_report};
use postcraft_core::{ErrorCode, IpcError};
use postcraft_infer::sound::SoundGenerator;
use postcraft_jobs::CancelToken;

/// Most hits one request may ask for.
pub const MAX_HITS: u32 = 64;

/// Fade at the end of every hit, so a hit the GAN ends above zero does not click.
const TAIL_FADE_SECONDS: f32 = 0.01;

/// One generated hit and how to make it again.
#[derive(Debug, Clone)]
pub struct GeneratedHit {
    /// The kind asked for.
    pub kind: String,
    /// The seed.
    pub seed: u64,
    /// Its index within (seed, kind).
    pub index: u32,
    /// The sound: mono at the generator's rate.
    pub audio: AudioBuffer,
}

fn invalid(message: String) -> IpcError {
    IpcError::new(ErrorCode::InvalidRequest, message)
}

fn kind_index(generator: &SoundGenerator, kind: &str) -> Result<usize, IpcError> {
    generator
        .kind_index(kind)
        .ok_or_else(|| invalid(format!("no kind `{kind}`: the model makes {}", generator.kinds().join(", "))))
}

/// Hits `first..first + count` of `kind` for `seed`. The same arguments give the same samples.
pub fn generate_hits(
    generator: &SoundGenerator,
    kind: &str,
    seed: u64,
    first: u32,
    count: u32,
    cancel: Option<&CancelToken>,
) -> Result<Vec<GeneratedHit>, IpcError> {
    if count == 0 || count > MAX_HITS {
        return Err(invalid(format!("count must be 1 to {MAX_HITS}, not {count}")));
    }
    let kind_position = kind_index(generator, kind)?;
    let sounds = generator.generate_seeded(seed, kind_position, first, count, cancel)?;
    Ok(sounds
        .into_iter()
        .zip(first..)
        .map(|(samples, index)| GeneratedHit {
            kind: kind.to_owned(),
            seed,
            index,
            audio: AudioBuffer::mono(generator.sample_rate(), finish_hit(samples, generator.sample_rate())),
        })
        .collect())
}

/// A hit as the sequencer and the mixer get it: no offset (the mean of the GAN's output is not
/// exactly zero) and a short fade at the end.
fn finish_hit(mut samples: Vec<f32>, sample_rate: u32) -> Vec<f32> {
    let mean = samples.iter().map(|s| f64::from(*s)).sum::<f64>() / samples.len().max(1) as f64;
    let fade = ((TAIL_FADE_SECONDS * sample_rate as f32) as usize).min(samples.len());
    let start = samples.len() - fade;
    let end = samples.len();
    for (i, sample) in samples.iter_mut().enumerate() {
        *sample -= mean as f32;
        if i >= start {
            // Linear to exactly 0 at the last sample.
            *sample *= (end - 1 - i) as f32 / fade as f32;
        }
    }
    samples
}

/// A beat: a pattern (a preset's name or the creator's own) played with one generated hit per
/// kind (hit 0 of each kind for `seed`), at `bpm` for `bars` 4/4 bars.
#[derive(Debug, Clone)]
pub struct BeatSpec {
    /// The pattern.
    pub pattern: Pattern,
    /// Tempo.
    pub bpm: f64,
    /// Length in bars.
    pub bars: u32,
    /// Swing of the off-sixteenths (0 straight, up to 0.6).
    pub swing: f32,
    /// Which hits play.
    pub seed: u64,
}

/// Renders a beat; its length is exactly `bars * 4 * 60 / bpm` seconds (rounded to a sample).
pub fn make_beat(
    generator: &SoundGenerator,
    spec: &BeatSpec,
    cancel: Option<&CancelToken>,
) -> Result<RenderedLoop, IpcError> {
    spec.pattern.validate().map_err(|e| invalid(e.to_string()))?;
    let mut kinds: Vec<&str> = spec.pattern.lanes.iter().map(|lane| lane.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut latents = Vec::new();
    let mut positions = Vec::new();
    for kind in &kinds {
        let position = kind_index(generator, kind)?;
        latents.extend(generator.latent(spec.seed, position, 0));
        positions.push(position);
    }
    let sounds = if positions.is_empty() { Vec::new() } else { generator.generate(&latents, &positions, cancel)? };
    let hits: HashMap<String, AudioBuffer> = kinds
        .iter()
        .zip(sounds)
        .map(|(kind, samples)| {
            (
                (*kind).to_owned(),
                AudioBuffer::mono(generator.sample_rate(), finish_hit(samples, generator.sample_rate())),
            )
        })
        .collect();
    if hits.is_empty() {
        return Err(invalid("the pattern has no lanes: nothing to play".into()));
    }
    render_loop_with_report(&hits, &spec.pattern, spec.bpm, spec.bars, spec.swing).map_err(|e| invalid(e.to_string()))
}
