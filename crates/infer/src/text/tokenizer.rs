//! The text model's tokenizer: a Hugging Face `tokenizer.json` loaded with the `tokenizers`
//! crate (set-up writes ours from the GGUF's metadata; a user's export brings its own).

use std::path::{Path, PathBuf};

use crate::InferError;

/// Encodes text to token ids and back.
#[derive(Debug)]
pub struct TextTokenizer {
    inner: tokenizers::Tokenizer,
    path: PathBuf,
}

impl TextTokenizer {
    /// Loads a `tokenizer.json`.
    pub fn load(path: &Path) -> Result<Self, InferError> {
        if !path.is_file() {
            return Err(InferError::ModelFileMissing { path: path.to_path_buf() });
        }
        let inner = tokenizers::Tokenizer::from_file(path).map_err(|error| InferError::ModelInvalid {
            path: path.to_path_buf(),
            reason: format!("not a usable tokenizer.json: {error}"),
        })?;
        Ok(Self { inner, path: path.to_path_buf() })
    }

    /// Where it was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Token ids of `text`. Special tokens written in the text (`<|im_start|>`) become their
    /// single ids: prompts are built by [`super::chat`], which strips them from user input.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, InferError> {
        let encoding = self
            .inner
            .encode_fast(text, false)
            .map_err(|error| InferError::Inference(format!("could not tokenize the prompt: {error}")))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// The text of `ids`, special tokens left out.
    pub fn decode(&self, ids: &[u32]) -> Result<String, InferError> {
        self.inner.decode(ids, true).map_err(|error| InferError::Inference(format!("could not decode tokens: {error}")))
    }

    /// The id of a token written as text (`<|im_end|>`), if the vocabulary has it.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// Vocabulary size, special tokens included.
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// The texts of the special tokens (so prompts can strip them from user input).
    pub fn special_tokens(&self) -> Vec<String> {
        self.inner.get_added_tokens_decoder().values().filter(|t| t.special).map(|t| t.content.clone()).collect()
    }
}

/// Turns a growing list of token ids into text deltas for streaming. Byte-level BPE tokens can
/// end inside a UTF-8 character (an emoji spans several tokens): the text is held back until it
/// is whole, so no replacement character ever reaches the UI.
#[derive(Debug, Default, Clone)]
pub struct StreamDecoder {
    ids: Vec<u32>,
    text: String,
}

impl StreamDecoder {
    /// Adds one token; returns the new text it completes (possibly empty).
    pub fn push(&mut self, tokenizer: &TextTokenizer, id: u32) -> Result<String, InferError> {
        self.ids.push(id);
        let full = tokenizer.decode(&self.ids)?;
        if full.ends_with('\u{FFFD}') {
            return Ok(String::new());
        }
        // Decoding is not always prefix-stable (a cleanup step may change earlier text); emit
        // only what extends the text already shown.
        let delta = match full.strip_prefix(self.text.as_str()) {
            Some(rest) => rest.to_owned(),
            None => String::new(),
        };
        if full.len() >= self.text.len() {
            self.text = full;
        }
        Ok(delta)
    }

    /// All text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// All ids so far.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }
}
