//! The `postcraft` binary as a user runs it, on the installed runtime and models.

use std::path::Path;
use std::process::{Command, Output};

fn postcraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postcraft")).args(args).output().expect("postcraft runs")
}

fn pngs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("output dir")
        .map(|entry| {
            let path = entry.expect("entry").path();
            (path.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&path).expect("read"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn image_generate_writes_the_same_bytes_for_the_same_seed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (first, second) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&first, &second] {
        let output = postcraft(
            &["image", "generate", "--model", "faces", "--count", "3", "--seed", "11", "--out"]
                .into_iter()
                .chain([out.to_str().expect("utf-8 path")])
                .collect::<Vec<_>>(),
        );
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let (a, b) = (pngs(&first), pngs(&second));
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].0, "faces-11-0000.png");
    assert!(a[0].1.starts_with(b"\x89PNG"), "writes PNG files");
    assert_eq!(a, b, "the same seed writes the same bytes");
}

#[test]
fn doctor_passes_on_the_installed_setup_and_models_verify() {
    let doctor = postcraft(&["doctor"]);
    let text = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor.status.success(), "{text}");
    assert!(text.contains("OK   runtime"), "{text}");
    assert!(text.contains("OK   model dcgan-faces"), "{text}");
    let verify = postcraft(&["models", "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn a_missing_runtime_is_a_clear_error_not_a_panic() {
    let output = Command::new(env!("CARGO_BIN_EXE_postcraft"))
        .args(["image", "generate", "--count", "1", "--out", "/nonexistent-postcraft-out"])
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .output()
        .expect("postcraft runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("RUNTIME_MISSING"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let doctor = Command::new(env!("CARGO_BIN_EXE_postcraft"))
        .arg("doctor")
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .output()
        .expect("postcraft runs");
    assert_eq!(doctor.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("FAIL runtime"));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["doctor", "--help"],
        vec!["models", "--help"],
        vec!["models", "list", "--help"],
        vec!["models", "verify", "--help"],
        vec!["image", "generate", "--help"],
        vec!["presets", "list", "--help"],
        vec!["project", "new", "--help"],
    ] {
        let output = postcraft(&args);
        assert!(output.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn presets_list_shows_the_documented_ids() {
    let output = postcraft(&["presets", "list"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for line in ["instagram-story      1080x1920", "x-landscape          1600x900", "linkedin-landscape   1200x627"] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    assert!(text.contains("keep clear: top 14% bottom 35%"), "{text}");
}

#[test]
fn project_new_creates_a_project_and_never_overwrites_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("summer");
    let path = project.to_str().expect("utf-8 path");
    let output = postcraft(&["project", "new", path, "--preset", "instagram-portrait"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1080x1350"));
    let saved = std::fs::read_to_string(project.join("post.json")).expect("post.json written");
    assert!(saved.contains("\"format_version\": 1") && saved.contains("\"preset\": \"instagram-portrait\""), "{saved}");
    assert!(project.join("assets").is_dir());

    let again = postcraft(&["project", "new", path, "--preset", "tiktok"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a project"));
    assert_eq!(std::fs::read_to_string(project.join("post.json")).expect("still there"), saved, "nothing lost");

    let unknown = postcraft(&["project", "new", dir.path().join("x").to_str().expect("utf-8"), "--preset", "myspace"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("instagram-square"), "lists the real ids");
}
