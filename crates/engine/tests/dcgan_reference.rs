//! The DCGAN run through the engine equals the output of the Python onnxruntime on the same ONNX
//! file and latent (committed in tests/fixtures/dcgan_reference by models/tools/make_reference.py),
//! and a seed always gives the same bytes.

mod common;

use postcraft_engine::{Engine, FACES_MODEL, GenerateImagesRequest, encode_png_rgba};

#[test]
fn engine_output_matches_python_onnxruntime_reference() {
    let engine = Engine::open(common::installed_config());
    let generator = engine.image_generator(FACES_MODEL).expect("the DCGAN loads");
    let fixtures = common::repo_root().join("tests/fixtures/dcgan_reference");
    let latent = common::read_f32(&fixtures.join("latent.f32"));
    let expected = common::read_f32(&fixtures.join("output.f32"));
    assert_eq!(latent.len(), 4 * 100);
    assert_eq!(expected.len(), 4 * 3 * 64 * 64);

    let actual = generator.generate(&latent, 4, None).expect("the model runs");
    assert_eq!(actual.len(), expected.len());
    let max_abs = actual.iter().zip(&expected).map(|(a, e)| (a - e).abs()).fold(0.0f32, f32::max);
    assert!(max_abs <= 1e-5, "max abs difference {max_abs} exceeds 1e-5");

    // One image at a time gives the same pixels as the batch of four.
    let first_alone = generator.generate(&latent[..100], 1, None).expect("the model runs");
    let max_abs = first_alone.iter().zip(&expected).map(|(a, e)| (a - e).abs()).fold(0.0f32, f32::max);
    assert!(max_abs <= 1e-5, "batch-of-one differs by {max_abs}");
}

#[test]
fn same_seed_gives_identical_bytes_and_other_seeds_differ() {
    let engine = Engine::open(common::installed_config());
    let request = GenerateImagesRequest::new(FACES_MODEL, 3, 20261128);
    let png_bytes = |request: &GenerateImagesRequest| -> Vec<Vec<u8>> {
        engine
            .generate_images_now(request)
            .expect("generates")
            .iter()
            .map(|generated| encode_png_rgba(&generated.image).expect("encodes"))
            .collect()
    };
    let first = png_bytes(&request);
    let second = png_bytes(&request);
    assert_eq!(first.len(), 3);
    assert_eq!(first, second, "the same seed must give the same bytes");
    assert_ne!(first[0], first[1], "images of one seed differ from each other");

    let other = png_bytes(&GenerateImagesRequest::new(FACES_MODEL, 1, 7));
    assert_ne!(other[0], first[0], "another seed gives another face");

    // Image i of a seed does not depend on how many were asked for.
    let just_two = png_bytes(&GenerateImagesRequest::new(FACES_MODEL, 2, 20261128));
    assert_eq!(just_two[..], first[..2]);
}

#[test]
fn generated_faces_are_images_not_noise() {
    // A crude but real check: neighbouring pixels of a face correlate strongly; white noise does not.
    let engine = Engine::open(common::installed_config());
    let images = engine.generate_images_now(&GenerateImagesRequest::new(FACES_MODEL, 2, 1)).expect("generates");
    for generated in images {
        let image = generated.image;
        assert_eq!(image.dimensions(), (64, 64));
        let (mut same, mut total) = (0u32, 0u32);
        for y in 0..64 {
            for x in 1..64 {
                let a = image.get_pixel(x - 1, y).0;
                let b = image.get_pixel(x, y).0;
                let diff: i32 = (0..3).map(|c| (i32::from(a[c]) - i32::from(b[c])).abs()).sum();
                total += 1;
                if diff < 60 {
                    same += 1;
                }
            }
        }
        assert!(same * 10 > total * 7, "only {same} of {total} neighbouring pixels are alike: looks like noise");
    }
}
