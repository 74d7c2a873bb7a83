//! Domain types shared by every Postcraft Studio crate and every front end.
//!
//! This crate does no I/O. The types that cross the IPC boundary derive [`ts_rs::TS`]; the
//! TypeScript bindings in `ui/src/lib/ipc/bindings.ts` are generated from them by
//! [`bindings::typescript_bindings`] and checked for staleness by a test.

pub mod audio_ipc;
pub mod bindings;
pub mod edit;
pub mod error;
pub mod ids;
pub mod image_ipc;
pub mod ipc;
pub mod post;
pub mod presets;
pub mod project_ipc;
pub mod text_count;
pub mod write_ipc;

pub use error::{ErrorCode, IpcError};
pub use ids::{JobId, ModelId};
