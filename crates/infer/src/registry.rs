//! The model registry: the manifest plus the folder holding the files, with verification.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::InferError;
use crate::manifest::{Manifest, ModelSpec};

/// The manifest and where its files live.
#[derive(Debug, Clone)]
pub struct ModelRegistry {
    manifest: Manifest,
    models_dir: PathBuf,
}

impl ModelRegistry {
    /// A registry over `models_dir`, described by the manifest at `manifest_path`.
    pub fn open(manifest_path: &Path, models_dir: &Path) -> Result<Self, InferError> {
        Ok(Self { manifest: Manifest::load(manifest_path)?, models_dir: models_dir.to_path_buf() })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The folder holding the model files.
    pub fn models_dir(&self) -> &Path {
        &self.models_dir
    }

    /// The model's path on disk (which may not exist).
    pub fn path_of(&self, spec: &ModelSpec) -> PathBuf {
        self.models_dir.join(&spec.file)
    }

    /// Checks the model's file exists and matches the manifest's SHA-256; returns its path.
    pub fn verify(&self, id: &str) -> Result<(&ModelSpec, PathBuf), InferError> {
        let spec = self.manifest.model(id)?;
        let path = self.path_of(spec);
        verify_file(&path, &spec.sha256)?;
        Ok((spec, path))
    }

    /// Checks the model's sidecar whose file name ends with `suffix` (`tokenizer.json`) exists
    /// and matches its SHA-256; returns its path.
    pub fn verify_sidecar(&self, spec: &ModelSpec, suffix: &str) -> Result<PathBuf, InferError> {
        let sidecar =
            spec.sidecars.iter().find(|s| s.file.ends_with(suffix)).ok_or_else(|| InferError::ModelInvalid {
                path: self.path_of(spec),
                reason: format!("the manifest lists no `{suffix}` file for `{}`", spec.id.as_str()),
            })?;
        let path = self.models_dir.join(&sidecar.file);
        verify_file(&path, &sidecar.sha256)?;
        Ok(path)
    }
}

/// Checks that `path` exists and hashes to `expected` (hex SHA-256).
pub fn verify_file(path: &Path, expected: &str) -> Result<(), InferError> {
    if !path.is_file() {
        return Err(InferError::ModelFileMissing { path: path.to_path_buf() });
    }
    let actual = sha256_file(path)?;
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(InferError::HashMismatch { path: path.to_path_buf(), expected: expected.to_owned(), actual });
    }
    Ok(())
}

/// The hex SHA-256 of a file, read in chunks.
pub fn sha256_file(path: &Path) -> Result<String, InferError> {
    let io = |source| InferError::Io { path: path.to_path_buf(), source };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).map_err(io)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use postcraft_core::ErrorCode;

    #[test]
    fn verify_reports_missing_and_mismatch_with_their_codes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("m.onnx");
        let missing = verify_file(&path, &"0".repeat(64)).expect_err("missing");
        assert_eq!(missing.code(), ErrorCode::ModelMissing);

        std::fs::write(&path, b"abc").expect("write");
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        verify_file(&path, abc).expect("matches");
        let wrong = verify_file(&path, &"0".repeat(64)).expect_err("mismatch");
        assert_eq!(wrong.code(), ErrorCode::ModelHashMismatch);
    }
}
