//! Voice and sound through the engine, on the real voice and runtime: speech streams sentence
//! by sentence and becomes a clip; a mix of voice over a bed lands on the platform loudness;
//! a creator's sound file imports, a damaged one is refused clearly.

mod common;

use std::sync::Arc;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::loudness::measure;
use postcraft_core::audio_ipc::{AudioClip, ClipKind, MixRequest, SpeakRequest};
use postcraft_engine::{Engine, ErrorCode, JobEvent, JobOutcome};

fn engine() -> Arc<Engine> {
    Arc::new(Engine::open(common::installed_config()))
}

/// A `speechSentence` event: index, count, start and duration in seconds.
type Sentence = (u32, u32, f64, f64);

/// Runs a job to its end; returns the sentence events and the clips it sent.
fn run(rx: &std::sync::mpsc::Receiver<JobEvent>) -> (Vec<Sentence>, Vec<AudioClip>) {
    let mut sentences = Vec::new();
    let mut clips = Vec::new();
    loop {
        match common::next_event(rx) {
            JobEvent::SpeechSentence { index, count, start_seconds, duration_seconds, .. } => {
                sentences.push((index, count, start_seconds, duration_seconds));
            }
            JobEvent::AudioClip { clip, .. } => clips.push(clip),
            JobEvent::Finished { outcome, .. } => {
                assert_eq!(outcome, JobOutcome::Completed);
                return (sentences, clips);
            }
            _ => {}
        }
    }
}

fn speak(engine: &Arc<Engine>, text: &str) -> AudioClip {
    let (sink, rx) = common::channel_sink();
    let request = SpeakRequest {
        text: text.into(),
        voice: None,
        length_scale: None,
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        sentence_silence: 0.25,
        play: false,
    };
    engine.speak(request, sink).expect("the job starts");
    let (sentences, clips) = run(&rx);
    assert_eq!(clips.len(), 1);
    let clip = clips.into_iter().next().expect("one clip");
    // Sentences arrive in order, back to back, and add up to the clip.
    let count = sentences.len() as u32;
    let mut end = 0.0;
    for (i, (index, of, start, duration)) in sentences.iter().enumerate() {
        assert_eq!((*index, *of), (i as u32, count));
        assert!((start - end).abs() < 1e-9, "sentence {i} starts where the previous ended");
        end = start + duration;
    }
    assert!((end - clip.duration_seconds).abs() < 1e-6);
    clip
}

#[test]
fn speech_streams_by_sentence_and_becomes_a_clip() {
    let engine = engine();
    let clip = speak(&engine, "Fresh coffee, warm light. Is it Friday yet? See you there!");
    assert_eq!(clip.kind, ClipKind::Voice);
    assert_eq!((clip.sample_rate, clip.channels), (22_050, 1));
    assert!(clip.duration_seconds > 3.0 && clip.duration_seconds < 12.0, "{}", clip.duration_seconds);
    let wav = engine.clips().serve(&format!("/audio/{}.wav", clip.id)).expect("served");
    assert_eq!(&wav[..4], b"RIFF");
    assert!(clip.peaks.iter().any(|[lo, hi]| *hi > 0.5 && *lo < -0.5), "speech reaches near full scale");
}

#[test]
fn a_voice_over_a_bed_is_mixed_to_the_platform_loudness() {
    let engine = engine();
    let voice = speak(&engine, "Doors open at seven. Bring a friend, and bring your camera.");
    // A bed: a quiet chord with a pulse, 4 seconds at 22,050 Hz (shorter than the voice: it loops).
    let rate = 22_050;
    let bed: Vec<f32> = (0..rate * 4)
        .map(|i| {
            let t = i as f32 / rate as f32;
            let pulse = if (t * 2.0).fract() < 0.1 { 1.0 } else { 0.4 };
            0.05 * pulse * [220.0f32, 277.2, 329.6].iter().map(|f| (std::f32::consts::TAU * f * t).sin()).sum::<f32>()
        })
        .collect();
    let bed_id = engine.clips().insert(ClipKind::Beat, "bed".into(), AudioBuffer::mono(rate as u32, bed));
    let out = tempfile::tempdir().expect("tempdir");
    let wav = out.path().join("mix.wav");
    let (sink, rx) = common::channel_sink();
    let request = MixRequest {
        voice: Some(voice.id),
        bed: Some(bed_id),
        voice_offset_seconds: 0.5,
        ducking_db: 10.0,
        bed_gain_db: -12.0,
        fade_in_seconds: 0.5,
        fade_out_seconds: 1.5,
        output: Some(wav.display().to_string()),
    };
    engine.mix_audio(request, sink).expect("the job starts");
    let (_, clips) = run(&rx);
    let mix = &clips[0];
    assert_eq!((mix.kind, mix.sample_rate, mix.channels), (ClipKind::Mix, 48_000, 2));
    assert!((mix.duration_seconds - (voice.duration_seconds + 0.5 + 2.0)).abs() < 0.01, "voice + offset + tail");
    // Measured again on the exported file, independently of the mixer's own report.
    let exported = postcraft_audio::dsp::files::decode_file(&wav, &Default::default()).expect("the WAV reads back");
    let loudness = measure(&exported).expect("measurable");
    assert!((loudness.integrated_lufs + 14.0).abs() <= 0.5, "integrated {} LUFS", loudness.integrated_lufs);
    assert!(loudness.true_peak_dbtp <= -1.0 + 0.05, "true peak {} dBTP", loudness.true_peak_dbtp);
}

#[test]
fn sound_files_import_and_damaged_ones_are_refused_clearly() {
    let engine = engine();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("bed.wav");
    let tone: Vec<f32> = (0..44_100).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
    postcraft_audio::dsp::files::write_wav_pcm16(&good, &AudioBuffer::mono(44_100, tone)).expect("written");
    let clip = engine.import_audio(&good).expect("imports");
    assert_eq!((clip.kind, clip.sample_rate), (ClipKind::Imported, 44_100));
    assert!((clip.duration_seconds - 1.0).abs() < 1e-9);

    let damaged = dir.path().join("song.mp3");
    std::fs::write(&damaged, b"ID3\x04\x00\x00\x00\x00\x00\x00 this is not audio at all").expect("written");
    let error = engine.import_audio(&damaged).expect_err("refused");
    assert_eq!(error.code, ErrorCode::MediaInvalid);
    assert!(error.message.contains("song.mp3"), "{}", error.message);
    let missing = engine.import_audio(&dir.path().join("nope.wav")).expect_err("refused");
    assert_eq!(missing.code, ErrorCode::Io);
}

#[test]
fn the_post_sound_exports_as_wav_and_as_the_sound_of_a_video() {
    use postcraft_core::project_ipc::{AddAudioRequest, AudioRole, ExportFormat, ExportRequest};
    let engine = engine();
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("post");
    engine.project_create(Some(&project), dir.path(), "instagram-square").expect("a project");
    let export = |format: ExportFormat, name: &str| {
        let out = dir.path().join(name);
        let request = ExportRequest { preset: None, format, out: Some(out.display().to_string()) };
        engine.export_current(request).map(|_| out)
    };
    let refused = export(ExportFormat::Mp4, "silent.mp4").expect_err("no sound yet");
    assert_eq!(refused.code, ErrorCode::InvalidRequest);
    assert!(!dir.path().join("silent.mp4").exists());

    let voice = speak(&engine, "New drop this Friday. Set a reminder!");
    let view = engine.add_audio_to_post(AddAudioRequest { clip: voice.id, role: AudioRole::Voice }).expect("added");
    let track = view.post.audio.voice.clone().expect("the post has a voiceover");
    assert!(track.asset.starts_with("assets/voice-") && project.join(&track.asset).is_file(), "{}", track.asset);
    assert!(engine.undo().expect("undo").post.audio.is_empty(), "adding the sound is one undoable step");
    engine.redo().expect("redo");

    let wav = export(ExportFormat::Wav, "post.wav").expect("exports the WAV");
    let sound = postcraft_audio::dsp::files::decode_file(&wav, &Default::default()).expect("reads back");
    let loudness = measure(&sound).expect("measurable");
    assert!((loudness.integrated_lufs + 14.0).abs() <= 0.5, "{} LUFS", loudness.integrated_lufs);
    assert!(loudness.true_peak_dbtp <= -0.95, "{} dBTP", loudness.true_peak_dbtp);

    let mp4 = export(ExportFormat::Mp4, "post.mp4").expect("exports the video");
    // Without `out`, exports go to the project's `exports/` folder, made on the way.
    let default = engine
        .export_current(ExportRequest { preset: None, format: ExportFormat::Wav, out: None })
        .expect("exports into exports/");
    assert_eq!(default.files, [project.join("exports/instagram-square.wav").display().to_string()]);
    let ffmpeg = postcraft_media::Ffmpeg::locate().expect("set-up installs ffmpeg");
    let info = postcraft_media::probe(&ffmpeg, &mp4).expect("ffprobe reads it");
    assert_eq!((info.width, info.height), (1080, 1080));
    assert_eq!(info.video_codec, "h264");
    assert_eq!(info.pixel_format.as_deref(), Some("yuv420p"));
    assert_eq!(info.audio_codec.as_deref(), Some("aac"));
    assert!(
        (info.duration_secs - sound.duration_seconds()).abs() < 0.2,
        "{} vs {}",
        info.duration_secs,
        sound.duration_seconds()
    );
}

/// Runs a hits or beat job and returns its clips' WAV bytes, in order.
fn clip_wavs(engine: &Arc<Engine>, clips: &[AudioClip]) -> Vec<Vec<u8>> {
    clips.iter().map(|c| engine.clips().serve(&format!("/audio/{}.wav", c.id)).expect("served")).collect()
}

#[test]
fn drum_hits_come_by_seed_and_kind_and_sequence_into_a_beat_of_exact_length() {
    use postcraft_core::audio_ipc::{GenerateHitsRequest, MakeBeatRequest};
    let engine = engine();
    let hits = |kind: &str, seed: u64| {
        let (sink, rx) = common::channel_sink();
        engine.generate_hits(GenerateHitsRequest { kind: kind.into(), count: 3, seed }, sink).expect("starts");
        let (_, clips) = run(&rx);
        assert_eq!(clips.len(), 3);
        assert!(clips.iter().all(|c| c.kind == ClipKind::Hit && c.channels == 1), "{clips:?}");
        assert!(clips.iter().all(|c| c.peaks.iter().any(|[lo, hi]| hi - lo > 0.1)), "hits are not silent");
        clip_wavs(&engine, &clips)
    };
    let kicks = hits("kick", 5);
    assert_eq!(kicks, hits("kick", 5), "the same seed gives the same hits");
    assert_ne!(kicks[0], kicks[1], "the hits of one seed differ");
    assert_ne!(kicks, hits("kick", 6), "another seed gives other hits");
    assert_ne!(kicks, hits("snare", 5), "another kind gives other hits");

    let unknown = engine
        .generate_hits(GenerateHitsRequest { kind: "cowbell".into(), count: 1, seed: 1 }, common::channel_sink().0)
        .expect_err("an unknown kind is refused before a job starts");
    assert_eq!(unknown.code, ErrorCode::InvalidRequest);
    assert!(unknown.message.contains("kick") && unknown.message.contains("cowbell"), "{}", unknown.message);

    // 2 bars of 4/4 at 120 bpm are exactly 4 seconds.
    let (sink, rx) = common::channel_sink();
    let request =
        MakeBeatRequest { preset: "backbeat".into(), lanes: Vec::new(), bpm: 120.0, bars: 2, swing: 0.0, seed: 9 };
    engine.make_beat(request, sink).expect("starts");
    let (_, beats) = run(&rx);
    let beat = &beats[0];
    assert_eq!(beat.kind, ClipKind::Beat);
    assert_eq!(beat.duration_seconds * f64::from(beat.sample_rate), 4.0 * f64::from(beat.sample_rate));

    // The beat as the bed under a voice: the mix lands on the platform loudness.
    let voice = speak(&engine, "Beat by our own drum model. Voice by Piper.");
    let (sink, rx) = common::channel_sink();
    let request = MixRequest {
        voice: Some(voice.id),
        bed: Some(beat.id),
        voice_offset_seconds: 0.25,
        ducking_db: 9.0,
        bed_gain_db: -10.0,
        fade_in_seconds: 0.25,
        fade_out_seconds: 1.0,
        output: None,
    };
    engine.mix_audio(request, sink).expect("starts");
    let (_, mixes) = run(&rx);
    let wav = engine.clips().serve(&format!("/audio/{}.wav", mixes[0].id)).expect("served");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("mix.wav"), &wav).expect("written");
    let mixed =
        postcraft_audio::dsp::files::decode_file(dir.path().join("mix.wav"), &Default::default()).expect("reads");
    let loudness = measure(&mixed).expect("measurable");
    assert!((loudness.integrated_lufs + 14.0).abs() <= 0.5, "{} LUFS", loudness.integrated_lufs);
    assert!(loudness.true_peak_dbtp <= -0.95, "{} dBTP", loudness.true_peak_dbtp);
}
