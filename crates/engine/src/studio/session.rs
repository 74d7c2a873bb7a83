//! The open project: its post with undo history, revision counter and autosave state.

use std::path::{Path, PathBuf};

use postcraft_core::edit::{Document, Edit, EditError};
use postcraft_core::post::Post;
use postcraft_core::project_ipc::MediaItem;
use postcraft_core::{ErrorCode, IpcError};

use super::assets;

/// One open project.
#[derive(Debug)]
pub struct ProjectSession {
    dir: PathBuf,
    doc: Document,
    revision: u64,
    saved_revision: u64,
    /// The gesture whose edits are being grouped into one undo step.
    gesture: Option<String>,
    media: Vec<MediaItem>,
}

fn edit_error(e: EditError) -> IpcError {
    IpcError::new(ErrorCode::InvalidRequest, format!("that change cannot be made: {e}"))
}

impl ProjectSession {
    /// Opens the project in `dir`.
    pub fn open(dir: &Path) -> Result<Self, IpcError> {
        let post = postcraft_store::load(dir).map_err(|e| IpcError::new(ErrorCode::ProjectInvalid, e.to_string()))?;
        Ok(Self::with_post(dir, post))
    }

    fn with_post(dir: &Path, post: Post) -> Self {
        let media = assets::list_media(dir);
        Self { dir: dir.to_path_buf(), doc: Document::new(post), revision: 1, saved_revision: 1, gesture: None, media }
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The post now.
    pub fn post(&self) -> &Post {
        self.doc.post()
    }

    /// Grows with every change.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether there are steps to undo / redo.
    pub fn history(&self) -> (bool, bool) {
        (self.doc.can_undo(), self.doc.can_redo())
    }

    /// The media bin.
    pub fn media(&self) -> &[MediaItem] {
        &self.media
    }

    /// Re-reads the media bin after an import.
    pub fn refresh_media(&mut self) {
        self.media = assets::list_media(&self.dir);
    }

    /// A fresh layer id.
    pub fn allocate_layer_id(&mut self) -> postcraft_core::post::LayerId {
        self.doc.allocate_layer_id()
    }

    /// Applies edits in order, as one undo step, or as part of `gesture`'s step when the previous
    /// request had the same gesture. All or nothing: when one edit is refused, the ones before it
    /// are rolled back.
    pub fn apply(&mut self, edits: Vec<Edit>, gesture: Option<&str>) -> Result<(), IpcError> {
        if edits.is_empty() {
            return Ok(());
        }
        let continues = gesture.is_some() && self.gesture.as_deref() == gesture;
        if !continues {
            self.doc.begin_group();
            self.gesture = gesture.map(str::to_owned);
        }
        let before = self.doc.clone();
        for edit in edits {
            if let Err(e) = self.doc.apply(edit) {
                self.doc = before;
                return Err(edit_error(e));
            }
        }
        if gesture.is_none() {
            self.doc.end_group();
        }
        self.revision += 1;
        Ok(())
    }

    /// Undoes the last step; false when there was none.
    pub fn undo(&mut self) -> bool {
        self.gesture = None;
        let done = self.doc.undo();
        if done {
            self.revision += 1;
        }
        done
    }

    /// Redoes the last undone step; false when there was none.
    pub fn redo(&mut self) -> bool {
        self.gesture = None;
        let done = self.doc.redo();
        if done {
            self.revision += 1;
        }
        done
    }

    /// Whether there are changes not yet on disk.
    pub fn is_dirty(&self) -> bool {
        self.saved_revision != self.revision
    }

    /// Saves atomically if anything changed.
    pub fn save(&mut self) -> Result<(), IpcError> {
        if !self.is_dirty() {
            return Ok(());
        }
        postcraft_store::save(&self.dir, self.doc.post()).map_err(|e| IpcError::new(ErrorCode::Io, e.to_string()))?;
        self.saved_revision = self.revision;
        Ok(())
    }
}
