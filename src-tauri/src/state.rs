//! The state Tauri manages: the engine, shared.

use std::sync::Arc;

use postcraft_engine::Engine;

/// The one engine of the app.
#[derive(Debug, Clone)]
pub struct EngineState(pub Arc<Engine>);

impl EngineState {
    /// Wraps an opened engine.
    pub fn new(engine: Engine) -> Self {
        Self(Arc::new(engine))
    }
}
