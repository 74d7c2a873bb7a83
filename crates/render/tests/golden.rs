//! Golden images: each scene renders like its committed PNG in `tests/golden/`.
//!
//! Tolerance: every channel within 2/255 for at least 99.9 % of the pixels, and no channel off by
//! more than 16/255 anywhere (room for another llvmpipe/LLVM version's rounding, not for a change
//! in semantics). `UPDATE_GOLDEN=1 cargo test -p postcraft-render --test golden` rewrites them;
//! look at the new PNGs before committing. A failure writes `<name>-actual.png` and
//! `<name>-diff.png` (differences x8) to `target/golden-failures/` (under `CARGO_TARGET_DIR` when
//! set).

mod common;

use std::path::PathBuf;

use postcraft_render::{Overlays, Scene, View};

const WITHIN: u8 = 2;
const SHARE: f64 = 0.999;
const MAX: u8 = 16;

fn check(name: &str, scene: &Scene, view: &View, overlays: Option<&Overlays>) {
    let actual = common::with_compositor(|c| c.render(scene, view, common::W, common::H, overlays))
        .unwrap_or_else(|e| panic!("{name}: render failed: {e}"));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.png"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap_or(&path)).unwrap_or_else(|e| panic!("{e}"));
        actual.save(&path).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        eprintln!("updated {}", path.display());
        return;
    }
    let golden = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display()))
        .to_rgba8();
    let diff = common::diff(&actual, &golden, WITHIN);
    if diff.max > MAX || diff.share_within < SHARE {
        let dir = common::failure_dir();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let actual_path = dir.join(format!("{name}-actual.png"));
        let diff_path = dir.join(format!("{name}-diff.png"));
        actual.save(&actual_path).unwrap_or_else(|e| panic!("{e}"));
        diff.image.save(&diff_path).unwrap_or_else(|e| panic!("{e}"));
        panic!(
            "{name}: differs from its golden image (max channel diff {}/255, {:.3} % of pixels within {WITHIN}/255; \
             allowed max {MAX}, {:.1} %); wrote {} and {}",
            diff.max,
            diff.share_within * 100.0,
            SHARE * 100.0,
            actual_path.display(),
            diff_path.display()
        );
    }
}

#[test]
fn image_rotated_and_cropped() {
    let scene = common::scene_image();
    check("image", &scene, &View::canvas(&scene), None);
}

#[test]
fn shapes_in_each_blend_mode() {
    let scene = common::scene_blend();
    check("blend", &scene, &View::canvas(&scene), None);
}

#[test]
fn filters() {
    let scene = common::scene_filters();
    check("filters", &scene, &View::canvas(&scene), None);
}

#[test]
fn text_latin_cjk_emoji() {
    assert!(
        std::path::Path::new(common::CJK_FONT).exists(),
        "{} is missing: install Debian fonts-droid-fallback (the CJK font the app ships)",
        common::CJK_FONT
    );
    let scene = common::scene_text();
    check("text", &scene, &View::canvas(&scene), None);
}

#[test]
fn carousel_second_slide() {
    let scene = common::scene_carousel();
    check("carousel", &scene, &common::carousel_view(&scene), None);
}

#[test]
fn overlays_on_top() {
    let scene = common::scene_image();
    check("overlays", &scene, &View::canvas(&scene), Some(&common::overlays()));
}
