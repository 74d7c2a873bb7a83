//! A missing or wrong ONNX Runtime library gives its error code, no panic, and the engine keeps
//! answering; once a good library is configured, the same process loads it.
//!
//! Its own test binary (so its own process): a process loads at most one runtime.

mod common;

use postcraft_engine::{Engine, ErrorCode, FACES_MODEL, GenerateImagesRequest};

#[test]
fn missing_then_wrong_then_good_runtime() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = common::installed_config();

    let mut missing = good.clone();
    missing.runtime_path = dir.path().join("libonnxruntime.so.1.31.1");
    let engine = Engine::open(missing);
    let status = engine.status();
    assert_eq!(status.runtime.error.as_ref().map(|e| e.code), Some(ErrorCode::RuntimeMissing));
    assert!(status.runtime.error.as_ref().is_some_and(|e| e.message.contains("ORT_DYLIB_PATH")));
    assert!(status.models.iter().all(|m| !m.loaded));
    let err = engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, 1)).expect_err("no runtime");
    assert_eq!(err.code, ErrorCode::RuntimeMissing);
    // The manifest and the model files are still usable without a runtime.
    assert!(engine.registry().expect("manifest").verify("dcgan-faces").is_ok());

    let mut wrong = good.clone();
    wrong.runtime_path = dir.path().join("libonnxruntime.so");
    std::fs::write(&wrong.runtime_path, b"\x7fELF but not really a library").expect("write");
    let engine = Engine::open(wrong);
    let err = engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, 1)).expect_err("bad runtime");
    assert_eq!(err.code, ErrorCode::RuntimeIncompatible);

    // Fixing the configuration is enough; no restart of the process.
    let engine = Engine::open(good);
    assert!(engine.status().runtime.version.is_some());
    assert_eq!(engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 2, 1)).expect("works").len(), 2);
}
