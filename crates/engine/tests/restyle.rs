//! Restyling photos with the shipped CycleGAN generators through the engine: parity with the
//! Python onnxruntime on the same file and input, tiling without seams, strength, alpha, batch
//! of any size, and a user's model file through the same code path.

mod common;

use std::path::Path;

use postcraft_engine::Engine;
use postcraft_engine::images::{plan_for, restyle_planar};
use postcraft_vision::PlanarImage;

const MODELS: [&str; 2] = ["restyle-cartoon", "restyle-photo"];

fn fixture_input() -> PlanarImage {
    let dir = common::repo_root().join("tests/fixtures/restyle_reference");
    PlanarImage { width: 128, height: 96, data: common::read_f32(&dir.join("input.f32")) }
}

fn max_abs(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn engine_output_equals_python_onnxruntime_on_the_same_file() {
    let engine = Engine::open(common::installed_config());
    let dir = common::repo_root().join("tests/fixtures/restyle_reference");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("meta.json")).expect("meta.json")).expect("json");
    let input = fixture_input();
    for id in MODELS {
        let recorded = meta["outputs"][id]["model_sha256"].as_str().expect("fixture lists the model");
        assert_eq!(
            recorded,
            engine.model_sha256(id).expect("in the manifest"),
            "the fixture of {id} was made with another model file: run models/tools/make_restyle_reference.py"
        );
        let expected = common::read_f32(&dir.join(format!("{id}.f32")));
        let translator = engine.image_translator(id).expect("the model loads");
        let actual = translator.translate(&input.data, 128, 96, None).expect("runs");
        let diff = max_abs(&actual, &expected);
        assert!(diff <= 1e-4, "{id}: engine and Python onnxruntime differ by {diff} (max 1e-4)");
    }
}

/// A picture large enough for several tiles: the fixture input mirrored into 600 x 500.
fn larger_picture() -> PlanarImage {
    fixture_input().window(-40, -30, 600, 500)
}

#[test]
fn tiled_restyle_equals_the_whole_image_run_without_seams() {
    let engine = Engine::open(common::installed_config());
    let translator = engine.image_translator("restyle-cartoon").expect("loads");
    let picture = larger_picture();
    let whole_plan = plan_for(&translator, 1024);
    assert_eq!(whole_plan.windows(600, 500).len(), 1, "one window holds the whole picture");
    // Tiles overlap by twice the model's receptive radius (64 px) plus a 16 px feather.
    let tiled_plan = plan_for(&translator, 256);
    assert_eq!((tiled_plan.overlap, tiled_plan.margin), (144, 64));
    let windows = tiled_plan.windows(600, 500).len();
    assert!(windows >= 6, "the picture is cut into {windows} tiles");

    let whole = restyle_planar(&translator, &picture, 1.0, &whole_plan, None, |_, _| {}).expect("runs");
    let mut seen = 0;
    let tiled = restyle_planar(&translator, &picture, 1.0, &tiled_plan, None, |done, total| {
        assert_eq!(total, windows);
        seen = done;
    })
    .expect("runs");
    assert_eq!(seen, windows, "progress reports every tile");
    let diff = max_abs(&whole.data, &tiled.data);
    let mean = whole.data.iter().zip(&tiled.data).map(|(a, b)| (a - b).abs()).sum::<f32>() / whole.data.len() as f32;
    eprintln!("tiled vs whole: max {diff:.5}, mean {mean:.6} ({windows} tiles)");
    // Every pixel with weight saw only real neighbours: equal up to float rounding (one 8-bit
    // step is 1/255 = 0.0039; a seam would be a line of differences of several steps).
    assert!(diff <= 1e-4, "tiled and whole runs differ by up to {diff} (mean {mean})");
}

#[test]
fn strength_blends_with_the_original() {
    let engine = Engine::open(common::installed_config());
    let translator = engine.image_translator("restyle-cartoon").expect("loads");
    let picture = fixture_input();
    let plan = plan_for(&translator, 512);
    let none = restyle_planar(&translator, &picture, 0.0, &plan, None, |_, _| {}).expect("runs");
    assert_eq!(none.data, picture.data, "strength 0 is the original");
    let full = restyle_planar(&translator, &picture, 1.0, &plan, None, |_, _| {}).expect("runs");
    let half = restyle_planar(&translator, &picture, 0.5, &plan, None, |_, _| {}).expect("runs");
    for ((h, o), f) in half.data.iter().zip(&picture.data).zip(&full.data) {
        assert!((h - (o + f) / 2.0).abs() < 1e-5);
    }
    assert!(max_abs(&full.data, &picture.data) > 0.1, "the model changes the picture");
}

#[test]
fn a_photo_of_any_size_keeps_its_size_and_transparency() {
    let engine = Engine::open(common::installed_config());
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("odd.png");
    let photo = image::RgbaImage::from_fn(301, 199, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8, if x < 20 { 0 } else { 255 }])
    });
    photo.save(&path).expect("writes");
    let result = engine.restyle_image_now(&path, "restyle-cartoon", 1.0, None).expect("restyles");
    assert_eq!(result.dimensions(), (301, 199));
    assert_eq!(result.get_pixel(5, 5).0[3], 0, "transparent pixels stay transparent");
    assert_eq!(result.get_pixel(100, 100).0[3], 255);

    let not_an_image = dir.path().join("notes.png");
    std::fs::write(&not_an_image, "not a picture").expect("writes");
    let error = engine.restyle_image_now(&not_an_image, "restyle-cartoon", 1.0, None).expect_err("refused");
    assert_eq!(error.code, postcraft_engine::ErrorCode::MediaInvalid);
    assert!(error.message.contains("notes.png"), "{}", error.message);
    let error = engine.restyle_image_now(&path, "restyle-cartoon", 1.5, None).expect_err("refused");
    assert_eq!(error.code, postcraft_engine::ErrorCode::InvalidRequest);
}

#[test]
fn a_users_model_file_loads_through_the_same_code_path() {
    let config = common::installed_config();
    let file = config.models_dir.join("restyle-photo.onnx");
    let engine = Engine::open(config);
    let user = engine.image_translator_from_file(&file).expect("a CycleGAN export loads");
    let shipped = engine.image_translator("restyle-photo").expect("loads");
    assert_eq!(user.info().size_multiple, 4, "read from the file's metadata");
    let picture = fixture_input();
    let a = user.translate(&picture.data, 128, 96, None).expect("runs");
    let b = shipped.translate(&picture.data, 128, 96, None).expect("runs");
    assert_eq!(a, b);

    // Something that is not an image-to-image model is refused in words.
    let text_model = engine.config().models_dir.join("dcgan-faces.onnx");
    let error = engine.image_translator_from_file(&text_model).expect_err("not image to image");
    assert_eq!(error.code, postcraft_engine::ErrorCode::ModelInvalid);
    assert!(error.message.contains("image"), "{}", error.message);
    let missing = engine.image_translator_from_file(Path::new("/nonexistent/model.onnx")).expect_err("missing");
    assert_eq!(error.code, missing.code);
}
