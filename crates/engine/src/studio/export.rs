//! Encoding exported slides: PNG with the recipe in `tEXt`/`iTXt` chunks, JPEG with it in a
//! comment (COM) segment. Both encoders are deterministic, so the same project gives the same
//! bytes.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::RgbaImage;
use postcraft_core::post::{LayerContent, Post};
use postcraft_core::project_ipc::ExportFormat;
use postcraft_core::{ErrorCode, IpcError};
use serde::Serialize;

/// The metadata key the recipe is stored under (PNG iTXt keyword; JPEG comment prefix).
pub const RECIPE_KEY: &str = "postcraft:recipe";
/// JPEG quality of exports.
pub const JPEG_QUALITY: u8 = 92;

/// What made the image: embedded so a creator (or the studio) can make it again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportRecipe {
    /// The app that wrote it.
    pub software: String,
    /// The post's preset and the export's.
    pub preset: String,
    /// The preset exported at.
    pub export_preset: String,
    /// Slide number, from 1, and how many.
    pub slide: u32,
    /// Slides in all.
    pub slides: u32,
    /// Every generated layer's recipe (model id, its file's SHA-256, seed, index).
    pub generated: Vec<GeneratedRecipe>,
}

/// One generated layer's recipe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedRecipe {
    /// The layer's name.
    pub layer: String,
    /// Manifest id of the model.
    pub model: String,
    /// SHA-256 of the model file as the manifest pins it, when known.
    pub model_sha256: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Index within the seed's sequence.
    pub index: u32,
}

/// The recipe of a post's slide.
pub fn recipe(
    post: &Post,
    export_preset: &str,
    slide: u32,
    model_hash: impl Fn(&str) -> Option<String>,
) -> ExportRecipe {
    let generated = post
        .layers
        .iter()
        .filter(|l| l.visible)
        .filter_map(|layer| match &layer.content {
            LayerContent::Generated { recipe, .. } => Some(GeneratedRecipe {
                layer: layer.name.clone(),
                model: recipe.model.clone(),
                model_sha256: model_hash(&recipe.model),
                seed: recipe.seed,
                index: recipe.index,
            }),
            _ => None,
        })
        .collect();
    ExportRecipe {
        software: format!("Postcraft Studio {}", env!("CARGO_PKG_VERSION")),
        preset: post.preset.clone(),
        export_preset: export_preset.to_owned(),
        slide: slide + 1,
        slides: post.slides.max(1),
        generated,
    }
}

fn encode_error(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(ErrorCode::Internal, format!("encoding the export failed: {e}"))
}

/// Encodes a slide with its recipe.
pub fn encode(image: &RgbaImage, format: ExportFormat, recipe: &ExportRecipe) -> Result<Vec<u8>, IpcError> {
    let json = serde_json::to_string(recipe).map_err(encode_error)?;
    match format {
        ExportFormat::Png => encode_png(image, &json),
        ExportFormat::Jpeg => encode_jpeg(image, &json),
        ExportFormat::Wav | ExportFormat::Mp4 => Err(IpcError::new(ErrorCode::Internal, "not an image format")),
    }
}

fn encode_png(image: &RgbaImage, recipe_json: &str) -> Result<Vec<u8>, IpcError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.add_text_chunk("Software".into(), "Postcraft Studio".into()).map_err(encode_error)?;
    encoder.add_itxt_chunk(RECIPE_KEY.into(), recipe_json.into()).map_err(encode_error)?;
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(image.as_raw()).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(out)
}

fn encode_jpeg(image: &RgbaImage, recipe_json: &str) -> Result<Vec<u8>, IpcError> {
    // JPEG has no alpha: flatten onto white, as platforms do.
    let rgb = image::RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let p = image.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        image::Rgb([over(p[0]), over(p[1]), over(p[2])])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut Cursor::new(&mut jpeg), JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(encode_error)?;
    // A COM segment right after SOI: `FF FE`, a big-endian length that counts itself, the text.
    let comment = format!("{RECIPE_KEY} {recipe_json}");
    let bytes = comment.as_bytes();
    if bytes.len() > 65_533 || jpeg.len() < 2 {
        return Ok(jpeg);
    }
    let mut out = Vec::with_capacity(jpeg.len() + bytes.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((bytes.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(bytes);
    out.extend_from_slice(&jpeg[2..]);
    Ok(out)
}

/// The files of an export: `out` itself for one slide, `stem-1.ext`, `stem-2.ext`, ... for a
/// carousel.
pub fn slide_paths(out: &Path, slides: u32) -> Vec<PathBuf> {
    if slides <= 1 {
        return vec![out.to_path_buf()];
    }
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "slide".into());
    let ext = out.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    (1..=slides).map(|i| out.with_file_name(format!("{stem}-{i}{ext}"))).collect()
}

/// The format a file name asks for.
pub fn format_from_path(path: &Path) -> Option<ExportFormat> {
    match path.extension()?.to_string_lossy().to_ascii_lowercase().as_str() {
        "png" => Some(ExportFormat::Png),
        "jpg" | "jpeg" => Some(ExportFormat::Jpeg),
        "wav" => Some(ExportFormat::Wav),
        "mp4" => Some(ExportFormat::Mp4),
        _ => None,
    }
}

/// Writes bytes atomically (temp file, sync, rename): a cancelled or crashed export never leaves
/// a half-written image under the final name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IpcError> {
    use std::io::Write;
    let io = |e: std::io::Error| IpcError::new(ErrorCode::Io, format!("writing {}: {e}", path.display()));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.part-{}", std::process::id()));
    let mut file = std::fs::File::create(&temp).map_err(io)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(io)?;
    drop(file);
    std::fs::rename(&temp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_recipe() -> ExportRecipe {
        ExportRecipe {
            software: "Postcraft Studio test".into(),
            preset: "instagram-square".into(),
            export_preset: "instagram-square".into(),
            slide: 1,
            slides: 1,
            generated: vec![GeneratedRecipe {
                layer: "face".into(),
                model: "dcgan-faces".into(),
                model_sha256: Some("ab".repeat(32)),
                seed: 42,
                index: 3,
            }],
        }
    }

    #[test]
    fn png_carries_the_recipe_and_decodes_to_the_same_pixels() {
        let image = RgbaImage::from_fn(17, 9, |x, y| image::Rgba([x as u8 * 10, y as u8 * 20, 7, 255 - x as u8]));
        let bytes = encode(&image, ExportFormat::Png, &sample_recipe()).expect("encode");
        assert_eq!(bytes, encode(&image, ExportFormat::Png, &sample_recipe()).expect("again"), "deterministic");
        let decoder = png::Decoder::new(Cursor::new(&bytes));
        let reader = decoder.read_info().expect("png");
        let text = reader.info().utf8_text.iter().find(|t| t.keyword == RECIPE_KEY).expect("recipe chunk");
        let json: serde_json::Value = serde_json::from_str(&text.get_text().expect("text")).expect("json");
        assert_eq!(json["generated"][0]["seed"], 42);
        let decoded = image::load_from_memory(&bytes).expect("decode").into_rgba8();
        assert_eq!(decoded, image);
    }

    #[test]
    fn jpeg_carries_the_recipe_in_a_comment_and_stays_a_valid_jpeg() {
        let image = RgbaImage::from_pixel(32, 16, image::Rgba([200, 100, 50, 255]));
        let bytes = encode(&image, ExportFormat::Jpeg, &sample_recipe()).expect("encode");
        assert_eq!(&bytes[..4], &[0xFF, 0xD8, 0xFF, 0xFE]);
        let needle = RECIPE_KEY.as_bytes();
        assert!(bytes.windows(needle.len()).any(|w| w == needle));
        let decoded = image::load_from_memory(&bytes).expect("decode").into_rgb8();
        assert_eq!(decoded.dimensions(), (32, 16));
        let p = decoded.get_pixel(5, 5).0;
        assert!(p[0].abs_diff(200) < 6 && p[1].abs_diff(100) < 6 && p[2].abs_diff(50) < 6, "{p:?}");
    }

    #[test]
    fn carousel_files_are_numbered() {
        let paths = slide_paths(Path::new("/tmp/out/post.png"), 3);
        assert_eq!(paths[2], Path::new("/tmp/out/post-3.png"));
        assert_eq!(slide_paths(Path::new("a.jpg"), 1), vec![PathBuf::from("a.jpg")]);
    }
}
