//! Sample-rate and channel-count conversion.
//!
//! [`resample`] uses rubato's synchronous FFT resampler, which rubato documents as its highest
//! quality (a long windowed-sinc anti-aliasing filter applied in the frequency domain) and also
//! its fastest for a fixed ratio. The resampler's startup delay is trimmed, so the output lines
//! up with the input in time, and the length follows one rule: `round(frames * target / source)`.
//!
//! # Why the block size is chosen here
//!
//! rubato trims `fft_size_out / 2` output frames of delay (integer division), while the filter's
//! real delay is `floor(fft_size_in / 2)` input frames. When either FFT size is odd the two
//! differ by half a frame, and the whole output is shifted by up to a frame (measured: 1.09
//! frames early for 22,050 to 48,000 Hz with rubato's default block). An even number of the
//! ratio's minimal blocks makes both sizes even and the trim exact; the sine tests below check
//! the phase, so a rubato release that changes this is caught.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use super::AudioBuffer;

/// Input frames per FFT block, roughly: it sets the anti-aliasing filter's length. About 1,000
/// frames gives a passband flat to ~20 kHz at 44.1/48 kHz while keeping each block's work small.
const TARGET_BLOCK_FRAMES: usize = 1024;

/// Converts `audio` to `target_rate` frames per second.
///
/// Returns a copy when the rates are equal. Otherwise the result has
/// `round(frames * target_rate / sample_rate)` frames, with no added delay (a click at frame `n`
/// of the input is at time `n / sample_rate` in the output too). A buffer with no channels or
/// no frames, or a zero rate on either side, has nothing to convert: the result is an empty
/// buffer at `target_rate` with the same channel count.
pub fn resample(audio: &AudioBuffer, target_rate: u32) -> AudioBuffer {
    if audio.sample_rate == target_rate {
        return audio.clone();
    }
    let frames = audio.frames();
    let channels = usize::from(audio.channels);
    let empty = AudioBuffer { sample_rate: target_rate, channels: audio.channels, samples: Vec::new() };
    if frames == 0 || channels == 0 || audio.sample_rate == 0 || target_rate == 0 {
        return empty;
    }

    let source_rate = audio.sample_rate as usize;
    let target = target_rate as usize;
    let expected_frames = ((frames as f64) * (target_rate as f64) / (audio.sample_rate as f64)).round() as usize;

    let Some(mut resampler) = make_resampler(source_rate, target, channels) else {
        // Unreachable with the rates validated above; an empty result beats a panic in an export.
        return empty;
    };
    let Ok(input) = InterleavedSlice::new(&audio.samples[..frames * channels], channels, frames) else {
        return empty;
    };
    let Ok(output) = resampler.process_all(&input, frames, None) else {
        return empty;
    };
    // rubato returns ceil(frames * ratio) frames with its delay already trimmed; the rule here is
    // round(), at most one frame shorter.
    let mut samples = output.take_data();
    samples.resize(expected_frames * channels, 0.0);
    AudioBuffer { sample_rate: target_rate, channels: audio.channels, samples }
}

fn make_resampler(source_rate: usize, target_rate: usize, channels: usize) -> Option<Fft<f32>> {
    let divisor = greatest_common_divisor(source_rate, target_rate);
    // The FFT sizes are multiples of the reduced ratio's terms; an even multiple keeps both even
    // (see the module documentation). Awkward ratios (11,025 to 48,001 Hz) get large blocks,
    // which cost more per block but stay exact.
    let minimal_block = source_rate / divisor;
    let mut blocks = TARGET_BLOCK_FRAMES.div_ceil(minimal_block).max(2);
    blocks += blocks % 2;
    Fft::<f32>::new_custom(
        source_rate,
        target_rate,
        blocks * minimal_block,
        1,
        channels,
        WindowFunction::BlackmanHarris2,
        FixedSync::Both,
    )
    .ok()
}

fn greatest_common_divisor(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Weight of the centre and surround channels in a stereo downmix: -3 dB, as in ITU-R BS.775.
const DOWNMIX_SIDE_WEIGHT: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Converts `audio` to `channels` channels. The rules:
///
/// - same count: a copy;
/// - mono to anything: the one channel is copied into every channel;
/// - anything to mono: the average of all channels (so in-phase stereo keeps its level and
///   nothing clips);
/// - three or more channels to stereo: a standard downmix assuming the WAV/SMPTE channel order
///   the decoder produces (front left, front right, centre, LFE, then surround pairs, left
///   first): each side takes its front channel, the centre at -3 dB and its surround channels
///   at -3 dB; the LFE is dropped. Each side is divided by the sum of its weights so the
///   downmix cannot clip where the sources do not;
/// - any other change (stereo to 5.1, 5.1 to quad, ...): the leading channels both layouts have
///   are copied, extra output channels are silent and extra input channels are dropped.
///
/// `channels == 0`, or a source without channels, gives an empty buffer.
pub fn to_channels(audio: &AudioBuffer, channels: u16) -> AudioBuffer {
    let source_channels = usize::from(audio.channels);
    let target_channels = usize::from(channels);
    if audio.channels == channels {
        return audio.clone();
    }
    if source_channels == 0 || target_channels == 0 {
        return AudioBuffer { sample_rate: audio.sample_rate, channels, samples: Vec::new() };
    }
    let frames = audio.frames();
    let mut samples = Vec::with_capacity(frames * target_channels);
    let source_frames = audio.samples.chunks_exact(source_channels);

    if source_channels == 1 {
        for frame in source_frames {
            samples.extend(std::iter::repeat_n(frame[0], target_channels));
        }
    } else if target_channels == 1 {
        let scale = 1.0 / source_channels as f32;
        samples.extend(source_frames.map(|frame| frame.iter().sum::<f32>() * scale));
    } else if target_channels == 2 && source_channels >= 3 {
        let (left_weights, right_weights) = stereo_downmix_weights(source_channels);
        for frame in source_frames {
            samples.push(weighted_sum(frame, &left_weights));
            samples.push(weighted_sum(frame, &right_weights));
        }
    } else {
        let shared = source_channels.min(target_channels);
        for frame in source_frames {
            samples.extend_from_slice(&frame[..shared]);
            samples.extend(std::iter::repeat_n(0.0, target_channels - shared));
        }
    }
    AudioBuffer { sample_rate: audio.sample_rate, channels, samples }
}

/// Per-source-channel weights of the left and right outputs of a stereo downmix, normalised so
/// each side's weights sum to one. Channel order: FL, FR, FC, LFE, then (left, right) pairs.
fn stereo_downmix_weights(source_channels: usize) -> (Vec<f32>, Vec<f32>) {
    let mut left = vec![0.0; source_channels];
    let mut right = vec![0.0; source_channels];
    left[0] = 1.0;
    right[1] = 1.0;
    left[2] = DOWNMIX_SIDE_WEIGHT;
    right[2] = DOWNMIX_SIDE_WEIGHT;
    // Index 3 is the LFE: it carries only what the main channels' speakers would boom with.
    for channel in 4..source_channels {
        if channel % 2 == 0 {
            left[channel] = DOWNMIX_SIDE_WEIGHT;
        } else {
            right[channel] = DOWNMIX_SIDE_WEIGHT;
        }
    }
    for weights in [&mut left, &mut right] {
        let total: f32 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
    }
    (left, right)
}

fn weighted_sum(frame: &[f32], weights: &[f32]) -> f32 {
    frame.iter().zip(weights).map(|(sample, weight)| sample * weight).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, frequency: f64, amplitude: f64, seconds: f64) -> AudioBuffer {
        let frames = (f64::from(rate) * seconds).round() as usize;
        let samples = (0..frames)
            .map(|n| (amplitude * (std::f64::consts::TAU * frequency * n as f64 / f64::from(rate)).sin()) as f32)
            .collect();
        AudioBuffer::mono(rate, samples)
    }

    /// Resamples a 1 kHz sine and compares it, away from the edges, with the ideal sine at the
    /// new rate: the same frequency, amplitude and phase (so no added delay either).
    fn assert_sine_survives(source_rate: u32, target_rate: u32) {
        let (frequency, amplitude) = (1000.0, 0.5);
        let output = resample(&sine(source_rate, frequency, amplitude, 1.0), target_rate);
        assert_eq!(output.sample_rate, target_rate);
        assert_eq!(output.frames(), target_rate as usize);
        let edge = target_rate as usize / 20;
        let middle = &output.samples[edge..output.samples.len() - edge];
        let ideal =
            |n: usize| amplitude * (std::f64::consts::TAU * frequency * n as f64 / f64::from(target_rate)).sin();
        let worst_error = middle
            .iter()
            .enumerate()
            .map(|(i, &sample)| (f64::from(sample) - ideal(i + edge)).abs())
            .fold(0.0, f64::max);
        assert!(worst_error < 1e-3 * amplitude, "{source_rate} -> {target_rate}: off the ideal sine by {worst_error}");
        let rms = (middle.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / middle.len() as f64).sqrt();
        let level_error_db = 20.0 * (rms * std::f64::consts::SQRT_2 / amplitude).log10();
        assert!(level_error_db.abs() < 0.1, "{source_rate} -> {target_rate}: level off by {level_error_db} dB");
    }

    #[test]
    fn a_sine_keeps_frequency_amplitude_and_phase_up() {
        assert_sine_survives(22_050, 48_000);
    }

    #[test]
    fn a_sine_keeps_frequency_amplitude_and_phase_down() {
        assert_sine_survives(48_000, 44_100);
    }

    #[test]
    fn a_sine_survives_a_ratio_that_does_not_reduce() {
        // 11,025 / 48,001 has no common factor: the smallest exact FFT blocks are whole seconds.
        assert_eq!(greatest_common_divisor(11_025, 48_001), 1);
        assert_sine_survives(11_025, 48_001);
    }

    #[test]
    fn length_is_rounded_frames_times_ratio() {
        for (source, target) in
            [(44_100, 48_000), (48_000, 22_050), (8_000, 44_100), (48_000, 16_000), (11_025, 48_001)]
        {
            for frames in [1_usize, 2, 3, 147, 1000, 12_345] {
                let input = AudioBuffer { sample_rate: source, channels: 2, samples: vec![0.25; frames * 2] };
                let output = resample(&input, target);
                let expected = (frames as f64 * f64::from(target) / f64::from(source)).round() as usize;
                assert_eq!(output.frames(), expected, "{frames} frames {source} -> {target}");
                assert_eq!(output.samples.len(), expected * 2);
                assert_eq!((output.sample_rate, output.channels), (target, 2));
            }
        }
    }

    #[test]
    fn equal_rates_and_empty_sounds_pass_through() {
        let input = sine(48_000, 440.0, 0.3, 0.01);
        assert_eq!(resample(&input, 48_000), input);
        let empty = resample(&AudioBuffer::mono(48_000, vec![]), 44_100);
        assert_eq!((empty.sample_rate, empty.frames()), (44_100, 0));
        assert_eq!(resample(&input, 0).frames(), 0);
    }

    #[test]
    fn stereo_channels_stay_apart() {
        let left = sine(44_100, 1000.0, 0.5, 0.5);
        let samples = left.samples.iter().flat_map(|&s| [s, 0.0]).collect();
        let stereo = AudioBuffer { sample_rate: 44_100, channels: 2, samples };
        let output = resample(&stereo, 48_000);
        let right_peak = output.samples.iter().skip(1).step_by(2).fold(0.0_f32, |m, s| m.max(s.abs()));
        let left_peak = output.samples.iter().step_by(2).fold(0.0_f32, |m, s| m.max(s.abs()));
        assert!(right_peak < 1e-6, "silent channel picked up {right_peak}");
        assert!((left_peak - 0.5).abs() < 0.01, "left peak {left_peak}");
    }

    #[test]
    fn mono_duplicates_and_stereo_averages() {
        let mono = AudioBuffer::mono(8000, vec![0.5, -0.25]);
        let stereo = to_channels(&mono, 2);
        assert_eq!(stereo.samples, vec![0.5, 0.5, -0.25, -0.25]);
        let back = to_channels(&AudioBuffer { sample_rate: 8000, channels: 2, samples: vec![1.0, 0.0, 0.5, 0.5] }, 1);
        assert_eq!(back.samples, vec![0.5, 0.5]);
    }

    #[test]
    fn surround_downmix_keeps_the_centre_and_drops_the_lfe() {
        // FL FR FC LFE BL BR: only the centre and the LFE sound.
        let surround = AudioBuffer { sample_rate: 48000, channels: 6, samples: vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0] };
        let stereo = to_channels(&surround, 2);
        let expected = DOWNMIX_SIDE_WEIGHT / (1.0 + 2.0 * DOWNMIX_SIDE_WEIGHT);
        assert!((stereo.samples[0] - expected).abs() < 1e-6, "{:?}", stereo.samples);
        assert!((stereo.samples[1] - expected).abs() < 1e-6, "{:?}", stereo.samples);
    }

    #[test]
    fn other_counts_copy_shared_channels_and_pad_with_silence() {
        let stereo = AudioBuffer { sample_rate: 48000, channels: 2, samples: vec![0.1, 0.2] };
        assert_eq!(to_channels(&stereo, 4).samples, vec![0.1, 0.2, 0.0, 0.0]);
        let quad = AudioBuffer { sample_rate: 48000, channels: 4, samples: vec![0.1, 0.2, 0.3, 0.4] };
        assert_eq!(to_channels(&quad, 3).samples, vec![0.1, 0.2, 0.3]);
        assert!(to_channels(&quad, 0).samples.is_empty());
    }
}
