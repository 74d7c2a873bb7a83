//! Test clips made at test time with ffmpeg's synthetic sources, and small helpers.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

use postcraft_media::{Ffmpeg, Frame, FrameReader, probe};

pub type TestResult = Result<(), Box<dyn Error>>;

/// The frames every clip has: 2 s at 25 fps.
pub const FRAMES: u64 = 50;
pub const WIDTH: u32 = 160;
pub const HEIGHT: u32 = 120;

/// The system ffmpeg. Missing is a failure, not a skip: CI installs it, and a suite that passes
/// without testing anything would hide a broken set-up.
pub fn ffmpeg() -> Ffmpeg {
    Ffmpeg::locate().unwrap_or_else(|err| panic!("these tests need ffmpeg and ffprobe: {err}"))
}

/// The kinds of input the studio accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clip {
    /// MP4, H.264 + AAC.
    Mp4,
    /// MP4, H.264, no audio.
    Mp4Silent,
    /// WebM, VP9 + Opus.
    WebM,
    /// QuickTime, Motion JPEG + PCM.
    Mov,
    /// Animated GIF (never has audio).
    Gif,
}

impl Clip {
    pub const ALL: [Clip; 5] = [Clip::Mp4, Clip::Mp4Silent, Clip::WebM, Clip::Mov, Clip::Gif];

    pub fn file_name(self) -> &'static str {
        match self {
            Clip::Mp4 => "input.mp4",
            Clip::Mp4Silent => "silent.mp4",
            Clip::WebM => "input.webm",
            Clip::Mov => "input.mov",
            Clip::Gif => "input.gif",
        }
    }

    pub fn has_audio(self) -> bool {
        matches!(self, Clip::Mp4 | Clip::WebM | Clip::Mov)
    }

    /// (video codec, audio codec, a part of the container name)
    pub fn expected(self) -> (&'static str, Option<&'static str>, &'static str) {
        match self {
            Clip::Mp4 => ("h264", Some("aac"), "mp4"),
            Clip::Mp4Silent => ("h264", None, "mp4"),
            Clip::WebM => ("vp9", Some("opus"), "webm"),
            Clip::Mov => ("mjpeg", Some("pcm_s16le"), "mov"),
            Clip::Gif => ("gif", None, "gif"),
        }
    }

    fn codec_args(self) -> &'static [&'static str] {
        match self {
            Clip::Mp4 => &["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
            Clip::Mp4Silent => &["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
            Clip::WebM => &["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"],
            Clip::Mov => &["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p", "-c:a", "pcm_s16le"],
            Clip::Gif => &[],
        }
    }
}

/// Makes `clip` in `dir` from `testsrc2` (moving colour pattern) and a 440 Hz sine.
pub fn make_clip(ffmpeg: &Ffmpeg, dir: &Path, clip: Clip) -> PathBuf {
    let path = dir.join(clip.file_name());
    let mut command = Command::new(ffmpeg.ffmpeg_path());
    command.args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]);
    command.args(["-f", "lavfi", "-i", &format!("testsrc2=size={WIDTH}x{HEIGHT}:rate=25:duration=2")]);
    if clip.has_audio() {
        command.args(["-f", "lavfi", "-i", "sine=frequency=440:duration=2"]);
    }
    run(command.args(clip.codec_args()).arg(&path));
    path
}

/// Runs a command that must succeed.
pub fn run(command: &mut Command) {
    let output = command.output().unwrap_or_else(|err| panic!("could not run {command:?}: {err}"));
    assert!(output.status.success(), "{command:?} failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// Every frame of a video.
pub fn decode_all(ffmpeg: &Ffmpeg, path: &Path) -> Result<Vec<Frame>, Box<dyn Error>> {
    let info = probe(ffmpeg, path)?;
    Ok(FrameReader::open(ffmpeg, path, &info)?.collect::<Result<Vec<_>, _>>()?)
}

/// Inverts every byte: an effect whose result is easy to check after lossy encoding.
pub fn invert(frame: &mut Frame) {
    for byte in frame.data_mut() {
        *byte = 255 - *byte;
    }
}

pub fn mean(frame: &Frame) -> f64 {
    frame.data().iter().map(|&b| f64::from(b)).sum::<f64>() / frame.data().len() as f64
}

/// Mean absolute difference between `output` and the inverse of `input`, per byte.
pub fn inversion_error(input: &Frame, output: &Frame) -> f64 {
    let total: f64 =
        input.data().iter().zip(output.data()).map(|(&a, &b)| (f64::from(255 - a) - f64::from(b)).abs()).sum();
    total / input.data().len() as f64
}

/// The names in `dir`, sorted.
pub fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}
