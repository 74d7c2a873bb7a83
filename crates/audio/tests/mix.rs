//! Voice over bed: ducking depth, recovery and smoothness, fades, length rules, formats, errors.

use std::f64::consts::TAU;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::mix::{Ducking, GUARD_PEAK, MixError, MixLength, MixResult, MixSpec, Track, mix};

/// A speech-friendly rate that keeps the tests quick.
const RATE: u32 = 16_000;

fn frames_of(seconds: f64) -> usize {
    (seconds * f64::from(RATE)).round() as usize
}

fn sine(frequency: f64, amplitude: f64, seconds: f64) -> Vec<f32> {
    (0..frames_of(seconds))
        .map(|frame| (amplitude * (TAU * frequency * frame as f64 / f64::from(RATE)).sin()) as f32)
        .collect()
}

/// Stand-in speech: a 200 Hz tone in the given `[start, end)` spans (seconds), silence elsewhere.
fn speech(spans: &[(f64, f64)], seconds: f64) -> AudioBuffer {
    let tone = sine(200.0, 0.3, seconds);
    let mut samples = vec![0.0; frames_of(seconds)];
    for &(start, end) in spans {
        let range = frames_of(start)..frames_of(end);
        samples[range.clone()].copy_from_slice(&tone[range]);
    }
    AudioBuffer::mono(RATE, samples)
}

/// A spec with no offset, fades or gains, so the tests see only what they set.
fn plain_spec(voice: Option<AudioBuffer>, bed: Option<AudioBuffer>, length: MixLength) -> MixSpec {
    MixSpec {
        voice,
        voice_offset_seconds: 0.0,
        bed,
        bed_loops: false,
        length,
        voice_gain_db: 0.0,
        bed_gain_db: 0.0,
        ducking: None,
        fade_in_seconds: 0.0,
        fade_out_seconds: 0.0,
    }
}

fn ducking(depth_db: f32) -> Ducking {
    Ducking { depth_db, attack_ms: 40.0, release_ms: 300.0, threshold_db: -40.0 }
}

/// The bed's contribution to a mix: the mix minus the same mix without the bed (the mix is
/// linear when the guard does not act, and ducking depends on the voice only).
fn bed_part(spec: &MixSpec) -> (Vec<f64>, MixResult) {
    let with_bed = mix(spec).expect("mix with bed");
    let without_bed = mix(&MixSpec { bed: None, ..spec.clone() }).expect("mix without bed");
    assert_eq!(with_bed.report.guard_gain, 1.0, "the guard must not act in these tests");
    let part = with_bed
        .audio
        .samples
        .iter()
        .zip(&without_bed.audio.samples)
        .map(|(mixed, voice_only)| f64::from(*mixed) - f64::from(*voice_only))
        .collect();
    (part, with_bed)
}

fn rms_db(samples: &[f64]) -> f64 {
    let mean_square = samples.iter().map(|sample| sample * sample).sum::<f64>() / samples.len() as f64;
    10.0 * mean_square.log10()
}

fn span(samples: &[f64], start: f64, end: f64) -> &[f64] {
    &samples[frames_of(start)..frames_of(end)]
}

/// Speech 1.0–2.5 s and 4.0–5.0 s in a 6 s mix.
const SPEECH: [(f64, f64); 2] = [(1.0, 2.5), (4.0, 5.0)];
const MIX_SECONDS: f64 = 6.0;

#[test]
fn bed_is_depth_db_lower_under_speech_than_in_a_gap() {
    for depth_db in [6.0_f32, 10.0, 18.0] {
        let bed = AudioBuffer::mono(RATE, sine(1000.0, 0.2, MIX_SECONDS));
        let spec = MixSpec {
            ducking: Some(ducking(depth_db)),
            ..plain_spec(Some(speech(&SPEECH, MIX_SECONDS)), Some(bed), MixLength::Seconds(MIX_SECONDS))
        };
        let (bed_only, result) = bed_part(&spec);
        let under_speech = rms_db(span(&bed_only, 1.5, 2.4));
        let in_gap = rms_db(span(&bed_only, 3.2, 3.8));
        let difference = in_gap - under_speech;
        assert!((difference - f64::from(depth_db)).abs() <= 1.0, "depth {depth_db}: measured {difference:.2} dB");
        assert!((result.report.max_ducking_db - depth_db).abs() < 1e-3, "{:?}", result.report);
        let spoken = result.report.voice_active_seconds;
        assert!((spoken - 2.5).abs() < 0.05, "voice active for {spoken} s");
    }
}

/// The bed's linear gain per frame, read from a constant (DC) bed.
fn duck_gains(spec_ducking: Ducking, voice: AudioBuffer, offset_seconds: f64) -> Vec<f64> {
    let bed = AudioBuffer::mono(RATE, vec![0.5; frames_of(MIX_SECONDS)]);
    let spec = MixSpec {
        ducking: Some(spec_ducking),
        voice_offset_seconds: offset_seconds,
        ..plain_spec(Some(voice), Some(bed), MixLength::Seconds(MIX_SECONDS))
    };
    bed_part(&spec).0.iter().map(|sample| sample / 0.5).collect()
}

fn to_db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

#[test]
fn bed_is_already_down_when_speech_starts() {
    let gains = duck_gains(ducking(10.0), speech(&SPEECH, MIX_SECONDS), 0.0);
    let onset = frames_of(1.0);
    assert!(to_db(gains[onset]) <= -9.0, "at the first syllable the bed is at {:.2} dB", to_db(gains[onset]));
    // And it went down smoothly beforehand, not in the silence long before.
    assert!(to_db(gains[frames_of(0.5)]).abs() < 1e-3);
    assert!(to_db(gains[onset - frames_of(0.02)]) < -1.0, "look-ahead started the ramp early");
}

#[test]
fn bed_stays_down_through_speech_and_recovers_after_release() {
    let settings = ducking(10.0);
    let gains = duck_gains(settings, speech(&SPEECH, MIX_SECONDS), 0.0);
    let speech_end = frames_of(2.5);
    assert!((to_db(gains[speech_end - frames_of(0.015)]) + 10.0).abs() < 0.01, "still down at the last word");
    let halfway = to_db(gains[speech_end + frames_of(0.15)]);
    assert!(halfway > -9.5 && halfway < -0.5, "partway back halfway through the release: {halfway:.2} dB");
    // Release (300 ms) plus half the detector window (10 ms), with a little margin.
    let recovered = to_db(gains[speech_end + frames_of(0.33)]);
    assert!(recovered.abs() < 0.01, "back up after the release: {recovered:.3} dB");
    assert!(span(&gains, 2.9, 3.9).iter().all(|gain| (gain - 1.0).abs() < 1e-4), "stays up in the gap");
    // The same again around the second phrase.
    assert!((to_db(gains[frames_of(4.5)]) + 10.0).abs() < 0.01);
    assert!(to_db(gains[frames_of(5.4)]).abs() < 0.01);
}

#[test]
fn ducking_gain_changes_smoothly_without_zipper_noise() {
    let settings = ducking(12.0);
    // A voice with a fast stutter of short words and gaps, the hardest case for the envelope.
    let stutter: Vec<(f64, f64)> = (0..20).map(|word| (1.0 + word as f64 * 0.12, 1.07 + word as f64 * 0.12)).collect();
    let gains = duck_gains(settings, speech(&stutter, MIX_SECONDS), 0.0);
    let attack_frames = f64::from(settings.attack_ms) * f64::from(RATE) / 1000.0;
    let max_step_db = f64::from(settings.depth_db) / attack_frames;
    let worst_step = gains.windows(2).map(|pair| (to_db(pair[1]) - to_db(pair[0])).abs()).fold(0.0, f64::max);
    assert!(worst_step > 0.0, "the bed ducked");
    assert!(worst_step <= max_step_db + 1e-4, "per-sample change {worst_step:.5} dB exceeds {max_step_db:.5} dB");
    assert!(gains.iter().all(|gain| (0.25..=1.0 + 1e-6).contains(gain)), "gain stays between -12 dB and 0 dB");
}

#[test]
fn speech_at_the_very_start_begins_ducked() {
    let gains = duck_gains(ducking(10.0), speech(&[(0.0, 1.0)], 1.0), 0.0);
    assert!((to_db(gains[0]) + 10.0).abs() < 0.01, "no ramp down at the start: {:.2} dB", to_db(gains[0]));
}

#[test]
fn voice_offset_moves_the_ducking_with_the_voice() {
    let gains = duck_gains(ducking(10.0), speech(&[(0.0, 1.0)], 1.0), 2.0);
    assert!(to_db(gains[frames_of(1.5)]).abs() < 1e-3, "before the voice the bed is up");
    assert!((to_db(gains[frames_of(2.0)]) + 10.0).abs() < 0.01, "down when the voice starts");
    assert!((to_db(gains[frames_of(2.9)]) + 10.0).abs() < 0.01);
}

#[test]
fn voice_below_threshold_does_not_duck() {
    let quiet_voice = AudioBuffer::mono(RATE, sine(200.0, 0.001, MIX_SECONDS)); // About -63 dBFS RMS.
    let bed = AudioBuffer::mono(RATE, vec![0.5; frames_of(MIX_SECONDS)]);
    let spec = MixSpec {
        ducking: Some(ducking(10.0)),
        ..plain_spec(Some(quiet_voice), Some(bed), MixLength::Seconds(MIX_SECONDS))
    };
    let result = mix(&spec).expect("mix");
    assert_eq!(result.report.max_ducking_db, 0.0);
    assert_eq!(result.report.voice_active_seconds, 0.0);
}

#[test]
fn fades_start_and_end_at_zero_with_an_equal_power_curve() {
    let bed = AudioBuffer::mono(RATE, vec![0.5; frames_of(3.0)]);
    let spec =
        MixSpec { fade_in_seconds: 0.5, fade_out_seconds: 1.0, ..plain_spec(None, Some(bed), MixLength::FollowBed) };
    let result = mix(&spec).expect("mix");
    let samples = &result.audio.samples;
    assert_eq!(samples[0], 0.0);
    assert_eq!(*samples.last().expect("samples"), 0.0);
    let fade_in = &samples[..frames_of(0.5)];
    assert!(fade_in.windows(2).all(|pair| pair[1] >= pair[0]), "fade-in rises");
    let fade_out = &samples[samples.len() - frames_of(1.0)..];
    assert!(fade_out.windows(2).all(|pair| pair[1] <= pair[0]), "fade-out falls");
    // Equal power: halfway through a fade the gain is sin(45°) ≈ 0.707, not 0.5.
    let halfway = f64::from(samples[frames_of(0.25)]) / 0.5;
    assert!((halfway - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-3, "halfway gain {halfway}");
    assert!(samples[frames_of(0.5)..frames_of(2.0)].iter().all(|&sample| sample == 0.5), "untouched in between");
    assert!((result.report.fade_in_seconds - 0.5).abs() < 1e-9);
    assert!((result.report.fade_out_seconds - 1.0).abs() < 1e-9);
}

#[test]
fn fades_longer_than_the_mix_are_shortened_in_proportion() {
    let bed = AudioBuffer::mono(RATE, vec![0.5; frames_of(1.0)]);
    let spec =
        MixSpec { fade_in_seconds: 3.0, fade_out_seconds: 1.0, ..plain_spec(None, Some(bed), MixLength::FollowBed) };
    let result = mix(&spec).expect("mix");
    assert!((result.report.fade_in_seconds - 0.75).abs() < 1e-3, "{:?}", result.report);
    assert!((result.report.fade_out_seconds - 0.25).abs() < 1e-3, "{:?}", result.report);
    assert_eq!(result.audio.samples[0], 0.0);
    assert_eq!(*result.audio.samples.last().expect("samples"), 0.0);
    assert!(result.audio.samples.iter().all(|sample| sample.is_finite() && *sample <= 0.5));
}

#[test]
fn length_follows_the_voice_plus_offset_and_tail() {
    let voice = speech(&[(0.0, 2.0)], 2.0);
    let spec = MixSpec {
        voice_offset_seconds: 0.5,
        ..plain_spec(Some(voice), None, MixLength::FollowVoice { tail_seconds: 1.5 })
    };
    let result = mix(&spec).expect("mix");
    assert_eq!(result.audio.frames(), frames_of(0.5) + frames_of(2.0) + frames_of(1.5));
    assert_eq!(result.report.frames, result.audio.frames());
    assert!((result.report.seconds - 4.0).abs() < 1e-9);
    assert!(!result.report.voice_truncated);
    assert!(result.audio.samples[..frames_of(0.5)].iter().all(|&sample| sample == 0.0), "silence before the voice");
    assert_ne!(result.audio.samples[frames_of(0.5) + 10], 0.0, "the voice starts at its offset");
}

#[test]
fn fixed_length_cuts_a_longer_voice() {
    let voice = speech(&[(0.0, 3.0)], 3.0);
    let result = mix(&plain_spec(Some(voice), None, MixLength::Seconds(2.5))).expect("mix");
    assert_eq!(result.audio.frames(), frames_of(2.5));
    assert!(result.report.voice_truncated);
}

#[test]
fn length_can_follow_the_bed() {
    let bed = AudioBuffer::mono(RATE, vec![0.1; 12_345]);
    let voice = speech(&[(0.0, 3.0)], 3.0);
    let spec = MixSpec { bed_loops: true, ..plain_spec(Some(voice), Some(bed), MixLength::FollowBed) };
    let result = mix(&spec).expect("mix");
    assert_eq!(result.audio.frames(), 12_345);
    assert_eq!(result.report.bed_plays, 1);
    assert!(result.report.voice_truncated);
}

#[test]
fn a_looping_bed_repeats_to_cover_the_voice() {
    let bed_samples: Vec<f32> = (0..frames_of(0.5)).map(|frame| (frame % 1000) as f32 / 2000.0 + 0.01).collect();
    let bed = AudioBuffer::mono(RATE, bed_samples.clone());
    let silent_voice = AudioBuffer::mono(RATE, vec![0.0; frames_of(1.8)]);
    let spec = MixSpec {
        bed_loops: true,
        ..plain_spec(Some(silent_voice.clone()), Some(bed.clone()), MixLength::FollowVoice { tail_seconds: 0.0 })
    };
    let looped = mix(&spec).expect("mix");
    assert_eq!(looped.audio.frames(), frames_of(1.8));
    assert_eq!(looped.report.bed_plays, 4);
    for (frame, sample) in looped.audio.samples.iter().enumerate() {
        assert_eq!(*sample, bed_samples[frame % bed_samples.len()], "frame {frame}");
    }

    let once = mix(&MixSpec { bed_loops: false, ..spec }).expect("mix");
    assert_eq!(once.report.bed_plays, 1);
    assert_eq!(&once.audio.samples[..bed_samples.len()], &bed_samples[..]);
    assert!(once.audio.samples[bed_samples.len()..].iter().all(|&sample| sample == 0.0), "silence after the bed");
}

#[test]
fn gains_scale_each_track() {
    let voice = AudioBuffer::mono(RATE, vec![0.2; 100]);
    let bed = AudioBuffer::mono(RATE, vec![0.4; 100]);
    let spec =
        MixSpec { voice_gain_db: -6.0, bed_gain_db: -20.0, ..plain_spec(Some(voice), Some(bed), MixLength::FollowBed) };
    let result = mix(&spec).expect("mix");
    let expected = 0.2 * 10_f64.powf(-6.0 / 20.0) + 0.4 * 0.1;
    assert!((f64::from(result.audio.samples[50]) - expected).abs() < 1e-6);
}

#[test]
fn a_mono_voice_is_duplicated_over_a_stereo_bed() {
    let voice = AudioBuffer::mono(RATE, vec![0.25; 100]);
    let stereo_bed = AudioBuffer { sample_rate: RATE, channels: 2, samples: [0.1_f32, -0.1].repeat(100) };
    let result = mix(&plain_spec(Some(voice), Some(stereo_bed), MixLength::FollowBed)).expect("mix");
    assert_eq!(result.audio.channels, 2);
    assert_eq!(result.report.channels, 2);
    assert_eq!(result.audio.frames(), 100);
    assert!((result.audio.samples[20] - 0.35).abs() < 1e-6);
    assert!((result.audio.samples[21] - 0.15).abs() < 1e-6);

    // A mono bed under a stereo voice works the same way round.
    let stereo_voice = AudioBuffer { sample_rate: RATE, channels: 2, samples: [0.3_f32, 0.0].repeat(100) };
    let mono_bed = AudioBuffer::mono(RATE, vec![0.1; 100]);
    let result = mix(&plain_spec(Some(stereo_voice), Some(mono_bed), MixLength::FollowBed)).expect("mix");
    assert_eq!(result.audio.channels, 2);
    assert!((result.audio.samples[21] - 0.1).abs() < 1e-6);
}

#[test]
fn the_guard_keeps_hot_mixes_finite_and_at_full_scale() {
    let voice = AudioBuffer::mono(RATE, sine(200.0, 0.9, 1.0));
    let bed = AudioBuffer::mono(RATE, vec![0.9; frames_of(1.0)]);
    let spec =
        MixSpec { voice_gain_db: 12.0, bed_gain_db: 12.0, ..plain_spec(Some(voice), Some(bed), MixLength::FollowBed) };
    let result = mix(&spec).expect("mix");
    assert!(result.report.guard_gain < 1.0);
    assert!(result.report.peak <= GUARD_PEAK + 1e-6);
    assert!(result.audio.samples.iter().all(|sample| sample.is_finite() && sample.abs() <= GUARD_PEAK + 1e-6));

    // Samples near f32::MAX with +24 dB would overflow f32; the mix must still come out finite.
    let extreme = AudioBuffer::mono(RATE, vec![f32::MAX; 100]);
    let spec = MixSpec {
        voice_gain_db: 24.0,
        bed_gain_db: 24.0,
        ..plain_spec(Some(extreme.clone()), Some(extreme), MixLength::FollowBed)
    };
    let result = mix(&spec).expect("mix");
    assert!(result.audio.samples.iter().all(|sample| sample.is_finite() && sample.abs() <= GUARD_PEAK + 1e-6));
}

#[test]
fn default_spec_suits_a_social_post() {
    let defaults = MixSpec::default();
    assert!(defaults.ducking.is_some() && defaults.bed_loops);
    assert!(defaults.bed_gain_db < defaults.voice_gain_db);
    let spec = MixSpec {
        voice: Some(speech(&[(0.0, 3.0)], 3.0)),
        bed: Some(AudioBuffer { sample_rate: RATE, channels: 2, samples: sine(110.0, 0.5, 2.0).repeat(2) }),
        ..defaults
    };
    let result = mix(&spec).expect("mix");
    assert!(!result.report.voice_truncated);
    assert!(result.report.max_ducking_db > 9.9);
    assert!(result.report.bed_plays >= 2);
    assert_eq!(result.audio.channels, 2);
    assert!(result.audio.samples.iter().all(|sample| sample.is_finite()));
}

#[test]
fn settings_round_trip_through_json_without_the_audio() {
    let spec = MixSpec {
        voice: Some(AudioBuffer::mono(RATE, vec![0.1; 10])),
        length: MixLength::Seconds(15.0),
        ..MixSpec::default()
    };
    let json = serde_json::to_string(&spec).expect("serialize");
    assert!(json.contains("\"voiceOffsetSeconds\"") && json.contains("\"seconds\":15.0"), "{json}");
    assert!(!json.contains("voice\""), "audio is not serialized: {json}");
    let back: MixSpec = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, MixSpec { voice: None, ..spec });

    let follow_voice: MixLength = serde_json::from_str(r#"{"followVoice":{"tailSeconds":2.5}}"#).expect("length");
    assert_eq!(follow_voice, MixLength::FollowVoice { tail_seconds: 2.5 });
    let partial: MixSpec = serde_json::from_str(r#"{"bedGainDb":-18,"ducking":null}"#).expect("partial spec");
    assert_eq!(partial.bed_gain_db, -18.0);
    assert_eq!(partial.ducking, None);
    assert_eq!(partial.fade_out_seconds, MixSpec::default().fade_out_seconds);
}

#[test]
fn mismatched_formats_are_errors() {
    let voice = AudioBuffer::mono(RATE, vec![0.1; 100]);
    let bed_44k = AudioBuffer::mono(44_100, vec![0.1; 100]);
    assert_eq!(
        mix(&plain_spec(Some(voice.clone()), Some(bed_44k), MixLength::FollowBed)),
        Err(MixError::SampleRateMismatch { voice: RATE, bed: 44_100 })
    );
    let stereo_voice = AudioBuffer { sample_rate: RATE, channels: 2, samples: vec![0.1; 200] };
    let surround_bed = AudioBuffer { sample_rate: RATE, channels: 6, samples: vec![0.1; 600] };
    let error = mix(&plain_spec(Some(stereo_voice), Some(surround_bed), MixLength::FollowBed)).expect_err("layouts");
    assert_eq!(error, MixError::ChannelMismatch { voice: 2, bed: 6 });
    assert!(error.to_string().contains("6"));

    let partial_frame = AudioBuffer { sample_rate: RATE, channels: 2, samples: vec![0.1; 3] };
    assert!(matches!(
        mix(&plain_spec(Some(voice.clone()), Some(partial_frame), MixLength::FollowBed)),
        Err(MixError::MalformedTrack { track: Track::Bed, .. })
    ));
    let not_finite = AudioBuffer::mono(RATE, vec![0.1, f32::INFINITY]);
    assert_eq!(
        mix(&plain_spec(Some(not_finite), None, MixLength::Seconds(1.0))),
        Err(MixError::NonFiniteTrack(Track::Voice))
    );
}

#[test]
fn missing_tracks_are_errors() {
    let voice = AudioBuffer::mono(RATE, vec![0.1; 100]);
    assert_eq!(mix(&plain_spec(None, None, MixLength::Seconds(1.0))), Err(MixError::NothingToMix));
    assert_eq!(
        mix(&plain_spec(None, Some(voice.clone()), MixLength::FollowVoice { tail_seconds: 1.0 })),
        Err(MixError::LengthNeedsTrack(Track::Voice))
    );
    assert_eq!(mix(&plain_spec(Some(voice), None, MixLength::FollowBed)), Err(MixError::LengthNeedsTrack(Track::Bed)));
    let empty_bed = AudioBuffer::mono(RATE, Vec::new());
    assert_eq!(mix(&plain_spec(None, Some(empty_bed), MixLength::FollowBed)), Err(MixError::EmptyMix));
}

#[test]
fn out_of_range_settings_are_errors_naming_the_setting() {
    let voice = AudioBuffer::mono(RATE, vec![0.1; 100]);
    let base = MixSpec { ducking: Some(ducking(10.0)), ..plain_spec(Some(voice), None, MixLength::Seconds(1.0)) };
    let with_ducking = |change: fn(&mut Ducking)| {
        let mut settings = ducking(10.0);
        change(&mut settings);
        MixSpec { ducking: Some(settings), ..base.clone() }
    };
    let cases: Vec<(&str, MixSpec)> = vec![
        ("voice_offset_seconds", MixSpec { voice_offset_seconds: -0.1, ..base.clone() }),
        ("voice_gain_db", MixSpec { voice_gain_db: f32::NAN, ..base.clone() }),
        ("bed_gain_db", MixSpec { bed_gain_db: 30.0, ..base.clone() }),
        ("fade_in_seconds", MixSpec { fade_in_seconds: -1.0, ..base.clone() }),
        ("fade_out_seconds", MixSpec { fade_out_seconds: f64::INFINITY, ..base.clone() }),
        ("length seconds", MixSpec { length: MixLength::Seconds(0.0), ..base.clone() }),
        ("length seconds", MixSpec { length: MixLength::Seconds(f64::NAN), ..base.clone() }),
        ("tail_seconds", MixSpec { length: MixLength::FollowVoice { tail_seconds: -2.0 }, ..base.clone() }),
        ("depth_db", with_ducking(|settings| settings.depth_db = -3.0)),
        ("attack_ms", with_ducking(|settings| settings.attack_ms = 0.0)),
        ("release_ms", with_ducking(|settings| settings.release_ms = 10_000.0)),
        ("threshold_db", with_ducking(|settings| settings.threshold_db = 3.0)),
    ];
    for (expected_setting, spec) in cases {
        match mix(&spec) {
            Err(MixError::InvalidSetting { setting, .. }) => assert_eq!(setting, expected_setting),
            other => panic!("{expected_setting}: expected an invalid setting, got {other:?}"),
        }
    }
    assert!(matches!(
        mix(&MixSpec { voice_offset_seconds: 3599.0, length: MixLength::FollowVoice { tail_seconds: 10.0 }, ..base }),
        Err(MixError::TooLong { .. })
    ));
}
