use postcraft_media::{EncodeSettings, Frame, FrameWriter, MediaError, Rational, X264Preset, probe};

use crate::common::{TestResult, dir_names, ffmpeg};

const RATE: Rational = Rational { num: 25, den: 1 };

/// A horizontal grey ramp that moves one pixel per frame.
fn ramp(width: u32, height: u32, index: u32) -> Frame {
    let mut frame = Frame::new(width, height);
    for (i, pixel) in frame.data_mut().chunks_exact_mut(3).enumerate() {
        let x = (i as u32 % width + index) % width;
        pixel.fill((x * 255 / width.max(2)) as u8);
    }
    frame
}

#[test]
fn dropping_or_aborting_an_unfinished_writer_leaves_the_folder_as_it_was() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let output = dir.path().join("out.mp4");
    std::fs::write(&output, "the previous export")?;

    let mut writer = FrameWriter::create(&ffmpeg, &output, 64, 48, RATE, None)?;
    for i in 0..10 {
        writer.write_frame(&ramp(64, 48, i))?;
    }
    drop(writer);
    assert_eq!(dir_names(dir.path()), ["out.mp4"]);

    let mut writer = FrameWriter::create(&ffmpeg, &output, 64, 48, RATE, None)?;
    writer.write_frame(&ramp(64, 48, 0))?;
    writer.abort();
    assert_eq!(dir_names(dir.path()), ["out.mp4"]);
    assert_eq!(std::fs::read_to_string(&output)?, "the previous export");
    Ok(())
}

#[test]
fn finish_replaces_the_output_with_every_frame() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let output = dir.path().join("out.mp4");
    std::fs::write(&output, "the previous export")?;
    let settings = EncodeSettings { preset: X264Preset::Ultrafast, crf: 23, ..EncodeSettings::default() };
    let mut writer =
        FrameWriter::create_with(&ffmpeg, &output, 64, 48, Rational { num: 30000, den: 1001 }, None, &settings)?;
    for i in 0..37 {
        writer.write_frame(&ramp(64, 48, i))?;
    }
    assert_eq!(writer.finish()?, 37);
    assert_eq!(dir_names(dir.path()), ["out.mp4"]);
    let info = probe(&ffmpeg, &output)?;
    assert_eq!((info.width, info.height, info.frame_count), (64, 48, 37));
    assert_eq!(info.frame_rate, Rational { num: 30000, den: 1001 });
    assert_eq!(
        (info.video_codec.as_str(), info.pixel_format.as_deref(), info.has_audio),
        ("h264", Some("yuv420p"), false)
    );
    Ok(())
}

#[test]
fn odd_sizes_are_refused_unless_padding_is_asked_for() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let output = dir.path().join("odd.mp4");
    let Err(err) = FrameWriter::create(&ffmpeg, &output, 161, 121, RATE, None) else { panic!("accepted 161x121") };
    assert!(matches!(err, MediaError::UnsupportedSize { width: 161, height: 121, .. }), "{err:?}");
    assert!(err.to_string().contains("even width and height"), "{err}");

    let settings = EncodeSettings { pad_odd_sides: true, ..EncodeSettings::default() };
    let mut writer = FrameWriter::create_with(&ffmpeg, &output, 161, 121, RATE, None, &settings)?;
    for i in 0..5 {
        writer.write_frame(&ramp(161, 121, i))?;
    }
    writer.finish()?;
    let info = probe(&ffmpeg, &output)?;
    assert_eq!((info.width, info.height, info.frame_count), (162, 122, 5));
    Ok(())
}

#[test]
fn an_encoder_failure_is_reported_with_ffmpegs_reason_and_leaves_nothing() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let output = dir.path().join("out.mp4");
    // The audio source is not media: ffmpeg gives up as it starts.
    let not_media = dir.path().join("voice-over.m4a");
    std::fs::write(&not_media, "not audio at all")?;
    let mut writer = FrameWriter::create(&ffmpeg, &output, 64, 48, RATE, Some(&not_media))?;
    // The first frames may still fit in the pipe's buffer; the failure shows by the finish.
    let result =
        (0..20).try_for_each(|i| writer.write_frame(&ramp(64, 48, i))).and_then(|()| writer.finish().map(drop));
    let Err(err) = result else { panic!("a broken audio source went unnoticed") };
    assert!(matches!(err, MediaError::Encode { .. }), "{err:?}");
    let message = err.to_string();
    eprintln!("{message}");
    assert!(message.contains("voice-over.m4a") && message.contains("Invalid data"), "{message}");
    assert_eq!(dir_names(dir.path()), ["voice-over.m4a"]);

    let settings = EncodeSettings { crf: 52, ..EncodeSettings::default() };
    let Err(err) = FrameWriter::create_with(&ffmpeg, &output, 64, 48, RATE, None, &settings) else { panic!("CRF 52") };
    assert!(err.to_string().contains("CRF 52"), "{err}");
    Ok(())
}

#[test]
fn misuse_is_an_error_not_a_broken_file() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let output = dir.path().join("out.mp4");
    let writer = FrameWriter::create(&ffmpeg, &output, 64, 48, RATE, None)?;
    let Err(err) = writer.finish() else { panic!("finished a video without frames") };
    assert!(err.to_string().contains("no frames"), "{err}");

    let mut writer = FrameWriter::create(&ffmpeg, &output, 64, 48, RATE, None)?;
    let Err(err) = writer.write_frame(&Frame::new(32, 48)) else { panic!("took a frame of the wrong size") };
    assert!(err.to_string().contains("32x48"), "{err}");
    drop(writer);

    let missing_folder = dir.path().join("no-such-folder").join("out.mp4");
    let Err(err) = FrameWriter::create(&ffmpeg, &missing_folder, 64, 48, RATE, None) else { panic!("no folder") };
    assert!(matches!(err, MediaError::Io { .. }) && err.to_string().contains("no-such-folder"), "{err}");
    assert!(dir_names(dir.path()).is_empty(), "{:?}", dir_names(dir.path()));
    Ok(())
}
