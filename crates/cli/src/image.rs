//! `postcraft image ...` (generate, vary, interpolate, restyle) and `postcraft video restyle`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use postcraft_core::image_ipc::{AnimationFormat, DEFAULT_RESTYLE_MODEL, InterpolateRequest};
use postcraft_core::ipc::{GenerateImagesRequest, VaryRequest};
use postcraft_core::post::{Upscale, Variation};
use postcraft_engine::images::{ModelSource, RESTYLE_TILE, VIDEO_TILE, VideoOptions, VideoProgress, video_workers};
use postcraft_engine::{Engine, FACES_MODEL, STICKERS_MODEL, encode_png_rgba, encode_png_with_recipe};

use crate::anyhow_ipc;

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Generate images and write them as PNG files named `<model>-<seed>-<index>.png`, each
    /// with its recipe inside. The same seed writes the same bytes.
    Generate {
        /// `faces`, `stickers` or a manifest id.
        #[arg(long, default_value = "faces")]
        model: String,
        /// How many images.
        #[arg(long, default_value_t = 4)]
        count: u32,
        /// The random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[command(flatten)]
        upscale: UpscaleArgs,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Variations of one generated image (`--seed`, `--index`), as `<model>-<seed>-<index>-v<n>.png`.
    Vary {
        /// `faces`, `stickers` or a manifest id.
        #[arg(long, default_value = "faces")]
        model: String,
        /// The image's seed.
        #[arg(long)]
        seed: u64,
        /// The image's index within its seed.
        #[arg(long, default_value_t = 0)]
        index: u32,
        /// How many variations.
        #[arg(long, default_value_t = 4)]
        count: u32,
        /// `subtle` (0.2), `strong` (0.5) or a number from 0 to 1.
        #[arg(long, default_value = "subtle")]
        strength: String,
        #[command(flatten)]
        upscale: UpscaleArgs,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// An animation between two generated images, as GIF or MP4 (from `--out`'s extension).
    Interpolate {
        /// `faces`, `stickers` or a manifest id.
        #[arg(long, default_value = "faces")]
        model: String,
        /// First image as `SEED`, `SEED:INDEX`, or a variation as `SEED:INDEX:vNUMBER@STRENGTH`.
        #[arg(long)]
        from: String,
        /// Last image, written the same way.
        #[arg(long)]
        to: String,
        /// Frames from first to last, both included.
        #[arg(long, default_value_t = 24)]
        frames: u32,
        /// Frames per second.
        #[arg(long, default_value_t = 12)]
        fps: u32,
        /// Play back to the start, for a seamless loop.
        #[arg(long)]
        ping_pong: bool,
        #[command(flatten)]
        upscale: UpscaleArgs,
        /// `.gif` or `.mp4`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restyle a photo (or every image of a folder) with an image-to-image model; the result
    /// has the input's size.
    Restyle {
        /// A photo, or a folder of photos.
        input: PathBuf,
        /// The output file (or folder, for a folder input). PNG keeps transparency.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        model: RestyleModelArgs,
        /// 0 (the original) to 1 (fully restyled).
        #[arg(long, default_value_t = 1.0)]
        strength: f32,
        /// Tile size in pixels for large photos.
        #[arg(long, default_value_t = RESTYLE_TILE)]
        tile: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum VideoCommand {
    /// Restyle a clip (MP4, WebM, MOV, GIF) into an H.264 MP4 with the same frames, size and
    /// sound. Progress goes to stderr.
    Restyle {
        /// The clip.
        input: PathBuf,
        /// The MP4 to write.
        output: PathBuf,
        #[command(flatten)]
        model: RestyleModelArgs,
        /// 0 (the original) to 1 (fully restyled).
        #[arg(long, default_value_t = 1.0)]
        strength: f32,
        /// 0 (off) to 0.95: how much still areas keep the previous frame's look.
        #[arg(long, default_value_t = 0.5)]
        smoothing: f32,
        /// Decode everything, then restyle everything, then encode (the baseline of the
        /// benchmark) instead of running the three at once.
        #[arg(long)]
        sequential: bool,
        /// Inference threads (0: one per core): one model session per thread restyles frames in
        /// parallel (the sequential baseline runs one session with all of them).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}

#[derive(Debug, clap::Args)]
pub struct UpscaleArgs {
    /// Upscale to this many pixels on the longer side (Lanczos + sharpening).
    #[arg(long)]
    size: Option<u32>,
    /// Sharpening after upscaling, 0 to 1.
    #[arg(long, default_value_t = 0.5)]
    sharpen: f32,
}

impl UpscaleArgs {
    fn upscale(&self) -> Option<Upscale> {
        self.size.map(|longest| Upscale { longest, sharpen: self.sharpen })
    }
}

#[derive(Debug, clap::Args)]
pub struct RestyleModelArgs {
    /// A manifest id of an image-to-image model (`restyle-cartoon`, `restyle-photo`).
    #[arg(long, default_value = DEFAULT_RESTYLE_MODEL, conflicts_with = "model_file")]
    model: String,
    /// Your own CycleGAN or AnimeGAN-style ONNX file (one image in, one image out) instead.
    #[arg(long)]
    model_file: Option<PathBuf>,
}

impl RestyleModelArgs {
    fn source(&self) -> ModelSource<'_> {
        match &self.model_file {
            Some(file) => ModelSource::File(file),
            None => ModelSource::Listed(&self.model),
        }
    }

    fn translator(&self, engine: &Engine, threads: usize) -> anyhow::Result<postcraft_engine::images::Translator> {
        let translator = match &self.model_file {
            Some(file) => engine.image_translator_from_file(file).map(postcraft_engine::images::Translator::Owned),
            None if threads > 0 => {
                engine.image_translator_with(&self.model, threads).map(postcraft_engine::images::Translator::Owned)
            }
            None => engine.image_translator(&self.model).map(postcraft_engine::images::Translator::Shared),
        };
        translator.map_err(anyhow_ipc)
    }
}

/// `faces` and `stickers` are short for the shipped generators.
fn model_id(name: &str) -> &str {
    match name {
        "faces" => FACES_MODEL,
        "stickers" => STICKERS_MODEL,
        other => other,
    }
}

pub fn image(engine: &Engine, command: ImageCommand) -> anyhow::Result<ExitCode> {
    match command {
        ImageCommand::Generate { model, count, seed, upscale, out } => {
            let request = GenerateImagesRequest {
                upscale: upscale.upscale(),
                ..GenerateImagesRequest::new(model_id(&model), count, seed)
            };
            write_generated(engine, &request, &out, |r| format!("{}-{}-{:04}.png", short(&r.model), r.seed, r.index))
        }
        ImageCommand::Vary { model, seed, index, count, strength, upscale, out } => {
            let strength = match strength.as_str() {
                "subtle" => 0.2,
                "strong" => 0.5,
                number => number.parse().with_context(|| format!("strength `{number}`: subtle, strong or 0 to 1"))?,
            };
            let request = GenerateImagesRequest {
                vary: Some(VaryRequest { index, strength }),
                upscale: upscale.upscale(),
                ..GenerateImagesRequest::new(model_id(&model), count, seed)
            };
            write_generated(engine, &request, &out, |r| {
                let number = r.variation.map_or(0, |v| v.number);
                format!("{}-{}-{:04}-v{number}.png", short(&r.model), r.seed, r.index)
            })
        }
        ImageCommand::Interpolate { model, from, to, frames, fps, ping_pong, upscale, out } => {
            let (from_seed, from_index, from_variation) = parse_image_address(&from)?;
            let (to_seed, to_index, to_variation) = parse_image_address(&to)?;
            let format = match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("gif") => AnimationFormat::Gif,
                Some("mp4") => AnimationFormat::Mp4,
                _ => bail!("{}: the output must end in .gif or .mp4", out.display()),
            };
            let request = InterpolateRequest {
                model: model_id(&model).to_owned(),
                from_seed,
                from_index,
                from_variation,
                to_seed,
                to_index,
                to_variation,
                frames,
                fps,
                ping_pong,
                format,
                output: out.display().to_string(),
                upscale: upscale.upscale(),
            };
            let report = engine.interpolate_now(&request).map_err(anyhow_ipc)?;
            eprintln!("{} frames, {}x{}", report.frames, report.width, report.height);
            println!("{}", report.path.display());
            Ok(ExitCode::SUCCESS)
        }
        ImageCommand::Restyle { input, out, model, strength, tile } => {
            let translator = model.translator(engine, 0)?;
            let pairs = restyle_pairs(&input, &out)?;
            let mut failed = 0;
            for (source, target) in pairs {
                let result = postcraft_engine::decode_image(&source)
                    .and_then(|image| postcraft_engine::images::restyle_rgba_image(&translator, &image, strength, tile))
                    .and_then(|image| encode_png_rgba(&image));
                match result {
                    Ok(png) => {
                        std::fs::write(&target, png).with_context(|| format!("writing {}", target.display()))?;
                        println!("{}", target.display());
                    }
                    Err(error) => {
                        eprintln!("{}: {} ({})", source.display(), error.message, error.code);
                        failed += 1;
                    }
                }
            }
            Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

pub fn video(engine: &Engine, command: VideoCommand) -> anyhow::Result<ExitCode> {
    let VideoCommand::Restyle { input, output, model, strength, smoothing, sequential, threads } = command;
    let (workers, threads_each) = if sequential { (1, threads) } else { video_workers(threads) };
    let translators = engine.translator_sessions(model.source(), workers, threads_each).map_err(anyhow_ipc)?;
    let options = VideoOptions { strength, smoothing, sequential, tile: VIDEO_TILE };
    let mut stderr = std::io::stderr();
    let report = engine
        .restyle_video_with(&translators, &input, &output, &options, None, &mut |p: VideoProgress| {
            let eta = p.eta_secs.map_or_else(String::new, |s| format!(", {s:.0} s left"));
            let _ = write!(stderr, "\rframe {}/{} ({:.1} frames/s{eta})   ", p.done, p.total, p.frames_per_sec);
        })
        .map_err(anyhow_ipc)?;
    eprintln!();
    eprintln!(
        "{} frames, {}x{}, {}, {:.1} frames/s",
        report.frames,
        report.width,
        report.height,
        if report.has_audio { "sound kept" } else { "no sound" },
        report.frames_per_second
    );
    println!("{}", report.path.display());
    Ok(ExitCode::SUCCESS)
}

fn short(model: &str) -> &str {
    match model {
        FACES_MODEL => "faces",
        STICKERS_MODEL => "stickers",
        other => other,
    }
}

fn write_generated(
    engine: &Engine,
    request: &GenerateImagesRequest,
    out: &Path,
    name: impl Fn(&postcraft_core::post::Recipe) -> String,
) -> anyhow::Result<ExitCode> {
    let images = engine.generate_images_now(request).map_err(anyhow_ipc)?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for generated in &images {
        let path = out.join(name(&generated.recipe));
        let png = encode_png_with_recipe(&generated.image, &generated.recipe).map_err(anyhow_ipc)?;
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `SEED`, `SEED:INDEX` or, for a variation made by `image vary`, `SEED:INDEX:vNUMBER@STRENGTH`
/// (the `-v<n>` of its file name and the strength it was made with).
fn parse_image_address(text: &str) -> anyhow::Result<(u64, u32, Option<Variation>)> {
    let expected = || format!("`{text}`: expected SEED, SEED:INDEX or SEED:INDEX:vNUMBER@STRENGTH");
    let mut parts = text.split(':');
    let seed = parts.next().unwrap_or_default().trim().parse().with_context(expected)?;
    let index = parts.next().map_or(Ok(0), |i| i.trim().parse()).with_context(expected)?;
    let variation = match parts.next() {
        None => None,
        Some(part) => {
            let (number, strength) =
                part.trim().strip_prefix('v').and_then(|p| p.split_once('@')).with_context(expected)?;
            Some(Variation {
                number: number.parse().with_context(expected)?,
                strength: strength.parse().with_context(expected)?,
            })
        }
    };
    if parts.next().is_some() {
        bail!(expected());
    }
    Ok((seed, index, variation))
}

/// (input, output) files: one pair for a file; for a folder, every image file in it (sorted),
/// written into the output folder under the same name with `.png`.
fn restyle_pairs(input: &Path, out: &Path) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    if !input.is_dir() {
        if let (Ok(a), Ok(b)) = (input.canonicalize(), out.canonicalize())
            && a == b
        {
            bail!("{} is the photo being restyled: choose another --out (the original is kept)", out.display());
        }
        return Ok(vec![(input.to_path_buf(), out.to_path_buf())]);
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    if input.canonicalize()? == out.canonicalize()? {
        bail!("--out {} is the folder being restyled: choose another one (the originals are kept)", out.display());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(input)
        .with_context(|| format!("reading {}", input.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            matches!(ext.as_deref(), Some("png" | "jpg" | "jpeg" | "webp" | "bmp" | "gif"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{} has no images (PNG, JPEG, WebP, BMP, GIF)", input.display());
    }
    Ok(files
        .into_iter()
        .map(|file| {
            let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let target = out.join(format!("{name}.png"));
            (file, target)
        })
        .collect())
}
