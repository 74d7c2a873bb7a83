//! Loudness measurement and normalisation, checked by an independent ebur128 meter set up here,
//! not by the numbers `normalize` reports about itself.

use ebur128::{EbuR128, Mode};
use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::loudness::{
    LoudnessError, NORMALIZE_TOLERANCE_LU, PLATFORM_MAX_TRUE_PEAK_DBTP, PLATFORM_TARGET_LUFS, measure, normalize,
};
use postcraft_core::ErrorCode;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Integrated loudness (LUFS) and true peak (dBTP) from a meter of the test's own.
fn independent_measure(audio: &AudioBuffer) -> (f64, f64) {
    let mut meter =
        EbuR128::new(u32::from(audio.channels), audio.sample_rate, Mode::I | Mode::TRUE_PEAK).expect("meter");
    meter.add_frames_f32(&audio.samples).expect("frames");
    let peak = (0..u32::from(audio.channels)).map(|c| meter.true_peak(c).expect("peak")).fold(0.0, f64::max);
    (meter.loudness_global().expect("loudness"), 20.0 * peak.log10())
}

/// Quiet speech-like sound: syllable-length bursts of coloured noise under smooth envelopes,
/// separated by pauses, over a faint sine sweep (100 Hz to 4 kHz).
fn quiet_speech(sample_rate: u32, seconds: f64) -> AudioBuffer {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let frames = (f64::from(sample_rate) * seconds) as usize;
    let rate = f64::from(sample_rate);
    let mut samples = vec![0.0_f32; frames];
    let mut start = (0.2 * rate) as usize;
    while start < frames {
        let length = (rng.random_range(0.12..0.30) * rate) as usize;
        let level = rng.random_range(0.02..0.06);
        let (mut low, mut previous) = (0.0_f64, 0.0_f64);
        for offset in 0..length.min(frames - start) {
            let white: f64 = rng.random_range(-1.0..1.0);
            // Band-limit like a voice: a one-pole low-pass, then remove the lowest rumble.
            low = 0.85 * low + 0.15 * white;
            let band = low - 0.9 * previous;
            previous = low;
            let envelope = (std::f64::consts::PI * offset as f64 / length as f64).sin().powi(2);
            samples[start + offset] += (level * 4.0 * band * envelope) as f32;
        }
        start += length + (rng.random_range(0.05..0.35) * rate) as usize;
    }
    let (low_hz, high_hz) = (100.0_f64, 4000.0_f64);
    let mut phase = 0.0_f64;
    for (frame, sample) in samples.iter_mut().enumerate() {
        let progress = frame as f64 / frames as f64;
        let frequency = low_hz * (high_hz / low_hz).powf(progress);
        phase += std::f64::consts::TAU * frequency / rate;
        *sample += (0.004 * phase.sin()) as f32;
    }
    AudioBuffer::mono(sample_rate, samples)
}

/// Drum-like stereo sound: a hit every `spacing` seconds, each a sharp full-scale click
/// (alternating samples: strong inter-sample peaks) into noise decaying with time constant
/// `decay` at `body_level`, every other one with a low thump. The right channel is quieter,
/// with its own noise.
fn drums(sample_rate: u32, seconds: f64, spacing: f64, decay: f64, body_level: f64) -> AudioBuffer {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let rate = f64::from(sample_rate);
    let frames = (rate * seconds) as usize;
    let mut samples = vec![0.0_f32; frames * 2];
    let channel_levels = [1.0, 0.6];
    let mut hit = 0;
    while (hit as f64 * spacing * rate) as usize + 4 < frames {
        let start = (hit as f64 * spacing * rate) as usize;
        let length = ((decay * 8.0 * rate) as usize).min(frames - start);
        for (channel, channel_level) in channel_levels.iter().enumerate() {
            for offset in 0..length {
                let time = offset as f64 / rate;
                let noise: f64 = rng.random_range(-1.0..1.0);
                let mut value = body_level * noise * (-time / decay).exp();
                if hit % 2 == 0 {
                    value += body_level * (std::f64::consts::TAU * 55.0 * time).sin() * (-time / (decay * 3.0)).exp();
                }
                if offset < 4 {
                    value = if offset % 2 == 0 { 1.0 } else { -1.0 };
                }
                let index = (start + offset) * 2 + channel;
                samples[index] = (f64::from(samples[index]) + channel_level * value).clamp(-1.0, 1.0) as f32;
            }
        }
        hit += 1;
    }
    AudioBuffer { sample_rate, channels: 2, samples }
}

fn assert_on_platform_target(audio: &AudioBuffer, what: &str) {
    let (integrated, true_peak) = independent_measure(audio);
    assert!(
        (integrated - PLATFORM_TARGET_LUFS).abs() <= NORMALIZE_TOLERANCE_LU,
        "{what}: {integrated:.2} LUFS, target {PLATFORM_TARGET_LUFS}"
    );
    assert!(true_peak <= PLATFORM_MAX_TRUE_PEAK_DBTP, "{what}: true peak {true_peak:.2} dBTP over the ceiling");
    assert!(audio.samples.iter().all(|s| s.abs() <= 1.0), "{what}: samples out of range");
}

#[test]
fn the_platform_target_is_minus_14_lufs_and_minus_1_dbtp() {
    assert_eq!(PLATFORM_TARGET_LUFS, -14.0);
    assert_eq!(PLATFORM_MAX_TRUE_PEAK_DBTP, -1.0);
    const { assert!(NORMALIZE_TOLERANCE_LU <= 0.5) };
}

#[test]
fn a_full_scale_sine_measures_as_the_standard_says() {
    // EBU Tech 3341: a 0 dBFS 1 kHz sine in one channel reads -3.01 LUFS.
    let rate = 48_000;
    let samples =
        (0..rate * 5).map(|n| (std::f64::consts::TAU * 1000.0 * f64::from(n) / f64::from(rate)).sin() as f32).collect();
    let loudness = measure(&AudioBuffer::mono(rate as u32, samples)).expect("measure");
    assert!((loudness.integrated_lufs + 3.01).abs() < 0.05, "{loudness:?}");
    assert!(loudness.sample_peak_dbfs.abs() < 0.01, "{loudness:?}");
    assert!(loudness.true_peak_dbtp > -0.01 && loudness.true_peak_dbtp < 0.1, "{loudness:?}");
    assert!(loudness.loudness_range_lu.abs() < 0.1, "{loudness:?}");
}

#[test]
fn loudness_range_sees_a_quiet_half() {
    // Ten seconds of noise, then ten seconds of the same 10 dB quieter.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let rate = 48_000;
    let samples = (0..rate * 20)
        .map(|n| {
            let level = if n < rate * 10 { 0.3 } else { 0.3 / 10f32.powf(0.5) };
            level * rng.random_range(-1.0..1.0_f32)
        })
        .collect();
    let loudness = measure(&AudioBuffer::mono(rate as u32, samples)).expect("measure");
    assert!(loudness.loudness_range_lu > 7.0 && loudness.loudness_range_lu < 11.0, "{loudness:?}");
}

#[test]
fn quiet_speech_is_raised_to_the_target() {
    let mut audio = quiet_speech(48_000, 10.0);
    let before = measure(&audio).expect("measure");
    assert!(before.integrated_lufs < -28.0, "the test signal should be quiet: {before:?}");
    let report = normalize(&mut audio, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP).expect("normalize");
    assert!(report.gain_db > 14.0, "{report:?}");
    assert_eq!(report.before, before);
    assert_on_platform_target(&audio, "speech");
    let (integrated, _) = independent_measure(&audio);
    assert!((report.after.integrated_lufs - integrated).abs() < 1e-6, "the report describes the result");
}

#[test]
fn loud_peaky_stereo_drums_are_turned_down_and_limited_onto_the_target() {
    let mut audio = drums(44_100, 8.0, 0.25, 0.06, 0.7);
    let before = measure(&audio).expect("measure");
    let gain_needed = PLATFORM_TARGET_LUFS - before.integrated_lufs;
    assert!(gain_needed < 0.0, "the test signal should be loud: {before:?}");
    assert!(
        before.true_peak_dbtp + gain_needed > PLATFORM_MAX_TRUE_PEAK_DBTP + 1.0,
        "turned down, the peaks should still break the ceiling, or the limiter is not tested: {before:?}"
    );
    assert!(
        before.true_peak_dbtp > before.sample_peak_dbfs + 1.0,
        "the clicks should peak between samples: {before:?}"
    );
    let balance_before = channel_rms_db(&audio, 0) - channel_rms_db(&audio, 1);

    let report = normalize(&mut audio, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP).expect("normalize");
    assert!(report.limiter_max_reduction_db > 1.0, "{report:?}");
    assert_on_platform_target(&audio, "loud drums");
    // One gain for both channels: the balance between them holds.
    let balance_after = channel_rms_db(&audio, 0) - channel_rms_db(&audio, 1);
    assert!(
        (balance_after - balance_before).abs() < 0.3,
        "balance moved from {balance_before:.2} to {balance_after:.2} dB"
    );
}

#[test]
fn quiet_drums_with_sharp_clicks_are_raised_with_only_the_clicks_limited() {
    // Full-scale clicks over a dense body whose own peaks fit under the ceiling at -14 LUFS:
    // only the clicks need catching. The limiting must not eat the body's loudness, which
    // would show as far more gain than the loudness gap (a limiter with one 100 ms release
    // needed 6 dB more here; the clicks' own energy accounts for a few tenths of a dB).
    let mut audio = drums(48_000, 8.0, 0.125, 0.15, 0.2);
    let before = measure(&audio).expect("measure");
    let gain_needed = PLATFORM_TARGET_LUFS - before.integrated_lufs;
    assert!(gain_needed > 1.0, "the test signal should be quieter than the target: {before:?}");
    assert!(before.true_peak_dbtp + gain_needed > PLATFORM_MAX_TRUE_PEAK_DBTP + 4.0, "{before:?}");

    let report = normalize(&mut audio, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP).expect("normalize");
    assert!(report.limiter_max_reduction_db > 4.0, "{report:?}");
    assert!(
        report.gain_db < gain_needed + 1.5,
        "limiting cost {:.2} dB of loudness: {report:?}",
        report.gain_db - gain_needed
    );
    assert_on_platform_target(&audio, "quiet drums");
}

#[test]
fn gain_alone_is_exact_when_the_peaks_allow_it() {
    // A soft sine has 3 dB of crest: raising it to -14 LUFS stays far under the ceiling.
    let rate = 44_100;
    let samples =
        (0..rate * 4).map(|n| 0.01 * (std::f64::consts::TAU * 440.0 * f64::from(n) / 44_100.0).sin() as f32).collect();
    let mut audio = AudioBuffer::mono(rate as u32, samples);
    let report = normalize(&mut audio, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP).expect("normalize");
    assert_eq!(report.limiter_max_reduction_db, 0.0);
    let (integrated, _) = independent_measure(&audio);
    assert!((integrated - PLATFORM_TARGET_LUFS).abs() < 0.01, "{integrated}");
}

fn channel_rms_db(audio: &AudioBuffer, channel: usize) -> f64 {
    let channels = usize::from(audio.channels);
    let values: Vec<f64> = audio.samples.iter().skip(channel).step_by(channels).map(|&s| f64::from(s)).collect();
    10.0 * (values.iter().map(|v| v * v).sum::<f64>() / values.len() as f64).log10()
}

#[test]
fn silence_is_a_clear_error_and_stays_untouched() {
    let mut silence = AudioBuffer::silence(48_000, 2, 48_000 * 2);
    let error = measure(&silence).expect_err("silence has no loudness");
    assert!(matches!(error, LoudnessError::Silent), "{error:?}");
    assert_eq!(error.code(), ErrorCode::MediaInvalid);
    assert!(error.to_string().contains("silent"), "{error}");
    let error = normalize(&mut silence, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP).expect_err("nothing to do");
    assert!(matches!(error, LoudnessError::Silent), "{error:?}");
    assert!(silence.samples.iter().all(|&s| s == 0.0));

    // Under the -70 LUFS gate counts as silence too.
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let hiss = AudioBuffer::mono(48_000, (0..48_000).map(|_| 1e-5 * rng.random_range(-1.0..1.0_f32)).collect());
    assert!(matches!(measure(&hiss), Err(LoudnessError::Silent)));
}

#[test]
fn too_short_and_invalid_input_are_errors() {
    let blip = AudioBuffer::mono(48_000, vec![0.5; 9_600]);
    assert!(matches!(measure(&blip), Err(LoudnessError::TooShort { .. })));
    assert!(matches!(measure(&AudioBuffer::mono(48_000, vec![])), Err(LoudnessError::TooShort { .. })));

    let mut broken = AudioBuffer::mono(48_000, vec![0.5; 48_000]);
    broken.samples[100] = f32::NAN;
    assert!(matches!(measure(&broken), Err(LoudnessError::NonFiniteSamples)));

    let mut fine = quiet_speech(16_000, 2.0);
    let error = normalize(&mut fine, f64::NAN, -1.0).expect_err("NaN target");
    assert_eq!(error.code(), ErrorCode::InvalidRequest);
}

#[test]
fn an_unreachable_target_leaves_the_sound_unchanged() {
    let original = quiet_speech(16_000, 4.0);
    let mut audio = original.clone();
    // -3 LUFS under a -20 dBTP ceiling would need a sound with no peaks at all.
    let error = normalize(&mut audio, -3.0, -20.0).expect_err("unreachable");
    assert!(matches!(error, LoudnessError::TargetUnreachable { .. }), "{error:?}");
    assert_eq!(audio, original);
}
