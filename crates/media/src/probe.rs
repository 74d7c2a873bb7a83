//! What a video file holds, from `ffprobe`.
//!
//! `-count_packets` makes ffprobe read the whole file. That costs a pass over the file (demuxing
//! only, no decoding: fast), but it is the only frame count that is right for every container:
//! WebM has no frame count in its header, and a header can lie about a truncated file.

use std::ffi::OsString;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::process::{clean_line, describe_status};
use crate::{Ffmpeg, MediaError};

/// The largest picture accepted, in pixels (8192 x 8192): one RGB frame of it is 192 MiB, and the
/// pipeline holds about a dozen frames at once.
pub const MAX_PIXELS: u64 = 8192 * 8192;

/// A frame rate as the exact fraction ffmpeg uses (NTSC's 30000/1001 is not 29.97).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rational {
    /// Numerator.
    pub num: u32,
    /// Denominator; never zero in a value this crate returns.
    pub den: u32,
}

impl Rational {
    /// `num / den`; `None` unless both are positive.
    pub fn new(num: u32, den: u32) -> Option<Self> {
        (num > 0 && den > 0).then_some(Self { num, den })
    }

    /// Parses ffprobe's `"num/den"` (or a bare integer); `None` for `"0/0"` and other non-rates.
    pub fn parse(text: &str) -> Option<Self> {
        let (num, den) = text.trim().split_once('/').unwrap_or((text.trim(), "1"));
        Self::new(num.parse().ok()?, den.parse().ok()?)
    }

    /// The value as a float, for display and ETA arithmetic.
    pub fn as_f64(self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }
}

/// Written as `num/den`, the form ffmpeg's options take.
impl std::fmt::Display for Rational {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// The facts about a video file the studio needs to decode, process and re-encode it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoInfo {
    /// Width of the decoded frames in pixels. For a clip with a 90° or 270° rotation flag (phone
    /// videos) this is the stored height: ffmpeg turns the frames upright while decoding.
    pub width: u32,
    /// Height of the decoded frames in pixels (after rotation, like `width`).
    pub height: u32,
    /// Frames in the video stream, counted by reading the file.
    pub frame_count: u64,
    /// Mean frame rate (`avg_frame_rate`, else `r_frame_rate`).
    pub frame_rate: Rational,
    /// Length in seconds (the video stream's, else the file's, else frames / rate).
    pub duration_secs: f64,
    /// Whether the file has an audio stream.
    pub has_audio: bool,
    /// The video codec's short name (`h264`, `vp9`, `gif`...).
    pub video_codec: String,
    /// The first audio stream's codec (`aac`, `opus`...), if any.
    pub audio_codec: Option<String>,
    /// The video's pixel format (`yuv420p`, `yuv420p10le`, `bgra`...), if ffprobe knows it.
    pub pixel_format: Option<String>,
    /// The container as ffprobe names it (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `gif`).
    pub container: String,
    /// The rotation the file asks players to apply, in degrees (0, 90, 180, 270); decoded frames
    /// already have it applied.
    pub rotation: u32,
    /// The file's stream index of the video stream used (cover art pictures are skipped).
    pub stream_index: usize,
}

impl VideoInfo {
    /// Bytes in one decoded RGB frame.
    pub fn frame_len(&self) -> usize {
        crate::Frame::len_for(self.width, self.height)
    }
}

/// Probes `path` with ffprobe and describes its first video stream (cover art pictures aside).
///
/// It reads the whole file once (`-count_packets`: demuxing only, no decoding) because that is
/// the only frame count right for every container (WebM headers have none) and one a truncated
/// file cannot fake. It cannot be cancelled; on a local disk it takes well under a second for
/// typical clips.
///
/// Errors: a path that does not exist is [`MediaError::Io`]; a file that is not media, has no
/// video, or is truncated or damaged is [`MediaError::Malformed`] quoting ffprobe; a picture of
/// zero or more than [`MAX_PIXELS`] pixels is [`MediaError::UnsupportedSize`].
pub fn probe(ffmpeg: &Ffmpeg, path: &Path) -> Result<VideoInfo, MediaError> {
    let meta = path.metadata().map_err(|err| MediaError::io(path, err))?;
    if !meta.is_file() {
        // A folder fails anyway; a FIFO or a device would make ffprobe wait forever.
        return Err(MediaError::malformed(path, "it is not a regular file (a folder, a device or a pipe)"));
    }
    let output = ffmpeg
        .ffprobe_command()
        .args(["-count_packets", "-show_streams", "-show_format", "-of", "json"])
        .arg(ffmpeg_url(path))
        .output()
        .map_err(|err| MediaError::FfmpegMissing {
            program: "ffprobe",
            detail: format!("could not start it: {err}"),
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first_error = stderr.lines().map(clean_line).find(|line| !line.trim().is_empty());
    if !output.status.success() {
        let reason = first_error.map_or_else(|| describe_status(output.status), str::to_owned);
        return Err(MediaError::malformed(path, format!("ffprobe could not read it ({reason})")));
    }
    let report: ProbeReport = serde_json::from_slice(&output.stdout)
        .map_err(|err| MediaError::malformed(path, format!("ffprobe's report could not be parsed ({err})")))?;
    interpret(path, &report, first_error)
}

/// Turns a path into an ffmpeg input/output URL. The `file:` protocol makes ffmpeg take the path
/// literally: a name starting with `-` is not an option, and `a:b.mp4` is not protocol `a`.
pub(crate) fn ffmpeg_url(path: &Path) -> OsString {
    let mut url = OsString::from("file:");
    url.push(path.as_os_str());
    url
}

/// The part of ffprobe's JSON report this crate reads.
#[derive(Debug, Deserialize)]
struct ProbeReport {
    #[serde(default)]
    streams: Vec<StreamReport>,
    format: Option<FormatReport>,
}

#[derive(Debug, Deserialize)]
struct StreamReport {
    index: usize,
    codec_type: Option<String>,
    codec_name: Option<String>,
    width: Option<u64>,
    height: Option<u64>,
    pix_fmt: Option<String>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    nb_read_packets: Option<String>,
    nb_frames: Option<String>,
    duration: Option<String>,
    #[serde(default)]
    disposition: Disposition,
    #[serde(default)]
    side_data_list: Vec<SideData>,
    #[serde(default)]
    tags: Tags,
}

#[derive(Debug, Default, Deserialize)]
struct Disposition {
    #[serde(default)]
    attached_pic: u8,
}

#[derive(Debug, Deserialize)]
struct SideData {
    rotation: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
struct Tags {
    rotate: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FormatReport {
    format_name: Option<String>,
    duration: Option<String>,
}

fn interpret(path: &Path, report: &ProbeReport, first_error: Option<&str>) -> Result<VideoInfo, MediaError> {
    let is_type = |stream: &&StreamReport, kind: &str| stream.codec_type.as_deref() == Some(kind);
    let video = report
        .streams
        .iter()
        .find(|s| is_type(s, "video") && s.disposition.attached_pic == 0)
        .ok_or_else(|| MediaError::malformed(path, "it has no video stream"))?;
    let audio = report.streams.iter().find(|s| is_type(s, "audio"));

    let (stored_width, stored_height) = (video.width.unwrap_or(0), video.height.unwrap_or(0));
    if stored_width == 0 || stored_height == 0 {
        return Err(MediaError::malformed(path, "its video stream has no picture size (damaged header?)"));
    }
    if stored_width.saturating_mul(stored_height) > MAX_PIXELS {
        return Err(MediaError::UnsupportedSize {
            width: stored_width,
            height: stored_height,
            reason: format!("the largest picture Postcraft Studio handles is {MAX_PIXELS} pixels (8192x8192)"),
        });
    }
    let rotation = rotation_of(video);
    let (width, height) =
        if rotation % 180 == 90 { (stored_height, stored_width) } else { (stored_width, stored_height) };

    let count = |field: &Option<String>| field.as_deref().and_then(|n| n.trim().parse::<u64>().ok());
    let header_frames = count(&video.nb_frames);
    let frame_count = count(&video.nb_read_packets).or(header_frames).unwrap_or(0);
    if frame_count == 0 {
        let why = first_error.map(|e| format!(" ({e})")).unwrap_or_default();
        return Err(MediaError::malformed(path, format!("its video stream has no frames{why}")));
    }
    // A header that lists more frames than can be read, while ffprobe complained: cut short.
    if let (Some(listed), Some(error)) = (header_frames, first_error)
        && listed > frame_count
    {
        return Err(MediaError::malformed(
            path,
            format!(
                "it is truncated or damaged: its header lists {listed} frames but only {frame_count} can be read ({error})"
            ),
        ));
    }

    let frame_rate = [&video.avg_frame_rate, &video.r_frame_rate]
        .into_iter()
        .find_map(|rate| rate.as_deref().and_then(Rational::parse))
        .ok_or_else(|| MediaError::malformed(path, "its video stream has no frame rate"))?;
    let seconds = |field: Option<&String>| field.and_then(|s| s.trim().parse::<f64>().ok()).filter(|s| *s > 0.0);
    let duration_secs = seconds(video.duration.as_ref())
        .or_else(|| seconds(report.format.as_ref().and_then(|f| f.duration.as_ref())))
        .unwrap_or_else(|| frame_count as f64 / frame_rate.as_f64());

    Ok(VideoInfo {
        width: to_u32(width),
        height: to_u32(height),
        frame_count,
        frame_rate,
        duration_secs,
        has_audio: audio.is_some(),
        video_codec: video.codec_name.clone().unwrap_or_else(|| "unknown".to_owned()),
        audio_codec: audio.and_then(|a| a.codec_name.clone()),
        pixel_format: video.pix_fmt.clone(),
        container: report.format.as_ref().and_then(|f| f.format_name.clone()).unwrap_or_default(),
        rotation,
        stream_index: video.index,
    })
}

/// The rotation in whole quarter turns (0, 90, 180, 270), from the display matrix (ffmpeg 5+) or
/// the older `rotate` tag. Only whether it is a quarter turn matters here (it swaps the sides);
/// the value is reported as ffprobe gives it, which matches the `rotate` tag a muxer was given.
fn rotation_of(stream: &StreamReport) -> u32 {
    let degrees = stream
        .side_data_list
        .iter()
        .find_map(|side| side.rotation)
        .or_else(|| stream.tags.rotate.as_deref().and_then(|r| r.trim().parse::<f64>().ok()))
        .unwrap_or(0.0);
    // `as` saturates (NaN becomes 0), and the result is in 0..=3.
    let quarter_turns = (degrees / 90.0).round().rem_euclid(4.0) as u32;
    (quarter_turns * 90) % 360
}

/// Sizes are checked against [`MAX_PIXELS`] first, so both sides fit a `u32`.
fn to_u32(side: u64) -> u32 {
    u32::try_from(side).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ProbeReport {
        serde_json::from_str(json).unwrap_or_else(|err| panic!("invalid test report: {err}"))
    }

    #[test]
    fn rationals_parse_like_ffprobe_writes_them() {
        assert_eq!(Rational::parse("30000/1001"), Rational::new(30000, 1001));
        assert_eq!(Rational::parse("25"), Rational::new(25, 1));
        assert_eq!(Rational::parse("0/0"), None);
        assert_eq!(Rational::parse("abc"), None);
        assert_eq!(Rational { num: 25, den: 1 }.to_string(), "25/1");
    }

    #[test]
    fn webm_without_header_counts_uses_read_packets() -> Result<(), MediaError> {
        let report = parse(
            r#"{"streams":[{"index":0,"codec_type":"video","codec_name":"vp9","width":160,"height":120,
            "avg_frame_rate":"0/0","r_frame_rate":"25/1","nb_read_packets":"50"},
            {"index":1,"codec_type":"audio","codec_name":"opus"}],
            "format":{"format_name":"matroska,webm","duration":"2.008000"}}"#,
        );
        let info = interpret(Path::new("a.webm"), &report, None)?;
        assert_eq!((info.width, info.height, info.frame_count), (160, 120, 50));
        assert_eq!(info.frame_rate, Rational { num: 25, den: 1 });
        assert!((info.duration_secs - 2.008).abs() < 1e-9);
        assert_eq!(info.audio_codec.as_deref(), Some("opus"));
        Ok(())
    }

    #[test]
    fn rotated_phone_video_swaps_sides_and_cover_art_is_skipped() -> Result<(), MediaError> {
        let report = parse(
            r#"{"streams":[{"index":0,"codec_type":"video","codec_name":"mjpeg","width":600,"height":600,
            "disposition":{"attached_pic":1},"nb_read_packets":"1","avg_frame_rate":"0/0","r_frame_rate":"90000/1"},
            {"index":1,"codec_type":"video","codec_name":"h264","width":1920,"height":1080,"avg_frame_rate":"30/1",
            "nb_read_packets":"30","side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]}],
            "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2"}}"#,
        );
        let info = interpret(Path::new("p.mp4"), &report, None)?;
        assert_eq!((info.width, info.height, info.rotation, info.stream_index), (1080, 1920, 270, 1));
        assert!((info.duration_secs - 1.0).abs() < 1e-9);
        Ok(())
    }

    #[test]
    fn absurd_or_missing_sizes_are_refused() {
        let huge = parse(
            r#"{"streams":[{"index":0,"codec_type":"video","width":100000,"height":100000,"nb_read_packets":"1","avg_frame_rate":"1/1"}]}"#,
        );
        assert!(matches!(interpret(Path::new("x"), &huge, None), Err(MediaError::UnsupportedSize { .. })));
        let zero = parse(r#"{"streams":[{"index":0,"codec_type":"video","width":0,"height":0}]}"#);
        assert!(matches!(interpret(Path::new("x"), &zero, None), Err(MediaError::Malformed { .. })));
        let audio_only = parse(r#"{"streams":[{"index":0,"codec_type":"audio"}]}"#);
        let Err(err) = interpret(Path::new("song.mp3"), &audio_only, None) else { panic!("accepted audio only") };
        assert!(err.to_string().contains("no video stream"), "{err}");
    }

    #[test]
    fn header_listing_more_frames_than_readable_is_truncation() {
        let report = parse(
            r#"{"streams":[{"index":0,"codec_type":"video","width":16,"height":16,"avg_frame_rate":"25/1",
            "nb_read_packets":"26","nb_frames":"50"}]}"#,
        );
        let err = interpret(Path::new("cut.mp4"), &report, Some("stream 0, offset 0xc4ab: partial file"));
        assert!(matches!(&err, Err(MediaError::Malformed { detail, .. }) if detail.contains("truncated")), "{err:?}");
        // Without a complaint from ffprobe the read count is trusted (edit lists, odd muxers).
        assert!(interpret(Path::new("ok.mp4"), &report, None).is_ok());
    }
}
