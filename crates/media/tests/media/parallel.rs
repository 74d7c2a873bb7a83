//! `run_parallel`: several workers, frames back in order, the same stopping contract.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use postcraft_media::{EncodeSettings, FrameReader, FrameWriter, MediaError, PipelineOptions, probe, run_parallel};

use crate::common::{Clip, FRAMES, TestResult, dir_names, ffmpeg, invert, make_clip};

fn open(dir: &std::path::Path, clip: Clip) -> Result<(FrameReader, FrameWriter, std::path::PathBuf), MediaError> {
    let ffmpeg = ffmpeg();
    let input = make_clip(&ffmpeg, dir, clip);
    let output = dir.join("out.mp4");
    let info = probe(&ffmpeg, &input)?;
    let reader = FrameReader::open(&ffmpeg, &input, &info)?;
    let writer = FrameWriter::create_with(
        &ffmpeg,
        &output,
        info.width,
        info.height,
        info.frame_rate,
        Some(&input),
        &EncodeSettings::default(),
    )?;
    Ok((reader, writer, output))
}

#[test]
fn three_workers_process_every_frame_once_and_finish_sees_them_in_order() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (reader, writer, output) = open(dir.path(), Clip::Mp4)?;
    let processed = AtomicU64::new(0);
    // Uneven work, so frames finish out of order: frame i sleeps (i % 3) ms.
    let worker = || {
        let processed = &processed;
        move |index: u64, frame: &mut postcraft_media::Frame| -> Result<(), postcraft_media::ProcessError> {
            std::thread::sleep(Duration::from_millis(index % 3));
            invert(frame);
            // Stamp the index into the first pixel for `finish` to check.
            frame.data_mut()[0] = index as u8;
            processed.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    };
    let mut expected = 0u64;
    let stats = run_parallel(
        reader,
        writer,
        vec![worker(), worker(), worker()],
        |index, frame| {
            assert_eq!(index, expected, "finish sees frames in order");
            assert_eq!(frame.data()[0], index as u8, "each frame travels with its index");
            expected += 1;
            Ok(())
        },
        PipelineOptions::new(),
    )?;
    assert_eq!((stats.frames, expected, processed.load(Ordering::SeqCst)), (FRAMES, FRAMES, FRAMES));
    let info = probe(&ffmpeg(), &output)?;
    assert_eq!((info.frame_count, info.has_audio, info.video_codec.as_str()), (FRAMES, true, "h264"));
    Ok(())
}

#[test]
fn a_cancel_or_a_worker_error_stops_every_worker_and_leaves_no_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (reader, writer, _) = open(dir.path(), Clip::Mp4Silent)?;
    let finished = std::cell::Cell::new(0u64);
    let is_cancelled = || finished.get() >= 10;
    let worker = |_: u64, frame: &mut postcraft_media::Frame| -> Result<(), postcraft_media::ProcessError> {
        invert(frame);
        Ok(())
    };
    let result = run_parallel(
        reader,
        writer,
        vec![worker, worker],
        |_, _| {
            finished.set(finished.get() + 1);
            Ok(())
        },
        PipelineOptions::new().cancel_when(&is_cancelled),
    );
    assert!(matches!(result, Err(MediaError::Cancelled)), "{result:?}");
    assert!(finished.get() <= 11, "stopped right after the cancel ({} frames)", finished.get());
    assert_eq!(dir_names(dir.path()), ["silent.mp4"]);

    let dir = tempfile::tempdir()?;
    let (reader, writer, _) = open(dir.path(), Clip::Mp4Silent)?;
    let failing = |index: u64, _: &mut postcraft_media::Frame| -> Result<(), postcraft_media::ProcessError> {
        if index == 7 { Err("out of memory".into()) } else { Ok(()) }
    };
    let result = run_parallel(reader, writer, vec![failing, failing], |_, _| Ok(()), PipelineOptions::new());
    let Err(err) = result else { panic!("the worker's failure was ignored") };
    assert_eq!(err.to_string(), "frame processing failed: out of memory");
    assert_eq!(dir_names(dir.path()), ["silent.mp4"]);
    Ok(())
}
