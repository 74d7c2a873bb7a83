use std::process::Command;

use postcraft_media::{FrameReader, MediaError, Rational, probe};

use crate::common::{Clip, FRAMES, HEIGHT, TestResult, WIDTH, ffmpeg, make_clip, run};

#[test]
fn each_accepted_format_reports_size_frames_rate_and_audio() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    for clip in Clip::ALL {
        let path = make_clip(&ffmpeg, dir.path(), clip);
        let info = probe(&ffmpeg, &path)?;
        let (video_codec, audio_codec, container) = clip.expected();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT), "{clip:?}");
        assert_eq!(info.frame_count, FRAMES, "{clip:?}");
        assert_eq!(info.frame_rate, Rational { num: 25, den: 1 }, "{clip:?}");
        assert!((info.duration_secs - 2.0).abs() < 0.1, "{clip:?}: {}", info.duration_secs);
        assert_eq!(info.has_audio, clip.has_audio(), "{clip:?}");
        assert_eq!(info.video_codec, video_codec, "{clip:?}");
        assert_eq!(info.audio_codec.as_deref(), audio_codec, "{clip:?}");
        assert!(info.container.contains(container), "{clip:?}: {}", info.container);
        assert_eq!(info.rotation, 0, "{clip:?}");
    }
    Ok(())
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let ffmpeg = ffmpeg();
    let path = std::env::temp_dir().join("postcraft-media-no-such-file.mp4");
    let Err(err) = probe(&ffmpeg, &path) else { panic!("probed a missing file") };
    assert!(matches!(&err, MediaError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound), "{err:?}");
    assert!(err.to_string().contains("postcraft-media-no-such-file.mp4"), "{err}");
}

#[test]
fn files_that_are_not_video_are_malformed_with_a_readable_reason() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let good = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let bytes = std::fs::read(&good)?;

    // A default MP4 has its index at the end: cut short, ffprobe cannot open it at all.
    let truncated = dir.path().join("truncated.mp4");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2])?;
    // With the index at the front, ffprobe opens it and finds fewer frames than the index lists.
    let faststart = dir.path().join("faststart.mp4");
    run(Command::new(ffmpeg.ffmpeg_path())
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(&good)
        .args(["-c", "copy", "-movflags", "+faststart"])
        .arg(&faststart));
    let faststart_bytes = std::fs::read(&faststart)?;
    let truncated_faststart = dir.path().join("truncated-faststart.mp4");
    std::fs::write(&truncated_faststart, &faststart_bytes[..faststart_bytes.len() / 2])?;
    let random = dir.path().join("random.mp4");
    // Deterministic noise (an LCG): no rand dependency, same bytes every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect();
    std::fs::write(&random, noise)?;
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "These are my notes for the next video.\nNot a video.\n")?;
    let audio_only = dir.path().join("song.m4a");
    run(Command::new(ffmpeg.ffmpeg_path())
        .args(["-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac"])
        .arg(&audio_only));

    for (path, expected) in [
        (&truncated, "moov atom not found"),
        (&truncated_faststart, "truncated"),
        (&random, "ffprobe could not read it"),
        (&text, "ffprobe could not read it"),
        (&audio_only, "no video stream"),
    ] {
        let Err(err) = probe(&ffmpeg, path) else { panic!("{} was accepted", path.display()) };
        let message = err.to_string();
        eprintln!("{message}");
        assert!(matches!(err, MediaError::Malformed { .. }), "{}: {err:?}", path.display());
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains(" @ 0x"), "ffmpeg's context prefix leaked: {message}");
    }
    Ok(())
}

#[test]
fn a_rotated_phone_clip_reports_and_decodes_upright() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let source = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let rotated = dir.path().join("portrait.mp4");
    run(Command::new(ffmpeg.ffmpeg_path())
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(&source)
        .args(["-c", "copy", "-metadata:s:v:0", "rotate=90"])
        .arg(&rotated));

    let info = probe(&ffmpeg, &rotated)?;
    assert_eq!((info.width, info.height, info.rotation), (HEIGHT, WIDTH, 90));
    let mut reader = FrameReader::open(&ffmpeg, &rotated, &info)?;
    let mut frames = 0;
    while let Some(frame) = reader.read_frame()? {
        assert_eq!((frame.width(), frame.height()), (HEIGHT, WIDTH));
        frames += 1;
    }
    assert_eq!(frames, FRAMES);
    Ok(())
}
