//! Decoding a video into RGB frames with an `ffmpeg` child process.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Stdio};

use crate::probe::ffmpeg_url;
use crate::process::{FfmpegChild, describe, describe_status};
use crate::{Ffmpeg, Frame, MediaError, VideoInfo};

/// Decodes the video stream of a file, one RGB [`Frame`] at a time, in display order.
///
/// ffmpeg writes raw `rgb24` frames to a pipe and this reads exactly one frame's bytes per call,
/// so memory stays at one frame however long the video is. Every decoded frame is passed through
/// (no frame-rate conversion), so a file yields as many frames as [`probe`](crate::probe) counted.
/// Dropping the reader kills ffmpeg.
#[derive(Debug)]
pub struct FrameReader {
    child: Option<FfmpegChild>,
    stdout: Option<ChildStdout>,
    path: PathBuf,
    info: VideoInfo,
    frames_read: u64,
}

impl FrameReader {
    /// Starts decoding `path`, described by `info` (from [`probe`](crate::probe) of the same file:
    /// the frame size must be known to split the byte stream into frames).
    pub fn open(ffmpeg: &Ffmpeg, path: &Path, info: &VideoInfo) -> Result<Self, MediaError> {
        let mut command = ffmpeg.ffmpeg_command();
        command
            .arg("-i")
            .arg(ffmpeg_url(path))
            .args(["-map", &format!("0:{}", info.stream_index)])
            .args(ffmpeg.passthrough_args())
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        let mut child = FfmpegChild::spawn(command, "ffmpeg")?;
        let stdout = child.child_mut().and_then(|c| c.stdout.take());
        Ok(Self { child: Some(child), stdout, path: path.to_owned(), info: info.clone(), frames_read: 0 })
    }

    /// What the file was probed as; frames are `info().width` x `info().height`.
    pub fn info(&self) -> &VideoInfo {
        &self.info
    }

    /// Frames returned so far.
    pub fn frames_read(&self) -> u64 {
        self.frames_read
    }

    /// The next frame, or `None` at the end of the video.
    pub fn read_frame(&mut self) -> Result<Option<Frame>, MediaError> {
        let mut frame = Frame::new(self.info.width, self.info.height);
        Ok(self.read_into(&mut frame)?.then_some(frame))
    }

    /// Reads the next frame into `frame`, reusing its memory (a frame of another size is replaced
    /// by one of the video's size). Returns false at the end of the video.
    ///
    /// A decoding failure (ffmpeg exiting with an error, or its output ending inside a frame) is
    /// [`MediaError::Malformed`] with the last lines ffmpeg printed.
    pub fn read_into(&mut self, frame: &mut Frame) -> Result<bool, MediaError> {
        let Some(stdout) = self.stdout.as_mut() else { return Ok(false) };
        if (frame.width(), frame.height()) != (self.info.width, self.info.height) {
            *frame = Frame::new(self.info.width, self.info.height);
        }
        let filled = match read_full(stdout, frame.data_mut()) {
            Ok(filled) => filled,
            Err(err) => {
                self.stop();
                return Err(MediaError::io(&self.path, err));
            }
        };
        if filled == frame.data().len() {
            self.frames_read += 1;
            return Ok(true);
        }
        self.end_of_stream(filled)
    }

    /// ffmpeg closed its output: decide whether that was the end of the video or a failure.
    fn end_of_stream(&mut self, partial: usize) -> Result<bool, MediaError> {
        self.stdout = None;
        let Some(child) = self.child.take() else { return Ok(false) };
        let (status, stderr) = child.wait().map_err(|err| MediaError::io(&self.path, err))?;
        let failure = if !status.success() {
            Some(format!(
                "decoding stopped after {} frames: {} ({})",
                self.frames_read,
                describe(&stderr),
                describe_status(status)
            ))
        } else if partial > 0 {
            Some(format!(
                "the decoded video ended in the middle of frame {} ({})",
                self.frames_read + 1,
                describe(&stderr)
            ))
        } else if self.frames_read == 0 {
            Some(format!("no frame could be decoded ({})", describe(&stderr)))
        } else {
            None
        };
        match failure {
            Some(detail) => Err(MediaError::malformed(&self.path, detail)),
            None => {
                if !stderr.is_empty() {
                    // Damaged frames ffmpeg concealed: worth a log line, not a failed export.
                    tracing::warn!(path = %self.path.display(), "ffmpeg decoded with complaints: {}", describe(&stderr));
                }
                Ok(false)
            }
        }
    }

    /// Kills ffmpeg and ends the stream.
    fn stop(&mut self) {
        self.stdout = None;
        if let Some(child) = self.child.take() {
            child.kill();
        }
    }
}

/// Yields frames until the end of the video or the first error.
impl Iterator for FrameReader {
    type Item = Result<Frame, MediaError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read_frame().transpose()
    }
}

/// Reads until `buf` is full or the pipe ends; returns how many bytes were read.
fn read_full(source: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}
