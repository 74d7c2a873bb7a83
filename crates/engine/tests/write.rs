//! The writing tools on the real text model: streamed jobs, ranked results within each
//! platform's limit, determinism by seed, cancel, and requests refused in words.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use postcraft_core::presets::platforms;
use postcraft_core::text_count::{count_for, hashtag_key};
use postcraft_core::write_ipc::{WriteRequest, WriteTool};
use postcraft_engine::write::platform_by_id;
use postcraft_engine::{Engine, ErrorCode, JobEvent, JobOutcome};

fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(Engine::open(common::installed_config()))).clone()
}

fn request(tool: WriteTool, platform: &str) -> WriteRequest {
    WriteRequest {
        tool,
        platform: platform.into(),
        topic: "sunset at the beach with friends".into(),
        keywords: vec!["golden".into()],
        tone: "playful".into(),
        text: "a golden retriever asleep on a red sofa".into(),
        shorter: false,
        variants: 2,
        seed: 5,
        temperature: None,
    }
}

#[test]
fn a_write_job_streams_text_then_the_ranked_variants() {
    let engine = engine();
    let (sink, rx) = common::channel_sink();
    let id = engine.write(request(WriteTool::Caption, "x"), sink).expect("job starts");
    let mut streamed = [String::new(), String::new()];
    let mut written = None;
    let (done, outcome) = loop {
        match common::next_event(&rx) {
            JobEvent::Started { job_id, total } => assert_eq!((job_id, total), (id, 2)),
            JobEvent::TextDelta { job_id, variant, text } => {
                assert_eq!(job_id, id);
                assert!(written.is_none(), "text streams before the result");
                streamed[variant as usize].push_str(&text);
            }
            JobEvent::Written { job_id, result } => {
                assert_eq!(job_id, id);
                written = Some(result);
            }
            JobEvent::Progress { .. } => {}
            JobEvent::Finished { job_id, done, outcome } => {
                assert_eq!(job_id, id);
                break (done, outcome);
            }
            other @ (JobEvent::Image { .. }
            | JobEvent::Restyled { .. }
            | JobEvent::FileWritten { .. }
            | JobEvent::SpeechSentence { .. }
            | JobEvent::AudioClip { .. }) => {
                panic!("a writing job sent {other:?}")
            }
        }
    };
    assert_eq!((done, outcome), (2, JobOutcome::Completed));
    assert!(streamed.iter().all(|s| !s.trim().is_empty()), "both variants streamed text: {streamed:?}");
    let result = written.expect("a result before finished");
    assert_eq!(result.variants.len(), 2);
    assert!(result.variants.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    for variant in &result.variants {
        assert!(!variant.text.trim().is_empty());
        assert!(variant.count <= 280 && variant.limit == 280, "{variant:?}");
        // The cleaned text comes from what streamed (cleaning removes, never invents).
        let first_word = variant.text.split_whitespace().next().expect("a word");
        assert!(streamed[variant.variant as usize].contains(first_word.trim_matches(|c: char| !c.is_alphanumeric())));
    }
}

#[test]
fn every_tool_fits_its_platform_and_the_same_seed_repeats() {
    let engine = engine();
    for (tool, platform) in [
        (WriteTool::Caption, "bluesky"),
        (WriteTool::Hashtags, "instagram"),
        (WriteTool::Draft, "x"),
        (WriteTool::Rewrite, "threads"),
        (WriteTool::AltText, "mastodon"),
    ] {
        let mut req = request(tool, platform);
        if tool == WriteTool::Rewrite {
            req.text = "We are sorry for the delay in shipping your order. It will arrive next week.".into();
        }
        let result = engine.write_now(&req, None, &mut |_, _| {}).expect("writes");
        let spec = platform_by_id(platform).expect("platform");
        assert_eq!(result.variants.len(), 2, "{tool:?}");
        for variant in &result.variants {
            for part in &variant.parts {
                assert!(count_for(part, spec) <= spec.text_limit as usize, "{tool:?} part over the limit: {part}");
            }
            assert!(variant.count <= variant.limit, "{tool:?}: {variant:?}");
            assert!(!variant.text.trim().is_empty(), "{tool:?} wrote nothing");
        }
        if tool == WriteTool::Hashtags {
            let best = &result.variants[0];
            let keys: HashSet<String> = best.hashtags.iter().map(|t| hashtag_key(t)).collect();
            assert_eq!(keys.len(), best.hashtags.len(), "distinct hashtags: {:?}", best.hashtags);
            assert!(best.hashtags.len() >= 3, "a useful set: {:?}", best.hashtags);
            let max = spec.suggested_hashtags.map_or(30, |r| r.max as usize);
            assert!(best.hashtags.len() <= max, "{:?} over {max}", best.hashtags);
        }
        let again = engine.write_now(&req, None, &mut |_, _| {}).expect("writes");
        assert_eq!(again, result, "{tool:?}: the same request and seed give the same result");
    }
}

#[test]
fn cancelling_a_write_job_stops_it_without_a_result() {
    let engine = engine();
    let (sink, rx) = common::channel_sink();
    let mut long = request(WriteTool::Draft, "linkedin");
    long.variants = 3;
    let id = engine.write(long, sink).expect("job starts");
    let mut deltas_after_cancel = None;
    let outcome = loop {
        match common::next_event(&rx) {
            JobEvent::TextDelta { .. } => match deltas_after_cancel.as_mut() {
                None => {
                    assert!(engine.request_cancel(id), "running");
                    deltas_after_cancel = Some(0);
                }
                Some(n) => *n += 1,
            },
            JobEvent::Written { .. } => panic!("a cancelled job sends no result"),
            JobEvent::Finished { outcome, .. } => break outcome,
            _ => {}
        }
    };
    assert_eq!(outcome, JobOutcome::Cancelled);
    // The token in flight may finish (one per variant), nothing after it.
    assert!(deltas_after_cancel.is_some_and(|n| n <= 3), "stopped within a token: {deltas_after_cancel:?}");
}

#[test]
fn bad_requests_are_refused_before_a_job_starts() {
    let engine = engine();
    let (sink, _rx) = common::channel_sink();
    let mut unknown = request(WriteTool::Caption, "myspace");
    let error = engine.write(unknown.clone(), Arc::clone(&sink)).expect_err("unknown platform");
    assert_eq!(error.code, ErrorCode::InvalidRequest);
    assert!(error.message.contains("myspace"), "{}", error.message);
    unknown.platform = "x".into();
    unknown.topic = "  ".into();
    let error = engine.write(unknown.clone(), Arc::clone(&sink)).expect_err("no topic");
    assert!(error.message.contains("topic"), "{}", error.message);
    unknown.topic = "ok".into();
    unknown.variants = 0;
    assert_eq!(engine.write(unknown, sink).expect_err("no variants").code, ErrorCode::InvalidRequest);
}

#[test]
fn every_platform_id_of_the_cli_is_known() {
    for id in
        ["x", "instagram", "tiktok", "linkedin", "threads", "bluesky", "mastodon", "youtube", "pinterest", "facebook"]
    {
        assert!(platform_by_id(id).is_some(), "{id}");
    }
    assert_eq!(platforms().len(), 10);
}

#[test]
fn a_missing_or_damaged_text_model_or_tokenizer_is_named_and_recovers_after_a_fix() {
    let installed = common::installed_config();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = installed.clone();
    config.models_dir = dir.path().to_path_buf();
    let engine = Engine::open(config);
    let caption = request(WriteTool::Caption, "x");
    let error = engine.write_now(&caption, None, &mut |_, _| {}).expect_err("no model");
    assert_eq!(error.code, ErrorCode::ModelMissing, "{}", error.message);

    let copy = |name: &str| {
        std::fs::copy(installed.models_dir.join(name), dir.path().join(name)).expect("copy");
    };
    copy("smollm2-135m.onnx");
    // A tokenizer that is not the pinned one (edited by hand) is refused by its hash.
    let tokenizer = std::fs::read_to_string(installed.models_dir.join("smollm2-135m.tokenizer.json")).expect("read");
    std::fs::write(dir.path().join("smollm2-135m.tokenizer.json"), tokenizer.replacen("Ġthe", "Ġteh", 1))
        .expect("write");
    engine.reload();
    let error = engine.write_now(&caption, None, &mut |_, _| {}).expect_err("wrong tokenizer");
    assert_eq!(error.code, ErrorCode::ModelHashMismatch, "{}", error.message);
    assert!(error.message.contains("tokenizer.json"), "{}", error.message);

    copy("smollm2-135m.tokenizer.json");
    engine.reload();
    assert!(engine.write_now(&caption, None, &mut |_, _| {}).is_ok(), "works after the fix");
}
