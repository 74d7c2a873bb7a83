//! Generated media kept in memory and served to the UI as PNG bytes.
//!
//! The UI never receives pixels as JSON: a job event carries a URL of the shell's custom scheme
//! (`postcraft://localhost/jobs/<job>/<index>.png`), and the shell answers it with
//! [`MediaStore::serve`]. The store is bounded by count and by bytes (a restyled photo is
//! megabytes, a generated face kilobytes); the oldest images go first.

use std::collections::{HashMap, VecDeque};

use image::imageops::FilterType;
use image::{ImageBuffer, ImageEncoder, Rgb, RgbImage, RgbaImage};
use parking_lot::Mutex;
use postcraft_core::post::Recipe;
use postcraft_core::{ErrorCode, IpcError, JobId};

/// The MIME type of what [`MediaStore::serve`] returns.
pub const PNG_MIME: &str = "image/png";

/// How many images are kept at most (64x64: 16 KiB each).
const CAPACITY: usize = 4096;
/// How many pixel bytes are kept at most (a dozen restyled 12-megapixel photos).
const BYTE_BUDGET: usize = 512 * 1024 * 1024;
/// Display upscaling factors the UI may ask for with `?scale=N`.
const MAX_SCALE: u32 = 8;

#[derive(Default)]
struct Inner {
    images: HashMap<(JobId, u32), (RgbaImage, Option<Recipe>)>,
    order: VecDeque<(JobId, u32)>,
    bytes: usize,
}

/// Images of recent jobs, keyed by job and index.
#[derive(Default)]
pub struct MediaStore {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStore").field("images", &self.inner.lock().order.len()).finish()
    }
}

impl MediaStore {
    /// Keeps an opaque image; evicts the oldest past capacity.
    pub fn insert(&self, job: JobId, index: u32, image: RgbImage) {
        self.insert_generated(job, index, image::DynamicImage::ImageRgb8(image).into_rgba8(), None);
    }

    /// Keeps an image (with the recipe that makes it again, if generated); evicts the oldest
    /// past the count or byte budget.
    pub fn insert_generated(&self, job: JobId, index: u32, image: RgbaImage, recipe: Option<Recipe>) {
        let mut inner = self.inner.lock();
        inner.bytes += image.as_raw().len();
        match inner.images.insert((job, index), (image, recipe)) {
            Some((old, _)) => inner.bytes -= old.as_raw().len(),
            None => inner.order.push_back((job, index)),
        }
        while inner.order.len() > CAPACITY || (inner.bytes > BYTE_BUDGET && inner.order.len() > 1) {
            if let Some(oldest) = inner.order.pop_front()
                && let Some((image, _)) = inner.images.remove(&oldest)
            {
                inner.bytes -= image.as_raw().len();
            }
        }
    }

    /// The recipe an image was made with (none for a restyled photo).
    pub fn recipe(&self, job: JobId, index: u32) -> Result<Option<Recipe>, IpcError> {
        self.get(job, index).map(|(_, recipe)| recipe)
    }

    /// The image itself.
    pub fn image(&self, job: JobId, index: u32) -> Result<RgbaImage, IpcError> {
        self.get(job, index).map(|(image, _)| image)
    }

    /// The PNG of an image at `scale` times its size (Catmull-Rom upscaling for display).
    pub fn png(&self, job: JobId, index: u32, scale: u32) -> Result<Vec<u8>, IpcError> {
        let (image, _) = self.get(job, index)?;
        let scale = scale.clamp(1, MAX_SCALE);
        let image = if scale == 1 {
            image
        } else {
            image::imageops::resize(&image, image.width() * scale, image.height() * scale, FilterType::CatmullRom)
        };
        encode_png_rgba(&image)
    }

    fn get(&self, job: JobId, index: u32) -> Result<(RgbaImage, Option<Recipe>), IpcError> {
        self.inner
            .lock()
            .images
            .get(&(job, index))
            .cloned()
            .ok_or_else(|| IpcError::new(ErrorCode::JobNotFound, format!("no image {index} of {job} (expired?)")))
    }

    /// Answers a path of the media scheme: `/jobs/<job>/<index>.png[?scale=N]`.
    pub fn serve(&self, path_and_query: &str) -> Result<Vec<u8>, IpcError> {
        let (job, index, scale) = parse_media_path(path_and_query)
            .ok_or_else(|| IpcError::new(ErrorCode::InvalidRequest, format!("not a media path: {path_and_query}")))?;
        self.png(job, index, scale)
    }
}

/// The URL the UI fetches image `index` of `job` from.
pub fn media_url(base: &str, job: JobId, index: u32) -> String {
    format!("{}/jobs/{}/{index}.png", base.trim_end_matches('/'), job.0)
}

fn parse_media_path(path_and_query: &str) -> Option<(JobId, u32, u32)> {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let rest = path.trim_start_matches('/').strip_prefix("jobs/")?;
    let (job, file) = rest.split_once('/')?;
    let index = file.strip_suffix(".png")?;
    let scale =
        query.split('&').find_map(|pair| pair.strip_prefix("scale=")).map_or(Some(1), |value| value.parse().ok())?;
    Some((JobId(job.parse().ok()?), index.parse().ok()?, scale))
}

/// Encodes RGBA pixels as PNG: as an RGB PNG when every pixel is opaque (smaller, and the same
/// bytes [`encode_png`] gives), else with alpha. The same pixels always give the same bytes.
pub fn encode_png_rgba(image: &RgbaImage) -> Result<Vec<u8>, IpcError> {
    if image.pixels().all(|p| p.0[3] == 255) {
        return encode_png(&image::DynamicImage::ImageRgba8(image.clone()).into_rgb8());
    }
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgba8)
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("PNG encoding failed: {e}")))?;
    Ok(bytes)
}

/// Encodes a generated image as PNG with its recipe in an iTXt chunk (`postcraft:recipe`, the
/// key exports use), so the file says how to make it again.
pub fn encode_png_with_recipe(image: &RgbaImage, recipe: &Recipe) -> Result<Vec<u8>, IpcError> {
    let failed = |e: String| IpcError::new(ErrorCode::Internal, format!("PNG encoding failed: {e}"));
    let json = serde_json::to_string(recipe).map_err(|e| failed(e.to_string()))?;
    let opaque = image.pixels().all(|p| p.0[3] == 255);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(if opaque { png::ColorType::Rgb } else { png::ColorType::Rgba });
    encoder.set_depth(png::BitDepth::Eight);
    encoder.add_text_chunk("Software".into(), "Postcraft Studio".into()).map_err(|e| failed(e.to_string()))?;
    encoder.add_itxt_chunk(crate::studio::RECIPE_KEY.into(), json).map_err(|e| failed(e.to_string()))?;
    let mut writer = encoder.write_header().map_err(|e| failed(e.to_string()))?;
    let data: Vec<u8> =
        if opaque { image.pixels().flat_map(|p| [p.0[0], p.0[1], p.0[2]]).collect() } else { image.as_raw().clone() };
    writer.write_image_data(&data).map_err(|e| failed(e.to_string()))?;
    writer.finish().map_err(|e| failed(e.to_string()))?;
    Ok(out)
}

/// Encodes RGB pixels as PNG; the same pixels always give the same bytes.
pub fn encode_png(image: &ImageBuffer<Rgb<u8>, Vec<u8>>) -> Result<Vec<u8>, IpcError> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("PNG encoding failed: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_media_paths_and_rejects_others() {
        assert_eq!(parse_media_path("/jobs/3/7.png"), Some((JobId(3), 7, 1)));
        assert_eq!(parse_media_path("jobs/3/7.png?scale=4"), Some((JobId(3), 7, 4)));
        assert_eq!(parse_media_path("/jobs/3/7.jpg"), None);
        assert_eq!(parse_media_path("/jobs/x/7.png"), None);
        assert_eq!(parse_media_path("/etc/passwd"), None);
        assert_eq!(parse_media_path("/jobs/3/7.png?scale=big"), None);
        assert_eq!(media_url("postcraft://localhost/", JobId(3), 7), "postcraft://localhost/jobs/3/7.png");
    }

    #[test]
    fn serves_scaled_png_and_evicts_oldest() {
        let store = MediaStore::default();
        store.insert(JobId(1), 0, RgbImage::from_pixel(2, 2, Rgb([10, 20, 30])));
        let png = store.serve("/jobs/1/0.png?scale=4").expect("served");
        let decoded = image::load_from_memory(&png).expect("valid png");
        assert_eq!((decoded.width(), decoded.height()), (8, 8));

        for index in 1..=CAPACITY as u32 {
            store.insert(JobId(2), index, RgbImage::new(1, 1));
        }
        assert_eq!(store.png(JobId(1), 0, 1).map_err(|e| e.code), Err(ErrorCode::JobNotFound));
        assert!(store.png(JobId(2), CAPACITY as u32, 1).is_ok());
    }
}
