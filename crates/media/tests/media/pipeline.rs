use std::cell::Cell;
use std::path::Path;

use postcraft_media::{
    EncodeSettings, Ffmpeg, FrameReader, FrameWriter, MediaError, PipelineOptions, Progress, VideoInfo, probe,
    run_pipelined, run_sequential,
};

use crate::common::{
    Clip, FRAMES, HEIGHT, TestResult, WIDTH, decode_all, dir_names, ffmpeg, inversion_error, invert, make_clip, mean,
};

/// A reader and a writer (with the input's audio) for `input` -> `output`.
fn open(ffmpeg: &Ffmpeg, input: &Path, output: &Path) -> Result<(FrameReader, FrameWriter), MediaError> {
    open_with(ffmpeg, input, output, &EncodeSettings::default())
}

fn open_with(
    ffmpeg: &Ffmpeg,
    input: &Path,
    output: &Path,
    settings: &EncodeSettings,
) -> Result<(FrameReader, FrameWriter), MediaError> {
    let info = probe(ffmpeg, input)?;
    let reader = FrameReader::open(ffmpeg, input, &info)?;
    let writer =
        FrameWriter::create_with(ffmpeg, output, info.width, info.height, info.frame_rate, Some(input), settings)?;
    Ok((reader, writer))
}

/// The output is H.264/yuv420p of the input's size and frame count, with audio exactly when the
/// input had some, and really is the inverse of the input.
fn check_inverted_copy(ffmpeg: &Ffmpeg, input: &Path, output: &Path, with_audio: bool) -> TestResult {
    let info = probe(ffmpeg, output)?;
    assert_eq!(info.video_codec, "h264");
    assert_eq!(info.pixel_format.as_deref(), Some("yuv420p"));
    assert_eq!((info.width, info.height, info.frame_count), (WIDTH, HEIGHT, FRAMES));
    assert_eq!(info.has_audio, with_audio, "{}", output.display());
    if with_audio {
        assert_eq!(info.audio_codec.as_deref(), Some("aac"));
    }
    let (before, after) = (decode_all(ffmpeg, input)?, decode_all(ffmpeg, output)?);
    assert_eq!(after.len(), before.len());
    for index in [0, 10, 49] {
        let (a, b) = (&before[index], &after[index]);
        // Tolerant to compression: the mean flips, and pixels match the inverse closely (a mean
        // error of 2-4 for camera-like sources, about 6 for dithered GIF; not inverted: ~100).
        assert!((mean(b) - (255.0 - mean(a))).abs() < 3.0, "frame {index}: means {} and {}", mean(a), mean(b));
        let error = inversion_error(a, b);
        eprintln!("{}: frame {index}: mean error {error:.2} against the inverted input", output.display());
        assert!(error < 10.0, "frame {index}: mean error {error} against the inverted input");
    }
    Ok(())
}

#[test]
fn pipelined_round_trip_inverts_every_format_and_keeps_frames_and_audio() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    for clip in Clip::ALL {
        let input = make_clip(&ffmpeg, dir.path(), clip);
        let output = dir.path().join(format!("{}-inverted.mp4", clip.file_name()));
        let (reader, writer) = open(&ffmpeg, &input, &output)?;
        let stats = run_pipelined(
            reader,
            writer,
            |_, frame| {
                invert(frame);
                Ok(())
            },
            PipelineOptions::new(),
        )?;
        assert_eq!(stats.frames, FRAMES, "{clip:?}");
        assert!(stats.frames_per_sec() > 0.0);
        check_inverted_copy(&ffmpeg, &input, &output, clip.has_audio())?;
    }
    // Inputs and outputs only: no temporary file left over.
    assert_eq!(dir_names(dir.path()).len(), 2 * Clip::ALL.len(), "{:?}", dir_names(dir.path()));
    Ok(())
}

#[test]
fn sequential_baseline_gives_the_same_result() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let output = dir.path().join("sequential.mp4");
    let (reader, writer) = open(&ffmpeg, &input, &output)?;
    let seen = Cell::new(0u64);
    let stats = run_sequential(
        reader,
        writer,
        |index, frame| {
            assert_eq!(index, seen.get(), "frames come in order");
            seen.set(index + 1);
            invert(frame);
            Ok(())
        },
        PipelineOptions::new(),
    )?;
    assert_eq!(stats.frames, FRAMES);
    check_inverted_copy(&ffmpeg, &input, &output, true)
}

#[test]
fn frames_reach_process_in_order_and_progress_is_reported() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4Silent);
    let output = dir.path().join("out.mp4");
    let (reader, writer) = open(&ffmpeg, &input, &output)?;
    let mut reports: Vec<Progress> = Vec::new();
    let mut record = |progress| reports.push(progress);
    let mut next = 0;
    run_pipelined(
        reader,
        writer,
        |index, _| {
            assert_eq!(index, next, "frames come in order");
            next += 1;
            Ok(())
        },
        PipelineOptions::new().queue_depth(2).on_progress(&mut record),
    )?;
    assert_eq!(next, FRAMES);
    let last = reports.last().copied().expect("a final report");
    assert_eq!((last.done, last.total, last.eta_secs), (FRAMES, FRAMES, Some(0.0)));
    assert!(reports.windows(2).all(|pair| pair[0].done <= pair[1].done), "{reports:?}");
    assert!(reports.iter().all(|p| p.frames_per_sec >= 0.0 && p.done <= p.total));
    // 100 ms apart at most: 50 small frames take far less than the 4 s that 40 reports would need.
    assert!(reports.len() < 40, "{} reports", reports.len());
    Ok(())
}

/// Runs either driver with a cancel that comes after ten processed frames.
fn cancel_after_ten(sequential: bool) -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let output = dir.path().join("cancelled.mp4");
    let (reader, writer) = open(&ffmpeg, &input, &output)?;
    let processed = Cell::new(0u64);
    let is_cancelled = || processed.get() >= 10;
    let process = |_: u64, frame: &mut postcraft_media::Frame| {
        processed.set(processed.get() + 1);
        invert(frame);
        Ok(())
    };
    let options = PipelineOptions::new().cancel_when(&is_cancelled);
    let result = if sequential {
        run_sequential(reader, writer, process, options)
    } else {
        run_pipelined(reader, writer, process, options)
    };
    assert!(matches!(result, Err(MediaError::Cancelled)), "{result:?}");
    assert_eq!(processed.get(), 10, "stopped at the first frame after the cancel");
    assert_eq!(dir_names(dir.path()), ["input.mp4"], "the output and its temporary file are gone");
    Ok(())
}

#[test]
fn cancel_stops_the_pipeline_and_leaves_no_output() -> TestResult {
    cancel_after_ten(false)
}

#[test]
fn cancel_stops_the_sequential_baseline_and_leaves_no_output() -> TestResult {
    cancel_after_ten(true)
}

#[test]
fn a_process_error_stops_the_pipeline_and_keeps_the_previous_output() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::WebM);
    let output = dir.path().join("out.mp4");
    std::fs::write(&output, "the previous export")?;
    let (reader, writer) = open(&ffmpeg, &input, &output)?;
    let calls = Cell::new(0u64);
    let result = run_pipelined(
        reader,
        writer,
        |index, _| {
            calls.set(calls.get() + 1);
            if index == 20 { Err("the model ran out of memory".into()) } else { Ok(()) }
        },
        PipelineOptions::new(),
    );
    let Err(err) = result else { panic!("the failure was ignored") };
    assert!(matches!(err, MediaError::Process(_)), "{err:?}");
    assert_eq!(err.to_string(), "frame processing failed: the model ran out of memory");
    assert_eq!(calls.get(), 21, "no frame was processed after the failure");
    assert_eq!(dir_names(dir.path()), ["input.webm", "out.mp4"]);
    assert_eq!(std::fs::read_to_string(&output)?, "the previous export");
    Ok(())
}

#[test]
fn a_panic_in_process_propagates_and_leaves_no_output() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let output = dir.path().join("out.mp4");
    let (reader, writer) = open(&ffmpeg, &input, &output)?;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_pipelined(
            reader,
            writer,
            |index, _| {
                assert!(index < 5, "a bug in an effect");
                Ok(())
            },
            PipelineOptions::new(),
        )
    }));
    assert!(outcome.is_err(), "the panic was swallowed");
    assert_eq!(dir_names(dir.path()), ["input.mp4"]);
    Ok(())
}

#[test]
fn a_process_error_of_any_type_can_be_downcast_back() -> TestResult {
    #[derive(Debug, thiserror::Error)]
    #[error("model failed")]
    struct ModelError;

    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Gif);
    let output = dir.path().join("out.mp4");
    let (reader, writer) = open(&ffmpeg, &input, &output)?;
    let fail = || -> Result<(), ModelError> { Err(ModelError) };
    let result = run_sequential(reader, writer, |_, _| Ok(fail()?), PipelineOptions::new());
    let Err(MediaError::Process(source)) = result else { panic!("expected a process error: {result:?}") };
    assert!(source.downcast_ref::<ModelError>().is_some(), "{source:?}");
    assert_eq!(dir_names(dir.path()), ["input.gif"]);
    Ok(())
}

#[test]
fn a_decoder_failure_stops_the_pipeline_and_leaves_no_output() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let output = dir.path().join("out.mp4");
    let info = probe(&ffmpeg, &input)?;
    // A stream that does not exist: ffmpeg exits with an error before the first frame.
    let reader = FrameReader::open(&ffmpeg, &input, &VideoInfo { stream_index: 9, ..info.clone() })?;
    let writer = FrameWriter::create(&ffmpeg, &output, info.width, info.height, info.frame_rate, Some(&input))?;
    let result = run_pipelined(reader, writer, |_, _| Ok(()), PipelineOptions::new());
    assert!(matches!(&result, Err(MediaError::Malformed { detail, .. }) if detail.contains("0:9")), "{result:?}");
    assert_eq!(dir_names(dir.path()), ["input.mp4"]);
    Ok(())
}

#[test]
fn an_encoder_failure_stops_the_pipeline_and_leaves_no_output() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4);
    let output = dir.path().join("out.mp4");
    // The audio source is damaged: the encoding ffmpeg fails while the decoder runs fine.
    let damaged = dir.path().join("music.mp3");
    std::fs::write(&damaged, "not audio at all")?;
    let info = probe(&ffmpeg, &input)?;
    let reader = FrameReader::open(&ffmpeg, &input, &info)?;
    let writer = FrameWriter::create(&ffmpeg, &output, info.width, info.height, info.frame_rate, Some(&damaged))?;
    let processed = Cell::new(0u64);
    let result = run_pipelined(
        reader,
        writer,
        |_, _| {
            processed.set(processed.get() + 1);
            Ok(())
        },
        PipelineOptions::new(),
    );
    assert!(matches!(&result, Err(MediaError::Encode { detail }) if detail.contains("music.mp3")), "{result:?}");
    assert_eq!(dir_names(dir.path()), ["input.mp4", "music.mp3"]);
    eprintln!("frames processed before the encoder failure stopped the run: {}", processed.get());
    Ok(())
}

#[test]
fn reader_and_writer_sizes_must_agree() -> TestResult {
    let ffmpeg = ffmpeg();
    let dir = tempfile::tempdir()?;
    let input = make_clip(&ffmpeg, dir.path(), Clip::Mp4Silent);
    let info = probe(&ffmpeg, &input)?;
    let reader = FrameReader::open(&ffmpeg, &input, &info)?;
    let writer = FrameWriter::create(&ffmpeg, &dir.path().join("out.mp4"), 80, 60, info.frame_rate, None)?;
    let result = run_pipelined(reader, writer, |_, _| Ok(()), PipelineOptions::new());
    assert!(matches!(&result, Err(MediaError::Encode { detail }) if detail.contains("80x60")), "{result:?}");
    assert_eq!(dir_names(dir.path()), ["silent.mp4"]);
    Ok(())
}
