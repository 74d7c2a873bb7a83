//! Video files as project media: a clip is copied into `assets/` like a picture, and the canvas
//! shows its first frame (its poster) until the compositor plays video.

use std::io::Read;
use std::path::Path;

use image::RgbaImage;
use postcraft_core::{ErrorCode, IpcError};
use postcraft_media::{Ffmpeg, FrameReader, probe};
use sha2::{Digest, Sha256};

/// Extensions imported as video layers (an animated GIF stays a picture: its first frame).
const VIDEO_EXTENSIONS: [&str; 5] = ["mp4", "m4v", "mov", "webm", "mkv"];
/// Largest clip accepted.
const MAX_VIDEO_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Whether `path` names a video file (by extension).
pub fn is_video(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| VIDEO_EXTENSIONS.iter().any(|v| e.eq_ignore_ascii_case(v)))
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> IpcError {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    IpcError::new(ErrorCode::MediaInvalid, format!("{name} could not be opened as a video: {why}"))
}

/// The first frame of a clip, upright, as RGBA.
pub fn poster(path: &Path) -> Result<RgbaImage, IpcError> {
    let ffmpeg = Ffmpeg::locate().map_err(crate::images::media_ipc_error)?;
    let info = probe(&ffmpeg, path).map_err(|e| invalid(path, e))?;
    let mut reader = FrameReader::open(&ffmpeg, path, &info).map_err(|e| invalid(path, e))?;
    let frame = reader.read_frame().map_err(|e| invalid(path, e))?.ok_or_else(|| invalid(path, "it has no frames"))?;
    let rgba = frame.data().chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
    RgbaImage::from_raw(info.width, info.height, rgba).ok_or_else(|| invalid(path, "its frame size is inconsistent"))
}

/// The picture size of a clip (upright).
pub fn dimensions(path: &Path) -> Result<(u32, u32), IpcError> {
    let ffmpeg = Ffmpeg::locate().map_err(crate::images::media_ipc_error)?;
    let info = probe(&ffmpeg, path).map_err(|e| invalid(path, e))?;
    Ok((info.width, info.height))
}

/// Copies a readable clip into `assets_dir` under `<stem>-<hash>.<ext>` (streamed: clips can be
/// large), through a temporary name so a crash never leaves half a file. Returns the file name
/// and the poster frame.
pub fn import(assets_dir: &Path, source: &Path, stem: &str, ext: &str) -> Result<(String, RgbaImage), IpcError> {
    let meta = std::fs::metadata(source).map_err(|e| invalid(source, e))?;
    if !meta.is_file() {
        return Err(invalid(source, "it is not a file"));
    }
    if meta.len() > MAX_VIDEO_BYTES {
        return Err(invalid(source, format!("it is {} MiB; the studio takes clips up to 4 GiB", meta.len() >> 20)));
    }
    let poster = poster(source)?;
    let digest = hash_file(source).map_err(|e| invalid(source, e))?;
    let name = format!("{stem}-{digest}.{ext}");
    let target = assets_dir.join(&name);
    if !target.exists() {
        let io = |e: std::io::Error| IpcError::new(ErrorCode::Io, format!("copying into {}: {e}", target.display()));
        std::fs::create_dir_all(assets_dir).map_err(io)?;
        let temp = assets_dir.join(format!(".{name}.part"));
        std::fs::copy(source, &temp).map_err(io)?;
        std::fs::rename(&temp, &target).map_err(io)?;
    }
    Ok((name, poster))
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(&hasher.finalize()[..6]))
}
