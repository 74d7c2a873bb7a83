//! Loading the ONNX Runtime shared library, once per process.
//!
//! `ort` is built with `load-dynamic`: nothing is downloaded at build time and the library is
//! opened here with [`ort::init_from`], which returns an error we can show instead of the panic
//! of ort's implicit search. A failed load can be retried (after the user fixes the set-up); a
//! successful one is final for the process, as ONNX Runtime allows one environment per process.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::environment::Environment;
use ort::session::Session;
use parking_lot::Mutex;

use crate::InferError;
use crate::manifest::RuntimeSpec;
use crate::registry::sha256_file;

/// The environment variable that overrides the library's path.
pub const DYLIB_ENV: &str = "ORT_DYLIB_PATH";

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeInfo {
    /// The library's path.
    pub path: PathBuf,
    /// Its version, from its build info (for example `1.31.1`).
    pub version: String,
}

/// The loaded runtime: the one ort environment of this process.
#[derive(Debug, Clone)]
pub struct Runtime {
    environment: Environment,
    info: RuntimeInfo,
}

static LOADED: OnceLock<Runtime> = OnceLock::new();
// Serializes load attempts so two threads never race inside the loader.
static LOADING: Mutex<()> = Mutex::new(());

impl Runtime {
    /// The path to load: `ORT_DYLIB_PATH` if set and not empty, else `default_path`.
    pub fn resolve_path(default_path: &Path) -> PathBuf {
        match std::env::var_os(DYLIB_ENV) {
            Some(value) if !value.is_empty() => PathBuf::from(value),
            _ => default_path.to_path_buf(),
        }
    }

    /// Loads the library at `path`, or returns the runtime already loaded by this process
    /// (whatever its path: a process has one runtime). `pinned` is the manifest's runtime: when
    /// the file's SHA-256 matches it, its version is known exactly (ONNX Runtime's release builds
    /// do not always say their version in their build info).
    pub fn load(path: &Path, pinned: Option<&RuntimeSpec>) -> Result<Runtime, InferError> {
        let _loading = LOADING.lock();
        if let Some(runtime) = LOADED.get() {
            return Ok(runtime.clone());
        }
        // Checked first: ort's loader would otherwise also try the executable's folder and the
        // system search path for a relative name, which hides what the user configured.
        if !path.is_file() {
            return Err(InferError::RuntimeMissing { path: path.to_path_buf() });
        }
        let builder = ort::init_from(path)
            .map_err(|e| InferError::RuntimeIncompatible { path: path.to_path_buf(), reason: e.to_string() })?;
        let environment = builder
            .with_name("postcraft")
            .with_telemetry(false)
            .build()
            .map_err(|e| InferError::RuntimeIncompatible { path: path.to_path_buf(), reason: e.to_string() })?;
        let version = version_from_build_info(ort::info())
            .or_else(|| {
                let pinned = pinned?;
                let matches = sha256_file(path).ok()? == pinned.sha256;
                matches.then(|| pinned.version.clone())
            })
            .or_else(|| version_from_file_name(path))
            .unwrap_or_else(|| format!(">= 1.{}", ort::MINOR_VERSION));
        let info = RuntimeInfo { path: path.to_path_buf(), version };
        tracing::info!(path = %info.path.display(), version = %info.version, "ONNX Runtime loaded");
        Ok(LOADED.get_or_init(|| Runtime { environment, info }).clone())
    }

    /// The runtime if this process already loaded one.
    pub fn loaded() -> Option<Runtime> {
        LOADED.get().cloned()
    }

    /// What was loaded.
    pub fn info(&self) -> &RuntimeInfo {
        &self.info
    }

    /// The environment sessions are built from.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// Opens a model file (already verified against the manifest) as a session.
    pub fn open_session(&self, path: &Path, options: SessionOptions) -> Result<Session, InferError> {
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        let builder = Session::builder(&self.environment).map_err(|e| invalid(e.to_string()))?;
        let mut builder = if options.intra_threads > 0 {
            builder.with_intra_threads(options.intra_threads).map_err(|e| invalid(e.to_string()))?
        } else {
            builder
        };
        builder.commit_from_file(path).map_err(|e| invalid(e.to_string()))
    }
}

/// How a session uses the CPU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionOptions {
    /// Threads inside one operator; `0` lets ONNX Runtime choose (one per core).
    pub intra_threads: usize,
}

/// Extracts `1.31.1` from ONNX Runtime's build info (`... git-branch=rel-1.31.1, ...`).
fn version_from_build_info(info: &str) -> Option<String> {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .find_map(|part| part.strip_prefix("git-branch=rel-"))
        .map(str::to_owned)
}

/// Extracts `1.31.1` from `libonnxruntime.so.1.31.1`.
fn version_from_file_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let version = name.strip_prefix("libonnxruntime.so.")?;
    let looks_like_version = version.split('.').count() == 3 && version.split('.').all(|p| p.parse::<u32>().is_ok());
    looks_like_version.then(|| version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_read_from_build_info() {
        let info = "ORT Build Info: git-branch=rel-1.31.1, git-commit-id=abc, build type=Release";
        assert_eq!(version_from_build_info(info).as_deref(), Some("1.31.1"));
        assert_eq!(version_from_build_info("ORT Build Info: git-branch=HEAD, git-commit-id=6af1a93"), None);
        assert_eq!(version_from_file_name(Path::new("/x/libonnxruntime.so.1.31.1")).as_deref(), Some("1.31.1"));
        assert_eq!(version_from_file_name(Path::new("/x/libonnxruntime.so")), None);
    }
}
