//! Media files of a project: importing them (checked, copied into `assets/`) and decoding them
//! for the compositor (cached, with limits).
//!
//! Untrusted files are decoded with explicit limits: a header claiming 100000x100000 pixels is
//! refused before any allocation (`no_limits()` would abort the process instead). Phone photos
//! are turned upright from their EXIF orientation.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use image::{ImageDecoder, ImageReader, Limits, RgbaImage};
use parking_lot::Mutex;
use postcraft_core::project_ipc::MediaItem;
use postcraft_core::{ErrorCode, IpcError};
use postcraft_render::SourceImage;
use sha2::{Digest, Sha256};

use super::video_assets;

/// The project folder's media folder.
pub const ASSETS_DIR: &str = "assets";
/// Largest side accepted (the biggest texture most GPUs take).
pub const MAX_SIDE: u32 = 16_384;
/// Largest file accepted.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Decoded pixels kept in memory across all cached images (RGBA bytes).
const CACHE_BYTES: usize = 768 * 1024 * 1024;

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    limits
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> IpcError {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    IpcError::new(ErrorCode::MediaInvalid, format!("{name} could not be opened as an image: {why}"))
}

/// Decodes an image file (PNG, JPEG, WebP, GIF's first frame, BMP) upright, with limits; for a
/// video file, its first frame.
pub fn decode(path: &Path) -> Result<RgbaImage, IpcError> {
    if video_assets::is_video(path) {
        return video_assets::poster(path);
    }
    let bytes = read_bounded(path)?;
    decode_bytes(path, &bytes)
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, IpcError> {
    let meta = std::fs::metadata(path).map_err(|e| invalid(path, e))?;
    if !meta.is_file() {
        return Err(invalid(path, "it is not a file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(invalid(path, format!("it is {} MiB; the studio takes files up to 256 MiB", meta.len() >> 20)));
    }
    std::fs::read(path).map_err(|e| invalid(path, e))
}

fn decode_bytes(path: &Path, bytes: &[u8]) -> Result<RgbaImage, IpcError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| invalid(path, e))?;
    if reader.format().is_none() {
        return Err(invalid(path, "not a PNG, JPEG, WebP, GIF or BMP file"));
    }
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| invalid(path, e))?;
    let orientation = decoder.orientation().ok();
    let mut image = image::DynamicImage::from_decoder(decoder).map_err(|e| invalid(path, e))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image.into_rgba8())
}

/// The pixel size of an image file, from its header (upright).
pub fn dimensions(path: &Path) -> Result<(u32, u32), IpcError> {
    if video_assets::is_video(path) {
        return video_assets::dimensions(path);
    }
    let reader =
        ImageReader::open(path).map_err(|e| invalid(path, e))?.with_guessed_format().map_err(|e| invalid(path, e))?;
    let mut decoder = reader.into_decoder().map_err(|e| invalid(path, e))?;
    let (w, h) = decoder.dimensions();
    // Orientations 5-8 swap the sides.
    let swapped = matches!(
        decoder.orientation(),
        Ok(image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH)
    );
    Ok(if swapped { (h, w) } else { (w, h) })
}

/// Copies a readable image into the project's `assets/` folder, named after the original and
/// its content hash (importing the same file twice reuses the copy). Returns the relative path.
pub fn import(project: &Path, source: &Path) -> Result<(String, RgbaImage), IpcError> {
    if video_assets::is_video(source) {
        let stem = source.file_stem().map(|s| sanitize(&s.to_string_lossy())).unwrap_or_default();
        let ext = source.extension().map(|e| sanitize(&e.to_string_lossy().to_ascii_lowercase())).unwrap_or_default();
        let stem = if stem.is_empty() { "video".to_owned() } else { stem };
        let (name, poster) = video_assets::import(&project.join(ASSETS_DIR), source, &stem, &ext)?;
        return Ok((format!("{ASSETS_DIR}/{name}"), poster));
    }
    let bytes = read_bounded(source)?;
    let image = decode_bytes(source, &bytes)?;
    let digest = hex::encode(&Sha256::digest(&bytes)[..6]);
    let stem = source.file_stem().map(|s| sanitize(&s.to_string_lossy())).unwrap_or_default();
    let ext = source.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_else(|| "img".into());
    let name = format!("{}-{digest}.{}", if stem.is_empty() { "media" } else { &stem }, sanitize(&ext));
    let relative = format!("{ASSETS_DIR}/{name}");
    let target = project.join(&relative);
    if !target.exists() {
        let io = |e: std::io::Error| IpcError::new(ErrorCode::Io, format!("copying into {}: {e}", target.display()));
        std::fs::create_dir_all(project.join(ASSETS_DIR)).map_err(io)?;
        // Written under a temporary name first so a crash never leaves a half-copied asset.
        let temp = project.join(ASSETS_DIR).join(format!(".{name}.part"));
        std::fs::write(&temp, &bytes).map_err(io)?;
        std::fs::rename(&temp, &target).map_err(io)?;
    }
    Ok((relative, image))
}

/// Writes generated pixels as a PNG asset named after their content; returns the relative path.
pub fn store_png(project: &Path, stem: &str, png: &[u8]) -> Result<String, IpcError> {
    store_bytes(project, stem, "png", png)
}

/// Saves bytes into `assets/` as `<stem>-<hash>.<extension>` (the same bytes: the same file,
/// written once, through a temporary name); returns the path relative to the project.
pub fn store_bytes(project: &Path, stem: &str, extension: &str, bytes: &[u8]) -> Result<String, IpcError> {
    let digest = hex::encode(&Sha256::digest(bytes)[..6]);
    let relative = format!("{ASSETS_DIR}/{}-{digest}.{extension}", sanitize(stem));
    let target = project.join(&relative);
    if !target.exists() {
        let io = |e: std::io::Error| IpcError::new(ErrorCode::Io, format!("writing {}: {e}", target.display()));
        std::fs::create_dir_all(project.join(ASSETS_DIR)).map_err(io)?;
        let temp = project.join(ASSETS_DIR).join(format!(".{digest}.part"));
        std::fs::write(&temp, bytes).map_err(io)?;
        std::fs::rename(&temp, &target).map_err(io)?;
    }
    Ok(relative)
}

/// Keeps file names portable: letters, digits, `-` and `_`; at most 48 characters.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(48)
        .collect::<String>()
        .trim_matches('-')
        .to_owned()
}

/// The media bin: every image in `assets/`, oldest import first.
pub fn list_media(project: &Path) -> Vec<MediaItem> {
    let Ok(entries) = std::fs::read_dir(project.join(ASSETS_DIR)) else { return Vec::new() };
    let mut files: Vec<(SystemTime, String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                return None;
            }
            let modified = e.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
            Some((modified, name, e.path()))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|(_, name, path)| {
            let (width, height) = dimensions(&path).ok()?;
            Some(MediaItem { asset: format!("{ASSETS_DIR}/{name}"), name, width, height })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(FileStamp { len: meta.len(), modified: meta.modified().ok() })
}

/// Decoded images by absolute path, reloaded when the file changes, bounded in memory.
#[derive(Default)]
pub struct AssetCache {
    entries: Mutex<HashMap<PathBuf, (FileStamp, SourceImage, u64)>>,
    clock: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for AssetCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetCache").field("images", &self.entries.lock().len()).finish()
    }
}

impl AssetCache {
    /// The decoded image at `path`, from the cache while the file is unchanged.
    pub fn get(&self, path: &Path) -> Result<SourceImage, IpcError> {
        let now = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let current = stamp(path).ok_or_else(|| invalid(path, "the file is missing"))?;
        if let Some((stamp, image, used)) = self.entries.lock().get_mut(path)
            && *stamp == current
        {
            *used = now;
            return Ok(image.clone());
        }
        let pixels = decode(path)?;
        // The key names the pixels: path and file stamp (the compositor caches textures by it).
        let key = format!("{}#{}#{:?}", path.display(), current.len, current.modified);
        let image = SourceImage { key, pixels: Arc::new(pixels) };
        let mut entries = self.entries.lock();
        entries.insert(path.to_path_buf(), (current, image.clone(), now));
        evict(&mut entries);
        Ok(image)
    }

    /// Keeps pixels that are already decoded (a just-imported file).
    pub fn put(&self, path: &Path, pixels: RgbaImage) {
        let Some(current) = stamp(path) else { return };
        let now = self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let key = format!("{}#{}#{:?}", path.display(), current.len, current.modified);
        let mut entries = self.entries.lock();
        entries.insert(path.to_path_buf(), (current, SourceImage { key, pixels: Arc::new(pixels) }, now));
        evict(&mut entries);
    }
}

fn evict(entries: &mut HashMap<PathBuf, (FileStamp, SourceImage, u64)>) {
    let bytes = |e: &HashMap<PathBuf, (FileStamp, SourceImage, u64)>| -> usize {
        e.values().map(|(_, image, _)| image.pixels.as_raw().len()).sum()
    };
    while entries.len() > 1 && bytes(entries) > CACHE_BYTES {
        let oldest = entries.iter().min_by_key(|(_, (_, _, used))| *used).map(|(path, _)| path.clone());
        match oldest {
            Some(path) => entries.remove(&path),
            None => break,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "hello").expect("write");
        let error = import(dir.path(), &path).expect_err("not an image");
        assert_eq!(error.code, ErrorCode::MediaInvalid);
        assert!(error.message.starts_with("notes.txt could not be opened as an image"), "{}", error.message);
        assert!(!dir.path().join(ASSETS_DIR).exists(), "nothing copied");
    }

    #[test]
    fn a_header_claiming_a_huge_image_is_refused_without_allocating_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A valid 1x1 PNG whose IHDR is patched to 100000 x 100000 (CRC fixed up).
        let mut png = Vec::new();
        image::RgbaImage::new(1, 1).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).expect("encode");
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let path = dir.path().join("bomb.png");
        std::fs::write(&path, &png).expect("write");
        let error = decode(&path).expect_err("too large");
        assert_eq!(error.code, ErrorCode::MediaInvalid);
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn importing_twice_reuses_the_copy_and_the_bin_lists_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = dir.path().join("My Photo!.png");
        image::RgbaImage::from_pixel(30, 20, image::Rgba([1, 2, 3, 255])).save(&source).expect("save");
        let project = dir.path().join("project");
        let (first, pixels) = import(&project, &source).expect("import");
        let (second, _) = import(&project, &source).expect("import again");
        assert_eq!(first, second);
        assert!(first.starts_with("assets/My-Photo-") && first.ends_with(".png"), "{first}");
        assert_eq!(pixels.dimensions(), (30, 20));
        let media = list_media(&project);
        assert_eq!(media.len(), 1);
        assert_eq!((media[0].width, media[0].height), (30, 20));
    }
}
