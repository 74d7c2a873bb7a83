//! Reading and writing sound files: round trips, atomic writes, and every kind of bad input a
//! user's disk can hold (each must be a clear error naming the file, never a panic).

use std::path::{Path, PathBuf};
use std::process::Command;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::files::{
    AudioFileError, DecodeLimits, decode_file, write_wav_pcm16, write_wav_pcm16_samples,
};
use postcraft_core::ErrorCode;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One step of 16-bit audio as decoded: the tolerance of a round trip.
const LSB: f32 = 1.0 / 32768.0;

fn sine_buffer(sample_rate: u32, channels: u16, seconds: f64) -> AudioBuffer {
    let frames = (f64::from(sample_rate) * seconds).round() as usize;
    let mut samples = Vec::with_capacity(frames * usize::from(channels));
    for frame in 0..frames {
        let time = frame as f64 / f64::from(sample_rate);
        for channel in 0..channels {
            // A different tone and level per channel, so swapped or merged channels show.
            let frequency = 440.0 * f64::from(channel + 1);
            let amplitude = 0.8 / f64::from(channel + 1);
            samples.push((amplitude * (std::f64::consts::TAU * frequency * time).sin()) as f32);
        }
    }
    AudioBuffer { sample_rate, channels, samples }
}

fn folder() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn file_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("list folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_close(decoded: &[f32], original: &[f32], tolerance: f32) {
    assert_eq!(decoded.len(), original.len(), "sample count");
    let worst = decoded.iter().zip(original).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst <= tolerance, "samples differ by up to {worst} (tolerance {tolerance})");
}

#[test]
fn pcm16_round_trip_is_within_one_step() {
    let dir = folder();
    for (rate, channels) in [(48_000, 1), (44_100, 2), (22_050, 6), (8_000, 2)] {
        let original = sine_buffer(rate, channels, 0.5);
        let path = dir.path().join(format!("tone-{rate}-{channels}.wav"));
        write_wav_pcm16(&path, &original).expect("write");
        let decoded = decode_file(&path, &DecodeLimits::default()).expect("decode");
        assert_eq!((decoded.sample_rate, decoded.channels), (rate, channels));
        assert_close(&decoded.samples, &original.samples, LSB);
    }
}

#[test]
fn out_of_range_samples_are_clipped_not_wrapped() {
    let dir = folder();
    let path = dir.path().join("loud.wav");
    let loud = AudioBuffer::mono(8_000, vec![1.5, -1.5, 1.0, -1.0, 0.0, f32::NAN]);
    write_wav_pcm16(&path, &loud).expect("write");
    let raw: Vec<i16> =
        hound::WavReader::open(&path).expect("open").samples::<i16>().collect::<Result<_, _>>().expect("samples");
    assert_eq!(raw, vec![i16::MAX, i16::MIN, i16::MAX, i16::MIN, 0, 0]);
}

#[test]
fn pcm16_samples_are_written_bit_for_bit() {
    let dir = folder();
    let path = dir.path().join("speech.wav");
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut samples: Vec<i16> = (0..22_050).map(|_| rng.random()).collect();
    samples.extend([i16::MIN, i16::MAX, 0, -1, 1]);
    samples.push(0); // whole stereo frames
    write_wav_pcm16_samples(&path, 22_050, 2, &samples).expect("write");

    let reader = hound::WavReader::open(&path).expect("open");
    let spec = reader.spec();
    assert_eq!((spec.sample_rate, spec.channels, spec.bits_per_sample), (22_050, 2, 16));
    assert_eq!(spec.sample_format, hound::SampleFormat::Int);
    let read: Vec<i16> = reader.into_samples::<i16>().collect::<Result<_, _>>().expect("samples");
    assert_eq!(read, samples);

    // The decoder reads 16-bit samples as i / 32768 exactly.
    let decoded = decode_file(&path, &DecodeLimits::default()).expect("decode");
    let expected: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
    assert_eq!(decoded.samples, expected);
}

#[test]
fn writing_replaces_the_file_whole_and_leaves_no_temporary_files() {
    let dir = folder();
    let path = dir.path().join("out.wav");
    write_wav_pcm16(&path, &sine_buffer(16_000, 1, 0.2)).expect("first write");
    write_wav_pcm16(&path, &sine_buffer(16_000, 2, 0.1)).expect("second write");
    assert_eq!(file_names(dir.path()), vec!["out.wav".to_owned()]);
    let decoded = decode_file(&path, &DecodeLimits::default()).expect("decode");
    assert_eq!((decoded.channels, decoded.frames()), (2, 1600));
}

#[test]
fn a_failed_write_keeps_the_old_file() {
    let dir = folder();
    let path = dir.path().join("keep.wav");
    let original = sine_buffer(16_000, 1, 0.2);
    write_wav_pcm16(&path, &original).expect("write");
    let before = std::fs::read(&path).expect("read");

    let no_channels = AudioBuffer { sample_rate: 16_000, channels: 0, samples: vec![] };
    let error = write_wav_pcm16(&path, &no_channels).expect_err("no channels");
    assert!(matches!(error, AudioFileError::InvalidAudio { .. }), "{error:?}");
    assert_eq!(error.code(), ErrorCode::InvalidRequest);
    let ragged = write_wav_pcm16_samples(&path, 16_000, 2, &[1, 2, 3]).expect_err("half a frame");
    assert!(ragged.to_string().contains("keep.wav"), "{ragged}");
    let zero_rate = write_wav_pcm16_samples(&path, 0, 1, &[1, 2, 3]).expect_err("zero rate");
    assert!(matches!(zero_rate, AudioFileError::InvalidAudio { .. }), "{zero_rate:?}");

    assert_eq!(std::fs::read(&path).expect("read"), before);
    assert_eq!(file_names(dir.path()), vec!["keep.wav".to_owned()]);
}

#[test]
fn writing_into_a_missing_folder_is_an_io_error() {
    let dir = folder();
    let path = dir.path().join("no such folder").join("out.wav");
    let error = write_wav_pcm16(&path, &sine_buffer(8_000, 1, 0.1)).expect_err("missing folder");
    assert!(matches!(error, AudioFileError::Write { .. }), "{error:?}");
    assert_eq!(error.code(), ErrorCode::Io);
    assert!(error.to_string().contains("out.wav"), "{error}");
}

/// Decodes `path` and checks that it fails with a `MediaInvalid` error naming the file.
fn assert_invalid_media(path: &Path) -> AudioFileError {
    let error = decode_file(path, &DecodeLimits::default()).expect_err("should not decode");
    assert_eq!(error.code(), ErrorCode::MediaInvalid, "{error:?}");
    let name = path.file_name().expect("name").to_string_lossy().into_owned();
    assert!(error.to_string().contains(&name), "message does not name the file: {error}");
    error
}

#[test]
fn a_text_file_named_wav_is_refused() {
    let dir = folder();
    let path = dir.path().join("notes.wav");
    std::fs::write(&path, "These are my notes for the video, not a sound.\n".repeat(20)).expect("write");
    let error = assert_invalid_media(&path);
    assert!(matches!(error, AudioFileError::Malformed { .. }), "{error:?}");
}

#[test]
fn random_bytes_are_refused() {
    let dir = folder();
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    for (index, size) in [1_usize, 12, 44, 1000, 100_000].into_iter().enumerate() {
        let path = dir.path().join(format!("noise-{index}.mp3"));
        let bytes: Vec<u8> = (0..size).map(|_| rng.random()).collect();
        std::fs::write(&path, bytes).expect("write");
        assert_invalid_media(&path);
    }
}

/// A canonical 44-byte WAV header for 16-bit PCM that claims `data_bytes` of samples.
fn wav_header(sample_rate: u32, channels: u16, data_bytes: u32) -> Vec<u8> {
    let block_align = channels * 2;
    let mut header = Vec::with_capacity(44);
    header.extend(b"RIFF");
    header.extend(data_bytes.saturating_add(36).to_le_bytes());
    header.extend(b"WAVEfmt ");
    header.extend(16_u32.to_le_bytes());
    header.extend(1_u16.to_le_bytes());
    header.extend(channels.to_le_bytes());
    header.extend(sample_rate.to_le_bytes());
    header.extend((sample_rate * u32::from(block_align)).to_le_bytes());
    header.extend(block_align.to_le_bytes());
    header.extend(16_u16.to_le_bytes());
    header.extend(b"data");
    header.extend(data_bytes.to_le_bytes());
    header
}

#[test]
fn a_wav_with_truncated_data_is_refused_as_truncated() {
    let dir = folder();
    // The header promises one second of stereo; a tenth of it is there.
    let path = dir.path().join("cut.wav");
    let mut bytes = wav_header(44_100, 2, 44_100 * 4);
    bytes.extend(std::iter::repeat_n(0x10, 4_410 * 4));
    std::fs::write(&path, &bytes).expect("write");
    let error = assert_invalid_media(&path);
    assert!(error.to_string().contains("truncated"), "{error}");

    // Only the header, no samples at all.
    let header_only = dir.path().join("header-only.wav");
    std::fs::write(&header_only, wav_header(44_100, 2, 44_100 * 4)).expect("write");
    assert_invalid_media(&header_only);

    // Cut inside the header.
    let half_header = dir.path().join("half-header.wav");
    std::fs::write(&half_header, &wav_header(44_100, 2, 400)[..20]).expect("write");
    assert_invalid_media(&half_header);
}

#[test]
fn a_streamed_wav_of_unknown_length_decodes_to_its_end() {
    // Written to a pipe, a WAV cannot say how long it is: both sizes read 0xFFFFFFFF, and the
    // file simply ends (here, inside the last frame).
    let dir = folder();
    let path = dir.path().join("streamed.wav");
    let mut bytes = wav_header(8_000, 2, u32::MAX);
    bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let samples: Vec<i16> = (0..2_000).map(|i| (i * 7) as i16).collect();
    for sample in &samples {
        bytes.extend(sample.to_le_bytes());
    }
    bytes.extend([0x01, 0x02]); // half a frame
    std::fs::write(&path, &bytes).expect("write");
    let decoded = decode_file(&path, &DecodeLimits::default()).expect("decode");
    assert_eq!((decoded.sample_rate, decoded.channels, decoded.frames()), (8_000, 2, 1_000));
    let expected: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
    assert_eq!(decoded.samples, expected);
}

#[test]
fn a_wav_header_without_samples_is_refused() {
    let dir = folder();
    let path = dir.path().join("nothing.wav");
    std::fs::write(&path, wav_header(48_000, 1, 0)).expect("write");
    let error = assert_invalid_media(&path);
    assert!(matches!(error, AudioFileError::Malformed { .. }), "{error:?}");
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    let dir = folder();
    let path = dir.path().join("empty.wav");
    std::fs::write(&path, b"").expect("write");
    let error = assert_invalid_media(&path);
    assert!(matches!(error, AudioFileError::Empty { .. }), "{error:?}");
}

#[test]
fn missing_and_empty_paths_are_io_errors() {
    let dir = folder();
    let missing = dir.path().join("gone.wav");
    for path in [missing.clone(), PathBuf::new()] {
        let error = decode_file(&path, &DecodeLimits::default()).expect_err("no file");
        assert!(matches!(error, AudioFileError::Unreadable { .. }), "{error:?}");
        assert_eq!(error.code(), ErrorCode::Io);
    }
    let error = decode_file(&missing, &DecodeLimits::default()).expect_err("no file");
    assert!(error.to_string().contains("gone.wav"), "{error}");
}

#[test]
fn limits_refuse_long_and_large_files() {
    let dir = folder();
    let path = dir.path().join("two-seconds.wav");
    write_wav_pcm16(&path, &sine_buffer(8_000, 1, 2.0)).expect("write");

    let short = DecodeLimits { max_seconds: 1.0, ..DecodeLimits::default() };
    let error = decode_file(&path, &short).expect_err("too long");
    assert!(matches!(error, AudioFileError::TooLong { .. }), "{error:?}");
    assert_eq!(error.code(), ErrorCode::MediaInvalid);

    let small = DecodeLimits { max_bytes: 1_000, ..DecodeLimits::default() };
    let error = decode_file(&path, &small).expect_err("too large");
    assert!(matches!(error, AudioFileError::TooLarge { .. }), "{error:?}");

    assert_eq!(decode_file(&path, &DecodeLimits::default()).expect("within limits").frames(), 16_000);
    assert_eq!(DecodeLimits::default(), DecodeLimits { max_seconds: 600.0, max_bytes: 1_000_000_000 });
}

#[test]
fn damaged_copies_of_a_good_file_never_panic() {
    let dir = folder();
    let good = dir.path().join("good.wav");
    write_wav_pcm16(&good, &sine_buffer(8_000, 2, 0.3)).expect("write");
    let bytes = std::fs::read(&good).expect("read");
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for attempt in 0..200 {
        let mut damaged = bytes.clone();
        if attempt % 2 == 0 {
            damaged.truncate(rng.random_range(0..bytes.len()));
        } else {
            for _ in 0..rng.random_range(1..8) {
                let index = rng.random_range(0..damaged.len().min(128));
                damaged[index] = rng.random();
            }
        }
        let path = dir.path().join("damaged.wav");
        std::fs::write(&path, &damaged).expect("write");
        // Either outcome is fine; a panic is not. Errors must name the file.
        if let Err(error) = decode_file(&path, &DecodeLimits::default()) {
            assert!(error.to_string().contains("damaged.wav"), "{error}");
        }
    }
}

// Compressed formats need an encoder to make samples; the system's ffmpeg (which the studio uses
// for video) provides one. Where it is missing these checks are skipped, loudly.

fn ffmpeg() -> Option<PathBuf> {
    let program = std::env::var_os("POSTCRAFT_FFMPEG").map(PathBuf::from).unwrap_or_else(|| "ffmpeg".into());
    let works = Command::new(&program).arg("-version").output().is_ok_and(|o| o.status.success());
    works.then_some(program)
}

fn run_ffmpeg(ffmpeg: &Path, arguments: &[&str]) -> bool {
    let output = Command::new(ffmpeg).args(["-hide_banner", "-loglevel", "error", "-y"]).args(arguments).output();
    match output {
        Ok(output) if output.status.success() => true,
        Ok(output) => {
            eprintln!("ffmpeg {arguments:?} failed: {}", String::from_utf8_lossy(&output.stderr));
            false
        }
        Err(error) => {
            eprintln!("ffmpeg could not start: {error}");
            false
        }
    }
}

fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len().max(1) as f64).sqrt()
}

#[test]
fn compressed_formats_and_the_audio_of_videos_decode() {
    let Some(ffmpeg) = ffmpeg() else {
        eprintln!("SKIPPED: ffmpeg not found; compressed formats were not checked");
        return;
    };
    let dir = folder();
    let source = sine_buffer(44_100, 2, 1.0);
    let wav = dir.path().join("source.wav");
    write_wav_pcm16(&wav, &source).expect("write source");
    let wav_arg = wav.to_str().expect("utf-8 path");
    let source_rms = rms(&source.samples);

    // (file name, extra ffmpeg arguments before the output, lossless?)
    let cases: [(&str, &[&str], bool); 5] = [
        ("tone.flac", &["-c:a", "flac"], true),
        ("tone.mp3", &["-c:a", "libmp3lame", "-b:a", "192k"], false),
        ("tone.ogg", &["-c:a", "libvorbis", "-q:a", "6"], false),
        ("tone.m4a", &["-c:a", "aac", "-b:a", "192k"], false),
        // A video whose first track is the picture: the sound is the second track.
        (
            "clip.mov",
            &[
                "-f",
                "lavfi",
                "-i",
                "color=c=black:s=64x64:d=1",
                "-map",
                "1:v",
                "-map",
                "0:a",
                "-c:v",
                "mpeg4",
                "-c:a",
                "aac",
                "-shortest",
            ],
            false,
        ),
    ];
    let mut checked = 0;
    for (name, arguments, lossless) in cases {
        let output = dir.path().join(name);
        let mut full: Vec<&str> = vec!["-i", wav_arg];
        full.extend_from_slice(arguments);
        full.push(output.to_str().expect("utf-8 path"));
        if !run_ffmpeg(&ffmpeg, &full) {
            eprintln!("SKIPPED: ffmpeg could not make {name}");
            continue;
        }
        let decoded = decode_file(&output, &DecodeLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((decoded.sample_rate, decoded.channels), (44_100, 2), "{name}");
        if lossless {
            assert_close(&decoded.samples, &source.samples, LSB);
        } else {
            // Lossy codecs pad or trim a little at the ends and change the waveform, not the level.
            let seconds = decoded.duration_seconds();
            assert!((seconds - 1.0).abs() < 0.06, "{name}: {seconds} s");
            let level_db = 20.0 * (rms(&decoded.samples) / source_rms).log10();
            assert!(level_db.abs() < 0.5, "{name}: level off by {level_db} dB");
        }
        checked += 1;
    }
    assert!(checked > 0, "ffmpeg is installed but could not encode any format");
}

#[test]
fn a_video_without_sound_has_no_audio_track() {
    let Some(ffmpeg) = ffmpeg() else {
        eprintln!("SKIPPED: ffmpeg not found");
        return;
    };
    let dir = folder();
    let path = dir.path().join("silent-film.mp4");
    let output = path.to_str().expect("utf-8 path");
    if !run_ffmpeg(&ffmpeg, &["-f", "lavfi", "-i", "color=c=black:s=64x64:d=0.5", "-c:v", "mpeg4", output]) {
        eprintln!("SKIPPED: ffmpeg could not make a video");
        return;
    }
    let error = assert_invalid_media(&path);
    assert!(matches!(error, AudioFileError::NoAudioTrack { .. }), "{error:?}");
}
