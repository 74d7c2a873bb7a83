//! Reading sound files of any common format and writing 16-bit PCM WAV.
//!
//! # Decoding
//!
//! [`decode_file`] reads everything symphonia knows in this build: WAV, AIFF, FLAC, MP3,
//! Ogg Vorbis, and the AAC audio of MP4/MOV/M4A files. It takes the first audio track whose codec
//! is known and returns all of its channels interleaved as `f32`. Files come from the user's disk
//! and may be anything, so every failure is an [`AudioFileError`] naming the file, never a panic:
//!
//! - a file that ends inside its audio (a cut-off download, a copy interrupted) is refused as
//!   truncated rather than returned short, so a clip is never silently missing its end;
//! - a single damaged packet in an otherwise good file (common in MP3s) is replaced by silence
//!   of the packet's length, so everything after it stays in time with the picture;
//! - [`DecodeLimits`] bounds the file size and the duration before the samples are kept in
//!   memory.
//!
//! # Writing
//!
//! [`write_wav_pcm16`] and [`write_wav_pcm16_samples`] write through a hidden temporary file in
//! the destination's folder, flushed to disk and then renamed over the destination. A crash or a
//! full disk therefore leaves either the old file or the complete new one at the path, never a
//! half-written WAV that looks fine in a file list but does not play.
//!
//! The `f32` to 16-bit conversion scales by 32,768, rounds to the nearest integer (halves away
//! from zero) and clamps to `[-32768, 32767]`, so values outside `[-1, 1]` are clipped. It is the
//! exact inverse of the `i / 32768` convention decoders (symphonia included) use to read 16-bit
//! samples: 16-bit audio read and written again is unchanged, and any `f32` sample in range comes
//! back within half a step (one step at `+1.0`, which clips to 32,767).

use std::fs::File;
use std::io::{BufWriter, ErrorKind, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use postcraft_core::ErrorCode;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::TimeBase;

use super::AudioBuffer;

/// What can go wrong while reading or writing a sound file. Messages are written for the person
/// using the app: they name the file and, where the decoder said why, quote it.
#[derive(Debug, thiserror::Error)]
pub enum AudioFileError {
    /// The file could not be opened or read (missing, no permission, a disk error).
    #[error("could not read {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file holds nothing: zero bytes.
    #[error("{path} is empty (0 bytes): it holds no sound")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is not in a format the studio can decode, or is damaged or truncated.
    #[error("{path} is not a sound file the studio can read: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, in the decoder's words where it gave any.
        reason: String,
    },
    /// The format is recognised, but it holds no audio track (a video without sound, say).
    #[error("{path} has no audio track")]
    NoAudioTrack {
        /// The file.
        path: PathBuf,
    },
    /// The sound lasts longer than [`DecodeLimits::max_seconds`].
    #[error("{path} is too long: {seconds:.1} s of sound, the studio accepts up to {max_seconds:.1} s")]
    TooLong {
        /// The file.
        path: PathBuf,
        /// Its length (or the length decoded when the limit was hit), in seconds.
        seconds: f64,
        /// The limit.
        max_seconds: f64,
    },
    /// The file is larger than [`DecodeLimits::max_bytes`].
    #[error("{path} is too large: {bytes} bytes, the studio accepts up to {max_bytes} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// The limit.
        max_bytes: u64,
    },
    /// The sound to write cannot be a WAV file (no channels, a zero sample rate, samples that do
    /// not fill whole frames).
    #[error("cannot write {path}: {reason}")]
    InvalidAudio {
        /// The destination.
        path: PathBuf,
        /// What is wrong with the sound.
        reason: String,
    },
    /// Writing, flushing or renaming the output failed (disk full, no permission).
    #[error("could not write {path}: {reason}")]
    Write {
        /// The destination.
        path: PathBuf,
        /// The OS's or the WAV encoder's reason.
        reason: String,
    },
}

impl AudioFileError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unreadable { .. } | Self::Write { .. } => ErrorCode::Io,
            Self::Empty { .. }
            | Self::Malformed { .. }
            | Self::NoAudioTrack { .. }
            | Self::TooLong { .. }
            | Self::TooLarge { .. } => ErrorCode::MediaInvalid,
            Self::InvalidAudio { .. } => ErrorCode::InvalidRequest,
        }
    }
}

/// How much [`decode_file`] accepts. Decoded sound is held in memory as `f32`, so these bound
/// the memory one file can take, whatever its header claims.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecodeLimits {
    /// The longest sound accepted, in seconds.
    pub max_seconds: f64,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
}

impl Default for DecodeLimits {
    /// Ten minutes and 1 GB: far more than a post's soundtrack, small enough that a stray
    /// multi-hour recording is refused instead of filling memory (10 minutes of 48 kHz stereo is
    /// 230 MB as `f32`).
    fn default() -> Self {
        Self { max_seconds: 600.0, max_bytes: 1_000_000_000 }
    }
}

/// Decodes the first audio track of the file at `path` into interleaved `f32` samples.
///
/// Any format this build of symphonia knows is accepted (see the module documentation). Encoder
/// delay and padding are trimmed where the file signals them. A damaged packet is replaced by
/// silence of its length; a file that ends early, holds no audio, or breaks `limits` is an
/// error naming the file.
pub fn decode_file(path: impl AsRef<Path>, limits: &DecodeLimits) -> Result<AudioBuffer, AudioFileError> {
    let path = path.as_ref();
    // symphonia can panic on hostile input (found by the damaged-file test: an arithmetic
    // overflow on a WAV header with an absurd channel count). A file from the user's disk must
    // never take the app down, so a panic in decoding becomes an error naming the file. Nothing
    // is shared with the decoder, so no state is left half-updated by the unwind.
    match std::panic::catch_unwind(AssertUnwindSafe(|| decode_unguarded(path, limits))) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".to_owned());
            Err(AudioFileError::Malformed {
                path: path.to_path_buf(),
                reason: format!("the decoder failed on damaged data ({detail})"),
            })
        }
    }
}

fn decode_unguarded(path: &Path, limits: &DecodeLimits) -> Result<AudioBuffer, AudioFileError> {
    let unreadable = |source: std::io::Error| AudioFileError::Unreadable { path: path.to_path_buf(), source };
    let malformed = |reason: String| AudioFileError::Malformed { path: path.to_path_buf(), reason };

    let file = File::open(path).map_err(unreadable)?;
    let bytes = file.metadata().map_err(unreadable)?.len();
    if bytes == 0 {
        return Err(AudioFileError::Empty { path: path.to_path_buf() });
    }
    if bytes > limits.max_bytes {
        return Err(AudioFileError::TooLarge { path: path.to_path_buf(), bytes, max_bytes: limits.max_bytes });
    }

    // The extension only orders the guesses; the content decides, so a misnamed file still opens.
    let mut hint = Hint::new();
    if let Some(extension) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(extension);
    }
    let source = MediaSourceStream::new(Box::new(file), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(&hint, source, FormatOptions::default(), MetadataOptions::default())
        .map_err(|e| classify_read_error(path, e))?;

    let track = match format.first_track_known_codec(TrackType::Audio) {
        Some(track) => track,
        None if format.first_track(TrackType::Audio).is_some() => {
            return Err(malformed("its audio codec is not supported".to_owned()));
        }
        None => return Err(AudioFileError::NoAudioTrack { path: path.to_path_buf() }),
    };
    let track_id = track.id;
    let time_base = track.time_base;
    let declared_frames = track.num_frames;
    let Some(codec_params) = track.codec_params.as_ref().and_then(|p| p.audio()) else {
        return Err(AudioFileError::NoAudioTrack { path: path.to_path_buf() });
    };
    // Refuse an over-long file before decoding it when the container says how long it is.
    if let (Some(frames), Some(rate)) = (track.num_frames, codec_params.sample_rate)
        && rate > 0
    {
        let seconds = frames as f64 / f64::from(rate);
        if seconds > limits.max_seconds {
            return Err(too_long(path, seconds, limits));
        }
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(codec_params, &AudioDecoderOptions::default())
        .map_err(|e| malformed(e.to_string()))?;

    let mut samples: Vec<f32> = Vec::new();
    let mut spec: Option<(u32, u16)> = None;
    let mut frames_decoded: u64 = 0;
    // Length of damaged packets not yet filled with silence, in the track's time-base units:
    // frames follow once the sample rate is known (from the next good packet).
    let mut pending_silent_duration: u64 = 0;
    let mut last_decode_failure: Option<String> = None;
    let (mut good_packets, mut damaged_packets) = (0_u64, 0_u64);
    let mut packet_buffer: Vec<f32> = Vec::new();

    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A new chained stream (another Ogg link) may have other parameters; the first
            // stream is the sound asked for.
            Err(SymphoniaError::ResetRequired) => break,
            // Without a declared length (a WAV written to a pipe says "unknown") running out of
            // bytes is simply the end; with one, it is a truncated file.
            Err(SymphoniaError::IoError(error))
                if error.kind() == ErrorKind::UnexpectedEof && declared_frames.is_none() && spec.is_some() =>
            {
                break;
            }
            Err(error) => return Err(classify_read_error(path, error)),
        };
        if packet.track_id != track_id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(SymphoniaError::ResetRequired) => {
                decoder.reset();
                continue;
            }
            Err(SymphoniaError::Unsupported(feature)) => {
                return Err(malformed(format!("unsupported feature: {feature}")));
            }
            // A damaged packet: keep its place in time with silence rather than shift the rest.
            Err(error) => {
                last_decode_failure = Some(error.to_string());
                damaged_packets += 1;
                pending_silent_duration = pending_silent_duration.saturating_add(packet.dur.get());
                continue;
            }
        };
        good_packets += 1;
        let rate = decoded.spec().rate();
        let channels = u16::try_from(decoded.spec().channels().count())
            .map_err(|_| malformed("it has more channels than the studio supports".to_owned()))?;
        if rate == 0 || channels == 0 {
            return Err(malformed("its audio has no sample rate or no channels".to_owned()));
        }
        match spec {
            None => spec = Some((rate, channels)),
            Some(known) if known != (rate, channels) => {
                return Err(malformed(format!(
                    "its format changes mid-stream ({} Hz, {} channels to {rate} Hz, {channels} channels)",
                    known.0, known.1
                )));
            }
            Some(_) => {}
        }
        if pending_silent_duration > 0 {
            let pending_silent_frames = duration_in_frames(pending_silent_duration, time_base, rate);
            push_silence(&mut samples, pending_silent_frames, channels, rate, limits)
                .map_err(|seconds| too_long(path, seconds, limits))?;
            frames_decoded += pending_silent_frames;
            pending_silent_duration = 0;
        }
        frames_decoded += decoded.frames() as u64;
        let seconds = frames_decoded as f64 / f64::from(rate);
        if seconds > limits.max_seconds {
            return Err(too_long(path, seconds, limits));
        }
        packet_buffer.resize(decoded.samples_interleaved(), 0.0);
        decoded.copy_to_slice_interleaved(&mut packet_buffer);
        samples.extend_from_slice(&packet_buffer);
    }

    // A few bad packets are patched with silence; a file that is mostly damage is not a sound.
    if damaged_packets > good_packets
        && let Some(reason) = last_decode_failure.take()
    {
        return Err(malformed(format!("most of its audio is damaged ({damaged_packets} bad packets; {reason})")));
    }
    match spec {
        Some((sample_rate, channels)) => {
            // Damaged packets at the very end still count: the sound's length is kept.
            if pending_silent_duration > 0 {
                let pending_silent_frames = duration_in_frames(pending_silent_duration, time_base, sample_rate);
                push_silence(&mut samples, pending_silent_frames, channels, sample_rate, limits)
                    .map_err(|seconds| too_long(path, seconds, limits))?;
            }
            Ok(AudioBuffer { sample_rate, channels, samples })
        }
        None => Err(match last_decode_failure {
            Some(reason) => malformed(format!("no packet could be decoded ({reason})")),
            None => malformed("it holds no audio samples".to_owned()),
        }),
    }
}

/// Converts a duration in the track's time base to frames at `rate`. Without a time base the
/// duration is taken to be in frames already (what symphonia's audio readers use).
fn duration_in_frames(duration: u64, time_base: Option<TimeBase>, rate: u32) -> u64 {
    match time_base {
        Some(base) => {
            let frames =
                u128::from(duration) * u128::from(base.numer.get()) * u128::from(rate) / u128::from(base.denom.get());
            u64::try_from(frames).unwrap_or(u64::MAX)
        }
        None => duration,
    }
}

/// Appends `frames` frames of silence, or returns the resulting length in seconds if that would
/// break the limit (a corrupt duration must not allocate gigabytes of zeros).
fn push_silence(
    samples: &mut Vec<f32>,
    frames: u64,
    channels: u16,
    rate: u32,
    limits: &DecodeLimits,
) -> Result<(), f64> {
    let total_frames = (samples.len() as u64 / u64::from(channels)).saturating_add(frames);
    let seconds = total_frames as f64 / f64::from(rate);
    if seconds > limits.max_seconds {
        return Err(seconds);
    }
    // The limit check above bounds this length, so it fits in memory and in usize.
    samples.resize(samples.len() + (frames * u64::from(channels)) as usize, 0.0);
    Ok(())
}

fn too_long(path: &Path, seconds: f64, limits: &DecodeLimits) -> AudioFileError {
    AudioFileError::TooLong { path: path.to_path_buf(), seconds, max_seconds: limits.max_seconds }
}

/// Maps an error from probing or demuxing onto the user's terms. Symphonia reports malformed
/// data through `io::Error`s too: running out of bytes mid-structure is a truncated file, and its
/// bitstream readers use `ErrorKind::Other`; only the remaining kinds are the disk's fault.
fn classify_read_error(path: &Path, error: SymphoniaError) -> AudioFileError {
    let malformed = |reason: String| AudioFileError::Malformed { path: path.to_path_buf(), reason };
    match error {
        SymphoniaError::IoError(io) => match io.kind() {
            ErrorKind::UnexpectedEof => {
                malformed("the file ends before its audio does (it is truncated or damaged)".to_owned())
            }
            ErrorKind::Other | ErrorKind::InvalidData | ErrorKind::InvalidInput => malformed(io.to_string()),
            _ => AudioFileError::Unreadable { path: path.to_path_buf(), source: io },
        },
        SymphoniaError::Unsupported(what) if what.contains("no suitable format reader") => malformed(
            "the format is not recognised (supported: WAV, AIFF, FLAC, MP3, Ogg Vorbis, AAC in MP4/MOV/M4A)".to_owned(),
        ),
        other => malformed(other.to_string()),
    }
}

/// Writes `audio` as a 16-bit PCM WAV at `path`, replacing any file there only once the new one
/// is complete on disk.
///
/// Samples are clipped to `[-1, 1]`, scaled by 32,768, rounded to nearest and clamped to
/// `[-32768, 32767]` (see the module documentation for why this convention).
pub fn write_wav_pcm16(path: impl AsRef<Path>, audio: &AudioBuffer) -> Result<(), AudioFileError> {
    let path = path.as_ref();
    validate_layout(path, audio.sample_rate, audio.channels, audio.samples.len())?;
    write_atomically(path, audio.sample_rate, audio.channels, &audio.samples, |&sample| f32_to_pcm16(sample))
}

/// Writes 16-bit samples (interleaved, `channels` per frame) as a PCM WAV at `path` unchanged,
/// for callers that already hold 16-bit audio and must keep it bit for bit (the speech engine's
/// output, which must equal piper-tts's). Replaces any file there only once the new one is
/// complete on disk.
pub fn write_wav_pcm16_samples(
    path: impl AsRef<Path>,
    sample_rate: u32,
    channels: u16,
    samples: &[i16],
) -> Result<(), AudioFileError> {
    let path = path.as_ref();
    validate_layout(path, sample_rate, channels, samples.len())?;
    write_atomically(path, sample_rate, channels, samples, |&sample| sample)
}

/// The bytes of a 16-bit PCM WAV of `audio` (same conversion as [`write_wav_pcm16`]), for
/// serving a sound to the UI without a file.
pub fn wav_pcm16_bytes(audio: &AudioBuffer) -> Result<Vec<u8>, AudioFileError> {
    let path = Path::new("(in memory)");
    validate_layout(path, audio.sample_rate, audio.channels, audio.samples.len())?;
    let write_error = |e: hound::Error| AudioFileError::Write { path: path.to_path_buf(), reason: e.to_string() };
    let spec = hound::WavSpec {
        channels: audio.channels,
        sample_rate: audio.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = std::io::Cursor::new(Vec::with_capacity(44 + audio.samples.len() * 2));
    {
        let mut writer = hound::WavWriter::new(&mut bytes, spec).map_err(write_error)?;
        for chunk in audio.samples.chunks(SAMPLES_PER_WRITE) {
            let mut chunk_writer = writer.get_i16_writer(chunk.len() as u32);
            for sample in chunk {
                chunk_writer.write_sample(f32_to_pcm16(*sample));
            }
            chunk_writer.flush().map_err(write_error)?;
        }
        writer.finalize().map_err(write_error)?;
    }
    Ok(bytes.into_inner())
}

/// Converts one sample to 16 bits: clip, scale by 32,768, round half away from zero, clamp.
fn f32_to_pcm16(sample: f32) -> i16 {
    // NaN has no sound to keep; silence is the only safe reading of it.
    if sample.is_nan() {
        return 0;
    }
    let scaled = (sample.clamp(-1.0, 1.0) * 32768.0).round();
    scaled.clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16
}

/// The largest WAV payload: its sizes are 32-bit, less the header.
const MAX_WAV_DATA_BYTES: u64 = u32::MAX as u64 - 64;

fn validate_layout(path: &Path, sample_rate: u32, channels: u16, sample_count: usize) -> Result<(), AudioFileError> {
    let invalid = |reason: String| Err(AudioFileError::InvalidAudio { path: path.to_path_buf(), reason });
    if channels == 0 {
        return invalid("the sound has no channels".to_owned());
    }
    if sample_rate == 0 {
        return invalid("the sound has a sample rate of 0 Hz".to_owned());
    }
    if !sample_count.is_multiple_of(usize::from(channels)) {
        return invalid(format!("{sample_count} samples do not make whole frames of {channels} channels"));
    }
    if sample_count as u64 * 2 > MAX_WAV_DATA_BYTES {
        return invalid("the sound is too long for a WAV file (over 4 GB)".to_owned());
    }
    Ok(())
}

/// Samples handed to hound per call: its 16-bit writer buffers a whole call in memory, so one
/// call for the whole sound would double the memory a long export takes.
const SAMPLES_PER_WRITE: usize = 1 << 16;

/// Writes a 16-bit WAV through a hidden temporary file next to `path`, synced to disk, then
/// renamed over `path`. The rename stays within one folder, hence one file system: atomic. On
/// any error the temporary file is removed (tempfile deletes it on drop).
fn write_atomically<T>(
    path: &Path,
    sample_rate: u32,
    channels: u16,
    samples: &[T],
    to_pcm16: impl Fn(&T) -> i16,
) -> Result<(), AudioFileError> {
    let write_error = |reason: String| AudioFileError::Write { path: path.to_path_buf(), reason };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        // A sound the user exports is an ordinary file (tempfile's default is owner-only).
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(folder)
        .map_err(|e| write_error(e.to_string()))?;

    let spec = hound::WavSpec { channels, sample_rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    {
        let mut buffered = BufWriter::new(temporary.as_file_mut());
        let mut writer = hound::WavWriter::new(&mut buffered, spec).map_err(|e| write_error(e.to_string()))?;
        for chunk in samples.chunks(SAMPLES_PER_WRITE) {
            // `validate_layout` bounds the whole sound below 4 GB, so a chunk's count fits in u32.
            let mut chunk_writer = writer.get_i16_writer(chunk.len() as u32);
            for sample in chunk {
                chunk_writer.write_sample(to_pcm16(sample));
            }
            chunk_writer.flush().map_err(|e| write_error(e.to_string()))?;
        }
        writer.finalize().map_err(|e| write_error(e.to_string()))?;
        buffered.flush().map_err(|e| write_error(e.to_string()))?;
    }
    // Without the sync, a power cut after the rename could leave the new name on an empty file.
    temporary.as_file().sync_all().map_err(|e| write_error(e.to_string()))?;
    temporary.persist(path).map_err(|e| write_error(e.error.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_clips_rounds_and_inverts_the_decoder_convention() {
        assert_eq!(f32_to_pcm16(0.0), 0);
        assert_eq!(f32_to_pcm16(1.0), i16::MAX);
        assert_eq!(f32_to_pcm16(2.5), i16::MAX);
        assert_eq!(f32_to_pcm16(-1.0), i16::MIN);
        assert_eq!(f32_to_pcm16(-7.0), i16::MIN);
        assert_eq!(f32_to_pcm16(f32::NAN), 0);
        assert_eq!(f32_to_pcm16(1.4 / 32768.0), 1);
        assert_eq!(f32_to_pcm16(1.6 / 32768.0), 2);
        assert_eq!(f32_to_pcm16(-1.6 / 32768.0), -2);
        for value in [i16::MIN, -12345, -1, 0, 1, 777, i16::MAX] {
            assert_eq!(f32_to_pcm16(f32::from(value) / 32768.0), value);
        }
    }
}
