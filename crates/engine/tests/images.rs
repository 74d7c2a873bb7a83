//! Generation beyond plain seeds: transparent stickers, variations, interpolated animations,
//! upscaling, and recipes that make the same pixels again.

mod common;

use image::AnimationDecoder;
use postcraft_core::image_ipc::{AnimationFormat, InterpolateRequest};
use postcraft_core::ipc::VaryRequest;
use postcraft_core::post::Upscale;
use postcraft_engine::{Engine, ErrorCode, FACES_MODEL, GenerateImagesRequest, STICKERS_MODEL};

fn pixel_diff(a: &image::RgbaImage, b: &image::RgbaImage) -> f64 {
    a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| f64::from(x.abs_diff(*y))).sum::<f64>() / a.as_raw().len() as f64
}

#[test]
fn stickers_are_transparent_around_the_subject() {
    let engine = Engine::open(common::installed_config());
    let images = engine.generate_images_now(&GenerateImagesRequest::new(STICKERS_MODEL, 4, 11)).expect("generates");
    for generated in &images {
        assert_eq!(generated.image.dimensions(), (64, 64));
        let alphas: Vec<u8> = generated.image.pixels().map(|p| p.0[3]).collect();
        let clear = alphas.iter().filter(|a| **a < 16).count();
        let solid = alphas.iter().filter(|a| **a > 240).count();
        assert!(clear > 200, "a sticker has a transparent surround ({clear} clear pixels)");
        assert!(solid > 200, "and an opaque subject ({solid} solid pixels)");
        assert_eq!(generated.recipe.model, STICKERS_MODEL);
        assert_eq!(generated.recipe.model_sha256, engine.model_sha256(STICKERS_MODEL).expect("listed"));
    }
}

#[test]
fn a_recipe_makes_the_same_pixels_again() {
    let engine = Engine::open(common::installed_config());
    let request = GenerateImagesRequest {
        vary: Some(VaryRequest { index: 2, strength: 0.3 }),
        upscale: Some(Upscale { longest: 200, sharpen: 0.5 }),
        ..GenerateImagesRequest::new(FACES_MODEL, 3, 99)
    };
    let images = engine.generate_images_now(&request).expect("generates");
    for generated in &images {
        assert_eq!(generated.image.dimensions(), (200, 200), "upscaled");
        let json = serde_json::to_string(&generated.recipe).expect("serializes");
        let recipe = serde_json::from_str(&json).expect("reads back");
        let again = engine.render_recipe(&recipe).expect("renders");
        assert_eq!(again, generated.image, "the recipe {json} makes the same pixels");
    }
    let mut tampered = images[0].recipe.clone();
    tampered.model_sha256 = "0".repeat(64);
    assert_eq!(engine.render_recipe(&tampered).expect_err("another model").code, ErrorCode::ModelHashMismatch);
}

#[test]
fn variations_stay_close_to_their_image_and_strong_ones_move_further() {
    let engine = Engine::open(common::installed_config());
    let original = &engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 3, 5)).expect("generates")[2];
    let vary = |strength: f32| {
        let request = GenerateImagesRequest {
            vary: Some(VaryRequest { index: 2, strength }),
            ..GenerateImagesRequest::new(FACES_MODEL, 4, 5)
        };
        engine.generate_images_now(&request).expect("varies")
    };
    let same = vary(0.0);
    assert!(same.iter().all(|v| pixel_diff(&v.image, &original.image) < 0.5), "strength 0 is the image itself");
    let subtle = vary(0.2);
    let strong = vary(0.6);
    let mean = |set: &[postcraft_engine::GeneratedImage]| {
        set.iter().map(|v| pixel_diff(&v.image, &original.image)).sum::<f64>() / set.len() as f64
    };
    assert!(mean(&subtle) > 1.0, "subtle variations differ");
    assert!(mean(&strong) > mean(&subtle), "strong ones differ more ({} vs {})", mean(&strong), mean(&subtle));
    assert!(pixel_diff(&subtle[0].image, &subtle[1].image) > 0.5, "variations differ from each other");
}

#[test]
fn interpolation_runs_from_one_image_to_the_other_as_gif_and_mp4() {
    let engine = Engine::open(common::installed_config());
    let dir = tempfile::tempdir().expect("temp dir");
    let ends = |seed| engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 1, seed)).expect("generates");
    let (first, last) = (ends(1).remove(0).image, ends(2).remove(0).image);
    let request = InterpolateRequest {
        model: FACES_MODEL.into(),
        from_seed: 1,
        from_index: 0,
        from_variation: None,
        to_seed: 2,
        to_index: 0,
        to_variation: None,
        frames: 9,
        fps: 12,
        ping_pong: true,
        format: AnimationFormat::Gif,
        output: dir.path().join("walk.gif").display().to_string(),
        upscale: None,
    };
    let report = engine.interpolate_now(&request).expect("writes the GIF");
    assert_eq!(report.frames, 16, "9 frames there and 7 back");
    let file = std::fs::File::open(&report.path).expect("exists");
    let frames = image::codecs::gif::GifDecoder::new(std::io::BufReader::new(file))
        .expect("a GIF")
        .into_frames()
        .collect_frames()
        .expect("frames");
    assert_eq!(frames.len(), 16);
    // GIF palettes are lossy: compare loosely with the generated ends.
    assert!(pixel_diff(frames[0].buffer(), &first) < 12.0, "starts at the first image");
    assert!(pixel_diff(frames[8].buffer(), &last) < 12.0, "turns at the last image");
    assert!(pixel_diff(frames[4].buffer(), &first) > 5.0, "the middle is neither end");

    let mp4 = InterpolateRequest {
        format: AnimationFormat::Mp4,
        ping_pong: false,
        upscale: Some(Upscale { longest: 128, sharpen: 0.3 }),
        output: dir.path().join("walk.mp4").display().to_string(),
        ..request
    };
    let report = engine.interpolate_now(&mp4).expect("writes the MP4");
    assert_eq!((report.frames, report.width, report.height), (9, 128, 128));
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0"])
        .arg(&report.path)
        .output()
        .expect("ffprobe runs");
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "h264,9");

    let bad = InterpolateRequest { frames: 1, ..mp4.clone() };
    assert_eq!(engine.interpolate_now(&bad).expect_err("refused").code, ErrorCode::InvalidRequest);

    // A variation can be an end too: the last frame is that variation.
    let variation = postcraft_core::post::Variation { number: 1, strength: 0.5 };
    let varied = GenerateImagesRequest {
        vary: Some(VaryRequest { index: 0, strength: 0.5 }),
        ..GenerateImagesRequest::new(FACES_MODEL, 2, 2)
    };
    let target = engine.generate_images_now(&varied).expect("varies").remove(1).image;
    let to_variation = InterpolateRequest {
        to_variation: Some(variation),
        format: AnimationFormat::Gif,
        upscale: None,
        frames: 3,
        output: dir.path().join("to-variation.gif").display().to_string(),
        ..mp4
    };
    let report = engine.interpolate_now(&to_variation).expect("writes");
    let file = std::fs::File::open(&report.path).expect("exists");
    let frames = image::codecs::gif::GifDecoder::new(std::io::BufReader::new(file))
        .expect("a GIF")
        .into_frames()
        .collect_frames()
        .expect("frames");
    assert!(pixel_diff(frames[2].buffer(), &target) < 12.0, "ends at the variation");
    assert!(pixel_diff(frames[2].buffer(), &last) > pixel_diff(frames[2].buffer(), &target), "not at the plain image");
}
