//! Min/max pairs for drawing a waveform.

use super::AudioBuffer;

/// The lowest and highest sample over all channels in each of `buckets` equal slices of the
/// sound, as `[min, max]`, for drawing a waveform `buckets` pixels wide.
///
/// Always returns exactly `buckets` pairs, so the caller can draw one per column without
/// checking. Bucket `b` covers frames `b * frames / buckets` up to (not including)
/// `(b + 1) * frames / buckets`, and at least the first of those: when there are more buckets
/// than frames, neighbouring buckets repeat the same frame and the waveform is drawn stretched.
/// A sound without frames gives `[0.0, 0.0]` everywhere; NaN samples are ignored.
///
/// One pass over the samples (plus one step per bucket), no allocation but the result.
pub fn peaks(audio: &AudioBuffer, buckets: usize) -> Vec<[f32; 2]> {
    let frames = audio.frames();
    let channels = usize::from(audio.channels);
    if frames == 0 {
        return vec![[0.0, 0.0]; buckets];
    }
    (0..buckets)
        .map(|bucket| {
            // u128 products: frames * buckets may overflow usize on 32-bit targets for long sounds.
            let start = (bucket as u128 * frames as u128 / buckets as u128) as usize;
            let end = (((bucket as u128 + 1) * frames as u128 / buckets as u128) as usize).max(start + 1);
            let mut low = f32::INFINITY;
            let mut high = f32::NEG_INFINITY;
            for &sample in &audio.samples[start * channels..end * channels] {
                // f32::min/max return the other operand for NaN: a NaN sample is skipped.
                low = low.min(sample);
                high = high.max(sample);
            }
            if low > high { [0.0, 0.0] } else { [low, high] }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bucket_holds_the_extremes_of_its_frames_over_all_channels() {
        // Stereo, 4 frames: left rises, right falls.
        let audio =
            AudioBuffer { sample_rate: 10, channels: 2, samples: vec![0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.9] };
        assert_eq!(peaks(&audio, 2), vec![[-0.2, 0.2], [-0.9, 0.4]]);
        assert_eq!(peaks(&audio, 1), vec![[-0.9, 0.4]]);
    }

    #[test]
    fn more_buckets_than_frames_repeats_frames() {
        let audio = AudioBuffer::mono(10, vec![0.5, -0.5]);
        let result = peaks(&audio, 4);
        assert_eq!(result, vec![[0.5, 0.5], [0.5, 0.5], [-0.5, -0.5], [-0.5, -0.5]]);
    }

    #[test]
    fn uneven_split_covers_every_frame_once() {
        let samples: Vec<f32> = (0..10).map(|i| i as f32).collect();
        let audio = AudioBuffer::mono(10, samples);
        let result = peaks(&audio, 3);
        assert_eq!(result, vec![[0.0, 2.0], [3.0, 5.0], [6.0, 9.0]]);
    }

    #[test]
    fn empty_sound_zero_buckets_and_nan() {
        assert_eq!(peaks(&AudioBuffer::mono(10, vec![]), 3), vec![[0.0, 0.0]; 3]);
        assert!(peaks(&AudioBuffer::mono(10, vec![0.1]), 0).is_empty());
        let audio = AudioBuffer::mono(10, vec![f32::NAN, 0.25, f32::NAN]);
        assert_eq!(peaks(&audio, 1), vec![[0.25, 0.25]]);
        assert_eq!(peaks(&AudioBuffer::mono(10, vec![f32::NAN]), 1), vec![[0.0, 0.0]]);
    }
}
