//! The drum GAN run through the engine equals the Python onnxruntime's output on the same ONNX
//! file, latents and kinds (committed in tests/fixtures/drums_reference by
//! models/tools/make_drums_reference.py).

mod common;

use postcraft_engine::Engine;
use postcraft_engine::audio::DRUMS_MODEL;

#[test]
fn drum_hits_match_the_python_onnxruntime_reference() {
    let engine = Engine::open(common::installed_config());
    let generator = engine.sound_generator(DRUMS_MODEL).expect("the drum model loads");
    let fixtures = common::repo_root().join("tests/fixtures/drums_reference");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures.join("meta.json")).expect("meta.json")).expect("json");
    // The engine verified the installed file against the manifest; the fixtures must be of it.
    let installed = common::installed_config().models_dir.join("drums-oneshot.onnx");
    assert_eq!(
        meta["model_sha256"].as_str(),
        Some(common::sha256_file(&installed).as_str()),
        "the fixtures are from another model file: run models/tools/make_drums_reference.py"
    );
    let latent = common::read_f32(&fixtures.join("latent.f32"));
    let one_hot = common::read_f32(&fixtures.join("kind.f32"));
    let expected = common::read_f32(&fixtures.join("output.f32"));
    let kinds_count = generator.kinds().len();
    let kinds: Vec<usize> =
        one_hot.chunks_exact(kinds_count).map(|row| row.iter().position(|v| *v == 1.0).expect("one-hot")).collect();
    assert_eq!(kinds.len(), 14);
    assert_eq!(generator.kinds(), ["kick", "snare", "hat", "clap", "tom", "cymbal", "perc"]);

    let hits = generator.generate(&latent, &kinds, None).expect("the model runs");
    let actual: Vec<f32> = hits.concat();
    assert_eq!(actual.len(), expected.len());
    let max_abs = actual.iter().zip(&expected).map(|(a, e)| (a - e).abs()).fold(0.0f32, f32::max);
    assert!(max_abs <= 1e-5, "max abs difference {max_abs} exceeds 1e-5");

    // One hit alone is the same as in the batch.
    let alone = generator.generate(&latent[100..200], &kinds[1..2], None).expect("the model runs");
    let max_abs = alone[0].iter().zip(&expected[16_384..]).map(|(a, e)| (a - e).abs()).fold(0.0f32, f32::max);
    assert!(max_abs <= 1e-5, "batch-of-one differs by {max_abs}");
}
