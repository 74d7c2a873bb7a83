//! The post's sound: clips saved into the project as WAV assets, mixed (voice over bed, ducked,
//! faded, at -14 LUFS / -1 dBTP) for export as a WAV or as the sound of a video.

use std::path::Path;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::files::{DecodeLimits, decode_file, wav_pcm16_bytes};
use postcraft_core::edit::Edit;
use postcraft_core::post::{AudioTrack, Post, PostAudio};
use postcraft_core::project_ipc::{AddAudioRequest, AudioRole, ExportReport, ProjectView};
use postcraft_core::{ErrorCode, IpcError};

use super::assets;
use crate::Engine;
use crate::audio::mixdown;

fn audio_error(error: impl std::fmt::Display, code: ErrorCode) -> IpcError {
    IpcError::new(code, error.to_string())
}

impl Engine {
    /// Saves a clip into the open project (`assets/<label>-<hash>.wav`) and makes it the post's
    /// voiceover or bed, as one undoable step.
    pub fn add_audio_to_post(&self, request: AddAudioRequest) -> Result<ProjectView, IpcError> {
        let clip = self.clips().get(request.clip)?;
        let wav = wav_pcm16_bytes(&clip.audio).map_err(|e| audio_error(&e, e.code()))?;
        let dir = self.with_session(|session| Ok(session.dir().to_path_buf()))?;
        let role = match request.role {
            AudioRole::Voice => "voice",
            AudioRole::Bed => "bed",
        };
        let asset = assets::store_bytes(&dir, &format!("{role}-{}", clip.label), "wav", &wav)?;
        let track = AudioTrack { asset, label: clip.label.clone(), duration_seconds: clip.audio.duration_seconds() };
        self.mutate(|session| {
            let mut audio = session.post().audio.clone();
            match request.role {
                AudioRole::Voice => audio.voice = Some(track),
                AudioRole::Bed => audio.bed = Some(track),
            }
            session.apply(vec![Edit::SetAudio { audio }], None)
        })
    }
}

/// The post's sound, mixed and normalized: 48 kHz stereo. `None` when the post has none.
pub fn mix_post(dir: &Path, post: &Post) -> Result<Option<AudioBuffer>, IpcError> {
    let PostAudio { voice, bed, mix: settings } = &post.audio;
    if voice.is_none() && bed.is_none() {
        return Ok(None);
    }
    let load = |track: &AudioTrack| -> Result<AudioBuffer, IpcError> {
        decode_file(dir.join(&track.asset), &DecodeLimits::default()).map_err(|e| audio_error(&e, e.code()))
    };
    let voice = voice.as_ref().map(load).transpose()?;
    let bed = bed.as_ref().map(load).transpose()?;
    let (mixed, _) = mixdown(voice.as_ref(), bed.as_ref(), settings)?;
    Ok(Some(mixed))
}

fn no_sound() -> IpcError {
    IpcError::new(
        ErrorCode::InvalidRequest,
        "the post has no sound yet: add a voiceover or a bed (Voice and Sound tools) before exporting it",
    )
}

/// Writes the post's mix as a 16-bit WAV.
pub fn export_wav(dir: &Path, post: &Post, out: &Path) -> Result<ExportReport, IpcError> {
    let mixed = mix_post(dir, post)?.ok_or_else(no_sound)?;
    postcraft_audio::dsp::files::write_wav_pcm16(out, &mixed).map_err(|e| audio_error(&e, e.code()))?;
    Ok(ExportReport { files: vec![out.display().to_string()], width: 0, height: 0 })
}

/// Frames per second of a post's video: what every platform takes for a still.
const VIDEO_FPS: u32 = 30;

/// Writes the post as an MP4: its image (a carousel's slides in turn, evenly over the sound)
/// for as long as its sound, the mix as AAC. Through a temporary file: a failure leaves nothing.
pub fn export_video(
    dir: &Path,
    post: &Post,
    out: &Path,
    slides: u32,
    width: u32,
    height: u32,
    render_slide: impl Fn(u32) -> Result<std::sync::Arc<image::RgbaImage>, IpcError>,
) -> Result<ExportReport, IpcError> {
    let mixed = mix_post(dir, post)?.ok_or_else(no_sound)?;
    let ffmpeg = postcraft_media::Ffmpeg::locate().map_err(crate::images::media_ipc_error)?;
    let sound = tempfile::Builder::new()
        .prefix(".postcraft-mix-")
        .suffix(".wav")
        .tempfile()
        .map_err(|e| IpcError::new(ErrorCode::Io, format!("a temporary file for the sound: {e}")))?;
    postcraft_audio::dsp::files::write_wav_pcm16(sound.path(), &mixed).map_err(|e| audio_error(&e, e.code()))?;
    let total_frames = (mixed.duration_seconds() * f64::from(VIDEO_FPS)).ceil().max(1.0) as u64;
    let media_error = crate::images::media_ipc_error;
    let settings = postcraft_media::EncodeSettings { pad_odd_sides: true, ..Default::default() };
    let mut writer = postcraft_media::FrameWriter::create_with(
        &ffmpeg,
        out,
        width,
        height,
        postcraft_media::Rational::new(VIDEO_FPS, 1).expect("a positive rate"),
        Some(sound.path()),
        &settings,
    )
    .map_err(media_error)?;
    for slide in 0..slides {
        let rgba = render_slide(slide)?;
        let rgb: Vec<u8> = rgba.pixels().flat_map(|p| [p[0], p[1], p[2]]).collect();
        let first = total_frames * u64::from(slide) / u64::from(slides);
        let last = total_frames * u64::from(slide + 1) / u64::from(slides);
        for _ in first..last {
            writer.write_rgb(&rgb).map_err(media_error)?;
        }
    }
    writer.finish().map_err(media_error)?;
    Ok(ExportReport { files: vec![out.display().to_string()], width, height })
}
