//! Writing: the local text model from the shell and the CLI, and the writing tools built on it
//! (caption, hashtags, draft, rewrite, alt text).
//!
//! A tool request becomes a prompt ([`prompts`]), the model writes several variants in one
//! batch, streamed token by token, and each variant is cleaned, fitted to the platform's limit
//! and scored ([`tools`]) so the best shows first.

mod prompts;
mod tools;

use std::sync::Arc;

use postcraft_core::ipc::JobEvent;
use postcraft_core::write_ipc::{PlatformInfo, TextCount, WriteRequest, WriteResult};
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::InferError;
use postcraft_infer::text::{
    GenerateRequest, Generation, Message, Prompt, Role, SamplingParams, TextEvent, TextGenerator,
};
use postcraft_jobs::{CancelToken, EventSink, JobFailure};

pub use prompts::{ToolPrompt, platform_by_id, tool_prompt};

use crate::Engine;

/// The model id of the writing tools' text model.
pub const TEXT_MODEL: &str = "smollm2-135m";

impl Engine {
    /// Runs a plain generation request on the calling thread (`postcraft text generate`, tests,
    /// benches), streaming to `on_event`.
    pub fn generate_text_now(
        &self,
        request: &GenerateRequest,
        cancel: Option<&CancelToken>,
        on_event: &mut dyn FnMut(TextEvent),
    ) -> Result<Generation, IpcError> {
        let generator = self.text_generator(TEXT_MODEL)?;
        generator.generate(request, cancel, on_event).map_err(generation_error)
    }

    /// Runs a writing tool on the calling thread (the CLI, tests); `on_delta(variant, text)`
    /// receives the model's text as it is produced.
    pub fn write_now(
        &self,
        request: &WriteRequest,
        cancel: Option<&CancelToken>,
        on_delta: &mut dyn FnMut(u32, &str),
    ) -> Result<WriteResult, IpcError> {
        let (generate, tool_prompt) = plan(request)?;
        let generator = self.text_generator(TEXT_MODEL)?;
        run_tool(&generator, request, &generate, &tool_prompt, cancel, on_delta)
    }

    /// Starts a writing job; returns its id at once. The model's text streams as `textDelta`
    /// events, then the cleaned, ranked variants as one `written` event, then `finished`.
    /// Fails at once (no job) when the request is invalid or the model cannot be loaded.
    pub fn write(self: &Arc<Self>, request: WriteRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let (generate, tool_prompt) = plan(&request)?;
        let generator = self.text_generator(TEXT_MODEL)?;
        self.jobs().spawn("write", request.variants, sink, move |ctx| {
            let job_id = ctx.id();
            let token = ctx.token().clone();
            let emit = |event| ctx.emit(event);
            let mut on_delta =
                |variant: u32, text: &str| emit(JobEvent::TextDelta { job_id, variant, text: text.to_owned() });
            match run_tool(&generator, &request, &generate, &tool_prompt, Some(&token), &mut on_delta) {
                Ok(result) => {
                    ctx.emit(JobEvent::Written { job_id, result });
                    for _ in 0..request.variants {
                        ctx.item_done();
                    }
                    Ok(())
                }
                Err(_) if token.is_cancelled() => Err(JobFailure::Cancelled),
                Err(error) => Err(JobFailure::Failed(error)),
            }
        })
    }
}

/// Every platform's text rules (limit, counting, hashtags, caption fold, alt text, presets), for
/// the Write tool. Cheap: the data file is parsed once per process.
pub fn platform_list() -> Vec<PlatformInfo> {
    PlatformInfo::all()
}

/// How long `text` is on `platform` (an id, as [`platform_by_id`] finds it), against its limit:
/// the exact count the written variants carry (twitter-text weighting on X). Linear in the
/// text's length: microseconds for a caption.
pub fn count_text(text: &str, platform: &str) -> Result<TextCount, IpcError> {
    let platform = platform_by_id(platform).ok_or_else(|| unknown_platform(platform))?;
    Ok(TextCount::of(text, platform))
}

fn unknown_platform(id: &str) -> IpcError {
    IpcError::new(ErrorCode::InvalidRequest, format!("unknown platform `{id}` (see `postcraft presets list`)"))
}

/// Checks a request and turns it into the model request and the tool's prompt.
fn plan(request: &WriteRequest) -> Result<(GenerateRequest, ToolPrompt), IpcError> {
    let invalid = |message: String| IpcError::new(ErrorCode::InvalidRequest, message);
    if !(1..=WriteRequest::MAX_VARIANTS).contains(&request.variants) {
        return Err(invalid(format!("variants must be 1 to {}, not {}", WriteRequest::MAX_VARIANTS, request.variants)));
    }
    if request.seed > WriteRequest::MAX_SEED {
        return Err(invalid(format!("seed must be at most {}", WriteRequest::MAX_SEED)));
    }
    let longest = [&request.topic, &request.tone, &request.text].iter().map(|f| f.len()).max().unwrap_or(0);
    let keywords: usize = request.keywords.iter().map(String::len).sum();
    if longest.max(keywords) > WriteRequest::MAX_FIELD_BYTES {
        return Err(invalid(format!("a field is longer than {} bytes", WriteRequest::MAX_FIELD_BYTES)));
    }
    let platform = platform_by_id(&request.platform).ok_or_else(|| unknown_platform(&request.platform))?;
    let tool_prompt = tool_prompt(request, platform).map_err(invalid)?;
    let temperature = request.temperature.unwrap_or(tool_prompt.temperature);
    let sampling = SamplingParams {
        temperature,
        top_k: 40,
        top_p: 0.92,
        repetition_penalty: 1.15,
        no_repeat_ngram: 4,
        seed: request.seed,
    };
    sampling.validate().map_err(invalid)?;
    let mut stop = tool_prompt.stop.clone();
    stop.retain(|s| !s.is_empty());
    let generate = GenerateRequest {
        prompt: Prompt::Chat {
            messages: std::iter::once(Message::new(Role::System, tool_prompt.system.clone()))
                .chain(tool_prompt.examples.iter().flat_map(|(user, answer)| {
                    [Message::new(Role::User, user.clone()), Message::new(Role::Assistant, answer.clone())]
                }))
                .chain(std::iter::once(Message::new(Role::User, tool_prompt.user.clone())))
                .collect(),
            answer_prefix: tool_prompt.answer_prefix.clone(),
        },
        variants: request.variants as usize,
        max_tokens: tool_prompt.max_tokens,
        stop,
        sampling,
        ignore_eos: false,
    };
    Ok((generate, tool_prompt))
}

fn run_tool(
    generator: &TextGenerator,
    request: &WriteRequest,
    generate: &GenerateRequest,
    tool_prompt: &ToolPrompt,
    cancel: Option<&CancelToken>,
    on_delta: &mut dyn FnMut(u32, &str),
) -> Result<WriteResult, IpcError> {
    let mut on_event = |event: TextEvent| {
        if let TextEvent::Delta { variant, text } = event {
            on_delta(variant as u32, &text);
        }
    };
    let generation = generator.generate(generate, cancel, &mut on_event).map_err(generation_error)?;
    let platform = platform_by_id(&request.platform)
        .ok_or_else(|| IpcError::new(ErrorCode::InvalidRequest, format!("unknown platform `{}`", request.platform)))?;
    let raw: Vec<String> =
        generation.continuations.iter().map(|c| format!("{}{}", tool_prompt.answer_prefix, c.text)).collect();
    Ok(WriteResult {
        tool: request.tool,
        platform: platform.id.clone(),
        variants: tools::finish(request, platform, &raw),
        model: TEXT_MODEL.to_owned(),
        seed: request.seed,
    })
}

/// A generation error for the UI (a job tells a cancel by its token, not by this error).
fn generation_error(error: InferError) -> IpcError {
    error.into()
}

#[cfg(test)]
mod tests {
    use postcraft_core::presets::TextCounting;

    use super::*;

    #[test]
    fn platforms_are_the_data_files() {
        let list = platform_list();
        assert_eq!(list.len(), postcraft_core::presets::platforms().len());
        let x = list.iter().find(|p| p.id == "x").expect("x");
        assert_eq!((x.text_limit, x.text_counting), (280, TextCounting::Twitter));
        for platform in &list {
            assert_eq!(platform_by_id(&platform.id).map(|p| p.text_limit), Some(platform.text_limit));
        }
    }

    #[test]
    fn count_text_finds_the_platform_as_write_does() {
        assert_eq!(count_text("Hello world", "X"), Ok(TextCount { count: 11, limit: 280, over: false }));
        assert_eq!(count_text("日本語", "x").map(|c| c.count), Ok(6));
        assert_eq!(count_text("👨‍👩‍👧", "bluesky").map(|c| c.count), Ok(1));
        assert_eq!(count_text("a", "youtube").map(|c| c.limit), Ok(5000));
        let error = count_text("a", "myspace").expect_err("unknown platform");
        assert_eq!(error.code, ErrorCode::InvalidRequest);
        assert_eq!(error.message, "unknown platform `myspace` (see `postcraft presets list`)");
    }
}
