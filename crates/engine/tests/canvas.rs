//! The canvas through the engine facade, as the app drives it: create, import, edit, undo, preview,
//! export. Rendering runs on the real compositor (Mesa's CPU rasterizer where there is no GPU).

use std::path::Path;

use image::{Rgba, RgbaImage};
use postcraft_core::edit::Edit;
use postcraft_core::post::{LayerContent, Transform};
use postcraft_core::project_ipc::{
    AddLayerRequest, ApplyEditsRequest, CheckLevel, ExportFormat, ExportRequest, ImportMediaRequest,
};
use postcraft_engine::{Engine, EngineConfig, ErrorCode};

fn engine() -> Engine {
    Engine::open(EngineConfig::from_env())
}

/// A 400x300 test photo: red left half, blue right half.
fn write_photo(path: &Path) {
    RgbaImage::from_fn(400, 300, |x, _| if x < 200 { Rgba([220, 30, 30, 255]) } else { Rgba([30, 30, 220, 255]) })
        .save(path)
        .expect("save photo");
}

fn layer_asset(layer: &postcraft_core::post::Layer) -> String {
    match &layer.content {
        LayerContent::Image { asset } | LayerContent::Generated { asset, .. } => asset.clone(),
        other => panic!("not an image layer: {other:?}"),
    }
}

fn import(engine: &Engine, files: &[&Path]) -> postcraft_core::project_ipc::ImportReport {
    let paths = files.iter().map(|p| p.display().to_string()).collect();
    engine.import_media(ImportMediaRequest { paths, place: true, at: None }).expect("import")
}

#[test]
fn import_move_undo_and_export_round_trip() {
    let dir = tempfile::tempdir().expect("temp dir");
    let photo = dir.path().join("photo.png");
    write_photo(&photo);
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not an image").expect("write");
    let engine = engine();
    let project = dir.path().join("post");
    let view = engine.project_create(Some(&project), dir.path(), "instagram-square").expect("create");
    assert_eq!((view.canvas.slide_width, view.canvas.height), (1080, 1080));

    // One good file, one bad: the bad one is reported, the good one goes in.
    let report = import(&engine, &[&photo, &notes]);
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].error.code, ErrorCode::MediaInvalid);
    assert!(report.failed[0].error.message.contains("notes.txt"), "{}", report.failed[0].error.message);
    let layer = report.view.post.layers[0].clone();
    assert_eq!(report.view.layer_sizes[0].width, 400.0);
    assert_eq!(report.view.media.len(), 1);
    assert!(project.join(&report.imported[0]).is_file(), "copied into the project");

    // A drag in three steps is one undo step.
    for x in [600.0, 700.0, 800.0] {
        let transform = Transform { x, ..layer.transform };
        engine
            .apply_edits(ApplyEditsRequest {
                edits: vec![Edit::SetTransform { id: layer.id, transform }],
                gesture: Some("drag-1".into()),
            })
            .expect("drag step");
    }
    let moved = engine.project_current().expect("view").expect("open");
    assert_eq!(moved.post.layers[0].transform.x, 800.0);
    let undone = engine.undo().expect("undo");
    assert_eq!(undone.post.layers[0].transform, layer.transform, "the whole drag undoes at once");
    assert!(undone.can_redo);
    let redone = engine.redo().expect("redo");
    assert_eq!(redone.post.layers[0].transform.x, 800.0);

    // Export twice: same bytes; the pixels show the photo where it was moved.
    let out = dir.path().join("a.png");
    let request =
        |out: &Path| ExportRequest { preset: None, format: ExportFormat::Png, out: Some(out.display().to_string()) };
    let report = engine.export_current(request(&out)).expect("export");
    assert_eq!((report.width, report.height), (1080, 1080));
    let again = dir.path().join("b.png");
    engine.export_current(request(&again)).expect("export again");
    let bytes = std::fs::read(&out).expect("read");
    assert_eq!(bytes, std::fs::read(&again).expect("read"), "the same project gives the same bytes");
    let image = image::load_from_memory(&bytes).expect("decode").into_rgba8();
    // The photo (400x300 at scale 1) is centred at (800, 540): red at x 650, blue at x 950.
    let red = image.get_pixel(650, 540).0;
    let blue = image.get_pixel(950, 540).0;
    let white = image.get_pixel(300, 540).0;
    assert!(red[0] > 200 && red[2] < 60, "{red:?}");
    assert!(blue[2] > 200 && blue[0] < 60, "{blue:?}");
    assert_eq!(white, [255, 255, 255, 255], "the background where the photo no longer is");

    // The saved project reopens with the same post.
    let saved = engine.project_save().expect("save");
    let reopened = engine.project_open(&project).expect("reopen");
    assert_eq!(reopened.post, saved.post);

    // A media file deleted behind the studio's back: the layer stays, the checks say why it is
    // not drawn, and export still works without it.
    std::fs::remove_file(project.join(layer_asset(&reopened.post.layers[0]))).expect("delete asset");
    let view = engine.project_open(&project).expect("reopen without the file");
    let missing = view.checks.iter().find(|c| c.id == "media-missing").expect("a media-missing check");
    assert_eq!(missing.level, CheckLevel::Error);
    assert!(missing.message.contains("photo.png"), "{}", missing.message);
    engine.export_current(request(&dir.path().join("c.png"))).expect("export without the missing photo");
}

#[test]
fn a_carousel_exports_numbered_slides_and_jpeg_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine();
    let project = dir.path().join("carousel");
    let view = engine.project_create(Some(&project), dir.path(), "instagram-square").expect("create");
    engine
        .apply_edits(ApplyEditsRequest { edits: vec![Edit::SetSlides { slides: 3 }], gesture: None })
        .expect("slides");
    // A wide bar across all three slides.
    let content = LayerContent::Shape {
        shape: postcraft_core::post::ShapeKind::Rectangle,
        fill: [0, 160, 0, 255],
        width: 3000.0,
        height: 200.0,
    };
    let added = engine.add_layer(AddLayerRequest { content, name: None, at: Some([1620.0, 540.0]) }).expect("add bar");
    let bar = &added.post.layers[0];
    assert!(bar.transform.scale_x < 0.5, "a new layer is fitted into one slide");
    // Stretch it across the whole carousel.
    let transform = Transform { scale_x: 1.0, scale_y: 1.0, ..bar.transform };
    engine
        .apply_edits(ApplyEditsRequest { edits: vec![Edit::SetTransform { id: bar.id, transform }], gesture: None })
        .expect("stretch");
    let current = engine.project_current().expect("view").expect("open");
    assert_eq!(current.canvas.slides, 3);
    assert_eq!(view.canvas.slide_width, 1080);
    let out = dir.path().join("out").join("post.jpg");
    let request = ExportRequest { preset: None, format: ExportFormat::Jpeg, out: Some(out.display().to_string()) };
    let report = engine.export_current(request).expect("export");
    assert_eq!(report.files.len(), 3);
    for file in &report.files {
        assert!(file.ends_with(".jpg"));
        let image = image::open(file).expect("jpeg").into_rgb8();
        assert_eq!(image.dimensions(), (1080, 1080));
        let p = image.get_pixel(540, 540).0;
        assert!(p[1] > 130 && p[0] < 40, "the bar crosses every slide: {p:?} in {file}");
    }
    assert!(report.files[2].ends_with("post-3.jpg"));
    let again = dir.path().join("again").join("post.jpg");
    let request = ExportRequest { preset: None, format: ExportFormat::Jpeg, out: Some(again.display().to_string()) };
    let second = engine.export_current(request).expect("export again");
    for (a, b) in report.files.iter().zip(&second.files) {
        assert_eq!(std::fs::read(a).expect("read"), std::fs::read(b).expect("read"), "JPEG export is byte-identical");
    }
}

#[test]
fn preview_is_rendered_at_the_asked_size_and_bad_sizes_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine();
    assert_eq!(engine.preview(10, 10, false).expect_err("no project").code, ErrorCode::ProjectInvalid);
    engine.project_create(Some(&dir.path().join("p")), dir.path(), "instagram-story").expect("create");
    let (revision, frame) = engine.preview(270, 480, true).expect("preview");
    assert_eq!(frame.dimensions(), (270, 480));
    assert!(revision >= 1);
    // The story's top 14% is shaded by the safe-zone overlay; the middle is the white canvas.
    assert!(frame.get_pixel(135, 20).0[0] < 250, "shaded top: {:?}", frame.get_pixel(135, 20));
    assert_eq!(frame.get_pixel(135, 240).0, [255, 255, 255, 255]);
    // No overlays to draw and an empty text layer: still a frame (egui draws nothing).
    let empty = LayerContent::Text { text: String::new(), font_size: 40.0, color: [0, 0, 0, 255], wrap_width: None };
    engine.add_layer(AddLayerRequest { content: empty, name: None, at: None }).expect("empty text");
    let (_, plain) = engine.preview(90, 160, false).expect("preview without overlays");
    assert_eq!(plain.get_pixel(45, 5).0, [255, 255, 255, 255]);
    assert_eq!(engine.preview(0, 10, false).expect_err("zero").code, ErrorCode::InvalidRequest);
    assert_eq!(engine.preview(100_000, 10, false).expect_err("huge").code, ErrorCode::InvalidRequest);
}

#[test]
fn checks_follow_the_post() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine();
    let view = engine.project_create(Some(&dir.path().join("p")), dir.path(), "x-portrait").expect("create");
    let level = |view: &postcraft_core::project_ipc::ProjectView, id: &str| {
        view.checks.iter().find(|c| c.id == id).map(|c| c.level)
    };
    assert_eq!(level(&view, "media-count"), Some(CheckLevel::Ok));
    let view = engine
        .apply_edits(ApplyEditsRequest { edits: vec![Edit::SetSlides { slides: 5 }], gesture: None })
        .expect("slides");
    assert_eq!(level(&view, "media-count"), Some(CheckLevel::Error), "X takes 4 images");
}

#[test]
fn a_text_layer_is_measured_by_the_compositor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine();
    engine.project_create(Some(&dir.path().join("p")), dir.path(), "instagram-square").expect("create");
    let short = LayerContent::Text { text: "Hi".into(), font_size: 80.0, color: [0, 0, 0, 255], wrap_width: None };
    let long = LayerContent::Text {
        text: "Hello there, summer 夏".into(),
        font_size: 80.0,
        color: [0, 0, 0, 255],
        wrap_width: None,
    };
    engine.add_layer(AddLayerRequest { content: short, name: None, at: None }).expect("add");
    let view = engine.add_layer(AddLayerRequest { content: long, name: None, at: None }).expect("add");
    let (a, b) = (view.layer_sizes[0], view.layer_sizes[1]);
    assert!(a.height > 60.0 && a.height < 140.0, "{a:?}");
    assert!(b.width > a.width * 4.0, "{a:?} {b:?}");
}

#[test]
fn a_generated_face_carries_its_recipe_into_the_export() {
    use postcraft_core::project_ipc::AddGeneratedRequest;
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = std::sync::Arc::new(engine());
    engine.project_create(Some(&dir.path().join("p")), dir.path(), "instagram-square").expect("create");
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let sink: postcraft_engine::EventSink = std::sync::Arc::new(move |event| {
        if let Ok(tx) = tx.lock() {
            tx.send(event).ok();
        }
    });
    let job = engine
        .generate_images(postcraft_engine::GenerateImagesRequest::new(postcraft_engine::FACES_MODEL, 2, 77), sink)
        .expect("the face model is installed by set-up");
    loop {
        let event = rx.recv_timeout(std::time::Duration::from_secs(120)).expect("events");
        if matches!(event, postcraft_engine::JobEvent::Finished { .. }) {
            break;
        }
    }
    let view = engine.add_generated_layer(AddGeneratedRequest { job_id: job, index: 1 }).expect("add face");
    let layer = &view.post.layers[0];
    let LayerContent::Generated { recipe, asset } = &layer.content else { panic!("a generated layer: {layer:?}") };
    assert_eq!((recipe.seed, recipe.index, recipe.model.as_str()), (77, 1, "dcgan-faces"));
    assert!(Path::new(&view.dir).join(asset).is_file());
    assert!(view.checks.iter().any(|c| c.id == "ai-label" && c.level == CheckLevel::Warning));

    let out = dir.path().join("face.png");
    let request = ExportRequest { preset: None, format: ExportFormat::Png, out: Some(out.display().to_string()) };
    engine.export_current(request).expect("export");
    let bytes = std::fs::read(&out).expect("read");
    let reader = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().expect("png");
    let chunk = reader
        .info()
        .utf8_text
        .iter()
        .find(|t| t.keyword == postcraft_engine::studio::RECIPE_KEY)
        .expect("the recipe chunk");
    let recipe: serde_json::Value = serde_json::from_str(&chunk.get_text().expect("text")).expect("json");
    assert_eq!(recipe["generated"][0]["seed"], 77);
    assert_eq!(recipe["generated"][0]["index"], 1);
    assert_eq!(recipe["generated"][0]["model"], "dcgan-faces");
    assert_eq!(recipe["generated"][0]["model_sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn edit_and_preview_applies_the_gesture_and_renders_it_in_one_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = engine();
    engine.project_create(Some(&dir.path().join("p")), dir.path(), "instagram-square").expect("create");
    let content = LayerContent::Shape {
        shape: postcraft_core::post::ShapeKind::Ellipse,
        fill: [0, 0, 0, 255],
        width: 200.0,
        height: 200.0,
    };
    let view = engine.add_layer(AddLayerRequest { content, name: None, at: Some([200.0, 540.0]) }).expect("add");
    let layer = view.post.layers[0].clone();
    let mut last = 0;
    for x in [400.0, 600.0, 880.0] {
        let request = ApplyEditsRequest {
            edits: vec![Edit::SetTransform { id: layer.id, transform: Transform { x, ..layer.transform } }],
            gesture: Some("drag-7".into()),
        };
        let (revision, frame) = engine.edit_and_preview(request, 108, 108, false).expect("edit and preview");
        assert!(revision > last, "each call renders its own edits");
        last = revision;
        // The dot follows: black at its centre in the 10x smaller frame.
        assert_eq!(frame.get_pixel((x / 10.0) as u32, 54).0, [0, 0, 0, 255], "at x {x}");
    }
    let undone = engine.undo().expect("undo");
    assert_eq!(undone.post.layers[0].transform.x, 200.0, "the drag is one undo step");
    let bad = ApplyEditsRequest { edits: vec![Edit::SetOpacity { id: layer.id, opacity: 7.0 }], gesture: None };
    assert_eq!(engine.edit_and_preview(bad, 10, 10, false).expect_err("refused").code, ErrorCode::InvalidRequest);
}
