//! Shared helpers of the engine's integration tests. They use the real ONNX Runtime and the real
//! model that set-up installs (`./scripts/setup`), never stand-ins.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use postcraft_engine::{EngineConfig, EventSink, JobEvent};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root exists")
}

/// The configuration of the checkout, after checking set-up ran.
pub fn installed_config() -> EngineConfig {
    let config = EngineConfig::from_env();
    assert!(
        config.runtime_path.is_file() && config.models_dir.is_dir(),
        "the runtime or models are missing under {}: run `./scripts/setup` (the README's test command does)",
        config.models_dir.display()
    );
    config
}

/// A sink that forwards events to a channel the test reads.
pub fn channel_sink() -> (EventSink, mpsc::Receiver<JobEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let sink: EventSink = Arc::new(move |event| {
        if let Ok(tx) = tx.lock() {
            tx.send(event).ok();
        }
    });
    (sink, rx)
}

/// Waits for the next event.
pub fn next_event(rx: &mpsc::Receiver<JobEvent>) -> JobEvent {
    rx.recv_timeout(Duration::from_secs(120)).expect("the job keeps sending events")
}

/// Reads a raw little-endian f32 file.
pub fn read_f32(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// The SHA-256 of a file, as lowercase hex.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    hex::encode(sha2::Sha256::digest(&bytes))
}
