//! Projects: creating one on a platform preset (editing and rendering come with the canvas).

use std::path::Path;

use postcraft_core::post::Post;
use postcraft_core::presets::{self, CanvasPreset, Platform};
use postcraft_core::{ErrorCode, IpcError};

use crate::Engine;

impl Engine {
    /// Creates an empty project folder (with `assets/`) for the canvas preset `preset_id`.
    /// Refuses a folder that already holds a project, so nothing is ever overwritten.
    pub fn create_project(
        &self,
        dir: &Path,
        preset_id: &str,
    ) -> Result<(&'static Platform, &'static CanvasPreset), IpcError> {
        let Some((platform, canvas)) = presets::preset(preset_id) else {
            let ids: Vec<&str> =
                presets::platforms().iter().flat_map(|p| p.presets.iter().map(|c| c.id.as_str())).collect();
            return Err(IpcError::new(
                ErrorCode::InvalidRequest,
                format!("unknown preset `{preset_id}`; available: {}", ids.join(", ")),
            ));
        };
        if dir.join(postcraft_store::POST_FILE).exists() {
            return Err(IpcError::new(
                ErrorCode::InvalidRequest,
                format!("{} already holds a project: nothing was changed", dir.display()),
            ));
        }
        let io = |e: &dyn std::fmt::Display| IpcError::new(ErrorCode::Io, e.to_string());
        std::fs::create_dir_all(dir.join("assets")).map_err(|e| io(&format!("creating {}: {e}", dir.display())))?;
        postcraft_store::save(dir, &Post::new(preset_id)).map_err(|e| io(&e))?;
        Ok((platform, canvas))
    }
}
