//! Restyling video clips end to end with the real ffmpeg and model: frame count, size, codec,
//! pixel format and sound of the output as ffprobe reports them; cancel mid-clip leaves no file;
//! a malformed clip is refused in words.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use postcraft_core::image_ipc::RestyleVideoRequest;
use postcraft_engine::images::{ModelSource, VIDEO_TILE, VideoOptions};
use postcraft_engine::{Engine, ErrorCode, JobEvent, JobOutcome};

/// A 2-second test clip made by ffmpeg's own generators (25 frames/s: 50 frames).
fn make_clip(path: &Path, size: &str, with_audio: bool) {
    make_clip_of(path, size, with_audio, 2);
}

fn make_clip_of(path: &Path, size: &str, with_audio: bool, seconds: u32) {
    let mut command = Command::new("ffmpeg");
    command.args([
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        &format!("testsrc2=size={size}:rate=25:duration={seconds}"),
    ]);
    if with_audio {
        command.args(["-f", "lavfi", "-i", &format!("sine=frequency=440:duration={seconds}"), "-c:a", "aac"]);
    }
    command.args(["-c:v", "libx264", "-pix_fmt", "yuv420p"]).arg(path);
    let status = command.status().expect("ffmpeg runs (set-up installs it)");
    assert!(status.success(), "ffmpeg made the test clip");
}

/// ffprobe's view of a file's streams: (codec type, codec, width, height, pix_fmt, frames).
fn streams(path: &Path) -> Vec<serde_json::Value> {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-show_streams", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(output.status.success(), "ffprobe reads {}", path.display());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    json["streams"].as_array().cloned().unwrap_or_default()
}

fn options() -> VideoOptions {
    VideoOptions { strength: 1.0, smoothing: 0.5, sequential: false, tile: VIDEO_TILE }
}

#[test]
fn a_two_second_clip_restyles_with_every_frame_and_its_sound() {
    let engine = Engine::open(common::installed_config());
    // Two workers, as on a 2-core machine: frames are restyled in parallel and put back in order.
    let translators = engine.translator_sessions(ModelSource::Listed("restyle-cartoon"), 2, 1).expect("loads");
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("clip.mp4");
    make_clip(&input, "160x120", true);
    let output = dir.path().join("restyled.mp4");
    let mut updates = 0;
    let report = engine
        .restyle_video_with(&translators, &input, &output, &options(), None, &mut |p| {
            assert!(p.done <= p.total && p.total == 50);
            updates += 1;
        })
        .expect("restyles");
    assert!(updates > 0, "progress was reported");
    assert_eq!((report.frames, report.width, report.height, report.has_audio), (50, 160, 120, true));

    let streams = streams(&output);
    let video = streams.iter().find(|s| s["codec_type"] == "video").expect("a video stream");
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(video["pix_fmt"], "yuv420p");
    assert_eq!((video["width"].as_u64(), video["height"].as_u64()), (Some(160), Some(120)));
    assert_eq!(video["nb_read_frames"], "50");
    let audio = streams.iter().find(|s| s["codec_type"] == "audio").expect("the sound is kept");
    assert_eq!(audio["codec_name"], "aac");

    // The frames are really restyled: the output differs clearly from the input.
    let frame = |path: &Path| {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(path)
            .args(["-vframes", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            .output()
            .expect("ffmpeg");
        out.stdout
    };
    let (a, b) = (frame(&input), frame(&output));
    assert_eq!(a.len(), 160 * 120 * 3);
    let mean_diff = a.iter().zip(&b).map(|(x, y)| f64::from(x.abs_diff(*y))).sum::<f64>() / a.len() as f64;
    assert!(mean_diff > 10.0, "restyled frames differ from the input (mean {mean_diff})");
}

#[test]
fn the_sequential_baseline_writes_the_same_frame_count_and_a_silent_clip_stays_silent() {
    let engine = Engine::open(common::installed_config());
    let translators = engine.translator_sessions(ModelSource::Listed("restyle-photo"), 1, 2).expect("loads");
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("clip.webm");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=2", "-c:v", "libvpx"])
        .arg(&input)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    let output = dir.path().join("out.mp4");
    let options = VideoOptions { sequential: true, ..options() };
    let report = engine.restyle_video_with(&translators, &input, &output, &options, None, &mut |_| {}).expect("runs");
    assert_eq!((report.frames, report.has_audio), (50, false));
    let streams = streams(&output);
    assert_eq!(streams.len(), 1, "no audio stream is invented");
    assert_eq!(streams[0]["nb_read_frames"], "50");
}

#[test]
fn cancel_mid_clip_stops_and_leaves_no_file() {
    let engine = Arc::new(Engine::open(common::installed_config()));
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("clip.mp4");
    // Long enough (250 frames) that even a fast machine is still at it when the cancel comes.
    make_clip_of(&input, "320x240", true, 10);
    let output = dir.path().join("restyled.mp4");
    let (sink, rx) = common::channel_sink();
    let request = RestyleVideoRequest {
        input: input.display().to_string(),
        output: output.display().to_string(),
        model: "restyle-cartoon".into(),
        strength: 1.0,
        smoothing: 0.5,
    };
    let id = engine.restyle_video(request, sink).expect("the job starts");
    let mut cancelled_at = None;
    let outcome = loop {
        match common::next_event(&rx) {
            JobEvent::Progress { done, rate, .. } if done >= 3 && cancelled_at.is_none() => {
                assert!(rate.is_some_and(|r| r > 0.0), "progress carries frames per second");
                assert!(engine.request_cancel(id));
                cancelled_at = Some(done);
            }
            JobEvent::Finished { outcome, done, .. } => {
                assert!(done < 250, "stopped before the end ({done} frames)");
                break outcome;
            }
            JobEvent::FileWritten { .. } => panic!("a cancelled job wrote its file"),
            _ => {}
        }
    };
    assert!(cancelled_at.is_some(), "the job reported progress before the end");
    assert_eq!(outcome, JobOutcome::Cancelled);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("clip.mp4")], "nothing but the input is left: {left:?}");
}

#[test]
fn a_malformed_clip_is_refused_in_words_before_any_job() {
    let engine = Arc::new(Engine::open(common::installed_config()));
    let dir = tempfile::tempdir().expect("temp dir");
    let request = |input: &Path| RestyleVideoRequest {
        input: input.display().to_string(),
        output: dir.path().join("out.mp4").display().to_string(),
        model: "restyle-cartoon".into(),
        strength: 1.0,
        smoothing: 0.5,
    };
    let noise = dir.path().join("noise.mp4");
    std::fs::write(&noise, (0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect::<Vec<_>>())
        .expect("writes");
    let (sink, _rx) = common::channel_sink();
    let error = engine.restyle_video(request(&noise), sink).expect_err("refused");
    assert_eq!(error.code, ErrorCode::MediaInvalid, "{}", error.message);
    assert!(error.message.contains("noise.mp4"), "names the file: {}", error.message);

    let truncated = dir.path().join("truncated.mp4");
    make_clip(&truncated, "160x120", false);
    let bytes = std::fs::read(&truncated).expect("reads");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).expect("writes");
    let translators = engine.translator_sessions(ModelSource::Listed("restyle-cartoon"), 2, 1).expect("loads");
    let result =
        engine.restyle_video_with(&translators, &truncated, &dir.path().join("t.mp4"), &options(), None, &mut |_| {});
    let error = result.expect_err("a truncated clip is refused");
    assert_eq!(error.code, ErrorCode::MediaInvalid, "{}", error.message);

    let error = engine
        .restyle_video_with(&translators, &truncated, &truncated, &options(), None, &mut |_| {})
        .expect_err("never over the input");
    assert!(error.code == ErrorCode::InvalidRequest || error.code == ErrorCode::MediaInvalid, "{error:?}");
    let clip = dir.path().join("keep.mp4");
    make_clip(&clip, "96x64", false);
    let before = std::fs::read(&clip).expect("reads");
    let error =
        engine.restyle_video_with(&translators, &clip, &clip, &options(), None, &mut |_| {}).expect_err("refused");
    assert_eq!(error.code, ErrorCode::InvalidRequest, "{}", error.message);
    assert_eq!(std::fs::read(&clip).expect("reads"), before, "the original is untouched");

    let (sink, _rx) = common::channel_sink();
    let missing = engine.restyle_video(request(&dir.path().join("nowhere.mp4")), sink).expect_err("refused");
    assert!(missing.message.contains("nowhere.mp4"), "{}", missing.message);
    assert!(!dir.path().join("out.mp4").exists());
}

#[test]
fn restyled_results_go_into_the_post_and_a_clip_shows_its_first_frame() {
    use postcraft_core::image_ipc::RestyleImageRequest;
    use postcraft_core::post::LayerContent;
    use postcraft_core::project_ipc::{AddGeneratedRequest, ImportMediaRequest};
    let engine = Arc::new(Engine::open(common::installed_config()));
    let dir = tempfile::tempdir().expect("temp dir");
    engine.project_create(Some(&dir.path().join("p")), dir.path(), "instagram-square").expect("create");

    // A photo through the restyle job, then "Add to post".
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(200, 120, |x, y| image::Rgb([(x + y) as u8, 90, 200])).save(&photo).expect("writes");
    let (sink, rx) = common::channel_sink();
    let request =
        RestyleImageRequest { input: photo.display().to_string(), model: "restyle-cartoon".into(), strength: 0.8 };
    let job = engine.restyle_image(request, sink).expect("starts");
    let mut restyled = None;
    loop {
        match common::next_event(&rx) {
            JobEvent::Restyled { url, original_url, width, height, .. } => {
                assert_ne!(url, original_url);
                restyled = Some((width, height));
            }
            JobEvent::Finished { outcome, .. } => {
                assert_eq!(outcome, JobOutcome::Completed);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(restyled, Some((200, 120)));
    let view = engine.add_generated_layer(AddGeneratedRequest { job_id: job, index: 0 }).expect("adds");
    assert!(matches!(view.post.layers[0].content, LayerContent::Image { .. }), "a restyled photo is a plain image");

    // A clip imported as a video layer; the preview draws its first frame (testsrc2 is colourful).
    let clip = dir.path().join("clip.mp4");
    make_clip(&clip, "320x240", true);
    let report =
        engine.import_media(ImportMediaRequest { paths: vec![clip.display().to_string()], place: true, at: None });
    let report = report.expect("imports");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let video = report.view.post.layers.last().expect("a layer");
    assert!(matches!(video.content, LayerContent::Video { .. }), "{:?}", video.content);
    let (_, frame) = engine.preview(200, 200, false).expect("renders");
    let centre = frame.get_pixel(100, 100).0;
    assert_ne!(centre, [255, 255, 255, 255], "the clip's first frame covers the canvas centre");
    assert!(report.view.checks.iter().any(|c| c.id == "video"), "the check says how video is shown");
}

#[test]
fn temporal_smoothing_damps_flicker_where_the_picture_stands_still() {
    let engine = Engine::open(common::installed_config());
    let translators = engine.translator_sessions(ModelSource::Listed("restyle-cartoon"), 2, 1).expect("loads");
    let dir = tempfile::tempdir().expect("temp dir");
    // A still picture with fresh grain in every frame: the model's output flickers with it.
    let input = dir.path().join("grain.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=1"])
        .args(["-vf", "select=eq(n\\,0),loop=loop=24:size=1:start=0,noise=alls=12:allf=t,setpts=N/25/TB"])
        .args(["-frames:v", "25", "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p"])
        .arg(&input)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg made the grainy clip");
    let flicker = |smoothing: f32| {
        let output = dir.path().join(format!("smoothed-{smoothing}.mp4"));
        let options = VideoOptions { smoothing, ..options() };
        engine.restyle_video_with(&translators, &input, &output, &options, None, &mut |_| {}).expect("restyles");
        let raw = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&output)
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            .output()
            .expect("ffmpeg decodes")
            .stdout;
        let frames: Vec<&[u8]> = raw.chunks_exact(96 * 64 * 3).collect();
        assert_eq!(frames.len(), 25);
        let change: f64 = frames
            .windows(2)
            .map(|pair| pair[0].iter().zip(pair[1]).map(|(a, b)| f64::from(a.abs_diff(*b))).sum::<f64>())
            .sum();
        change / (24.0 * 96.0 * 64.0 * 3.0)
    };
    let (raw, smoothed) = (flicker(0.0), flicker(0.8));
    eprintln!("frame-to-frame change: {raw:.2} without smoothing, {smoothed:.2} with");
    assert!(smoothed < raw * 0.7, "frame-to-frame change: {raw:.2} without smoothing, {smoothed:.2} with");
}
