//! Local text generation: a decoder-only language model (SmolLM2 by default) run through ONNX
//! Runtime with a key/value cache.
//!
//! - [`tokenizer`]: the model's `tokenizer.json` (Hugging Face `tokenizers`), streaming decode.
//! - [`chat`]: chat templates (ChatML).
//! - [`sampler`]: greedy, temperature / top-k / top-p, repetition penalty, n-gram blocking,
//!   seeded per variant.
//! - [`decoder`]: the graph and its cache.
//! - [`generate`]: requests, streaming events, variants, stop sequences, cancel.

pub mod chat;
pub mod decoder;
pub mod generate;
pub mod sampler;
pub mod tokenizer;

pub use chat::{ChatTemplate, Message, Role};
pub use generate::{
    Continuation, FinishReason, GenerateRequest, Generation, MAX_NEW_TOKENS, MAX_VARIANTS, Prompt, TextEvent,
    TextGenerator, TextModelConfig,
};
pub use sampler::SamplingParams;
pub use tokenizer::{StreamDecoder, TextTokenizer};
