use postcraft_media::{Frame, FrameReader, MediaError, VideoInfo, probe};

use crate::common::{Clip, FRAMES, HEIGHT, TestResult, WIDTH, ffmpeg, make_clip, mean};

#[test]
fn every_format_yields_exactly_its_frame_count() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    for clip in Clip::ALL {
        let path = make_clip(&ffmpeg, dir.path(), clip);
        let info = probe(&ffmpeg, &path)?;
        let mut reader = FrameReader::open(&ffmpeg, &path, &info)?;
        let mut frame = Frame::new(1, 1); // replaced by one of the right size
        let mut count = 0;
        while reader.read_into(&mut frame)? {
            assert_eq!(frame.data().len(), (WIDTH * HEIGHT * 3) as usize, "{clip:?}");
            count += 1;
        }
        assert_eq!(count, FRAMES, "{clip:?}");
        assert_eq!(reader.frames_read(), FRAMES, "{clip:?}");
        // testsrc2 is colourful: a frame of all black would mean garbage was decoded.
        assert!(mean(&frame) > 20.0, "{clip:?}: mean {}", mean(&frame));
        // After the end, reading stays at the end.
        assert!(reader.read_frame()?.is_none(), "{clip:?}");
    }
    Ok(())
}

#[test]
fn an_ffmpeg_failure_is_malformed_with_its_message() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let path = make_clip(&ffmpeg, dir.path(), Clip::Mp4Silent);
    let info = VideoInfo { stream_index: 7, ..probe(&ffmpeg, &path)? };
    let mut reader = FrameReader::open(&ffmpeg, &path, &info)?;
    let Err(err) = reader.read_frame() else { panic!("read a stream that does not exist") };
    let message = err.to_string();
    eprintln!("{message}");
    assert!(matches!(err, MediaError::Malformed { .. }), "{err:?}");
    assert!(message.contains("0:7") && message.contains("exited with status"), "{message}");
    Ok(())
}

#[test]
fn output_that_ends_inside_a_frame_is_malformed() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let path = make_clip(&ffmpeg, dir.path(), Clip::Mp4Silent);
    // A wrong size splits the byte stream wrongly; its total is not a whole number of frames.
    let info = VideoInfo { width: 150, ..probe(&ffmpeg, &path)? };
    let result: Result<Vec<Frame>, MediaError> = FrameReader::open(&ffmpeg, &path, &info)?.collect();
    let Err(err) = result else { panic!("a wrong frame size went unnoticed") };
    eprintln!("{err}");
    assert!(err.to_string().contains("in the middle of frame"), "{err}");
    Ok(())
}

#[test]
fn dropping_a_reader_early_is_fine() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let path = make_clip(&ffmpeg, dir.path(), Clip::WebM);
    let info = probe(&ffmpeg, &path)?;
    for _ in 0..3 {
        let mut reader = FrameReader::open(&ffmpeg, &path, &info)?;
        assert!(reader.read_frame()?.is_some());
        drop(reader); // kills and reaps ffmpeg; must not hang or panic
    }
    Ok(())
}
