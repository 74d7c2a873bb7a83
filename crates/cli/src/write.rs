//! `postcraft write ...` (the writing tools) and `postcraft text ...` (the plain text engine).

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use postcraft_core::write_ipc::{WriteRequest, WriteTool};
use postcraft_engine::Engine;
use postcraft_infer::text::{GenerateRequest, Prompt, SamplingParams, TextEvent};

use crate::anyhow_ipc;

#[derive(Debug, Subcommand)]
pub enum WriteCommand {
    /// A caption from a topic, keywords and tone; prints the best one.
    Caption {
        #[command(flatten)]
        subject: SubjectArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Hashtags for a topic (distinct, within the platform's count); prints them on one line.
    Hashtags {
        /// What the post is about.
        #[arg(long)]
        topic: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A thread or long draft split into posts that each fit the platform; prints the posts
    /// separated by blank lines.
    Draft {
        #[command(flatten)]
        subject: SubjectArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// The text in another tone, or shorter.
    Rewrite {
        /// The text to rewrite.
        #[arg(long)]
        text: String,
        /// The new tone.
        #[arg(long, default_value = "")]
        tone: String,
        /// Make it shorter.
        #[arg(long)]
        shorter: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Alt text from a short description of an image.
    AltText {
        /// What the image shows, in a few words.
        #[arg(long)]
        description: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

/// What a caption or a draft is about.
#[derive(Debug, Args)]
pub struct SubjectArgs {
    /// What the post is about.
    #[arg(long)]
    topic: String,
    /// Words to use, comma-separated.
    #[arg(long, value_delimiter = ',')]
    keywords: Vec<String>,
    /// Tone in words (playful, professional, warm, ...).
    #[arg(long, default_value = "")]
    tone: String,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Platform id: x, instagram, tiktok, linkedin, threads, bluesky, mastodon, youtube,
    /// pinterest, facebook.
    #[arg(long, default_value = "x")]
    platform: String,
    /// Seed of the sampling.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Variants to write (the best is printed).
    #[arg(long, default_value_t = 3)]
    variants: u32,
    /// Sampling temperature (default: the tool's).
    #[arg(long)]
    temperature: Option<f32>,
    /// Print every variant, best first, with its score and count.
    #[arg(long)]
    all: bool,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TextCommand {
    /// Continue a prompt with the text model; prints the continuation as it is produced.
    Generate {
        /// The prompt (a user message, unless --raw).
        #[arg(long)]
        prompt: String,
        /// Most new tokens.
        #[arg(long, default_value_t = 64)]
        max_tokens: usize,
        /// Sampling temperature; 0 is greedy.
        #[arg(long, default_value_t = 0.7)]
        temperature: f32,
        /// Top-k (0: off).
        #[arg(long, default_value_t = 40)]
        top_k: usize,
        /// Top-p (1: off).
        #[arg(long, default_value_t = 0.9)]
        top_p: f32,
        /// Repetition penalty (1: off).
        #[arg(long, default_value_t = 1.0)]
        repetition_penalty: f32,
        /// Seed of the sampling.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Stop before this text (repeatable).
        #[arg(long)]
        stop: Vec<String>,
        /// Use the prompt as it is, without the chat template.
        #[arg(long)]
        raw: bool,
        /// Print the generated token ids (space-separated) instead of text.
        #[arg(long)]
        ids: bool,
        /// Also print timing (time to first token, tokens/s) on stderr.
        #[arg(long)]
        timing: bool,
        /// Use this ONNX decoder export instead of the shipped model (the same interface:
        /// input_ids, attention_mask, position_ids, past_key_values.N.key/value).
        #[arg(long)]
        model: Option<std::path::PathBuf>,
        /// The model's tokenizer.json (default: `tokenizer.json` beside --model).
        #[arg(long, requires = "model")]
        tokenizer: Option<std::path::PathBuf>,
    },
    /// Time greedy decoding as bench/text_bench.py does for llama.cpp: an empty cache each run,
    /// the prompt in one call, then one token per call, never stopping early; prints medians.
    #[command(hide = true)]
    Bench {
        /// The prompt text, used as it is (the bench applies the template itself).
        #[arg(long)]
        prompt_file: std::path::PathBuf,
        /// Accepted for the bench's command line: the prompt is always raw here.
        #[arg(long)]
        raw: bool,
        /// Tokens to generate per run.
        #[arg(long, default_value_t = 64)]
        new_tokens: usize,
        /// ONNX Runtime intra-op threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Timed runs.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Untimed runs first.
        #[arg(long, default_value_t = 1)]
        warmup: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

pub fn write(engine: &Engine, command: WriteCommand) -> anyhow::Result<ExitCode> {
    let base = |tool: WriteTool, common: &CommonArgs| WriteRequest {
        tool,
        platform: common.platform.clone(),
        topic: String::new(),
        keywords: Vec::new(),
        tone: String::new(),
        text: String::new(),
        shorter: false,
        variants: common.variants,
        seed: common.seed,
        temperature: common.temperature,
    };
    let (request, common) = match command {
        WriteCommand::Caption { subject: SubjectArgs { topic, keywords, tone }, common } => {
            (WriteRequest { topic, keywords, tone, ..base(WriteTool::Caption, &common) }, common)
        }
        WriteCommand::Hashtags { topic, common } => {
            (WriteRequest { topic, ..base(WriteTool::Hashtags, &common) }, common)
        }
        WriteCommand::Draft { subject: SubjectArgs { topic, keywords, tone }, common } => {
            (WriteRequest { topic, keywords, tone, ..base(WriteTool::Draft, &common) }, common)
        }
        WriteCommand::Rewrite { text, tone, shorter, common } => {
            (WriteRequest { text, tone, shorter, ..base(WriteTool::Rewrite, &common) }, common)
        }
        WriteCommand::AltText { description, common } => {
            (WriteRequest { text: description, ..base(WriteTool::AltText, &common) }, common)
        }
    };
    let result = engine.write_now(&request, None, &mut |_, _| {}).map_err(anyhow_ipc)?;
    if common.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
        return Ok(ExitCode::SUCCESS);
    }
    let shown = if common.all { result.variants.len() } else { 1 };
    for (rank, variant) in result.variants.iter().take(shown).enumerate() {
        if common.all {
            println!("--- {}. variant {} (score {:.2})", rank + 1, variant.variant, variant.score);
        }
        match request.tool {
            WriteTool::Hashtags => println!("{}", variant.hashtags.join(" ")),
            WriteTool::Draft => println!("{}", variant.parts.join("\n\n")),
            _ => println!("{}", variant.text),
        }
        let trimmed = if variant.trimmed { ", trimmed to fit" } else { "" };
        eprintln!("({}/{} on {}{trimmed})", variant.count, variant.limit, result.platform);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn text(engine: &Engine, command: TextCommand) -> anyhow::Result<ExitCode> {
    match command {
        TextCommand::Bench { prompt_file, new_tokens, threads, runs, warmup, json, .. } => {
            bench(engine, &prompt_file, new_tokens, threads, runs, warmup, json)
        }
        TextCommand::Generate {
            prompt,
            max_tokens,
            temperature,
            top_k,
            top_p,
            repetition_penalty,
            seed,
            stop,
            raw,
            ids,
            timing,
            model,
            tokenizer,
        } => {
            let prompt = if raw {
                Prompt::Raw(prompt)
            } else {
                Prompt::Chat {
                    messages: vec![postcraft_infer::text::Message::new(postcraft_infer::text::Role::User, prompt)],
                    answer_prefix: String::new(),
                }
            };
            let request = GenerateRequest {
                prompt,
                variants: 1,
                max_tokens,
                stop,
                sampling: SamplingParams { temperature, top_k, top_p, repetition_penalty, no_repeat_ngram: 0, seed },
                ignore_eos: false,
            };
            let files = model.map(|model| {
                let tokenizer = tokenizer.unwrap_or_else(|| model.with_file_name("tokenizer.json"));
                (model, tokenizer)
            });
            generate(engine, &request, files, ids, timing)
        }
    }
}

fn generate(
    engine: &Engine,
    request: &GenerateRequest,
    files: Option<(std::path::PathBuf, std::path::PathBuf)>,
    ids: bool,
    timing: bool,
) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let mut on_event = |event: TextEvent| {
        if let (false, TextEvent::Delta { text, .. }) = (ids, event) {
            // A closed pipe (`| head`) is not an error worth stopping the model for.
            let _ = write!(stdout, "{text}");
            let _ = stdout.flush();
        }
    };
    let generation = match files {
        Some((model, tokenizer)) => engine
            .text_generator_from_files(&model, &tokenizer)
            .map_err(anyhow_ipc)?
            .generate(request, None, &mut on_event)
            .map_err(|e| anyhow_ipc(e.into()))?,
        None => engine.generate_text_now(request, None, &mut on_event).map_err(anyhow_ipc)?,
    };
    let continuation = generation.continuations.first();
    if ids {
        let ids: Vec<String> =
            continuation.map(|c| c.token_ids.iter().map(u32::to_string).collect()).unwrap_or_default();
        println!("{}", ids.join(" "));
    } else {
        println!();
    }
    if timing {
        eprintln!(
            "prompt {} tokens; first token {:.1} ms; {:.1} tokens/s",
            generation.prompt_tokens, generation.first_token_ms, generation.tokens_per_second
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(
    engine: &Engine,
    prompt_file: &std::path::Path,
    new_tokens: usize,
    threads: usize,
    runs: usize,
    warmup: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let prompt = std::fs::read_to_string(prompt_file)?;
    // Its own session, so the thread count is exactly the one asked for.
    let generator = engine.text_generator_with(postcraft_engine::write::TEXT_MODEL, threads).map_err(anyhow_ipc)?;
    let request = GenerateRequest {
        prompt: Prompt::Raw(prompt),
        variants: 1,
        max_tokens: new_tokens,
        stop: Vec::new(),
        sampling: SamplingParams::greedy(),
        ignore_eos: true,
    };
    let mut first_token = Vec::new();
    let mut rates = Vec::new();
    let mut prompt_tokens = 0;
    for run in 0..warmup + runs.max(1) {
        let generation = generator.generate(&request, None, &mut |_| {}).map_err(|e| anyhow_ipc(e.into()))?;
        prompt_tokens = generation.prompt_tokens;
        if run >= warmup {
            first_token.push(generation.first_token_ms);
            rates.push(generation.tokens_per_second);
        }
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let (ttft, rate) = (median(&mut first_token), median(&mut rates));
    if json {
        println!(
            "{}",
            serde_json::json!({
                "ttft_ms": ttft,
                "tokens_per_s": rate,
                "prompt_tokens": prompt_tokens,
                "new_tokens": new_tokens,
                "threads": threads,
                "runs": runs,
            })
        );
    } else {
        println!("prompt {prompt_tokens} tokens, {threads} threads: first token {ttft:.1} ms, {rate:.1} tokens/s");
    }
    Ok(ExitCode::SUCCESS)
}
