//! Generation: prompt in, one or more streamed continuations out.
//!
//! The prompt runs once (batch 1); its cache is copied for each variant, and the variants then
//! decode together as one batch, one token each per step, each sampling from its own seeded
//! stream. Text streams out as it is produced, held back only while it could still turn out to
//! be the start of a stop sequence. Cancel is checked between tokens and also aborts a model
//! run in progress, so it takes effect within one token.

use std::path::Path;
use std::time::Instant;

use postcraft_jobs::CancelToken;
use serde::{Deserialize, Serialize};

use super::chat::{ChatTemplate, Message, Role};
use super::decoder::DecoderGraph;
use super::sampler::{Sampler, SamplingParams};
use super::tokenizer::{StreamDecoder, TextTokenizer};
use crate::cancellable::terminating_options;
use crate::manifest::ModelSpec;
use crate::runtime::SessionOptions;
use crate::{InferError, Runtime};

/// Most variants one request may ask for.
pub const MAX_VARIANTS: usize = 8;
/// Most new tokens one request may ask for.
pub const MAX_NEW_TOKENS: usize = 2048;

/// What the model is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// A conversation, rendered with the model's chat template; the answer may be started with
    /// `answer_prefix` (part of the prompt, not of the output).
    Chat {
        /// The turns.
        messages: Vec<Message>,
        /// Text the answer starts with.
        answer_prefix: String,
    },
    /// Text continued as it is, no template.
    Raw(String),
}

/// One generation request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateRequest {
    /// The prompt.
    pub prompt: Prompt,
    /// Continuations to produce (1 to [`MAX_VARIANTS`]).
    pub variants: usize,
    /// Most new tokens per continuation.
    pub max_tokens: usize,
    /// A continuation ends before the first of these it produces.
    pub stop: Vec<String>,
    /// Sampling settings.
    pub sampling: SamplingParams,
    /// Keep going past the end-of-text token (benchmarks: every run does the same work).
    #[serde(default)]
    pub ignore_eos: bool,
}

/// Why a continuation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// The model ended its answer.
    EndOfText,
    /// A stop sequence was produced.
    Stop,
    /// `max_tokens` was reached, or the model's context was full.
    Length,
}

/// Streamed while generating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextEvent {
    /// The prompt was read (`tokens` long).
    PromptRead {
        /// Prompt length in tokens.
        tokens: usize,
    },
    /// New text of one variant.
    Delta {
        /// Which variant.
        variant: usize,
        /// The text to append.
        text: String,
    },
    /// A variant ended.
    Finished {
        /// Which variant.
        variant: usize,
        /// Why.
        reason: FinishReason,
    },
}

/// One finished continuation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    /// Its text (up to a stop sequence, special tokens left out).
    pub text: String,
    /// The token ids produced (the end-of-text token included when there was one).
    pub token_ids: Vec<u32>,
    /// Why it ended.
    pub finish: FinishReason,
}

/// The result of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// One per variant, in variant order.
    pub continuations: Vec<Continuation>,
    /// Prompt length in tokens.
    pub prompt_tokens: usize,
    /// From the call to the first token chosen (prompt read + one step), milliseconds.
    pub first_token_ms: f64,
    /// Tokens per second of each sequence after the first token.
    pub tokens_per_second: f64,
}

/// What a text model needs beyond its graph: how prompts look and which tokens end an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextModelConfig {
    /// The chat template (`None`: raw prompts only).
    pub chat_template: Option<ChatTemplate>,
    /// Ids that end an answer.
    pub eos_ids: Vec<u32>,
    /// Longest prompt plus answer, in tokens.
    pub context_length: usize,
    /// The system message the model's own template adds to a conversation that has none.
    pub default_system: Option<String>,
}

impl TextModelConfig {
    /// Settings read from the tokenizer alone, for a model a user brings without a manifest
    /// entry: ChatML when it has `<|im_start|>`, and the usual end tokens it has.
    pub fn detect(tokenizer: &TextTokenizer) -> Self {
        let chat_template = tokenizer.token_id("<|im_start|>").map(|_| ChatTemplate::Chatml);
        let eos_ids = ["<|im_end|>", "<|endoftext|>", "</s>", "<|eot_id|>", "<|end_of_text|>"]
            .iter()
            .filter_map(|token| tokenizer.token_id(token))
            .collect();
        Self { chat_template, eos_ids, context_length: 2048, default_system: None }
    }

    /// Settings from the manifest's `[model.params]` (`chat_template`, `eos_token_ids`,
    /// `context_length`), falling back to [`Self::detect`] for what is absent.
    pub fn from_spec(spec: &ModelSpec, tokenizer: &TextTokenizer) -> Result<Self, String> {
        let mut config = Self::detect(tokenizer);
        if let Some(value) = spec.params.get("chat_template") {
            let name = value.as_str().ok_or("chat_template must be a string")?;
            config.chat_template =
                Some(ChatTemplate::from_name(name).ok_or(format!("unknown chat_template {name:?}"))?);
        }
        if let Some(value) = spec.params.get("eos_token_ids") {
            let ids = value.as_array().ok_or("eos_token_ids must be a list")?;
            config.eos_ids = ids
                .iter()
                .map(|id| id.as_integer().and_then(|i| u32::try_from(i).ok()).ok_or("eos_token_ids must be ids"))
                .collect::<Result<_, _>>()?;
        }
        if let Some(n) = spec.param_usize("context_length") {
            config.context_length = n;
        }
        if let Some(value) = spec.params.get("default_system_prompt") {
            config.default_system = Some(value.as_str().ok_or("default_system_prompt must be a string")?.to_owned());
        }
        Ok(config)
    }
}

/// A loaded text model: graph, tokenizer and settings.
#[derive(Debug)]
pub struct TextGenerator {
    graph: DecoderGraph,
    tokenizer: TextTokenizer,
    config: TextModelConfig,
    special_tokens: Vec<String>,
}

impl TextGenerator {
    /// Opens a verified graph and its tokenizer as the manifest entry `spec` describes.
    pub fn load(
        runtime: &Runtime,
        spec: &ModelSpec,
        model_path: &Path,
        tokenizer_path: &Path,
        options: SessionOptions,
    ) -> Result<Self, InferError> {
        let tokenizer = TextTokenizer::load(tokenizer_path)?;
        let config = TextModelConfig::from_spec(spec, &tokenizer)
            .map_err(|reason| InferError::ModelInvalid { path: model_path.to_path_buf(), reason })?;
        let session = runtime.open_session(model_path, options)?;
        let graph = DecoderGraph::new(session, spec.kv_cache.as_ref(), model_path)?;
        Self::assemble(graph, tokenizer, config, model_path)
    }

    /// Opens a user's export (graph + `tokenizer.json`) with settings detected from the
    /// tokenizer.
    pub fn load_unlisted(
        runtime: &Runtime,
        model_path: &Path,
        tokenizer_path: &Path,
        options: SessionOptions,
    ) -> Result<Self, InferError> {
        let tokenizer = TextTokenizer::load(tokenizer_path)?;
        let config = TextModelConfig::detect(&tokenizer);
        let session = runtime.open_session(model_path, options)?;
        let graph = DecoderGraph::new(session, None, model_path)?;
        Self::assemble(graph, tokenizer, config, model_path)
    }

    fn assemble(
        graph: DecoderGraph,
        tokenizer: TextTokenizer,
        config: TextModelConfig,
        model_path: &Path,
    ) -> Result<Self, InferError> {
        // Exports often pad the embedding past the tokenizer's vocabulary; the reverse means
        // the tokenizer belongs to another model.
        if tokenizer.vocab_size() > graph.vocab_size() {
            return Err(InferError::ModelInvalid {
                path: model_path.to_path_buf(),
                reason: format!(
                    "the tokenizer has {} tokens but the model only {}: they do not belong together",
                    tokenizer.vocab_size(),
                    graph.vocab_size()
                ),
            });
        }
        if config.eos_ids.is_empty() {
            return Err(InferError::ModelInvalid {
                path: model_path.to_path_buf(),
                reason: "no end-of-text token is known for this model".into(),
            });
        }
        let special_tokens = tokenizer.special_tokens();
        Ok(Self { graph, tokenizer, config, special_tokens })
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &TextTokenizer {
        &self.tokenizer
    }

    /// The graph.
    pub fn graph(&self) -> &DecoderGraph {
        &self.graph
    }

    /// The settings.
    pub fn config(&self) -> &TextModelConfig {
        &self.config
    }

    /// The prompt text a request's prompt becomes.
    pub fn prompt_text(&self, prompt: &Prompt) -> Result<String, InferError> {
        match prompt {
            Prompt::Raw(text) => Ok(text.clone()),
            Prompt::Chat { messages, answer_prefix } => {
                let template = self
                    .config
                    .chat_template
                    .ok_or_else(|| InferError::Inference("this model has no chat template: use a raw prompt".into()))?;
                // As the model's own template does: a conversation without a system message gets
                // the default one the model was tuned with.
                let has_system = messages.iter().any(|m| m.role == Role::System);
                match (&self.config.default_system, has_system) {
                    (Some(system), false) => {
                        let with_system: Vec<Message> = std::iter::once(Message::new(Role::System, system.clone()))
                            .chain(messages.iter().cloned())
                            .collect();
                        Ok(template.render(&with_system, answer_prefix, &self.special_tokens))
                    }
                    _ => Ok(template.render(messages, answer_prefix, &self.special_tokens)),
                }
            }
        }
    }

    /// Runs `request`, calling `on_event` as text is produced.
    pub fn generate(
        &self,
        request: &GenerateRequest,
        cancel: Option<&CancelToken>,
        on_event: &mut dyn FnMut(TextEvent),
    ) -> Result<Generation, InferError> {
        let started = Instant::now();
        let bad = |reason: String| InferError::Inference(reason);
        request.sampling.validate().map_err(bad)?;
        if !(1..=MAX_VARIANTS).contains(&request.variants) {
            return Err(bad(format!("variants must be 1 to {MAX_VARIANTS}, got {}", request.variants)));
        }
        if !(1..=MAX_NEW_TOKENS).contains(&request.max_tokens) {
            return Err(bad(format!("max tokens must be 1 to {MAX_NEW_TOKENS}, got {}", request.max_tokens)));
        }
        let prompt = self.tokenizer.encode(&self.prompt_text(&request.prompt)?)?;
        if prompt.is_empty() {
            return Err(bad("the prompt is empty".into()));
        }
        if prompt.len() >= self.config.context_length {
            return Err(bad(format!(
                "the prompt is {} tokens, the model reads at most {}",
                prompt.len(),
                self.config.context_length
            )));
        }
        let max_tokens = request.max_tokens.min(self.config.context_length - prompt.len());
        on_event(TextEvent::PromptRead { tokens: prompt.len() });

        let (options, _terminate_on_cancel) = terminating_options(cancel)?;
        let cancelled = || cancel.is_some_and(CancelToken::is_cancelled);
        let run = |tokens: &[u32], cache| {
            self.graph
                .run(tokens, cache, &options)
                .map_err(|error| if cancelled() { InferError::Cancelled } else { error })
        };

        let n = request.variants;
        let vocab = self.graph.vocab_size();
        let (prompt_logits, prompt_cache) = run(&prompt, self.graph.empty_cache(1)?)?;
        let mut logits: Vec<f32> = (0..n).flat_map(|_| prompt_logits.iter().copied()).collect();
        let mut cache = if n == 1 { prompt_cache } else { self.graph.tile(&prompt_cache, n)? };
        drop(prompt_logits);

        let limits = Limits { stop: &request.stop, max_tokens, ignore_eos: request.ignore_eos };
        let mut states: Vec<VariantState> =
            (0..n).map(|v| VariantState::new(Sampler::new(request.sampling.clone(), v as u64))).collect();
        // The batch's rows, as variant indices: a variant that finished leaves the batch, so
        // the others stop paying for it.
        let mut rows: Vec<usize> = (0..n).collect();
        let mut first_token_ms = 0.0;
        let mut decode_started = None;
        let mut steps = 0usize;
        loop {
            if cancelled() {
                return Err(InferError::Cancelled);
            }
            let mut next = Vec::with_capacity(rows.len());
            for (row, &variant) in rows.iter().enumerate() {
                let state = &mut states[variant];
                let row_logits = &mut logits[row * vocab..(row + 1) * vocab];
                let token = state.sampler.sample(row_logits, state.decoder.ids(), &[]);
                next.push(token);
                state.accept(token, self, &limits, variant, on_event)?;
            }
            if steps == 0 {
                first_token_ms = started.elapsed().as_secs_f64() * 1000.0;
                decode_started = Some(Instant::now());
            }
            steps += 1;
            let running: Vec<usize> = (0..rows.len()).filter(|&row| states[rows[row]].finished.is_none()).collect();
            if running.is_empty() {
                break;
            }
            if cache.len() + 1 > self.config.context_length {
                for &variant in &rows {
                    states[variant].finish(FinishReason::Length, variant, on_event);
                }
                break;
            }
            if running.len() < rows.len() {
                cache = self.graph.select_rows(&cache, &running)?;
                next = running.iter().map(|&row| next[row]).collect();
                rows = running.iter().map(|&row| rows[row]).collect();
            }
            let (step_logits, grown) = run(&next, cache)?;
            logits = step_logits;
            cache = grown;
        }
        let decode_seconds = decode_started.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0);
        let tokens_per_second =
            if steps > 1 && decode_seconds > 0.0 { (steps - 1) as f64 / decode_seconds } else { 0.0 };
        Ok(Generation {
            continuations: states.into_iter().map(VariantState::into_continuation).collect(),
            prompt_tokens: prompt.len(),
            first_token_ms,
            tokens_per_second,
        })
    }
}

/// When a continuation ends.
#[derive(Debug)]
struct Limits<'a> {
    stop: &'a [String],
    max_tokens: usize,
    ignore_eos: bool,
}

/// The decoding state of one variant.
#[derive(Debug)]
struct VariantState {
    sampler: Sampler,
    decoder: StreamDecoder,
    /// Bytes of text already streamed.
    emitted: usize,
    /// The final text once a stop sequence cut it.
    cut: Option<String>,
    finished: Option<FinishReason>,
}

impl VariantState {
    fn new(sampler: Sampler) -> Self {
        Self { sampler, decoder: StreamDecoder::default(), emitted: 0, cut: None, finished: None }
    }

    fn accept(
        &mut self,
        token: u32,
        generator: &TextGenerator,
        limits: &Limits<'_>,
        variant: usize,
        on_event: &mut dyn FnMut(TextEvent),
    ) -> Result<(), InferError> {
        if !limits.ignore_eos && generator.config.eos_ids.contains(&token) {
            self.decoder.push(&generator.tokenizer, token)?;
            self.finish(FinishReason::EndOfText, variant, on_event);
            return Ok(());
        }
        self.decoder.push(&generator.tokenizer, token)?;
        let text = self.decoder.text();
        if let Some(at) = limits.stop.iter().filter(|s| !s.is_empty()).filter_map(|s| text.find(s.as_str())).min() {
            self.cut = Some(text[..at].to_owned());
            self.finish(FinishReason::Stop, variant, on_event);
            return Ok(());
        }
        if self.decoder.ids().len() >= limits.max_tokens {
            self.finish(FinishReason::Length, variant, on_event);
            return Ok(());
        }
        // Hold back a tail that may be the start of a stop sequence.
        let held = limits.stop.iter().map(|s| partial_suffix(text, s)).max().unwrap_or(0);
        let safe = text.len() - held;
        if safe > self.emitted && text.is_char_boundary(safe) {
            on_event(TextEvent::Delta { variant, text: text[self.emitted..safe].to_owned() });
            self.emitted = safe;
        }
        Ok(())
    }

    fn finish(&mut self, reason: FinishReason, variant: usize, on_event: &mut dyn FnMut(TextEvent)) {
        if self.finished.is_some() {
            return;
        }
        let text = self.cut.as_deref().unwrap_or(self.decoder.text());
        if text.len() > self.emitted && text.is_char_boundary(self.emitted) {
            on_event(TextEvent::Delta { variant, text: text[self.emitted..].to_owned() });
            self.emitted = text.len();
        }
        self.finished = Some(reason);
        on_event(TextEvent::Finished { variant, reason });
    }

    fn into_continuation(self) -> Continuation {
        let text = self.cut.unwrap_or_else(|| self.decoder.text().to_owned());
        Continuation {
            text,
            token_ids: self.decoder.ids().to_vec(),
            finish: self.finished.unwrap_or(FinishReason::Length),
        }
    }
}

/// Length of the longest end of `text` that is a proper start of `stop`.
fn partial_suffix(text: &str, stop: &str) -> usize {
    (1..stop.len()).rev().find(|&n| stop.is_char_boundary(n) && text.ends_with(&stop[..n])).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_stop_sequence_is_held_back() {
        assert_eq!(partial_suffix("Hello\n", "\n\n"), 1);
        assert_eq!(partial_suffix("Hello", "\n\n"), 0);
        assert_eq!(partial_suffix("tags: #a #", "#END"), 1);
        assert_eq!(partial_suffix("x", ""), 0);
    }
}
