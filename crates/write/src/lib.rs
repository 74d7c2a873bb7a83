//! The pure text side of Postcraft Studio's writing tools: what happens to a small local model's
//! output before a creator sees it.
//!
//! A small model writes useful drafts and predictable mistakes: chat-template tokens, "Caption:"
//! prefixes, quotes around the answer, markdown, repeated sentences, a sentence cut off at the
//! token limit, too many hashtags. This crate fixes what can be fixed by rule and ranks the rest,
//! so the engine can generate several variants and show the best first. It does no I/O and knows
//! no model: the engine (`postcraft-engine`) runs the model and calls these functions.
//!
//! - [`clean`]: post-processing of raw output into a clean caption;
//! - [`hashtags`]: model output into a platform-sized hashtag list;
//! - [`thread`]: a long draft split into posts that each fit the platform;
//! - [`score`]: a quality score in [0, 1] and a ranking of variants.
//!
//! Counting, fitting and hashtag syntax come from `postcraft_core::text_count`, so the limits
//! checked here are the ones the editor shows.

pub mod clean;
pub mod hashtags;
pub mod score;
pub mod thread;

pub use clean::{clean, strip_artifacts};
pub use hashtags::{hashtags_for, hashtags_from_output, suggested_range};
pub use score::{Score, ScoreOptions, rank, score};
pub use thread::{split_thread, split_thread_to};
