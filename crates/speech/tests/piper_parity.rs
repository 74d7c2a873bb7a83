//! The Rust speech pipeline against the reference piper-tts (fixtures written by
//! `models/tools/make_tts_reference.py`): same sentences, phonemes and ids, same samples with
//! the noise scales at 0, and the same 16-bit samples as piper-tts's WAV.

use std::path::{Path, PathBuf};

use postcraft_infer::speech::SpeechScales;
use postcraft_infer::{Runtime, SessionOptions};
use postcraft_speech::{Espeak, SpeakSettings, Voice, to_pcm16_like_piper};
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn home() -> PathBuf {
    std::env::var_os("POSTCRAFT_HOME").map(PathBuf::from).unwrap_or_else(|| repo_root().join(".postcraft"))
}

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures/tts_reference")
}

fn installed_espeak() -> Espeak {
    let dir = home().join("espeak-ng");
    Espeak::open(&dir.join("libespeak-ng.so.1"), &dir.join("espeak-ng-data")).expect("set-up installed espeak-ng")
}

fn joe() -> Voice {
    let runtime =
        Runtime::load(&home().join("runtime/libonnxruntime.so.1.31.1"), None).expect("set-up installed the runtime");
    let models = home().join("models");
    Voice::load(
        &runtime,
        &models.join("piper-joe-medium.onnx"),
        &models.join("piper-joe-medium.onnx.json"),
        installed_espeak(),
        SessionOptions { intra_threads: 2 },
    )
    .expect("the Joe voice loads")
}

fn reference() -> Value {
    serde_json::from_slice(&std::fs::read(fixtures().join("reference.json")).expect("reference.json")).expect("json")
}

fn read_f32(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).expect("fixture");
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

fn ids_of(sentence: &Value) -> Vec<i64> {
    sentence["ids"].as_array().expect("ids").iter().map(|v| v.as_i64().expect("id")).collect()
}

#[test]
fn phonemes_and_ids_equal_piper_tts() {
    let voice = joe();
    let reference = reference();
    let texts = reference["texts"].as_array().expect("texts");
    assert_eq!(texts.len(), 5);
    for text in texts {
        let prepared = voice.prepare(text["text"].as_str().expect("text")).expect("phonemizes");
        let expected = text["sentences"].as_array().expect("sentences");
        assert_eq!(prepared.len(), expected.len(), "sentence count of {}", text["text"]);
        for (ours, theirs) in prepared.iter().zip(expected) {
            assert_eq!(ours.phonemes, theirs["phonemes"].as_str().expect("phonemes"));
            assert_eq!(ours.ids, ids_of(theirs));
            assert!(ours.missing.is_empty());
        }
    }
}

#[test]
fn samples_equal_piper_tts_with_the_noise_at_zero() {
    let voice = joe();
    let reference = reference();
    assert_eq!(
        reference["voice_sha256"].as_str(),
        Some("58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06")
    );
    assert_eq!(voice.sample_rate(), 22_050);
    let settings = SpeakSettings {
        scales: SpeechScales { noise_scale: 0.0, length_scale: 1.0, noise_w: 0.0 },
        speaker: None,
        sentence_silence: 0.0,
    };
    for text in reference["texts"].as_array().expect("texts") {
        let expected = text["sentences"].as_array().expect("sentences");
        let mut spoken = Vec::new();
        voice
            .speak(text["text"].as_str().expect("text"), &settings, None, |sentence| {
                spoken.push(sentence);
                Ok(())
            })
            .expect("speaks");
        assert_eq!(spoken.len(), expected.len());
        for (ours, theirs) in spoken.iter().zip(expected) {
            let raw = read_f32(&fixtures().join(theirs["file"].as_str().expect("file")));
            assert_eq!(ours.raw.len(), raw.len(), "sample count of {:?}", ours.sentence.phonemes);
            let diff = ours.raw.iter().zip(&raw).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(diff <= 1e-4, "{:?}: samples differ from piper-tts by {diff}", ours.sentence.phonemes);
            let ours16 = to_pcm16_like_piper(&ours.raw);
            let theirs16 = to_pcm16_like_piper(&raw);
            let lsb = ours16.iter().zip(&theirs16).map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs()).max();
            assert!(lsb <= Some(1), "{:?}: 16-bit samples differ by {lsb:?}", ours.sentence.phonemes);
        }
    }
}

#[test]
fn a_missing_library_or_data_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Espeak::open(&dir.path().join("libespeak-ng.so.1"), dir.path()).expect_err("no data");
    assert!(err.to_string().contains("phontab"), "{err}");
    std::fs::write(dir.path().join("phontab"), b"not espeak data").expect("write");
    let err = Espeak::open(&dir.path().join("libespeak-ng.so.1"), dir.path()).expect_err("no library");
    assert!(err.to_string().contains("cannot open the espeak-ng library"), "{err}");
    assert_eq!(err.code(), postcraft_core::ErrorCode::ToolMissing);
}

#[test]
fn the_system_espeak_ng_is_a_working_fallback() {
    // Debian's libespeak-ng1 (set-up installs `espeak-ng`): no clause terminators, so the
    // punctuation is read back from the text.
    let data = Path::new("/usr/lib/x86_64-linux-gnu/espeak-ng-data");
    let espeak = Espeak::open(Path::new(postcraft_speech::LIBRARY_FILE), data).expect("the system's espeak-ng loads");
    assert!(!espeak.info().exact_clauses, "Debian 1.51 has no espeak_TextToPhonemesWithTerminator");
    let sentences = espeak.phonemize("Hello there, friend. How are you?", "en-us").expect("phonemizes");
    let sentences: Vec<String> = sentences.into_iter().map(|s| s.into_iter().collect()).collect();
    assert_eq!(sentences.len(), 2, "{sentences:?}");
    assert!(sentences[0].contains(", ") && sentences[0].ends_with('.'), "{sentences:?}");
    assert!(sentences[1].ends_with('?'), "{sentences:?}");
    let shipped = installed_espeak().phonemize("How are you?", "en-us").expect("phonemizes");
    assert_eq!(sentences[1], shipped[0].iter().collect::<String>(), "the same phonemes for a plain question");
}
