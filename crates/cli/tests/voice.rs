//! `postcraft voice ...` as a user runs it: the WAV is 16-bit PCM at the voice's rate and, with
//! the noise scales at 0, holds exactly piper-tts's samples (fixtures from make_tts_reference.py).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn postcraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postcraft")).args(args).output().expect("postcraft runs")
}

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tts_reference/reference.json");
    serde_json::from_slice(&std::fs::read(path).expect("reference.json")).expect("json")
}

/// Reads a canonical 44-byte-header PCM WAV: (format tag, channels, rate, bits, data).
fn read_wav(bytes: &[u8]) -> (u16, u16, u32, u16, &[u8]) {
    assert_eq!((&bytes[..4], &bytes[8..12]), (&b"RIFF"[..], &b"WAVE"[..]));
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!(&bytes[36..40], b"data");
    (u16_at(20), u16_at(22), u32_at(24), u16_at(34), &bytes[44..44 + u32_at(40) as usize])
}

#[test]
fn voice_say_writes_piper_tts_samples_as_16_bit_pcm() {
    let reference = reference();
    let text = &reference["texts"][1];
    assert_eq!(text["sentences"].as_array().map(Vec::len), Some(1), "a one-sentence text");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("say.wav");
    let output = postcraft(&[
        "voice",
        "say",
        text["text"].as_str().expect("text"),
        "--out",
        out.to_str().expect("utf-8"),
        "--noise-scale",
        "0",
        "--noise-w",
        "0",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let bytes = std::fs::read(&out).expect("the WAV exists");
    let (format, channels, rate, bits, data) = read_wav(&bytes);
    assert_eq!((format, channels, rate, bits), (1, 1, 22_050, 16), "16-bit PCM mono at the voice's rate");
    let sentence = &text["sentences"][0];
    assert_eq!(data.len() as u64, 2 * sentence["samples"].as_u64().expect("samples"));
    let digest = sha256_hex(data);
    assert_eq!(digest, sentence["pcm16_sha256"].as_str().expect("hash"), "the same samples as piper-tts");
}

#[test]
fn voice_phonemes_prints_the_ids_the_voice_receives() {
    let reference = reference();
    let text = &reference["texts"][4];
    let output = postcraft(&["voice", "phonemes", text["text"].as_str().expect("text"), "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    let expected = text["sentences"].as_array().expect("sentences");
    assert_eq!(lines.len(), expected.len(), "espeak's sentences");
    for (ours, theirs) in lines.iter().zip(expected) {
        assert_eq!(ours["ids"], theirs["ids"]);
        assert_eq!(ours["phonemes"], theirs["phonemes"]);
    }
}

#[test]
fn voice_say_refuses_bad_controls_and_empty_text_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x.wav");
    let out = out.to_str().expect("utf-8");
    let output = postcraft(&["voice", "say", "Hello.", "--out", out, "--length-scale", "9"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("length scale must be between"));
    let output = postcraft(&["voice", "say", " ... ", "--out", out]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to say"));
    assert!(!Path::new(out).exists(), "no file is written on failure");
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}
