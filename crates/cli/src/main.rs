//! `postcraft`: the studio's engine from the command line, for batch work, tests and benches.

mod bench;
mod image;
mod sound;
mod voice;
mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use postcraft_core::post::LayerContent;
use postcraft_core::project_ipc::{AddLayerRequest, ExportRequest, ImportMediaRequest};
use postcraft_engine::{CheckLevel, Engine, EngineConfig, IpcError};

/// Postcraft Studio's engine, headless: check the set-up, manage models, generate media.
#[derive(Debug, Parser)]
#[command(name = "postcraft", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the runtime library, models and hashes, graphics adapter and audio device.
    /// Exits 0 when the studio can run (no GPU or no sound card are only warnings).
    Doctor,
    /// List or verify the models of the manifest.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Create or inspect projects.
    Project {
        #[command(subcommand)]
        command: ProjectCommand,
    },
    /// List the platform presets (canvas sizes, safe zones, text limits).
    Presets {
        #[command(subcommand)]
        command: PresetsCommand,
    },
    /// Render a project to an image file (PNG or JPEG, from the extension) at a preset's size,
    /// or its sound to a WAV, or both to an MP4 (the image for as long as the sound).
    /// A carousel writes numbered files (`post-1.png`, `post-2.png`, ...). The same project
    /// gives the same bytes.
    Render {
        /// The project folder.
        project: PathBuf,
        /// The canvas preset to render at (default: the project's own).
        #[arg(long)]
        preset: Option<String>,
        /// The output file, `.png`, `.jpg` or `.jpeg`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Generate images (faces, stickers), variations and animations; restyle photos.
    Image {
        #[command(subcommand)]
        command: image::ImageCommand,
    },
    /// Restyle video clips.
    Video {
        #[command(subcommand)]
        command: image::VideoCommand,
    },
    /// Generated sound: one-shot drum hits and beats sequenced from them.
    Sound {
        #[command(subcommand)]
        command: sound::SoundCommand,
    },
    /// Voiceover: speak text with a Piper voice, or show its phonemes.
    Voice {
        #[command(subcommand)]
        command: voice::VoiceCommand,
    },
    /// Write with the local text model: caption, hashtags, draft, rewrite, alt-text.
    Write {
        #[command(subcommand)]
        command: write::WriteCommand,
    },
    /// The local text model itself: generate a continuation of a prompt.
    Text {
        #[command(subcommand)]
        command: write::TextCommand,
    },
    /// Time a model against the same file in another runtime (used by bench/*.py).
    #[command(hide = true)]
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// List every model with its kind, file and source package.
    List,
    /// Check each model file against the manifest's SHA-256. Exits 1 if any fails.
    Verify,
}

#[derive(Debug, Subcommand)]
enum ProjectCommand {
    /// Create an empty project folder for a platform preset (see `presets list`).
    /// Refuses a folder that already holds a project.
    New {
        /// The project folder (created if missing).
        dir: PathBuf,
        /// The canvas preset id, e.g. `instagram-portrait`.
        #[arg(long)]
        preset: String,
    },
    /// Copy image files into a project and place each on the canvas, fitted to a slide.
    Import {
        /// The project folder.
        dir: PathBuf,
        /// Image files (PNG, JPEG, WebP, GIF, BMP).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Add a text layer, centred.
    Text {
        /// The project folder.
        dir: PathBuf,
        /// The words (`\n` for a new line).
        text: String,
        /// Size in canvas pixels.
        #[arg(long, default_value_t = 96.0)]
        size: f32,
        /// Colour as RRGGBB or RRGGBBAA hex.
        #[arg(long, default_value = "ffffff")]
        color: String,
    },
    /// Print the preset's checks against the post (exits 1 when one is an error).
    Check {
        /// The project folder.
        dir: PathBuf,
        /// The preset to check for (default: the project's own).
        #[arg(long)]
        preset: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PresetsCommand {
    /// Every canvas preset with its size, platform, text limit and safe zone.
    List,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("POSTCRAFT_LOG").unwrap_or_else(|_| "off".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(EngineConfig::from_env());
    match cli.command {
        Command::Doctor => doctor(&engine),
        Command::Models { command: ModelsCommand::List } => models_list(&engine),
        Command::Models { command: ModelsCommand::Verify } => models_verify(&engine),
        Command::Project { command: ProjectCommand::New { dir, preset } } => project_new(&engine, &dir, &preset),
        Command::Project { command: ProjectCommand::Import { dir, files } } => project_import(&engine, &dir, &files),
        Command::Project { command: ProjectCommand::Text { dir, text, size, color } } => {
            project_text(&engine, &dir, &text, size, &color)
        }
        Command::Project { command: ProjectCommand::Check { dir, preset } } => project_check(&engine, &dir, preset),
        Command::Render { project, preset, out } => render(&engine, &project, preset, &out),
        Command::Presets { command: PresetsCommand::List } => presets_list(),
        Command::Image { command } => image::image(&engine, command),
        Command::Video { command } => image::video(&engine, command),
        Command::Sound { command } => sound::sound(&engine, command),
        Command::Voice { command } => voice::voice(&engine, command),
        Command::Write { command } => write::write(&engine, command),
        Command::Text { command } => write::text(&engine, command),
        Command::Bench { command } => bench::run(&engine, command),
    }
}

fn doctor(engine: &Engine) -> anyhow::Result<ExitCode> {
    let report = engine.doctor();
    for check in &report.checks {
        let mark = match check.level {
            CheckLevel::Ok => "OK  ",
            CheckLevel::Warning => "WARN",
            CheckLevel::Error => "FAIL",
        };
        println!("{mark} {:<20} {}", check.name, check.detail);
    }
    if report.can_run() {
        println!("The studio can run.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "The studio cannot run its models: fix the FAIL lines (the set-up command `./scripts/run` installs what is missing)."
        );
        Ok(ExitCode::FAILURE)
    }
}

fn models_list(engine: &Engine) -> anyhow::Result<ExitCode> {
    let registry = engine.registry().map_err(anyhow_ipc)?;
    for model in &registry.manifest().models {
        let source = model.source.as_ref().map(|s| s.describe()).unwrap_or_else(|| "trained by us".to_owned());
        println!("{:<16} {:<16} {:<24} {}", model.id.as_str(), model.kind.as_str(), model.file, source);
    }
    Ok(ExitCode::SUCCESS)
}

fn models_verify(engine: &Engine) -> anyhow::Result<ExitCode> {
    let registry = engine.registry().map_err(anyhow_ipc)?;
    let mut failed = 0;
    for model in &registry.manifest().models {
        match registry.verify(model.id.as_str()) {
            Ok((_, path)) => println!("OK   {:<16} {}", model.id, path.display()),
            Err(error) => {
                failed += 1;
                println!("FAIL {:<16} {}: {error}", model.id, error.code());
            }
        }
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn project_new(engine: &Engine, dir: &std::path::Path, preset: &str) -> anyhow::Result<ExitCode> {
    let (platform, canvas) = engine.create_project(dir, preset).map_err(anyhow_ipc)?;
    println!("{}: new {} post, {}x{} ({})", dir.display(), platform.name, canvas.width, canvas.height, canvas.name);
    Ok(ExitCode::SUCCESS)
}

fn project_import(engine: &Engine, dir: &Path, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    engine.project_open(dir).map_err(anyhow_ipc)?;
    let paths =
        files.iter().map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()).display().to_string()).collect();
    let report = engine.import_media(ImportMediaRequest { paths, place: true, at: None }).map_err(anyhow_ipc)?;
    engine.project_save().map_err(anyhow_ipc)?;
    for asset in &report.imported {
        println!("{asset}");
    }
    for failure in &report.failed {
        eprintln!("{}: {} ({})", failure.path, failure.error.message, failure.error.code);
    }
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn project_text(engine: &Engine, dir: &Path, text: &str, size: f32, color: &str) -> anyhow::Result<ExitCode> {
    let color = parse_color(color).with_context(|| format!("`{color}` is not a RRGGBB or RRGGBBAA colour"))?;
    let view = engine.project_open(dir).map_err(anyhow_ipc)?;
    let wrap = view.canvas.slide_width as f32 * 0.8;
    let content =
        LayerContent::Text { text: text.replace("\\n", "\n"), font_size: size, color, wrap_width: Some(wrap) };
    engine.add_layer(AddLayerRequest { content, name: None, at: None }).map_err(anyhow_ipc)?;
    engine.project_save().map_err(anyhow_ipc)?;
    Ok(ExitCode::SUCCESS)
}

fn parse_color(hex: &str) -> Option<[u8; 4]> {
    let hex = hex.trim_start_matches('#');
    if !(hex.len() == 6 || hex.len() == 8) || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?, if hex.len() == 8 { byte(6)? } else { 255 }])
}

fn project_check(engine: &Engine, dir: &Path, preset: Option<String>) -> anyhow::Result<ExitCode> {
    let checks = engine.project_checks(dir, preset.as_deref()).map_err(anyhow_ipc)?;
    let mut failed = false;
    for check in checks {
        let level = match check.level {
            postcraft_core::project_ipc::CheckLevel::Ok => "OK  ",
            postcraft_core::project_ipc::CheckLevel::Warning => "WARN",
            postcraft_core::project_ipc::CheckLevel::Error => {
                failed = true;
                "FAIL"
            }
        };
        println!("{level} {:<12} {}", check.id, check.message);
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn render(engine: &Engine, project: &Path, preset: Option<String>, out: &Path) -> anyhow::Result<ExitCode> {
    let Some(format) = postcraft_engine::studio::format_from_path(out) else {
        bail!("{}: the output must end in .png, .jpg, .jpeg, .wav (the post's sound) or .mp4 (a video)", out.display());
    };
    let request = ExportRequest { preset, format, out: Some(out.display().to_string()) };
    let report = engine.export_project(project, &request).map_err(anyhow_ipc)?;
    for file in &report.files {
        println!("{file}");
    }
    Ok(ExitCode::SUCCESS)
}

fn presets_list() -> anyhow::Result<ExitCode> {
    let platforms = postcraft_core::presets::platforms();
    if platforms.is_empty() {
        bail!("no platform presets: the embedded platforms.toml did not parse");
    }
    for platform in platforms {
        for preset in &platform.presets {
            let zone = preset.safe_zone;
            let safe = if zone == Default::default() {
                String::new()
            } else {
                format!(
                    "  keep clear: top {:.0}% bottom {:.0}% left {:.0}% right {:.0}%",
                    zone.top * 100.0,
                    zone.bottom * 100.0,
                    zone.left * 100.0,
                    zone.right * 100.0
                )
            };
            println!(
                "{:<20} {:>4}x{:<4} {:<16} text {:>5}{safe}",
                preset.id, preset.width, preset.height, platform.name, platform.text_limit
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn anyhow_ipc(error: IpcError) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", error.message, error.code)
}
