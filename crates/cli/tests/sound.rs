//! `postcraft sound ...` as a user runs it, on the project's drum GAN: hits by seed and kind are
//! reproducible 16-bit WAVs; a beat's length follows exactly from its tempo and bars.

use std::path::Path;
use std::process::{Command, Output};

fn postcraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postcraft")).args(args).output().expect("postcraft runs")
}

fn ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A canonical 44-byte-header PCM WAV: (format tag, channels, rate, bits, samples).
fn read_wav(path: &Path) -> (u16, u16, u32, u16, Vec<i16>) {
    let bytes = std::fs::read(path).expect("the WAV exists");
    assert_eq!((&bytes[..4], &bytes[8..12], &bytes[36..40]), (&b"RIFF"[..], &b"WAVE"[..], &b"data"[..]));
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let data = &bytes[44..44 + u32_at(40) as usize];
    let samples = data.chunks_exact(2).map(|p| i16::from_le_bytes([p[0], p[1]])).collect();
    (u16_at(20), u16_at(22), u32_at(24), u16_at(34), samples)
}

fn hits(kind: &str, seed: &str, out: &Path) -> Vec<Vec<u8>> {
    let stdout = ok(&postcraft(&[
        "sound",
        "hits",
        "--kind",
        kind,
        "--count",
        "3",
        "--seed",
        seed,
        "--out",
        out.to_str().expect("utf-8"),
    ]));
    (0..3)
        .map(|index| {
            let path = out.join(format!("{kind}-{seed}-{index}.wav"));
            assert!(stdout.contains(&path.display().to_string()), "{stdout}");
            let (format, channels, rate, bits, samples) = read_wav(&path);
            assert_eq!((format, channels, rate, bits), (1, 1, 22_050, 16), "16-bit PCM mono at the model's rate");
            let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
            assert!(peak > 3_000, "{} is not silent (peak {peak})", path.display());
            std::fs::read(&path).expect("read")
        })
        .collect()
}

#[test]
fn sound_hits_are_reproducible_by_seed_and_differ_by_seed_and_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = hits("snare", "7", &dir.path().join("a"));
    assert_eq!(first, hits("snare", "7", &dir.path().join("b")), "the same seed writes the same bytes");
    assert_ne!(first[0], first[1], "one seed's hits differ from each other");
    assert_ne!(first, hits("snare", "8", &dir.path().join("c")), "another seed, other hits");
    assert_ne!(first, hits("kick", "7", &dir.path().join("d")), "another kind, other hits");
}

#[test]
fn sound_hits_refuse_an_unknown_kind_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = postcraft(&["sound", "hits", "--kind", "cowbell", "--out", dir.path().to_str().expect("utf-8")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cowbell") && stderr.contains("kick, snare"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing written");
}

#[test]
fn sound_beat_length_follows_from_tempo_and_bars() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (bpm, bars, pattern) in [("120", 2_u32, "backbeat"), ("93", 3, "hip-hop"), ("140", 1, "four-on-the-floor")] {
        let out = dir.path().join(format!("beat-{bpm}.wav"));
        let stdout = ok(&postcraft(&[
            "sound",
            "beat",
            "--bpm",
            bpm,
            "--bars",
            &bars.to_string(),
            "--seed",
            "3",
            "--pattern",
            pattern,
            "--out",
            out.to_str().expect("utf-8"),
        ]));
        let (format, channels, rate, bits, samples) = read_wav(&out);
        assert_eq!((format, bits), (1, 16));
        let frames = samples.len() / usize::from(channels);
        // 4 beats a bar, 60 / bpm seconds a beat.
        let expected = (f64::from(rate) * f64::from(bars) * 240.0 / bpm.parse::<f64>().expect("bpm")).round();
        assert_eq!(frames as f64, expected, "{bars} bar(s) at {bpm} bpm: {stdout}");
        let lufs: f64 = stdout
            .split(" LUFS")
            .next()
            .and_then(|before| before.rsplit(' ').next())
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("no loudness in {stdout}"));
        assert!((lufs + 14.0).abs() <= 0.5, "normalized to the platform loudness: {stdout}");
    }
}
