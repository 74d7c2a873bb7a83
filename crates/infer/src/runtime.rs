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
    /// (whatever its path: a process has one runtime).
    pub fn load(path: &Path) -> Result<Runtime, InferError> {
        let _loading = LOADING.lock();
        if let Some(runtime) = LOADED.get() {
            return Ok(runtime.clone());
        }
        // Checked first: ort's loader would otherwise also try the executable's folder and the
        // system search path for a relative name, which hides what the user configured.
        if !path.is_file() {
            return Err(InferError::RuntimeMissing { path: path.to_path_buf() });
        }
        let builder = ort::init_from(path).map_err(|e| InferError::RuntimeIncompatible {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let environment = builder.with_name("postcraft").with_telemetry(false).build().map_err(|e| {
            InferError::RuntimeIncompatible { path: path.to_path_buf(), reason: e.to_string() }
        })?;
        let info = RuntimeInfo { path: path.to_path_buf(), version: version_from_build_info(ort::info()) };
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
fn version_from_build_info(info: &str) -> String {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .find_map(|part| part.strip_prefix("git-branch=rel-"))
        .map(str::to_owned)
        .unwrap_or_else(|| "unknown version".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_read_from_build_info() {
        let info = "ORT Build Info: git-branch=rel-1.31.1, git-commit-id=abc, build type=Release";
        assert_eq!(version_from_build_info(info), "1.31.1");
        assert_eq!(version_from_build_info("something else"), "unknown version");
    }
}
