//! The text engine on the real model and the real ONNX Runtime: greedy parity with the reference
//! decodes, tokenizer parity with llama.cpp, sampling determinism, cancel, stop sequences.
//!
//! Needs the set-up (`./scripts/setup`): `.postcraft/runtime/libonnxruntime.so.1.31.1` and the
//! converted `smollm2-135m` model. References: `tests/fixtures/smollm2_reference/` (made by
//! `models/tools/make_text_reference.py`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use postcraft_infer::text::{
    FinishReason, GenerateRequest, Message, Prompt, Role, SamplingParams, TextEvent, TextGenerator,
};
use postcraft_infer::{Manifest, ModelRegistry, Runtime, SessionOptions};
use postcraft_jobs::CancelToken;

const MODEL: &str = "smollm2-135m";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn home() -> PathBuf {
    std::env::var_os("POSTCRAFT_HOME").map(PathBuf::from).unwrap_or_else(|| repo().join(".postcraft"))
}

/// The model, loaded once for all tests of this file (ONNX Runtime allows one environment per
/// process, and loading takes a second).
fn generator() -> Arc<TextGenerator> {
    static LOADED: std::sync::OnceLock<Arc<TextGenerator>> = std::sync::OnceLock::new();
    LOADED
        .get_or_init(|| {
            let manifest_path = repo().join("models/manifest.toml");
            let manifest = Manifest::load(&manifest_path).expect("manifest");
            let runtime = Runtime::load(&home().join("runtime/libonnxruntime.so.1.31.1"), Some(&manifest.runtime))
                .expect("runtime: run ./scripts/setup");
            let registry = ModelRegistry::open(&manifest_path, &home().join("models")).expect("registry");
            let (spec, path) = registry.verify(MODEL).expect("model: run ./scripts/setup");
            let tokenizer = registry.verify_sidecar(spec, "tokenizer.json").expect("tokenizer");
            let generator = TextGenerator::load(&runtime, spec, &path, &tokenizer, SessionOptions { intra_threads: 2 })
                .expect("model loads");
            Arc::new(generator)
        })
        .clone()
}

fn fixture(name: &str) -> serde_json::Value {
    let path = repo().join("tests/fixtures/smollm2_reference").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture JSON")
}

fn ids_of(value: &serde_json::Value) -> Vec<u32> {
    value.as_array().expect("id list").iter().map(|v| v.as_u64().expect("id") as u32).collect()
}

fn greedy(prompt: Prompt, max_tokens: usize) -> GenerateRequest {
    GenerateRequest {
        prompt,
        variants: 1,
        max_tokens,
        stop: Vec::new(),
        sampling: SamplingParams::greedy(),
        ignore_eos: false,
    }
}

#[test]
fn greedy_decoding_matches_the_reference_token_for_token() {
    let generator = generator();
    let reference = fixture("chat_prompts.json");
    let prompts = reference["prompts"].as_array().expect("prompts");
    assert!(prompts.len() >= 5, "the reference has {} prompts", prompts.len());
    for case in prompts {
        let text = case["templated"].as_str().expect("templated prompt");
        // The chat template renders the same prompt the reference used.
        let rendered = generator
            .prompt_text(&Prompt::Chat {
                messages: vec![
                    Message::new(Role::System, reference["system"].as_str().expect("system")),
                    Message::new(Role::User, case["prompt"].as_str().expect("prompt")),
                ],
                answer_prefix: String::new(),
            })
            .expect("template");
        assert_eq!(rendered, text);
        assert_eq!(generator.tokenizer().encode(text).expect("encode"), ids_of(&case["prompt_ids"]));

        let expected = ids_of(&case["onnx_greedy_ids"]);
        let generation = generator.generate(&greedy(Prompt::Raw(text.into()), 64), None, &mut |_| {}).expect("run");
        let produced = &generation.continuations[0].token_ids;
        assert_eq!(produced, &expected, "prompt {:?}", case["prompt"]);
    }
}

#[test]
fn the_tokenizer_matches_llama_cpp_on_the_corpus() {
    let generator = generator();
    let path = repo().join("tests/fixtures/smollm2_reference/tokenizer_corpus.jsonl");
    let corpus = std::fs::read_to_string(&path).expect("corpus");
    let mut checked = 0;
    let (mut cjk, mut emoji) = (0, 0);
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).expect("corpus line");
        let text = case["text"].as_str().expect("text");
        let expected = ids_of(&case["ids"]);
        let ids = generator.tokenizer().encode(text).expect("encode");
        assert_eq!(ids, expected, "encoding {text:?}");
        assert_eq!(generator.tokenizer().decode(&ids).expect("decode"), text, "round trip of {text:?}");
        cjk += usize::from(text.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)));
        emoji += usize::from(text.chars().any(|c| ('\u{1f300}'..='\u{1faff}').contains(&c)));
        checked += 1;
    }
    assert!(checked >= 1000, "only {checked} texts");
    assert!(cjk >= 50 && emoji >= 50, "the corpus needs CJK ({cjk}) and emoji ({emoji}) texts");
}

#[test]
fn the_same_seed_gives_the_same_variants_and_variants_differ() {
    let generator = generator();
    let request = GenerateRequest {
        prompt: Prompt::Chat {
            messages: vec![Message::new(Role::User, "Write a short caption about a morning run.")],
            answer_prefix: String::new(),
        },
        variants: 3,
        max_tokens: 24,
        stop: Vec::new(),
        sampling: SamplingParams { seed: 11, temperature: 0.9, ..SamplingParams::default() },
        ignore_eos: false,
    };
    let first = generator.generate(&request, None, &mut |_| {}).expect("run");
    let second = generator.generate(&request, None, &mut |_| {}).expect("run");
    assert_eq!(first.continuations, second.continuations);
    let texts: std::collections::BTreeSet<&str> = first.continuations.iter().map(|c| c.text.as_str()).collect();
    assert!(texts.len() >= 2, "three sampled variants should not all be equal: {texts:?}");

    // Variant 0 of a seed is the same whether 1 or 3 variants are asked for.
    let single =
        generator.generate(&GenerateRequest { variants: 1, ..request.clone() }, None, &mut |_| {}).expect("run");
    assert_eq!(single.continuations[0], first.continuations[0]);

    let other = generator
        .generate(
            &GenerateRequest { sampling: SamplingParams { seed: 12, ..request.sampling.clone() }, ..request },
            None,
            &mut |_| {},
        )
        .expect("run");
    assert_ne!(other.continuations, first.continuations, "another seed, other text");
}

#[test]
fn streamed_deltas_add_up_to_the_text_and_stop_sequences_cut_it() {
    let generator = generator();
    let request = GenerateRequest {
        prompt: Prompt::Chat {
            messages: vec![Message::new(Role::User, "List three fruits, one per line.")],
            answer_prefix: String::new(),
        },
        variants: 2,
        max_tokens: 48,
        stop: vec!["\n".into()],
        sampling: SamplingParams { seed: 3, ..SamplingParams::default() },
        ignore_eos: false,
    };
    let mut streamed = vec![String::new(); 2];
    let mut finished = Vec::new();
    let generation = generator
        .generate(&request, None, &mut |event| match event {
            TextEvent::Delta { variant, text } => streamed[variant].push_str(&text),
            TextEvent::Finished { variant, reason } => finished.push((variant, reason)),
            TextEvent::PromptRead { .. } => {}
        })
        .expect("run");
    for (variant, continuation) in generation.continuations.iter().enumerate() {
        assert_eq!(streamed[variant], continuation.text, "variant {variant} streamed exactly its text");
        assert!(!continuation.text.contains('\n'), "the stop sequence cut the text: {:?}", continuation.text);
        assert!(!continuation.text.contains('\u{fffd}'));
    }
    assert_eq!(finished.len(), 2);
}

#[test]
fn cancel_stops_within_a_token() {
    let generator = generator();
    let token = CancelToken::new();
    let deltas = AtomicUsize::new(0);
    let request = greedy(
        Prompt::Chat {
            messages: vec![Message::new(Role::User, "Write a long story about a lighthouse keeper.")],
            answer_prefix: String::new(),
        },
        400,
    );
    let result = generator.generate(&request, Some(&token), &mut |event| {
        if let TextEvent::Delta { .. } = event
            && deltas.fetch_add(1, Ordering::SeqCst) == 4
        {
            token.cancel();
        }
    });
    assert!(matches!(result, Err(postcraft_infer::InferError::Cancelled)), "{result:?}");
    let seen = deltas.load(Ordering::SeqCst);
    assert!((5..=6).contains(&seen), "cancel took effect within one token ({seen} deltas)");
}

#[test]
fn bad_requests_are_refused_in_words() {
    let generator = generator();
    let mut request = greedy(Prompt::Raw("Hello".into()), 8);
    request.variants = 0;
    let error = generator.generate(&request, None, &mut |_| {}).expect_err("no variants");
    assert!(error.to_string().contains("variants"), "{error}");
    let error = generator.generate(&greedy(Prompt::Raw(String::new()), 8), None, &mut |_| {}).expect_err("empty");
    assert!(error.to_string().contains("empty"), "{error}");
    let too_long = "word ".repeat(20_000);
    let error = generator.generate(&greedy(Prompt::Raw(too_long), 8), None, &mut |_| {}).expect_err("too long");
    assert!(error.to_string().contains("at most"), "{error}");
}

#[test]
fn a_conversation_without_a_system_message_gets_the_model_s_default() {
    let generator = generator();
    let prompt = generator
        .prompt_text(&Prompt::Chat { messages: vec![Message::new(Role::User, "Hi")], answer_prefix: String::new() })
        .expect("template");
    assert_eq!(
        prompt,
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n\
         <|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    );
}

#[test]
fn the_end_token_ends_an_answer() {
    let generator = generator();
    let generation = generator
        .generate(
            &greedy(
                Prompt::Chat {
                    messages: vec![Message::new(Role::User, "Say hello in one word.")],
                    answer_prefix: String::new(),
                },
                64,
            ),
            None,
            &mut |_| {},
        )
        .expect("run");
    let continuation = &generation.continuations[0];
    assert_eq!(continuation.finish, FinishReason::EndOfText, "{continuation:?}");
    assert!(!continuation.text.contains("<|im_end|>"));
}
