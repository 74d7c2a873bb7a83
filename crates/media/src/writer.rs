//! Encoding RGB frames into an H.264 MP4 with an `ffmpeg` child process.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::probe::{MAX_PIXELS, ffmpeg_url};
use crate::process::{FfmpegChild, describe, describe_status};
use crate::{Ffmpeg, Frame, MediaError, Rational};

/// libx264's speed/size trade-off, fastest first (the names are x264's own). Slower presets make
/// smaller files at the same quality; the encoder is often the slowest stage of an export, hence
/// configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum X264Preset {
    Ultrafast,
    Superfast,
    /// The default: near `medium`'s quality at a fraction of its time, for interactive exports.
    #[default]
    Veryfast,
    Faster,
    Fast,
    Medium,
    Slow,
    Slower,
    Veryslow,
}

impl X264Preset {
    /// The name ffmpeg's `-preset` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ultrafast => "ultrafast",
            Self::Superfast => "superfast",
            Self::Veryfast => "veryfast",
            Self::Faster => "faster",
            Self::Fast => "fast",
            Self::Medium => "medium",
            Self::Slow => "slow",
            Self::Slower => "slower",
            Self::Veryslow => "veryslow",
        }
    }
}

/// How a [`FrameWriter`] encodes. The defaults suit an export the creator will post: visually
/// lossless (CRF 18) and quick to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeSettings {
    /// libx264 preset; default [`X264Preset::Veryfast`].
    pub preset: X264Preset,
    /// Constant rate factor, 0 (lossless) to 51; lower is better and bigger. Default 18.
    pub crf: u8,
    /// AAC bit rate for the copied audio, in kbit/s. Default 192.
    pub audio_kbps: u32,
    /// What to do with an odd width or height (see [`FrameWriter::create_with`]). Default false:
    /// refuse, because the product promises an output the same size as the input.
    pub pad_odd_sides: bool,
}

impl Default for EncodeSettings {
    fn default() -> Self {
        Self { preset: X264Preset::default(), crf: 18, audio_kbps: 192, pad_odd_sides: false }
    }
}

/// The largest CRF libx264 takes (8-bit).
const MAX_CRF: u8 = 51;

/// Tells temp files of writers in the same process apart (the pid alone does not).
static NEXT_TEMP_ID: AtomicU64 = AtomicU64::new(0);

/// Encodes RGB frames into an H.264 (yuv420p) MP4, optionally with the audio of another file.
///
/// ffmpeg writes to a hidden temporary file next to the output (`.name.mp4.part-<pid>-<n>`, in
/// the same folder so the final rename never crosses file systems), and only [`finish`] renames it
/// onto the output, after ffmpeg exited successfully. [`abort`], or dropping the writer unfinished
/// (a cancel, an error, a panic), kills ffmpeg and deletes the temporary file: an export either
/// produces a complete file or leaves the folder as it was, and an existing output is only
/// replaced by a complete one.
///
/// [`finish`]: FrameWriter::finish
/// [`abort`]: FrameWriter::abort
#[derive(Debug)]
pub struct FrameWriter {
    child: Option<FfmpegChild>,
    stdin: Option<ChildStdin>,
    /// Set until the temporary file has been renamed or removed.
    temp: Option<PathBuf>,
    output: PathBuf,
    width: u32,
    height: u32,
    frames_written: u64,
}

impl FrameWriter {
    /// [`FrameWriter::create_with`] with the default [`EncodeSettings`].
    pub fn create(
        ffmpeg: &Ffmpeg,
        output: &Path,
        width: u32,
        height: u32,
        frame_rate: Rational,
        audio_from: Option<&Path>,
    ) -> Result<Self, MediaError> {
        Self::create_with(ffmpeg, output, width, height, frame_rate, audio_from, &EncodeSettings::default())
    }

    /// Starts ffmpeg to encode `width` x `height` frames at `frame_rate` into `output` (an MP4,
    /// whatever its extension). Frames get consecutive timestamps at that rate; the frame count
    /// is kept exactly (nothing is dropped or duplicated, and the video is not cut to the audio).
    ///
    /// `audio_from`: a file whose first audio stream is re-encoded to AAC into the output; a file
    /// without audio simply gives a silent output. Audio longer than the video makes the file
    /// longer than the video, never the video shorter.
    ///
    /// Odd sizes: yuv420p, the pixel format every phone and browser plays, stores colour per 2x2
    /// block, so x264 needs even sides. An odd width or height is refused with
    /// [`MediaError::UnsupportedSize`] unless `settings.pad_odd_sides` is set, which adds one
    /// black column and/or row (the output is then up to 1 pixel larger than the frames).
    #[allow(clippy::too_many_arguments)] // the call reads best with the format spelled out
    pub fn create_with(
        ffmpeg: &Ffmpeg,
        output: &Path,
        width: u32,
        height: u32,
        frame_rate: Rational,
        audio_from: Option<&Path>,
        settings: &EncodeSettings,
    ) -> Result<Self, MediaError> {
        check_size(width, height, settings.pad_odd_sides)?;
        if settings.crf > MAX_CRF {
            // ffmpeg takes larger values without a word; a setting it ignores should not pass unnoticed.
            return Err(MediaError::Encode { detail: format!("CRF {} is out of range 0..={MAX_CRF}", settings.crf) });
        }
        let temp = temp_path_for(output)?;
        if let Some(audio) = audio_from {
            audio.metadata().map_err(|err| MediaError::io(audio, err))?;
        }

        let mut command = ffmpeg.ffmpeg_command();
        command
            .args(["-y", "-f", "rawvideo", "-pix_fmt", "rgb24"])
            .args(["-video_size", &format!("{width}x{height}"), "-framerate", &frame_rate.to_string()])
            .args(["-i", "pipe:0"]);
        if let Some(audio) = audio_from {
            command.arg("-i").arg(ffmpeg_url(audio)).args(["-map", "0:v:0", "-map", "1:a:0?"]);
            command.args(["-c:a", "aac", "-b:a", &format!("{}k", settings.audio_kbps)]);
        } else {
            command.args(["-map", "0:v:0"]);
        }
        // Converted and tagged as BT.709, what players assume for HD; untagged output made with
        // swscale's BT.601 default would play with shifted colours.
        let pad = if settings.pad_odd_sides { "pad=ceil(iw/2)*2:ceil(ih/2)*2," } else { "" };
        command
            .args(["-vf", &format!("{pad}scale=out_color_matrix=bt709:out_range=tv,format=yuv420p")])
            .args(["-c:v", "libx264", "-preset", settings.preset.as_str(), "-crf", &settings.crf.to_string()])
            .args(["-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709"])
            .args(["-color_trc", "bt709", "-color_range", "tv"])
            .args(ffmpeg.passthrough_args())
            // The temp name does not end in .mp4, so the format is named; faststart moves the
            // index to the front so a browser or phone starts playing before the download ends.
            .args(["-movflags", "+faststart", "-f", "mp4"])
            .arg(ffmpeg_url(&temp))
            .stdin(Stdio::piped())
            .stdout(Stdio::null());

        let mut child = FfmpegChild::spawn(command, "ffmpeg")?;
        let stdin = child.child_mut().and_then(|c| c.stdin.take());
        Ok(Self {
            child: Some(child),
            stdin,
            temp: Some(temp),
            output: output.to_owned(),
            width,
            height,
            frames_written: 0,
        })
    }

    /// The file [`finish`](FrameWriter::finish) will create.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The frame size this writer takes.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Frames accepted so far.
    pub fn frames_written(&self) -> u64 {
        self.frames_written
    }

    /// Appends one frame; it must be the writer's size.
    pub fn write_frame(&mut self, frame: &Frame) -> Result<(), MediaError> {
        if (frame.width(), frame.height()) != (self.width, self.height) {
            return Err(MediaError::Encode {
                detail: format!(
                    "a {}x{} frame was given to a {}x{} video",
                    frame.width(),
                    frame.height(),
                    self.width,
                    self.height
                ),
            });
        }
        self.write_rgb(frame.data())
    }

    /// Appends one frame of packed RGB bytes (`width * height * 3`).
    ///
    /// Blocks while ffmpeg is busy (the pipe is the back-pressure). If ffmpeg failed, its reason
    /// is returned as [`MediaError::Encode`] and the temporary file is already gone.
    pub fn write_rgb(&mut self, rgb: &[u8]) -> Result<(), MediaError> {
        let expected = Frame::len_for(self.width, self.height);
        if rgb.len() != expected {
            return Err(MediaError::Encode {
                detail: format!("a frame of {} bytes was given, {expected} expected", rgb.len()),
            });
        }
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(MediaError::Encode { detail: "the encoder already failed".to_owned() });
        };
        match stdin.write_all(rgb) {
            Ok(()) => {
                self.frames_written += 1;
                Ok(())
            }
            // A broken pipe means ffmpeg stopped reading because it is exiting: wait for it
            // (killing could cut off the error message it is printing), then say why.
            Err(err) => {
                self.stdin = None;
                let stderr = self.child.take().and_then(|child| child.wait().ok()).map(|(_, s)| s).unwrap_or_default();
                self.remove_temp();
                let reason = if stderr.is_empty() { err.to_string() } else { describe(&stderr) };
                Err(MediaError::Encode {
                    detail: format!("ffmpeg stopped after taking {} frames: {reason}", self.frames_written),
                })
            }
        }
    }

    /// Ends the video: waits for ffmpeg to encode what it holds and close the file, then renames
    /// the temporary file onto the output (replacing any file there). Returns the frame count.
    pub fn finish(mut self) -> Result<u64, MediaError> {
        if self.frames_written == 0 {
            return Err(MediaError::Encode { detail: "no frames were written".to_owned() });
        }
        self.stdin = None; // EOF: ffmpeg flushes the encoder and writes the index.
        let Some(child) = self.child.take() else {
            return Err(MediaError::Encode { detail: "the encoder already failed".to_owned() });
        };
        let (status, stderr) = child.wait().map_err(|err| MediaError::io(&self.output, err))?;
        if !status.success() {
            return Err(MediaError::Encode { detail: format!("{} ({})", describe(&stderr), describe_status(status)) });
        }
        let Some(temp) = self.temp.take() else {
            return Err(MediaError::Encode { detail: "the temporary output is gone".to_owned() });
        };
        if let Err(err) = std::fs::rename(&temp, &self.output) {
            remove_quietly(&temp);
            return Err(MediaError::io(&self.output, err));
        }
        Ok(self.frames_written)
    }

    /// Gives up: kills ffmpeg and deletes the temporary file. Dropping an unfinished writer does
    /// the same; this names the intent at the call site.
    pub fn abort(self) {
        drop(self);
    }

    fn remove_temp(&mut self) {
        if let Some(temp) = self.temp.take() {
            remove_quietly(&temp);
        }
    }
}

impl Drop for FrameWriter {
    fn drop(&mut self) {
        self.stdin = None;
        // Killed and reaped before the file is removed, so ffmpeg cannot recreate it.
        if let Some(child) = self.child.take() {
            child.kill();
        }
        self.remove_temp();
    }
}

/// Checks that x264 in yuv420p can take the size (see [`FrameWriter::create_with`]).
fn check_size(width: u32, height: u32, pad_odd_sides: bool) -> Result<(), MediaError> {
    let unsupported = |reason: &str| MediaError::UnsupportedSize {
        width: width.into(),
        height: height.into(),
        reason: reason.to_owned(),
    };
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(unsupported("the picture must have between 1 and 8192x8192 pixels"));
    }
    if !pad_odd_sides && (width % 2 == 1 || height % 2 == 1) {
        return Err(unsupported(
            "H.264 video in the yuv420p format every player supports needs an even width and height; \
             crop or pad the video by one pixel",
        ));
    }
    Ok(())
}

/// `dir/.name.part-<pid>-<n>` next to `output`, after checking the folder exists (ffmpeg's own
/// error for a missing folder does not name it).
fn temp_path_for(output: &Path) -> Result<PathBuf, MediaError> {
    let Some(name) = output.file_name() else {
        return Err(MediaError::io(output, std::io::Error::other("the output path names no file")));
    };
    let dir = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(MediaError::io(
            dir,
            std::io::Error::new(std::io::ErrorKind::NotFound, "the output folder does not exist"),
        ));
    }
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".part-{}-{}", std::process::id(), NEXT_TEMP_ID.fetch_add(1, Ordering::Relaxed)));
    Ok(dir.join(temp_name))
}

/// Removes a file that may not exist (ffmpeg creates it only once it has a frame to write).
fn remove_quietly(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => tracing::warn!(path = %path.display(), "could not remove a temporary video: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_file_is_hidden_next_to_the_output() -> Result<(), MediaError> {
        let temp = temp_path_for(Path::new("/tmp/clip.mp4"))?;
        assert_eq!(temp.parent(), Some(Path::new("/tmp")));
        let name = temp.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(name.starts_with(".clip.mp4.part-"), "{name}");
        let relative = temp_path_for(Path::new("clip.mp4"))?;
        assert_eq!(relative.parent(), Some(Path::new(".")));
        Ok(())
    }

    #[test]
    fn missing_folder_is_named() {
        let Err(err) = temp_path_for(Path::new("/nonexistent-folder/clip.mp4")) else { panic!("accepted") };
        assert!(err.to_string().contains("/nonexistent-folder"), "{err}");
    }

    #[test]
    fn odd_sizes_are_refused_unless_padding_is_asked_for() {
        assert!(check_size(160, 120, false).is_ok());
        let Err(err) = check_size(161, 120, false) else { panic!("accepted an odd width") };
        assert!(err.to_string().contains("even width and height"), "{err}");
        assert!(check_size(161, 121, true).is_ok());
        assert!(check_size(0, 120, true).is_err());
        assert!(check_size(8193, 8192, false).is_err());
    }
}
