//! The step sequencer: loop length, hit placement, swing, wrap-around, headroom, presets, errors.

use std::collections::HashMap;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::sequencer::{
    HEADROOM_PEAK, Lane, MAX_LANES, PRESETS, Pattern, SequencerError, loop_frames, render_loop, render_loop_with_report,
};

/// The drum generator's rate.
const RATE: u32 = 22_050;

/// A mono hit that is `amplitude` on its first sample and silent after: easy to find in a loop.
fn impulse(amplitude: f32, frames: usize) -> AudioBuffer {
    let mut samples = vec![0.0; frames];
    samples[0] = amplitude;
    AudioBuffer::mono(RATE, samples)
}

fn hits(entries: &[(&str, AudioBuffer)]) -> HashMap<String, AudioBuffer> {
    entries.iter().map(|(kind, hit)| ((*kind).to_owned(), hit.clone())).collect()
}

/// A one-bar pattern with one lane playing `kind` at full velocity on the given zero-based steps.
fn single_lane(kind: &str, on_steps: &[usize]) -> Pattern {
    let mut steps = vec![0.0; 16];
    for &step in on_steps {
        steps[step] = 1.0;
    }
    Pattern { steps_per_bar: 16, lanes: vec![Lane { kind: kind.to_owned(), steps }] }
}

/// Frames where the loop is not silent.
fn onsets(buffer: &AudioBuffer) -> Vec<usize> {
    buffer.samples.iter().enumerate().filter(|(_, sample)| **sample != 0.0).map(|(index, _)| index).collect()
}

/// `round(rate * 60 / bpm)`, computed independently of the crate.
fn one_beat(bpm: f64) -> usize {
    (f64::from(RATE) * 60.0 / bpm).round() as usize
}

#[test]
fn loop_length_follows_tempo_and_bars_exactly() {
    let kit = hits(&[("kick", impulse(0.5, 100))]);
    let pattern = single_lane("kick", &[0]);
    let cases: [(f64, u32, usize); 7] = [
        (120.0, 1, 44_100),
        (120.0, 4, 176_400),
        (90.0, 2, 117_600),
        (128.0, 4, 165_375),
        // 22050 * 3 * 240 / 100 = 158760 exactly.
        (100.0, 3, 158_760),
        // 22050 * 5 * 240 / 77.7 = 340540.54... rounds up.
        (77.7, 5, 340_541),
        // 22050 * 240 / 93 = 56903.22... rounds down.
        (93.0, 1, 56_903),
    ];
    for (bpm, bars, expected_frames) in cases {
        let rendered = render_loop(&kit, &pattern, bpm, bars, 0.0).expect("render");
        assert_eq!(rendered.frames(), expected_frames, "{bpm} bpm, {bars} bars");
        assert_eq!(loop_frames(RATE, bpm, bars), expected_frames);
        assert_eq!(rendered.sample_rate, RATE);
        assert_eq!(rendered.channels, 1);
    }
}

#[test]
fn extreme_tempos_and_bar_counts_render() {
    let kit = hits(&[("kick", impulse(0.5, 100))]);
    let pattern = single_lane("kick", &[0]);
    let slow = render_loop(&kit, &pattern, 40.0, 1, 0.0).expect("40 bpm");
    assert_eq!(slow.frames(), 132_300);
    let fast_and_long = render_loop(&kit, &pattern, 240.0, 64, 0.0).expect("240 bpm, 64 bars");
    assert_eq!(fast_and_long.frames(), 22_050 * 64);
    assert_eq!(onsets(&fast_and_long).len(), 64, "one kick per bar");
}

#[test]
fn kick_on_step_one_lands_at_sample_zero() {
    let kit = hits(&[("kick", impulse(0.5, 100))]);
    let rendered = render_loop(&kit, &single_lane("kick", &[0]), 120.0, 1, 0.0).expect("render");
    assert_eq!(onsets(&rendered), vec![0]);
    assert_eq!(rendered.samples[0], 0.5);
}

#[test]
fn kick_on_step_five_lands_exactly_one_beat_in() {
    let kit = hits(&[("kick", impulse(0.5, 100))]);
    for bpm in [120.0, 100.0, 93.0, 137.5, 61.0] {
        let rendered = render_loop(&kit, &single_lane("kick", &[4]), bpm, 1, 0.0).expect("render");
        assert_eq!(onsets(&rendered), vec![one_beat(bpm)], "{bpm} bpm");
    }
    // 120 bpm at 22,050 Hz: a beat is exactly 11,025 frames.
    let rendered = render_loop(&kit, &single_lane("kick", &[4]), 120.0, 1, 0.0).expect("render");
    assert_eq!(onsets(&rendered), vec![11_025]);
}

#[test]
fn every_step_lands_on_its_rounded_sixteenth() {
    let kit = hits(&[("hat", impulse(0.5, 10))]);
    let every_step: Vec<usize> = (0..16).collect();
    let bpm = 97.0;
    let rendered = render_loop(&kit, &single_lane("hat", &every_step), bpm, 2, 0.0).expect("render");
    let expected: Vec<usize> =
        (0..32).map(|step| (step as f64 * 15.0 * f64::from(RATE) / bpm).round() as usize).collect();
    assert_eq!(onsets(&rendered), expected);
}

#[test]
fn long_tail_wraps_around_to_the_start() {
    // A hit on the last sixteenth whose tail runs well past the loop's end.
    let tail: Vec<f32> = (0..30_000).map(|index| 0.1 + (index % 97) as f32 * 0.005).collect();
    let kit = hits(&[("cymbal", AudioBuffer::mono(RATE, tail.clone()))]);
    let rendered = render_loop(&kit, &single_lane("cymbal", &[15]), 120.0, 1, 0.0).expect("render");
    let frames = rendered.frames();
    assert_eq!(frames, 44_100);
    // A sixteenth at 120 bpm and 22,050 Hz is 2,756.25 frames; step 16 starts at 41,343.75.
    let start = 41_344;
    let fits = frames - start;
    assert!(rendered.samples[start..] == tail[..fits], "the head plays up to the loop's end");
    let wrapped = tail.len() - fits;
    assert!(rendered.samples[..wrapped] == tail[fits..], "the tail continues at the loop's start");
    assert!(rendered.samples[wrapped..start].iter().all(|&sample| sample == 0.0), "silence in between");
}

#[test]
fn hit_longer_than_the_whole_loop_wraps_more_than_once() {
    let loop_length = loop_frames(RATE, 240.0, 1);
    let hit_length = loop_length * 5 / 2;
    let kit = hits(&[("perc", AudioBuffer::mono(RATE, vec![0.1; hit_length]))]);
    let rendered = render_loop(&kit, &single_lane("perc", &[0]), 240.0, 1, 0.0).expect("render");
    let half = loop_length / 2;
    assert!(rendered.samples[..half].iter().all(|&sample| (sample - 0.3).abs() < 1e-6), "three layers");
    assert!(rendered.samples[half..].iter().all(|&sample| (sample - 0.2).abs() < 1e-6), "two layers");
}

#[test]
fn swing_delays_only_the_off_sixteenths() {
    let kit = hits(&[("hat", impulse(0.5, 10))]);
    let every_step: Vec<usize> = (0..16).collect();
    let pattern = single_lane("hat", &every_step);
    let bpm = 120.0;
    let straight = onsets(&render_loop(&kit, &pattern, bpm, 1, 0.0).expect("straight"));
    let swing = 0.5_f32;
    let swung = onsets(&render_loop(&kit, &pattern, bpm, 1, swing).expect("swung"));
    assert_eq!(straight.len(), 16);
    assert_eq!(swung.len(), 16);
    let sixteenth = f64::from(RATE) * 15.0 / bpm;
    for step in 0..16 {
        if step % 2 == 0 {
            assert_eq!(swung[step], straight[step], "on-beat eighth {step} must not move");
        } else {
            let expected = ((step as f64 + f64::from(swing) / 2.0) * sixteenth).round() as usize;
            assert_eq!(swung[step], expected, "off-sixteenth {step}");
            let delay = swung[step] as f64 - straight[step] as f64;
            assert!((delay - f64::from(swing) * sixteenth / 2.0).abs() <= 1.0, "delay {delay} at step {step}");
        }
    }
}

#[test]
fn velocity_scales_and_simultaneous_hits_sum() {
    let kit = hits(&[("kick", impulse(0.4, 10)), ("snare", impulse(0.2, 10))]);
    let pattern = Pattern {
        steps_per_bar: 16,
        lanes: vec![
            Lane { kind: "kick".into(), steps: [vec![0.5], vec![0.0; 15]].concat() },
            Lane { kind: "snare".into(), steps: [vec![1.0], vec![0.0; 15]].concat() },
        ],
    };
    let rendered = render_loop(&kit, &pattern, 120.0, 1, 0.0).expect("render");
    assert!((rendered.samples[0] - (0.4 * 0.5 + 0.2)).abs() < 1e-6);
}

#[test]
fn loud_sums_are_scaled_to_the_headroom_peak_and_the_gain_is_reported() {
    let kit = hits(&[("kick", impulse(0.8, 10)), ("clap", impulse(0.7, 10))]);
    let pattern = Pattern {
        steps_per_bar: 16,
        lanes: vec![single_lane("kick", &[0, 8]).lanes[0].clone(), single_lane("clap", &[0]).lanes[0].clone()],
    };
    let rendered = render_loop_with_report(&kit, &pattern, 120.0, 1, 0.0).expect("render");
    assert!((rendered.peak_before_gain - 1.5).abs() < 1e-6);
    assert!((rendered.headroom_gain - HEADROOM_PEAK / 1.5).abs() < 1e-6);
    let peak = rendered.audio.samples.iter().fold(0.0_f32, |peak, sample| peak.max(sample.abs()));
    assert!(peak <= HEADROOM_PEAK + 1e-6 && peak > HEADROOM_PEAK - 1e-4, "peak {peak}");
    // The kick alone on step 9 is scaled by the same gain.
    let lone_kick = rendered.audio.samples[one_beat(120.0) * 2];
    assert!((lone_kick - 0.8 * rendered.headroom_gain).abs() < 1e-6);
    assert_eq!(render_loop(&kit, &pattern, 120.0, 1, 0.0).expect("render"), rendered.audio);
}

#[test]
fn quiet_loops_are_not_boosted() {
    let kit = hits(&[("hat", impulse(0.3, 10))]);
    let rendered = render_loop_with_report(&kit, &single_lane("hat", &[0]), 120.0, 1, 0.0).expect("render");
    assert_eq!(rendered.headroom_gain, 1.0);
    assert_eq!(rendered.audio.samples[0], 0.3);
}

#[test]
fn shorter_lanes_repeat_and_two_bar_lanes_span_two_bars() {
    let kit = hits(&[("kick", impulse(0.5, 10)), ("snare", impulse(0.25, 10))]);
    let mut two_bar_snare = vec![0.0; 32];
    two_bar_snare[20] = 1.0; // Bar 2, beat 2.
    let pattern = Pattern {
        steps_per_bar: 16,
        lanes: vec![single_lane("kick", &[0]).lanes[0].clone(), Lane { kind: "snare".into(), steps: two_bar_snare }],
    };
    pattern.validate().expect("valid");
    assert_eq!(pattern.bars(), 2);
    let rendered = render_loop(&kit, &pattern, 120.0, 4, 0.0).expect("render");
    let bar = loop_frames(RATE, 120.0, 1);
    let beat = one_beat(120.0);
    let expected = vec![0, bar, bar + beat, 2 * bar, 3 * bar, 3 * bar + beat];
    assert_eq!(onsets(&rendered), expected);
    assert_eq!(rendered.samples[bar + beat], 0.25);
}

#[test]
fn stereo_hits_make_a_stereo_loop() {
    let stereo_kick = AudioBuffer { sample_rate: RATE, channels: 2, samples: vec![0.5, -0.25, 0.0, 0.0] };
    let kit = hits(&[("kick", stereo_kick)]);
    let rendered = render_loop(&kit, &single_lane("kick", &[4]), 120.0, 1, 0.0).expect("render");
    assert_eq!(rendered.channels, 2);
    assert_eq!(rendered.frames(), 44_100);
    let at = one_beat(120.0) * 2;
    assert_eq!(&rendered.samples[at..at + 2], &[0.5, -0.25]);
}

#[test]
fn every_preset_exists_validates_and_renders() {
    let kit: HashMap<String, AudioBuffer> = ["kick", "snare", "hat", "clap", "tom", "cymbal", "perc"]
        .iter()
        .map(|kind| ((*kind).to_owned(), impulse(0.5, 16_000)))
        .collect();
    assert!(PRESETS.len() >= 5);
    for name in PRESETS {
        let pattern = Pattern::preset(name).unwrap_or_else(|| panic!("preset {name}"));
        pattern.validate().unwrap_or_else(|error| panic!("preset {name}: {error}"));
        assert!(pattern.lanes.iter().any(|lane| lane.kind == "kick"), "{name} has a kick");
        let rendered = render_loop(&kit, &pattern, 100.0, 2, 0.2).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(rendered.frames(), loop_frames(RATE, 100.0, 2));
        let peak = rendered.samples.iter().fold(0.0_f32, |peak, sample| peak.max(sample.abs()));
        assert!(peak > 0.0 && peak <= HEADROOM_PEAK + 1e-6, "{name}: peak {peak}");
    }
    assert_eq!(Pattern::preset("four-on-the-floor").expect("preset").lanes[0].steps[4], 1.0);
    assert!(Pattern::preset("polka").is_none());
}

#[test]
fn patterns_round_trip_through_json() {
    let pattern = Pattern::preset("breakbeat").expect("preset");
    let json = serde_json::to_string(&pattern).expect("serialize");
    assert!(json.contains("\"stepsPerBar\":16"), "{json}");
    let back: Pattern = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, pattern);
}

#[test]
fn a_lane_without_a_hit_is_an_error_naming_the_kind() {
    let kit = hits(&[("kick", impulse(0.5, 10))]);
    let pattern = Pattern::preset("backbeat").expect("preset");
    let error = render_loop(&kit, &pattern, 120.0, 1, 0.0).expect_err("snare is missing");
    assert_eq!(error, SequencerError::MissingHit { kind: "snare".into() });
    assert!(error.to_string().contains("snare"));
}

#[test]
fn tempo_bars_and_swing_out_of_range_are_errors() {
    let kit = hits(&[("kick", impulse(0.5, 10))]);
    let pattern = single_lane("kick", &[0]);
    for bpm in [39.9, 240.1, 0.0, -120.0, f64::NAN, f64::INFINITY] {
        let error = render_loop(&kit, &pattern, bpm, 1, 0.0).expect_err("bad tempo");
        assert!(matches!(error, SequencerError::Bpm(_)), "{bpm}: {error}");
    }
    for bars in [0, 65] {
        assert_eq!(render_loop(&kit, &pattern, 120.0, bars, 0.0), Err(SequencerError::Bars(bars)));
    }
    for swing in [-0.01, 0.61, f32::NAN] {
        let error = render_loop(&kit, &pattern, 120.0, 1, swing).expect_err("bad swing");
        assert!(matches!(error, SequencerError::Swing(_)), "{swing}: {error}");
    }
    render_loop(&kit, &pattern, 40.0, 64, 0.6).expect("the limits themselves are fine");
}

#[test]
fn hits_must_share_one_format() {
    let pattern = single_lane("kick", &[0]);
    let other_rate = hits(&[("kick", impulse(0.5, 10)), ("snare", AudioBuffer::mono(44_100, vec![0.1; 10]))]);
    let error = render_loop(&other_rate, &pattern, 120.0, 1, 0.0).expect_err("mixed rates");
    assert!(
        matches!(&error, SequencerError::HitFormatMismatch { kind, sample_rate: 44_100, .. } if kind == "snare"),
        "{error}"
    );
    let stereo = AudioBuffer { sample_rate: RATE, channels: 2, samples: vec![0.1; 20] };
    let other_layout = hits(&[("kick", impulse(0.5, 10)), ("tom", stereo)]);
    let error = render_loop(&other_layout, &pattern, 120.0, 1, 0.0).expect_err("mixed layouts");
    assert!(matches!(&error, SequencerError::HitFormatMismatch { channels: 2, .. }), "{error}");

    assert_eq!(render_loop(&HashMap::new(), &pattern, 120.0, 1, 0.0), Err(SequencerError::NoHits));
    let broken = hits(&[("kick", AudioBuffer { sample_rate: 0, channels: 1, samples: vec![0.1] })]);
    assert!(matches!(render_loop(&broken, &pattern, 120.0, 1, 0.0), Err(SequencerError::MalformedHit { .. })));
    let not_finite = hits(&[("kick", AudioBuffer::mono(RATE, vec![0.1, f32::NAN]))]);
    assert_eq!(
        render_loop(&not_finite, &pattern, 120.0, 1, 0.0),
        Err(SequencerError::NonFiniteHit { kind: "kick".into() })
    );
}

#[test]
fn invalid_patterns_are_refused() {
    let kit = hits(&[("kick", impulse(0.5, 10))]);

    let mut twelve_steps = single_lane("kick", &[0]);
    twelve_steps.steps_per_bar = 12;
    twelve_steps.lanes[0].steps.truncate(12);
    assert_eq!(
        render_loop(&kit, &twelve_steps, 120.0, 1, 0.0),
        Err(SequencerError::UnsupportedStepsPerBar { steps_per_bar: 12 })
    );

    for steps in [0, 15, 17, 24, 16 * 17] {
        let pattern = Pattern { steps_per_bar: 16, lanes: vec![Lane { kind: "kick".into(), steps: vec![0.0; steps] }] };
        let error = pattern.validate().expect_err("bad lane length");
        assert!(matches!(error, SequencerError::LaneLength { steps: found, .. } if found == steps), "{steps}");
    }

    for velocity in [1.01, -0.1, f32::NAN] {
        let mut pattern = single_lane("kick", &[0]);
        pattern.lanes[0].steps[3] = velocity;
        let error = render_loop(&kit, &pattern, 120.0, 1, 0.0).expect_err("bad velocity");
        assert!(matches!(error, SequencerError::Velocity { step: 3, .. }), "{velocity}: {error}");
    }

    let crowded = Pattern { steps_per_bar: 16, lanes: vec![single_lane("kick", &[0]).lanes[0].clone(); MAX_LANES + 1] };
    assert_eq!(crowded.validate(), Err(SequencerError::TooManyLanes { lanes: MAX_LANES + 1 }));
    let full = Pattern { steps_per_bar: 16, lanes: vec![single_lane("kick", &[0]).lanes[0].clone(); MAX_LANES] };
    full.validate().expect("the lane limit itself is fine");
}

#[test]
fn an_empty_pattern_renders_silence_of_the_right_length() {
    let kit = hits(&[("kick", impulse(0.5, 10))]);
    let empty = Pattern { steps_per_bar: 16, lanes: Vec::new() };
    let rendered = render_loop_with_report(&kit, &empty, 120.0, 2, 0.0).expect("render");
    assert_eq!(rendered.audio.frames(), 88_200);
    assert!(rendered.audio.samples.iter().all(|&sample| sample == 0.0));
    assert_eq!(rendered.headroom_gain, 1.0);
}
