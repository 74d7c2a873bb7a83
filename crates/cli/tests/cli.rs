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
        vec!["write", "caption", "--help"],
        vec!["write", "hashtags", "--help"],
        vec!["write", "draft", "--help"],
        vec!["write", "rewrite", "--help"],
        vec!["write", "alt-text", "--help"],
        vec!["text", "generate", "--help"],
        vec!["voice", "say", "--help"],
        vec!["voice", "phonemes", "--help"],
        vec!["sound", "hits", "--help"],
        vec!["sound", "beat", "--help"],
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

#[test]
fn render_writes_the_same_png_twice_at_the_preset_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("post");
    let project_arg = project.to_str().expect("utf-8");
    let photo = dir.path().join("photo.png");
    image::RgbaImage::from_fn(640, 480, |x, y| image::Rgba([(x / 3) as u8, (y / 2) as u8, 128, 255]))
        .save(&photo)
        .expect("photo");
    let ok = |output: Output| {
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    ok(postcraft(&["project", "new", project_arg, "--preset", "instagram-portrait"]));
    let imported = ok(postcraft(&["project", "import", project_arg, photo.to_str().expect("utf-8")]));
    assert!(imported.starts_with("assets/photo-"), "{imported}");
    ok(postcraft(&["project", "text", project_arg, "Summer 夏", "--size", "120", "--color", "ff8800"]));
    let checks = ok(postcraft(&["project", "check", project_arg]));
    assert!(checks.contains("media-count"), "{checks}");

    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    for out in [&a, &b] {
        let printed = ok(postcraft(&[
            "render",
            project_arg,
            "--preset",
            "instagram-portrait",
            "--out",
            out.to_str().expect("utf-8"),
        ]));
        assert_eq!(printed.trim(), out.to_str().expect("utf-8"));
    }
    let bytes = std::fs::read(&a).expect("read");
    assert_eq!(bytes, std::fs::read(&b).expect("read"), "byte-identical");
    let image = image::load_from_memory(&bytes).expect("png").into_rgba8();
    assert_eq!(image.dimensions(), (1080, 1350));
    // The text is orange somewhere around the centre; the photo's colours elsewhere.
    let orange = image.pixels().filter(|p| p.0[0] > 230 && (120..=150).contains(&p.0[1]) && p.0[2] < 30).count();
    assert!(orange > 500, "the text layer is drawn ({orange} orange pixels)");

    // Another preset: its own size, the post scaled to cover it.
    let wide = dir.path().join("wide.jpg");
    ok(postcraft(&["render", project_arg, "--preset", "x-landscape", "--out", wide.to_str().expect("utf-8")]));
    let wide = image::open(&wide).expect("jpeg");
    assert_eq!((wide.width(), wide.height()), (1600, 900));
}

#[test]
fn render_explains_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nothing-here");
    let output = postcraft(&["render", missing.to_str().expect("utf-8"), "--out", "x.png"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PROJECT_INVALID"), "{stderr}");

    let project = dir.path().join("p");
    let project_arg = project.to_str().expect("utf-8");
    assert!(postcraft(&["project", "new", project_arg, "--preset", "tiktok"]).status.success());
    let output = postcraft(&["render", project_arg, "--out", "x.gif"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains(".png, .jpg, .jpeg, .wav"));
    let silent = dir.path().join("silent.mp4");
    let output = postcraft(&["render", project_arg, "--out", silent.to_str().expect("utf-8")]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("the post has no sound yet"));
    assert!(!silent.exists());
    let output = postcraft(&["render", project_arg, "--preset", "nope", "--out", "x.png"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown preset `nope`"));
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, b"\x89PNG broken").expect("write");
    let output = postcraft(&["project", "import", project_arg, bad.to_str().expect("utf-8")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad.png could not be opened as an image"));
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn text_generate_prints_the_greedy_continuation_and_its_ids() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/smollm2_reference/chat_prompts.json");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture")).expect("JSON");
    let case = &reference["prompts"][2];
    let templated = case["templated"].as_str().expect("templated prompt");
    let expected: Vec<String> =
        case["onnx_greedy_ids"].as_array().expect("ids").iter().map(|id| id.to_string()).collect();
    let greedy_ids = |extra: &[&str]| {
        let mut args =
            vec!["text", "generate", "--raw", "--prompt", templated, "--temperature", "0", "--max-tokens", "64"];
        args.extend(["--ids"].iter().chain(extra));
        stdout(&postcraft(&args)).split_whitespace().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(greedy_ids(&[]), expected);

    // A model a user points at (here the same files, outside the manifest) loads through the
    // same code and decodes the same tokens.
    let home = std::env::var_os("POSTCRAFT_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.postcraft"));
    let (model, tokenizer) = (home.join("models/smollm2-135m.onnx"), home.join("models/smollm2-135m.tokenizer.json"));
    let (model_arg, tokenizer_arg) = (model.to_str().expect("utf-8"), tokenizer.to_str().expect("utf-8"));
    assert_eq!(greedy_ids(&["--model", model_arg, "--tokenizer", tokenizer_arg]), expected);
    let wrong =
        postcraft(&["text", "generate", "--prompt", "hi", "--model", tokenizer_arg, "--tokenizer", tokenizer_arg]);
    assert!(!wrong.status.success(), "a tokenizer is not a model");
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("could not be loaded"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );

    let text = stdout(&postcraft(&[
        "text",
        "generate",
        "--prompt",
        "What is the capital of France? Answer in one sentence.",
        "--temperature",
        "0",
        "--max-tokens",
        "24",
    ]));
    assert!(text.contains("Paris"), "{text}");
}

#[test]
fn write_prints_the_best_caption_and_hashtags_within_the_platform() {
    let args = [
        "write",
        "caption",
        "--platform",
        "x",
        "--topic",
        "morning run by the river",
        "--tone",
        "playful",
        "--seed",
        "3",
    ];
    let caption = stdout(&postcraft(&args));
    let caption = caption.trim_end_matches('\n');
    assert!(!caption.is_empty() && !caption.contains('\n'), "one caption: {caption:?}");
    let x = postcraft_core::presets::platforms().iter().find(|p| p.id == "x").expect("x");
    assert!(postcraft_core::text_count::count_for(caption, x) <= 280);
    let again = stdout(&postcraft(&args));
    assert_eq!(again.trim_end_matches('\n'), caption, "the same seed prints the same caption");

    let tags = stdout(&postcraft(&[
        "write",
        "hashtags",
        "--platform",
        "instagram",
        "--topic",
        "morning run by the river",
        "--seed",
        "1",
    ]));
    let tags: Vec<&str> = tags.split_whitespace().collect();
    assert!(tags.len() >= 3 && tags.iter().all(|t| t.starts_with('#')), "{tags:?}");
}

#[test]
fn write_explains_a_bad_platform_or_a_missing_field() {
    let output = postcraft(&["write", "caption", "--platform", "myspace", "--topic", "x"]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("unknown platform `myspace`"), "{message}");
    let output = postcraft(&["write", "rewrite", "--text", "   "]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs the text to rewrite"));
}

fn run_ok(args: &[&str]) -> String {
    let output = postcraft(args);
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    stdout(&output)
}

#[test]
fn image_stickers_vary_and_interpolate_write_their_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).display().to_string();
    run_ok(&[
        "image",
        "generate",
        "--model",
        "stickers",
        "--count",
        "2",
        "--seed",
        "4",
        "--size",
        "256",
        "--out",
        &path("st"),
    ]);
    let sticker = image::open(dir.path().join("st/stickers-4-0001.png")).expect("a PNG").to_rgba8();
    assert_eq!(sticker.dimensions(), (256, 256), "upscaled");
    assert!(sticker.pixels().any(|p| p.0[3] == 0), "a transparent sticker");
    let png = std::fs::read(dir.path().join("st/stickers-4-0001.png")).expect("read");
    assert!(png.windows(16).any(|w| w == b"postcraft:recipe"), "the recipe is in the file");

    let printed = run_ok(&[
        "image",
        "vary",
        "--seed",
        "4",
        "--index",
        "1",
        "--count",
        "2",
        "--strength",
        "strong",
        "--out",
        &path("v"),
    ]);
    assert_eq!(printed.lines().count(), 2);
    assert!(dir.path().join("v/faces-4-0001-v1.png").is_file());

    run_ok(&["image", "interpolate", "--from", "1", "--to", "2:1", "--frames", "5", "--out", &path("walk.gif")]);
    assert!(std::fs::read(dir.path().join("walk.gif")).expect("gif").starts_with(b"GIF89a"));
    let bad = postcraft(&["image", "interpolate", "--from", "1", "--to", "x", "--out", &path("w.gif")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("SEED"), "{}", String::from_utf8_lossy(&bad.stderr));
    // A variation (as `image vary` named it: -v1, strong = 0.5) as the last frame.
    run_ok(&["image", "interpolate", "--from", "1", "--to", "4:1:v1@0.5", "--frames", "3", "--out", &path("to-v.gif")]);
    assert!(dir.path().join("to-v.gif").is_file());
}

#[test]
fn image_and_video_restyle_keep_size_and_frames() {
    let dir = tempfile::tempdir().expect("temp dir");
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(150, 90, |x, y| image::Rgb([x as u8, y as u8, 128])).save(&photo).expect("writes");
    let out = dir.path().join("out.png");
    run_ok(&[
        "image",
        "restyle",
        photo.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--strength",
        "0.7",
    ]);
    let restyled_photo = image::open(&out).expect("a PNG");
    assert_eq!((restyled_photo.width(), restyled_photo.height()), (150, 90));

    let clip = dir.path().join("clip.mp4");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=1", "-pix_fmt", "yuv420p"])
        .arg(&clip)
        .status()
        .expect("ffmpeg runs");
    assert!(made.success());
    let restyled = dir.path().join("restyled.mp4");
    let printed = run_ok(&["video", "restyle", clip.to_str().expect("utf-8"), restyled.to_str().expect("utf-8")]);
    assert_eq!(printed.trim(), restyled.display().to_string());
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
            "-of",
            "csv=p=0",
        ])
        .arg(&restyled)
        .output()
        .expect("ffprobe runs");
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "h264,96,64,10");

    let junk = dir.path().join("junk.mp4");
    std::fs::write(&junk, "not a video").expect("writes");
    let failed = postcraft(&[
        "video",
        "restyle",
        junk.to_str().expect("utf-8"),
        dir.path().join("j.mp4").to_str().expect("utf-8"),
    ]);
    assert!(!failed.status.success());
    let message = String::from_utf8_lossy(&failed.stderr);
    assert!(message.contains("junk.mp4") && message.contains("MEDIA_INVALID"), "{message}");
}
