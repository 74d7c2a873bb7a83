//! Where the engine finds its runtime library, manifest and model files.

use std::path::{Path, PathBuf};

use postcraft_infer::SessionOptions;

/// The environment variable naming the folder set-up filled (`runtime/`, `models/`).
pub const HOME_ENV: &str = "POSTCRAFT_HOME";
/// The environment variable naming the manifest file.
pub const MANIFEST_ENV: &str = "POSTCRAFT_MANIFEST";

/// Paths and tuning of one engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// `models/manifest.toml`.
    pub manifest_path: PathBuf,
    /// The folder holding the model files.
    pub models_dir: PathBuf,
    /// The runtime library to load unless `ORT_DYLIB_PATH` overrides it.
    pub runtime_path: PathBuf,
    /// The folder set-up fills with espeak-ng (`libespeak-ng.so.1`, `espeak-ng-data/`).
    pub espeak_dir: PathBuf,
    /// Session threading.
    pub session: SessionOptions,
    /// How generated media is addressed by the UI (the shell's custom scheme).
    pub media_base_url: String,
    /// Font files the compositor loads besides its built-in Latin and emoji fonts (CJK).
    pub fonts: Vec<PathBuf>,
}

impl EngineConfig {
    /// A configuration over a set-up folder (holding `runtime/` and `models/`) and a manifest.
    pub fn from_dirs(home: &Path, manifest_path: &Path, runtime_file: &str) -> Self {
        Self {
            manifest_path: manifest_path.to_path_buf(),
            models_dir: home.join("models"),
            runtime_path: home.join("runtime").join(runtime_file),
            espeak_dir: home.join("espeak-ng"),
            session: SessionOptions::default(),
            media_base_url: "postcraft://localhost".to_owned(),
            fonts: default_fonts(home),
        }
    }

    /// The configuration of a source checkout: `POSTCRAFT_HOME` (default `<repo>/.postcraft`)
    /// and `POSTCRAFT_MANIFEST` (default `<repo>/models/manifest.toml`), where `<repo>` is the
    /// workspace this crate was built from.
    pub fn from_env() -> Self {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let home = std::env::var_os(HOME_ENV).map(PathBuf::from).unwrap_or_else(|| repo.join(".postcraft"));
        let manifest =
            std::env::var_os(MANIFEST_ENV).map(PathBuf::from).unwrap_or_else(|| repo.join("models/manifest.toml"));
        Self::from_dirs(&normalize(&home), &normalize(&manifest), RUNTIME_FILE)
    }
}

/// The CJK font set-up copies into `<home>/fonts/` (Droid Sans Fallback, Apache-2.0, from
/// Debian's `fonts-droid-fallback`), falling back to the system's copy.
pub const CJK_FONT_FILE: &str = "DroidSansFallbackFull.ttf";
const SYSTEM_CJK_FONT: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

fn default_fonts(home: &Path) -> Vec<PathBuf> {
    let shipped = home.join("fonts").join(CJK_FONT_FILE);
    vec![if shipped.exists() { shipped } else { PathBuf::from(SYSTEM_CJK_FONT) }]
}

/// The runtime library's file name as set-up installs it.
pub const RUNTIME_FILE: &str = "libonnxruntime.so.1.31.1";

/// Makes `a/b/../c` into `a/c` when the path exists, for readable messages.
fn normalize(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
