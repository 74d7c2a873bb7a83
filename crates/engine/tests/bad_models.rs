//! Bad model files give their error code, and the engine keeps working once the file is fixed.

mod common;

use std::path::Path;

use postcraft_engine::{Engine, EngineConfig, ErrorCode, FACES_MODEL, GenerateImagesRequest};

/// A copy of the installed set-up whose models folder the test may damage.
fn scratch_config(dir: &Path) -> (EngineConfig, std::path::PathBuf) {
    let installed = common::installed_config();
    let models = dir.join("models");
    std::fs::create_dir_all(&models).expect("models dir");
    let mut config = installed.clone();
    config.models_dir = models.clone();
    let model = models.join("dcgan-faces.onnx");
    (config, model)
}

fn installed_model() -> Vec<u8> {
    std::fs::read(common::installed_config().models_dir.join("dcgan-faces.onnx")).expect("installed model")
}

fn generate_error(engine: &Engine) -> ErrorCode {
    engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, 1)).expect_err("must fail").code
}

#[test]
fn missing_model_then_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, model) = scratch_config(dir.path());
    let engine = Engine::open(config);
    assert_eq!(generate_error(&engine), ErrorCode::ModelMissing);
    let status = engine.status();
    let face = status.models.iter().find(|m| m.id.as_str() == FACES_MODEL).expect("listed");
    assert_eq!(face.error.as_ref().map(|e| e.code), Some(ErrorCode::ModelMissing));
    assert!(!face.loaded);

    std::fs::write(&model, installed_model()).expect("restore");
    engine.reload();
    assert_eq!(engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, 1)).expect("works now").len(), 1);
}

#[test]
fn damaged_model_is_rejected_by_hash_before_loading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, model) = scratch_config(dir.path());
    let mut bytes = installed_model();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&model, &bytes).expect("write damaged copy");
    let engine = Engine::open(config);
    assert_eq!(generate_error(&engine), ErrorCode::ModelHashMismatch);
    // The error names both hashes so a maintainer can tell what is on disk.
    let message =
        engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, 1)).expect_err("fails").message;
    assert!(message.contains("SHA-256"), "{message}");

    std::fs::write(&model, installed_model()).expect("restore");
    engine.reload();
    assert!(engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, 1)).is_ok());
}

#[test]
fn corrupt_onnx_with_matching_hash_is_model_invalid() {
    // The manifest pins the hash of garbage: verification passes and the runtime must refuse it.
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut config, model) = scratch_config(dir.path());
    let garbage = b"\x08\x07this is not a protobuf model at all \xff\xff\xff".repeat(64);
    std::fs::write(&model, &garbage).expect("write garbage");
    let hash = postcraft_infer::registry::sha256_file(&model).expect("hash");
    let manifest = std::fs::read_to_string(&config.manifest_path).expect("manifest");
    let pinned = "f1c4b795e3859012b705d88feca1078bc0273306e96544fc5b0225e8e9e1dfd2";
    assert!(manifest.contains(pinned), "the test knows the DCGAN's pinned hash");
    let manifest_path = dir.path().join("manifest.toml");
    std::fs::write(&manifest_path, manifest.replace(pinned, &hash)).expect("write manifest");
    config.manifest_path = manifest_path;

    let engine = Engine::open(config);
    assert_eq!(generate_error(&engine), ErrorCode::ModelInvalid);
    // The failure is remembered, not retried on every call, and other calls still answer.
    assert_eq!(generate_error(&engine), ErrorCode::ModelInvalid);
    let status = engine.status();
    assert!(status.runtime.error.is_none(), "the runtime itself is fine");
    assert_eq!(status.models[0].error.as_ref().map(|e| e.code), Some(ErrorCode::ModelInvalid));
}

#[test]
fn malformed_manifest_is_reported_and_nothing_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut config, _) = scratch_config(dir.path());
    let manifest_path = dir.path().join("manifest.toml");
    std::fs::write(&manifest_path, "format_version = 1\n[[model]]\nid = 3\n").expect("write");
    config.manifest_path = manifest_path;
    let engine = Engine::open(config);
    assert_eq!(generate_error(&engine), ErrorCode::ManifestInvalid);
    assert!(engine.status().models.is_empty());
}

#[test]
fn out_of_range_requests_are_invalid() {
    let engine = Engine::open(common::installed_config());
    for request in [
        GenerateImagesRequest::new(FACES_MODEL, 0, 1),
        GenerateImagesRequest::new(FACES_MODEL, GenerateImagesRequest::MAX_COUNT + 1, 1),
        GenerateImagesRequest::new(FACES_MODEL, 1, GenerateImagesRequest::MAX_SEED + 1),
    ] {
        assert_eq!(engine.generate_images_now(&request).expect_err("invalid").code, ErrorCode::InvalidRequest);
    }
}
