//! Project files: a post saved as `post.json` in its project folder, beside its assets.
//!
//! The file carries a format version (a newer file is refused with a clear message, never
//! misread); fields added later have serde defaults. Writes go to a temporary file that is
//! synced and renamed over the old one, then the folder is synced, so a crash at any moment
//! leaves either the old or the new project, never a torn one. Asset paths are relative to the
//! project folder and may not leave it.

use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use postcraft_core::post::{LayerContent, Post};
use serde::{Deserialize, Serialize};

/// The project format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The post's file inside a project folder.
pub const POST_FILE: &str = "post.json";
const TEMP_PREFIX: &str = ".post.json.tmp-";

/// What can go wrong with a project file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a project this build understands.
    #[error("{path} is not a valid project: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file was written by a newer Postcraft Studio.
    #[error(
        "{path} was saved by a newer Postcraft Studio (format {found}, this one reads up to {FORMAT_VERSION}): update the app to open it"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its format version.
        found: u32,
    },
}

#[derive(Serialize, Deserialize)]
struct ProjectFile {
    format_version: u32,
    post: Post,
}

/// Saves `post` into the project folder `dir` (created if missing), atomically.
pub fn save(dir: &Path, post: &Post) -> Result<(), StoreError> {
    check_assets(post, &dir.join(POST_FILE))?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let bytes = serde_json::to_vec_pretty(&ProjectFile { format_version: FORMAT_VERSION, post: post.clone() })
        .map_err(|e| StoreError::Invalid { path: dir.join(POST_FILE), reason: e.to_string() })?;
    let temp = dir.join(format!("{TEMP_PREFIX}{}", std::process::id()));
    let mut file = File::create(&temp).map_err(io(&temp))?;
    file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io(&temp))?;
    drop(file);
    let target = dir.join(POST_FILE);
    std::fs::rename(&temp, &target).map_err(io(&target))?;
    // The rename is durable only once the folder's entry is.
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Opens the project in folder `dir`. Removes temporary files a crashed save left behind.
pub fn load(dir: &Path) -> Result<Post, StoreError> {
    remove_stale_temp_files(dir);
    let path = dir.join(POST_FILE);
    let bytes = std::fs::read(&path).map_err(|source| StoreError::Io { path: path.clone(), source })?;
    let invalid = |reason: String| StoreError::Invalid { path: path.clone(), reason };
    // The version first, so a newer file is reported as such rather than as malformed.
    #[derive(Deserialize)]
    struct Version {
        format_version: u32,
    }
    let version: Version = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    if version.format_version > FORMAT_VERSION {
        return Err(StoreError::TooNew { path, found: version.format_version });
    }
    let file: ProjectFile = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    check_assets(&file.post, &path)?;
    Ok(file.post)
}

/// Every asset path is relative and stays inside the project folder.
fn check_assets(post: &Post, path: &Path) -> Result<(), StoreError> {
    for layer in &post.layers {
        let asset = match &layer.content {
            LayerContent::Image { asset } | LayerContent::Video { asset } | LayerContent::Generated { asset, .. } => {
                asset
            }
            LayerContent::Text { .. } | LayerContent::Shape { .. } => continue,
        };
        let inside = Path::new(asset).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if asset.is_empty() || !inside {
            return Err(StoreError::Invalid {
                path: path.to_path_buf(),
                reason: format!("layer `{}` points at `{asset}`, outside the project folder", layer.name),
            });
        }
    }
    Ok(())
}

fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            // Best effort: a leftover temp file is harmless, only untidy.
            std::fs::remove_file(entry.path()).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postcraft_core::edit::{Document, Edit};
    use postcraft_core::post::{Layer, LayerId, Recipe, Transform};

    fn sample_post() -> Post {
        let mut doc = Document::new(Post::new("instagram-portrait"));
        let photo = doc.allocate_layer_id();
        doc.apply(Edit::AddLayer {
            index: 0,
            layer: Layer::new(photo, "beach", LayerContent::Image { asset: "assets/beach.jpg".into() }),
        })
        .expect("add photo");
        let face = doc.allocate_layer_id();
        let recipe = Recipe::seeded("dcgan-faces", 42, 3);
        doc.apply(Edit::AddLayer {
            index: 1,
            layer: Layer::new(face, "face", LayerContent::Generated { asset: "assets/face-42-3.png".into(), recipe }),
        })
        .expect("add face");
        doc.apply(Edit::SetTransform {
            id: face,
            transform: Transform { x: 540.0, y: 300.0, scale_x: 4.0, scale_y: 4.0, rotation_deg: -8.5 },
        })
        .expect("move face");
        let text = doc.allocate_layer_id();
        doc.apply(Edit::AddLayer {
            index: 2,
            layer: Layer::new(
                text,
                "title",
                LayerContent::Text {
                    text: "夏 ☀️ summer".into(),
                    font_size: 96.0,
                    color: [255; 4],
                    wrap_width: Some(900.0),
                },
            ),
        })
        .expect("add text");
        doc.post().clone()
    }

    #[test]
    fn round_trips_exactly() {
        let dir = tempfile::tempdir().expect("temp dir");
        let post = sample_post();
        save(dir.path(), &post).expect("save");
        assert_eq!(load(dir.path()).expect("load"), post);
        // Saving again replaces the file and leaves no temporary file behind.
        save(dir.path(), &post).expect("save again");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from(POST_FILE)]);
    }

    #[test]
    fn a_newer_format_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(POST_FILE), r#"{"format_version": 7, "post": {"whatever": true}}"#)
            .expect("write");
        let error = load(dir.path()).expect_err("too new");
        assert!(matches!(error, StoreError::TooNew { found: 7, .. }));
        assert!(error.to_string().contains("newer Postcraft Studio"));
    }

    #[test]
    fn an_older_file_without_new_fields_opens_with_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let minimal = r#"{"format_version": 1, "post": {"preset": "tiktok", "next_layer_id": 2, "layers": [
            {"id": 1, "name": "dot", "content": {"type": "shape", "shape": "ellipse", "fill": [0, 0, 0, 255]}}]}}"#;
        std::fs::write(dir.path().join(POST_FILE), minimal).expect("write");
        let post = load(dir.path()).expect("load");
        let layer = &post.layers[0];
        assert_eq!(layer.id, LayerId(1));
        assert_eq!((layer.opacity, layer.visible, layer.transform), (1.0, true, Transform::default()));
    }

    #[test]
    fn malformed_files_and_escaping_paths_are_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(load(dir.path()), Err(StoreError::Io { .. })), "no project yet");
        std::fs::write(dir.path().join(POST_FILE), b"{ not json").expect("write");
        assert!(matches!(load(dir.path()), Err(StoreError::Invalid { .. })));

        for asset in ["/etc/passwd", "../outside.png", "assets/../../x.png", ""] {
            let mut post = Post::new("tiktok");
            let id = post.allocate_layer_id();
            post.layers.push(Layer::new(id, "bad", LayerContent::Image { asset: asset.into() }));
            assert!(matches!(save(dir.path(), &post), Err(StoreError::Invalid { .. })), "{asset:?} accepted");
        }
    }

    #[test]
    fn stale_temp_files_of_a_crashed_save_are_removed_on_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        save(dir.path(), &sample_post()).expect("save");
        let stale = dir.path().join(format!("{TEMP_PREFIX}99999"));
        std::fs::write(&stale, b"half a proj").expect("write");
        assert_eq!(load(dir.path()).expect("load"), sample_post(), "the last complete save wins");
        assert!(!stale.exists());
    }
}
