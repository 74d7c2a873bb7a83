//! The canvas: the open project, edits with undo, import, live preview, checks and export.
//!
//! One project is open at a time (the app's window edits one post). Every mutating call returns
//! the new [`ProjectView`]; the preview is fetched separately by revision and size, so the UI
//! moves pixels through the custom scheme and the rest as small JSON.

pub(crate) mod assets;
mod checks;
mod export;
mod post_audio;
mod renderer;
mod scene;
mod session;
mod video_assets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use image::RgbaImage;
use parking_lot::Mutex;
use postcraft_core::edit::Edit;
use postcraft_core::post::{Layer, LayerContent, LayerId, Post, Recipe, Transform};
use postcraft_core::presets;
use postcraft_core::project_ipc::{
    AddGeneratedRequest, AddLayerRequest, ApplyEditsRequest, CheckLevel, ExportFormat, ExportReport, ExportRequest,
    ImportFailure, ImportMediaRequest, ImportReport, LayerSize, PresetCheck, PresetInfo, ProjectView,
};
use postcraft_core::{ErrorCode, IpcError};
use postcraft_render::{SceneContent, View};

pub use assets::{ASSETS_DIR, AssetCache};
pub use export::{RECIPE_KEY, format_from_path};
pub use postcraft_store::POST_FILE;
pub use renderer::{RenderRequest, RenderService};
use session::ProjectSession;

use crate::Engine;

/// How long the post must be still before it is saved (a drag saves once, at its end).
const AUTOSAVE_DELAY: Duration = Duration::from_millis(400);
/// The largest preview the scheme renders (a 4K display's width).
pub const MAX_PREVIEW_SIDE: u32 = 4096;

/// The canvas state of an engine.
pub struct Studio {
    session: Arc<Mutex<Option<ProjectSession>>>,
    assets: AssetCache,
    renderer: RenderService,
    autosave: Mutex<Option<std::sync::mpsc::Sender<()>>>,
}

impl std::fmt::Debug for Studio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Studio").field("assets", &self.assets).field("renderer", &self.renderer).finish()
    }
}

impl Studio {
    /// A studio whose renderer loads these extra font files (CJK fallback).
    pub fn new(fonts: Vec<PathBuf>) -> Self {
        Self {
            session: Arc::new(Mutex::new(None)),
            assets: AssetCache::default(),
            renderer: RenderService::new(fonts),
            autosave: Mutex::new(None),
        }
    }

    /// The render thread.
    pub fn renderer(&self) -> &RenderService {
        &self.renderer
    }

    /// Asks the autosave thread (started on first use) to save once the post is still.
    fn schedule_save(&self) {
        let mut autosave = self.autosave.lock();
        if autosave.as_ref().is_none_or(|tx| tx.send(()).is_err()) {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let session = Arc::clone(&self.session);
            let spawned = std::thread::Builder::new().name("postcraft-autosave".into()).spawn(move || {
                while rx.recv().is_ok() {
                    // Wait for a quiet moment: every new change restarts the delay.
                    while rx.recv_timeout(AUTOSAVE_DELAY).is_ok() {}
                    if let Some(session) = session.lock().as_mut()
                        && let Err(error) = session.save()
                    {
                        tracing::error!("autosave failed: {error}");
                    }
                }
            });
            match spawned {
                Ok(_) => {
                    let _ = tx.send(());
                    *autosave = Some(tx);
                }
                Err(e) => tracing::error!("could not start autosave: {e}"),
            }
        }
    }
}

fn no_project() -> IpcError {
    IpcError::new(ErrorCode::ProjectInvalid, "no project is open")
}

/// Every canvas preset, platform by platform.
pub fn preset_list() -> Vec<PresetInfo> {
    presets::platforms()
        .iter()
        .flat_map(|platform| {
            platform.presets.iter().map(move |canvas| PresetInfo {
                id: canvas.id.clone(),
                name: canvas.name.clone(),
                platform: platform.id.clone(),
                width: canvas.width,
                height: canvas.height,
            })
        })
        .collect()
}

impl Engine {
    fn with_session<T>(&self, f: impl FnOnce(&mut ProjectSession) -> Result<T, IpcError>) -> Result<T, IpcError> {
        let mut guard = self.studio().session.lock();
        let session = guard.as_mut().ok_or_else(no_project)?;
        f(session)
    }

    /// A mutation of the open project, then its new view; schedules the autosave.
    fn mutate(&self, f: impl FnOnce(&mut ProjectSession) -> Result<(), IpcError>) -> Result<ProjectView, IpcError> {
        let view = {
            let mut guard = self.studio().session.lock();
            let session = guard.as_mut().ok_or_else(no_project)?;
            f(session)?;
            self.view_of(session)?
        };
        self.studio().schedule_save();
        Ok(view)
    }

    /// The open project, if any.
    pub fn project_current(&self) -> Result<Option<ProjectView>, IpcError> {
        let guard = self.studio().session.lock();
        guard.as_ref().map(|session| self.view_of(session)).transpose()
    }

    /// Opens the project in `dir` (saving the one open first).
    pub fn project_open(&self, dir: &Path) -> Result<ProjectView, IpcError> {
        let session = ProjectSession::open(dir)?;
        let view = self.view_of(&session)?;
        let mut guard = self.studio().session.lock();
        if let Some(old) = guard.as_mut() {
            old.save()?;
        }
        *guard = Some(session);
        Ok(view)
    }

    /// Creates a project on `preset` in `dir`, or in a new `Untitled post N` folder of
    /// `projects_dir`, and opens it.
    pub fn project_create(
        &self,
        dir: Option<&Path>,
        projects_dir: &Path,
        preset: &str,
    ) -> Result<ProjectView, IpcError> {
        let dir = match dir {
            Some(dir) => dir.to_path_buf(),
            None => (1..)
                .map(|n| projects_dir.join(format!("Untitled post {n}")))
                .find(|d| !d.exists())
                .ok_or_else(|| IpcError::new(ErrorCode::Internal, "no free project name"))?,
        };
        self.create_project(&dir, preset)?;
        self.project_open(&dir)
    }

    /// Saves the open project now.
    pub fn project_save(&self) -> Result<ProjectView, IpcError> {
        self.with_session(|session| {
            session.save()?;
            self.view_of(session)
        })
    }

    /// Applies edits (see [`ApplyEditsRequest`] for grouping).
    pub fn apply_edits(&self, request: ApplyEditsRequest) -> Result<ProjectView, IpcError> {
        self.mutate(|session| session.apply(request.edits, request.gesture.as_deref()))
    }

    /// Undoes the last step.
    pub fn undo(&self) -> Result<ProjectView, IpcError> {
        self.mutate(|session| {
            session.undo();
            Ok(())
        })
    }

    /// Redoes the last undone step.
    pub fn redo(&self) -> Result<ProjectView, IpcError> {
        self.mutate(|session| {
            session.redo();
            Ok(())
        })
    }

    /// Adds a layer on top, fitted into the first slide (or centred at `at`).
    pub fn add_layer(&self, request: AddLayerRequest) -> Result<ProjectView, IpcError> {
        let name = request.name.unwrap_or_else(|| default_name(&request.content));
        let size = self.natural_size(&request.content, None)?;
        self.mutate(|session| {
            let post = session.post();
            let transform = fit(post, size, request.at)?;
            let index = post.layers.len();
            let id = session.allocate_layer_id();
            let mut layer = Layer::new(id, name, request.content);
            layer.transform = transform;
            session.apply(vec![Edit::AddLayer { index, layer }], None)
        })
    }

    /// Duplicates a layer just above itself, offset a little.
    pub fn duplicate_layer(&self, id: LayerId) -> Result<ProjectView, IpcError> {
        self.mutate(|session| {
            let (index, layer) = session
                .post()
                .layer(id)
                .ok_or_else(|| IpcError::new(ErrorCode::InvalidRequest, format!("no layer {} in the post", id.0)))?;
            let mut copy = layer.clone();
            copy.transform.x += 24.0;
            copy.transform.y += 24.0;
            copy.name = format!("{} copy", layer.name);
            copy.id = session.allocate_layer_id();
            session.apply(vec![Edit::AddLayer { index: index + 1, layer: copy }], None)
        })
    }

    /// Copies files into the project; with `place`, adds each readable one as a layer (one undo
    /// step for all). Unreadable files are reported, the rest go in.
    pub fn import_media(&self, request: ImportMediaRequest) -> Result<ImportReport, IpcError> {
        let dir = self.with_session(|session| Ok(session.dir().to_path_buf()))?;
        let mut imported = Vec::new();
        let mut failed = Vec::new();
        for path in &request.paths {
            match assets::import(&dir, Path::new(path)) {
                Ok((asset, pixels)) => {
                    let size = [pixels.width() as f32, pixels.height() as f32];
                    self.studio().assets.put(&dir.join(&asset), pixels);
                    imported.push((asset, size, path.clone()));
                }
                Err(error) => failed.push(ImportFailure { path: path.clone(), error }),
            }
        }
        let view = self.mutate(|session| {
            session.refresh_media();
            if !request.place || imported.is_empty() {
                return Ok(());
            }
            let mut edits = Vec::new();
            let bottom = session.post().layers.len();
            for (n, (asset, size, source)) in imported.iter().enumerate() {
                let index = bottom + n;
                let offset = 32.0 * n as f32;
                let at = request.at.map(|[x, y]| [x + offset, y + offset]);
                let transform = fit(session.post(), *size, at)?;
                let id = session.allocate_layer_id();
                let name =
                    Path::new(source).file_name().map_or_else(|| asset.clone(), |n| n.to_string_lossy().into_owned());
                let content = if video_assets::is_video(Path::new(asset)) {
                    LayerContent::Video { asset: asset.clone() }
                } else {
                    LayerContent::Image { asset: asset.clone() }
                };
                let mut layer = Layer::new(id, name, content);
                layer.transform = transform;
                edits.push(Edit::AddLayer { index, layer });
            }
            session.apply(edits, None)
        })?;
        Ok(ImportReport { view, imported: imported.into_iter().map(|(asset, _, _)| asset).collect(), failed })
    }

    /// Adds an image of a generation or restyle job to the post, saved into the project: a
    /// generated image with its recipe, a restyled photo as a plain image.
    pub fn add_generated_layer(&self, request: AddGeneratedRequest) -> Result<ProjectView, IpcError> {
        let image = self.media().image(request.job_id, request.index)?;
        // 64 px is a thumbnail on a 1080 px post: small GAN output gets the 8x Catmull-Rom upscale
        // the panel shows (deterministic, so the recipe still makes the same asset).
        let scale = if image.width().max(image.height()) <= 128 { 8 } else { 1 };
        let png = self.media().png(request.job_id, request.index, scale)?;
        let recipe = self.media().recipe(request.job_id, request.index)?;
        let dir = self.with_session(|session| Ok(session.dir().to_path_buf()))?;
        let (content, name) = match recipe {
            Some(recipe) => {
                let stem = format!("{}-seed{}-{}", recipe.model, recipe.seed, recipe.index);
                let asset = assets::store_png(&dir, &stem, &png)?;
                let name = format!("{} {} (seed {})", model_noun(&recipe.model), recipe.index + 1, recipe.seed);
                (LayerContent::Generated { asset, recipe }, name)
            }
            None => {
                let asset = assets::store_png(&dir, &format!("restyled-{}", request.job_id.0), &png)?;
                (LayerContent::Image { asset }, "Restyled photo".to_owned())
            }
        };
        self.studio().session.lock().as_mut().map(ProjectSession::refresh_media);
        self.add_layer(AddLayerRequest { content, name: Some(name), at: None })
    }

    /// Applies edits and renders the preview in one call: the live path of a drag, one round trip
    /// from the pointer to the pixels (the UI refreshes its [`ProjectView`] when the gesture ends).
    /// When the edits all change one layer, the compositor keeps the layers below and above it
    /// cached between frames and redraws only that layer.
    pub fn edit_and_preview(
        &self,
        request: ApplyEditsRequest,
        width: u32,
        height: u32,
        safe_zones: bool,
    ) -> Result<(u64, Arc<RgbaImage>), IpcError> {
        let live = single_layer(&request.edits);
        self.with_session(|session| session.apply(request.edits, request.gesture.as_deref()))?;
        self.studio().schedule_save();
        self.render_preview(width, height, safe_zones, live)
    }

    /// Renders the open project's canvas at `width` x `height` for the live preview. Returns the
    /// revision rendered with the pixels.
    pub fn preview(&self, width: u32, height: u32, safe_zones: bool) -> Result<(u64, Arc<RgbaImage>), IpcError> {
        self.render_preview(width, height, safe_zones, None)
    }

    fn render_preview(
        &self,
        width: u32,
        height: u32,
        safe_zones: bool,
        live: Option<LayerId>,
    ) -> Result<(u64, Arc<RgbaImage>), IpcError> {
        if width == 0 || height == 0 || width > MAX_PREVIEW_SIDE || height > MAX_PREVIEW_SIDE {
            return Err(IpcError::new(
                ErrorCode::InvalidRequest,
                format!("preview size {width}x{height} is outside 1..={MAX_PREVIEW_SIDE}"),
            ));
        }
        let (revision, built, view, overlays) = self.with_session(|session| {
            let built = scene::build(session.post(), session.dir(), &self.studio().assets)?;
            let view = scene::full_view(session.post())?;
            Ok((session.revision(), built, view, scene::overlays(session.post(), safe_zones)?))
        })?;
        let live_layer = live.and_then(|id| built.ids.iter().position(|&i| i == id));
        let frame = self.studio().renderer.render(RenderRequest {
            scene: Arc::new(built.scene),
            view,
            width,
            height,
            overlays: Some(overlays),
            preview: true,
            live_layer,
        })?;
        Ok((revision, frame))
    }

    /// Exports the open project.
    pub fn export_current(&self, request: ExportRequest) -> Result<ExportReport, IpcError> {
        let (dir, post) = self.with_session(|session| Ok((session.dir().to_path_buf(), session.post().clone())))?;
        self.export_post(&dir, &post, &request)
    }

    /// Exports the project saved in `dir` (the CLI's `render`).
    pub fn export_project(&self, dir: &Path, request: &ExportRequest) -> Result<ExportReport, IpcError> {
        let post = postcraft_store::load(dir).map_err(|e| IpcError::new(ErrorCode::ProjectInvalid, e.to_string()))?;
        self.export_post(dir, &post, request)
    }

    fn export_post(&self, dir: &Path, post: &Post, request: &ExportRequest) -> Result<ExportReport, IpcError> {
        let preset_id = request.preset.clone().unwrap_or_else(|| post.preset.clone());
        let (_, target) = presets::preset(&preset_id)
            .ok_or_else(|| IpcError::new(ErrorCode::InvalidRequest, format!("unknown preset `{preset_id}`")))?;
        let out = match &request.out {
            Some(out) => PathBuf::from(out),
            None => dir.join("exports").join(format!("{preset_id}.{}", request.format.extension())),
        };
        let scene::BuiltScene { scene, skipped, .. } = scene::build(post, dir, &self.studio().assets)?;
        if let Some(skip) = skipped.first() {
            tracing::warn!(layer = skip.layer.0, "left out of the export: {}", skip.reason);
        }
        let scene = Arc::new(scene);
        let slides = post.slides.max(1);
        let render_slide = |slide: u32| {
            let view = scene::export_view(post, target, slide)?;
            self.studio().renderer.render(RenderRequest {
                scene: Arc::clone(&scene),
                view,
                width: target.width,
                height: target.height,
                overlays: None,
                preview: false,
                live_layer: None,
            })
        };
        if matches!(request.format, ExportFormat::Wav | ExportFormat::Mp4)
            && let Some(folder) = out.parent().filter(|p| !p.as_os_str().is_empty())
        {
            // The default `exports/` folder may not exist yet (images create it as they write).
            std::fs::create_dir_all(folder)
                .map_err(|e| IpcError::new(ErrorCode::Io, format!("creating {}: {e}", folder.display())))?;
        }
        match request.format {
            ExportFormat::Wav => return post_audio::export_wav(dir, post, &out),
            ExportFormat::Mp4 => {
                return post_audio::export_video(dir, post, &out, slides, target.width, target.height, render_slide);
            }
            ExportFormat::Png | ExportFormat::Jpeg => {}
        }
        let paths = export::slide_paths(&out, slides);
        let model_hash = |id: &str| {
            let registry = self.registry().ok()?;
            registry.manifest().models.iter().find(|m| m.id.as_str() == id).map(|m| m.sha256.clone())
        };
        for (slide, path) in paths.iter().enumerate() {
            let frame = render_slide(slide as u32)?;
            let recipe = export::recipe(post, &preset_id, slide as u32, model_hash);
            let bytes = export::encode(&frame, request.format, &recipe)?;
            export::write_atomic(path, &bytes)?;
        }
        Ok(ExportReport {
            files: paths.iter().map(|p| p.display().to_string()).collect(),
            width: target.width,
            height: target.height,
        })
    }

    /// The preset checks of the project saved in `dir`, for `preset` (default: its own).
    pub fn project_checks(
        &self,
        dir: &Path,
        preset: Option<&str>,
    ) -> Result<Vec<postcraft_core::project_ipc::PresetCheck>, IpcError> {
        let session = ProjectSession::open(dir)?;
        let view = self.view_of(&session)?;
        let sizes = view.layer_sizes.iter().map(|s| (s.id, [s.width, s.height])).collect();
        Ok(checks::run(session.post(), preset.unwrap_or(&session.post().preset), &sizes))
    }

    /// A project asset as PNG, scaled down to fit `max` pixels (media-bin thumbnails).
    pub fn asset_png(&self, relative: &str, max: u32) -> Result<Vec<u8>, IpcError> {
        let dir = self.with_session(|session| Ok(session.dir().to_path_buf()))?;
        let relative_path = Path::new(relative);
        if relative_path.is_absolute()
            || relative_path.components().any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(IpcError::new(ErrorCode::InvalidRequest, "asset paths stay inside the project"));
        }
        let image = self.studio().assets.get(&dir.join(relative_path))?;
        let max = max.clamp(16, 2048);
        let pixels = if image.pixels.width() > max || image.pixels.height() > max {
            image::DynamicImage::ImageRgba8((*image.pixels).clone()).thumbnail(max, max).into_rgba8()
        } else {
            (*image.pixels).clone()
        };
        let mut png = Vec::new();
        pixels
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| IpcError::new(ErrorCode::Internal, format!("encoding a thumbnail: {e}")))?;
        Ok(png)
    }

    fn natural_size(
        &self,
        content: &LayerContent,
        crop: Option<postcraft_core::post::Crop>,
    ) -> Result<[f32; 2], IpcError> {
        let crop_scale = |[w, h]: [f32; 2]| match crop {
            Some(c) => [w * c.width, h * c.height],
            None => [w, h],
        };
        match content {
            LayerContent::Image { asset } | LayerContent::Generated { asset, .. } | LayerContent::Video { asset } => {
                let dir = self.with_session(|session| Ok(session.dir().to_path_buf()))?;
                let (w, h) = assets::dimensions(&dir.join(asset))?;
                Ok(crop_scale([w as f32, h as f32]))
            }
            LayerContent::Shape { width, height, .. } => Ok([*width, *height]),
            LayerContent::Text { text, font_size, color, wrap_width } => {
                let content = SceneContent::Text {
                    text: text.clone(),
                    font_size: *font_size,
                    color: *color,
                    wrap_width: *wrap_width,
                };
                Ok(self.studio().renderer.measure(vec![(content, None)])?.first().copied().unwrap_or([1.0, 1.0]))
            }
        }
    }

    /// The view of a session: the post, history, canvas, sizes, media and checks.
    fn view_of(&self, session: &ProjectSession) -> Result<ProjectView, IpcError> {
        let post = session.post();
        let mut sizes = HashMap::new();
        let mut texts = Vec::new();
        let mut media_problems = Vec::new();
        for layer in &post.layers {
            match &layer.content {
                LayerContent::Text { text, font_size, color, wrap_width } => texts.push((
                    layer.id,
                    SceneContent::Text {
                        text: text.clone(),
                        font_size: *font_size,
                        color: *color,
                        wrap_width: *wrap_width,
                    },
                )),
                LayerContent::Shape { width, height, .. } => {
                    sizes.insert(layer.id, [*width, *height]);
                }
                LayerContent::Image { asset }
                | LayerContent::Generated { asset, .. }
                | LayerContent::Video { asset } => {
                    if matches!(layer.content, LayerContent::Video { .. }) {
                        media_problems.push(PresetCheck {
                            id: "video".into(),
                            level: CheckLevel::Warning,
                            message: format!(
                                "“{}” ({asset}) is a video: the canvas and still exports show its first frame",
                                layer.name
                            ),
                            layer: Some(layer.id),
                        });
                    }
                    match assets::dimensions(&session.dir().join(asset)) {
                        Ok((w, h)) => {
                            let (cw, ch) = layer.crop.map_or((1.0, 1.0), |c| (c.width, c.height));
                            sizes.insert(layer.id, [w as f32 * cw, h as f32 * ch]);
                        }
                        Err(error) => media_problems.push(PresetCheck {
                            id: "media-missing".into(),
                            level: CheckLevel::Error,
                            message: format!("“{}” is left out: {}", layer.name, error.message),
                            layer: Some(layer.id),
                        }),
                    }
                }
            }
        }
        if !texts.is_empty() {
            let measured = self.studio().renderer.measure(texts.iter().map(|(_, c)| (c.clone(), None)).collect());
            match measured {
                Ok(measured) => sizes.extend(texts.iter().map(|(id, _)| *id).zip(measured)),
                Err(error) => {
                    // Without a renderer there are no fonts: estimate so the UI can still select.
                    tracing::warn!("measuring text: {error}");
                    for (id, content) in &texts {
                        if let SceneContent::Text { text, font_size, .. } = content {
                            let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(1) as f32;
                            let lines = text.lines().count().max(1) as f32;
                            sizes.insert(*id, [longest * font_size * 0.55, lines * font_size * 1.2]);
                        }
                    }
                }
            }
        }
        let (can_undo, can_redo) = session.history();
        let mut checks = checks::run(post, &post.preset, &sizes);
        checks.extend(media_problems);
        let layer_sizes = post
            .layers
            .iter()
            .filter_map(|l| sizes.get(&l.id).map(|[w, h]| LayerSize { id: l.id, width: *w, height: *h }))
            .collect();
        Ok(ProjectView {
            dir: session.dir().display().to_string(),
            post: post.clone(),
            revision: session.revision(),
            can_undo,
            can_redo,
            canvas: scene::canvas_info(post)?,
            layer_sizes,
            media: session.media().to_vec(),
            checks,
        })
    }
}

/// The layer a request changes, when all its edits change the same one layer's properties (a drag,
/// a slider): the compositor can then keep the others cached.
fn single_layer(edits: &[Edit]) -> Option<LayerId> {
    let mut ids = edits.iter().map(|edit| match edit {
        Edit::SetTransform { id, .. }
        | Edit::SetCrop { id, .. }
        | Edit::SetOpacity { id, .. }
        | Edit::SetFilters { id, .. }
        | Edit::SetBlend { id, .. }
        | Edit::SetContent { id, .. } => Some(*id),
        _ => None,
    });
    let first = ids.next()??;
    ids.all(|id| id == Some(first)).then_some(first)
}

fn default_name(content: &LayerContent) -> String {
    match content {
        LayerContent::Image { asset } | LayerContent::Video { asset } => {
            Path::new(asset).file_name().map_or_else(|| asset.clone(), |n| n.to_string_lossy().into_owned())
        }
        LayerContent::Generated { recipe: Recipe { model, seed, .. }, .. } => format!("{model} (seed {seed})"),
        LayerContent::Text { text, .. } => {
            let first: String = text.lines().next().unwrap_or("").chars().take(24).collect();
            if first.trim().is_empty() { "Text".to_owned() } else { first }
        }
        LayerContent::Shape { shape, .. } => format!("{shape:?}"),
    }
}

/// A placement for a new layer of natural `size`: centred on `at` (or the first slide), scaled
/// down to fit inside one slide, never up.
fn fit(post: &Post, [w, h]: [f32; 2], at: Option<[f32; 2]>) -> Result<Transform, IpcError> {
    let canvas = scene::canvas_preset(post)?;
    let (sw, sh) = (canvas.width as f32, canvas.height as f32);
    let scale = (sw / w.max(1.0)).min(sh / h.max(1.0)).min(1.0);
    let [x, y] = at.unwrap_or([sw / 2.0, sh / 2.0]);
    Ok(Transform { x, y, scale_x: scale, scale_y: scale, rotation_deg: 0.0 })
}

/// A preview frame's view of the whole canvas (for tests and benchmarks).
pub fn canvas_view(post: &Post) -> Result<View, IpcError> {
    scene::full_view(post)
}

/// What a generator's images are called in layer names.
fn model_noun(model: &str) -> &'static str {
    match model {
        crate::FACES_MODEL => "Face",
        crate::STICKERS_MODEL => "Sticker",
        _ => "Image",
    }
}
