//! The wgpu compositor. See the crate docs for the pipeline; comments here say why each piece is
//! the way it is.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::{Arc, Mutex, PoisonError};

use egui::epaint::text::Fonts;
use egui::epaint::{ClippedPrimitive, Mesh, Primitive, Rect, TextureId, pos2};
use egui_wgpu::ScreenDescriptor;

use crate::fonts::FontSet;
use crate::math::{self, PixelRect};
use crate::plan::{self, Content, FramePlan, LayerPlan, Regions};
use crate::scene::{BlendMode, Crop, Overlays, Scene, SceneContent, SourceImage, View};
use crate::{AdapterSummary, RenderError};
use crate::{live, text};

const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;
/// One layer's uniforms: 16 vec4 (see `shaders/common.wgsl`), exactly one 256-byte slot.
const LAYER_SLOT: u64 = 256;
/// Blur uniforms: 2 vec4 + 256 taps, rounded up to the 256-byte offset alignment.
const BLUR_SIZE: u64 = 32 + 256 * 16;
const BLUR_SLOT: u64 = BLUR_SIZE.div_ceil(256) * 256;
const MAX_PAIRS: usize = 256;
/// Images not used for this many renders are dropped from the cache.
const IMAGE_TTL: u64 = 3;
/// Above this many bytes of cached images, the least recently used go first.
const IMAGE_CACHE_BYTES: u64 = 768 << 20;
/// The font atlas's texture id (epaint's managed texture 0).
const FONT_TEXTURE: TextureId = TextureId::Managed(0);

/// How often [`Compositor::render_live`] found what it keeps (counts since the compositor was made).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveCacheStats {
    /// Frames that started from the cached composite below the live layer.
    pub below_hits: u64,
    /// Frames that drew the layers below (and kept the result).
    pub below_misses: u64,
    /// Frames that laid the cached group of the layers above over the live layer.
    pub above_hits: u64,
    /// Frames that drew the group of the layers above (and kept it).
    pub above_misses: u64,
    /// Frames that drew some layers above one by one: those up to the topmost visible layer
    /// with a blend mode other than normal.
    pub above_uncached: u64,
}

/// Composites scenes on the GPU (or Mesa's llvmpipe) and reads the result back.
///
/// Owns the device, pipelines, an image texture cache (by [`SourceImage::key`]) and render targets
/// reused between calls of the same output size. `Send`: keep it on one render thread.
pub struct Compositor {
    adapter: AdapterSummary,
    device: wgpu::Device,
    queue: wgpu::Queue,
    max_dimension: u32,
    max_buffer: u64,
    /// Set by the device-lost callback.
    lost: Arc<Mutex<Option<String>>>,
    /// Errors nobody scoped (wgpu's default handler would panic).
    uncaptured: Arc<Mutex<Option<String>>>,
    fonts: FontSet,
    text: Fonts,
    atlas_side: usize,
    egui: egui_wgpu::Renderer,
    pipes: Pipelines,
    images: HashMap<String, CachedImage>,
    targets: Option<Targets>,
    /// What `render_live` keeps between calls.
    live: Option<LiveCache>,
    live_stats: LiveCacheStats,
    layer_uniforms: GrowBuffer,
    blur_uniforms: GrowBuffer,
    /// Scratch for uniform bytes, kept to avoid allocating per frame.
    layer_bytes: Vec<u8>,
    blur_bytes: Vec<u8>,
    frame: u64,
}

impl fmt::Debug for Compositor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compositor")
            .field("adapter", &self.adapter)
            .field("max_dimension", &self.max_dimension)
            .field("cached_images", &self.images.len())
            .field("live_cache", &self.live.as_ref().map(|l| l.size))
            .field("fonts", &self.fonts)
            .finish_non_exhaustive()
    }
}

struct Pipelines {
    layer_layout: wgpu::BindGroupLayout,
    blur_layout: wgpu::BindGroupLayout,
    texture_layout: wgpu::BindGroupLayout,
    /// Trilinear, clamped: images.
    image_sampler: wgpu::Sampler,
    /// Bilinear, clamped: blur taps.
    linear_sampler: wgpu::Sampler,
    shape: wgpu::RenderPipeline,
    image: wgpu::RenderPipeline,
    /// Images at mip level 0, sampled from the level-0 view.
    image_base: wgpu::RenderPipeline,
    /// Composites that compute an unblurred image's or shape's colour themselves.
    composite_image: wgpu::RenderPipeline,
    composite_shape: wgpu::RenderPipeline,
    /// Blur and composite pipelines by number of tap pairs (a pipeline constant), made on first
    /// use.
    per_pairs: HashMap<(PerPairs, u32), wgpu::RenderPipeline>,
    blur_module: wgpu::ShaderModule,
    blur_layout_pipeline: wgpu::PipelineLayout,
    composite_module: wgpu::ShaderModule,
    composite_layout: wgpu::PipelineLayout,
    /// `render_live`'s group of the layers above the live one, laid source-over onto the
    /// accumulator.
    group_over: wgpu::RenderPipeline,
    /// Bound where a pipeline's texture slot is unused (shapes).
    dummy: wgpu::BindGroup,
}

struct CachedImage {
    /// The whole mip chain with the trilinear sampler.
    bind_group: wgpu::BindGroup,
    /// Level 0 alone with the bilinear sampler: the same result at lod 0, and llvmpipe samples
    /// it about 40 % faster than a mipmapped view (no per-pixel level selection).
    base_bind_group: wgpu::BindGroup,
    /// Uploaded texels per source px (< 1 when a huge source was reduced to fit the device).
    texels_per_px: f32,
    mip_levels: u32,
    bytes: u64,
    last_used: u64,
}

struct Target {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    bind_group: wgpu::BindGroup,
}

/// Render targets of one output size. The backdrop copy and the padded layer targets are made
/// only once a frame needs them (a scene of plain normal layers uses the accumulator alone), so
/// large outputs cost no more memory than they must.
struct Targets {
    size: [u32; 2],
    /// Padding of the layer targets (0 without them).
    pad: i32,
    accum: Target,
    backdrop: Option<Target>,
    layer: Option<[Target; 2]>,
    readback: wgpu::Buffer,
    row_bytes: u32,
}

/// `render_live`'s cache: the composite below the live layer and the group of the layers above
/// it, for one output size (a `render_live` of another size drops them). `render` leaves it
/// alone; a device error drops it.
struct LiveCache {
    size: [u32; 2],
    below: Option<CachedTarget>,
    above: Option<CachedTarget>,
}

/// An output-sized texture holding what the key describes (`None`: nothing valid yet).
struct CachedTarget {
    key: Option<u64>,
    target: Target,
    /// Output pixels the content may cover (`None`: none).
    bounds: Option<PixelRect>,
}

/// How a `render_live` frame splits its layers.
#[derive(Debug, Clone, Copy)]
struct LiveSplit {
    /// Index of the live layer in `Scene::layers`.
    live: usize,
    below_key: u64,
    /// The cache holds the composite below the live layer.
    below_hit: bool,
    /// Index of the first layer of the cached group above: the layers above the live one and
    /// below this one are drawn one by one onto the accumulator.
    group_start: usize,
    /// The group (layers `[group_start, end)`): its key and whether the cache holds it. `None`:
    /// no layer there.
    above: Option<(u64, bool)>,
}

impl LiveSplit {
    /// Whether the layer at `index` is drawn this frame (rather than taken from the cache).
    fn draws(&self, index: usize) -> bool {
        match index.cmp(&self.live) {
            std::cmp::Ordering::Less => !self.below_hit,
            std::cmp::Ordering::Equal => true,
            std::cmp::Ordering::Greater => index < self.group_start || !matches!(self.above, Some((_, true))),
        }
    }
}

/// A composited layer's blur uniforms: the horizontal pass (offset, pairs) if blurred, and the
/// vertical pass inside the composite.
type BlurSlot = Option<(Option<(u32, u32)>, (u32, u32))>;

/// A uniform buffer bound with a dynamic offset, grown (and re-bound) when a frame needs more.
struct GrowBuffer {
    buffer: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    capacity: u64,
    /// Size of one binding (one slot's struct).
    binding: u64,
}

/// One layer's uniform slot (mirrors `struct Layer` in `shaders/common.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct LayerUniform {
    fwd: [[f32; 4]; 2],
    inv: [[f32; 4]; 2],
    target_size: [f32; 4],
    quad: [f32; 4],
    size: [f32; 4],
    color: [f32; 4],
    uv: [f32; 4],
    uv_clamp: [f32; 4],
    params: [f32; 4],
    filt0: [f32; 4],
    filt1: [f32; 4],
    spare: [[f32; 4]; 3],
}

/// Blur uniforms (mirrors `struct Blur` in `shaders/blur.wgsl`), without the taps array tail.
#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct BlurHeader {
    step: [f32; 4],
    texel: [f32; 4],
}

impl Compositor {
    /// Opens a device on the adapter [`crate::probe_adapter`] would pick (a GPU if there is one,
    /// else Mesa llvmpipe; `WGPU_BACKEND`, `WGPU_ADAPTER_NAME` and `WGPU_POWER_PREF` are honoured)
    /// and builds the pipelines. Takes 100-300 ms: do it once, on the render thread.
    pub fn new(fonts: FontSet) -> Result<Compositor, RenderError> {
        let adapter = crate::request_adapter()?;
        let summary = crate::summarize(&adapter.get_info());
        // Ask for everything the adapter offers: the output size limit is its texture limit.
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("postcraft-compositor"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            ..Default::default()
        }))
        .map_err(|e| RenderError::Device(e.to_string()))?;
        let lost = Arc::new(Mutex::new(None));
        let lost_flag = Arc::clone(&lost);
        device.set_device_lost_callback(move |reason, message| {
            *lost_flag.lock().unwrap_or_else(PoisonError::into_inner) = Some(format!("{reason:?}: {message}"));
        });
        let uncaptured = Arc::new(Mutex::new(None));
        let uncaptured_slot = Arc::clone(&uncaptured);
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            let mut slot = uncaptured_slot.lock().unwrap_or_else(PoisonError::into_inner);
            slot.get_or_insert_with(|| error.to_string());
        }));
        let max_dimension = limits.max_texture_dimension_2d;
        let atlas_side = (max_dimension as usize).clamp(2048, 8192);
        let pipes = Pipelines::new(&device);
        let egui = egui_wgpu::Renderer::new(&device, FORMAT, egui_wgpu::RendererOptions::PREDICTABLE);
        let layer_uniforms =
            GrowBuffer::new(&device, &pipes.layer_layout, "layer uniforms", LAYER_SLOT, LAYER_SLOT * 16);
        let blur_uniforms = GrowBuffer::new(&device, &pipes.blur_layout, "blur uniforms", BLUR_SIZE, BLUR_SLOT * 4);
        let text = fonts.new_fonts(atlas_side);
        Ok(Compositor {
            adapter: summary,
            device,
            queue,
            max_dimension,
            max_buffer: limits.max_buffer_size,
            lost,
            uncaptured,
            fonts,
            text,
            atlas_side,
            egui,
            pipes,
            images: HashMap::new(),
            targets: None,
            live: None,
            live_stats: LiveCacheStats::default(),
            layer_uniforms,
            blur_uniforms,
            layer_bytes: Vec::new(),
            blur_bytes: Vec::new(),
            frame: 0,
        })
    }

    /// The adapter in use.
    pub fn adapter(&self) -> &AdapterSummary {
        &self.adapter
    }

    /// The fonts text is laid out with.
    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    /// The largest output width or height this device renders.
    pub fn max_dimension(&self) -> u32 {
        self.max_dimension
    }

    /// Natural size (before the transform) of a content in canvas px: an image's source px after
    /// crop; text's laid-out size (lines and wrap); a shape's width x height.
    pub fn measure(&mut self, content: &SceneContent, crop: Option<&Crop>) -> [f32; 2] {
        plan::natural_size(&mut self.text, content, crop)
    }

    /// Renders `view` of `scene` into an `out_width` x `out_height` straight-alpha sRGB image.
    ///
    /// Deterministic: the same inputs on the same adapter give the same bytes. Errors (never
    /// panics) on a zero or too large output ([`RenderError::TooLarge`]), an empty view, and a
    /// lost device.
    pub fn render(
        &mut self,
        scene: &Scene,
        view: &View,
        out_width: u32,
        out_height: u32,
        overlays: Option<&Overlays>,
    ) -> Result<image::RgbaImage, RenderError> {
        self.render_checked(scene, view, out_width, out_height, overlays, None)
    }

    /// Renders like [`Compositor::render`] while layer `live_layer` (an index into
    /// `scene.layers`) is the one changing from call to call (a layer being dragged, scaled or
    /// edited): what lies below and above it is kept between calls.
    ///
    /// - **Below**: the background and layers `[0, live_layer)`, composited exactly as `render`
    ///   does, are kept in a texture under a hash of everything they depend on (background,
    ///   canvas size, those layers' content keys, text, shape parameters, transforms, crops,
    ///   opacity, blend modes, filters, the view and the output size). When the key matches, the
    ///   frame starts from a copy of it: those pixels are the same bytes `render` makes.
    /// - **The live layer** is drawn as usual, with its blend mode and filters.
    /// - **Above**: the layers above the topmost visible layer whose blend mode is not
    ///   `BlendMode::Normal` (all layers above the live one when there is none; filters are
    ///   fine: they apply to each layer's own pixels) are composited as a premultiplied group
    ///   onto a transparent texture, kept under a key like the one below, and the group is laid
    ///   over the accumulator source-over. Layers between the live one and the group (up to that
    ///   multiply, screen or overlay layer, whose result depends on what is below it) are drawn
    ///   one by one each call: correct, just not cached.
    /// - Overlays are drawn last, as usual.
    ///
    /// Source-over is associative, so the grouped layers give `render`'s result up to 8-bit
    /// rounding: the group is rounded to 8 bits after each of its layers and once more where it
    /// lands, instead of the accumulator after each layer. Tolerance (tested on scenes with
    /// blurred images, text, translucent shapes and a multiply layer below and above the live
    /// one): every channel within 2/255 of `render` on at least 99.9 % of the pixels and never
    /// more than 8/255; seen: at most 1/255. Where the output itself is translucent (a
    /// transparent background), straight colours magnify the difference by 1/alpha (seen: 7/255
    /// at alpha about 0.1); premultiplied, it stays within 1/255.
    ///
    /// A call that hits both caches costs a texture copy, the live layer, one blend of the
    /// group's footprint and the readback.
    ///
    /// Memory: one output-sized texture for below and one for above, for the output size of
    /// the last `render_live` (another size drops and remakes them); on a key change they are
    /// redrawn in place. `render` neither uses nor drops them; [`Compositor::clear_live_cache`]
    /// frees them (at the end of a drag, say). Images of cached layers stay in the image cache
    /// while the live frames go on, so a `render` after the drag uploads nothing.
    ///
    /// Errors like `render`, and with [`RenderError::InvalidRequest`] when `live_layer` is not
    /// an index into `scene.layers`.
    pub fn render_live(
        &mut self,
        scene: &Scene,
        view: &View,
        out_width: u32,
        out_height: u32,
        overlays: Option<&Overlays>,
        live_layer: usize,
    ) -> Result<image::RgbaImage, RenderError> {
        if live_layer >= scene.layers.len() {
            return Err(RenderError::InvalidRequest(format!(
                "live layer {live_layer} is not one of the scene's {} layers",
                scene.layers.len()
            )));
        }
        self.render_checked(scene, view, out_width, out_height, overlays, Some(live_layer))
    }

    /// How often [`Compositor::render_live`] found its caches (for logs and tests).
    pub fn live_cache_stats(&self) -> LiveCacheStats {
        self.live_stats
    }

    /// Frees what [`Compositor::render_live`] keeps (two output-sized textures); the next
    /// `render_live` starts over.
    pub fn clear_live_cache(&mut self) {
        self.live = None;
    }

    fn render_checked(
        &mut self,
        scene: &Scene,
        view: &View,
        out_width: u32,
        out_height: u32,
        overlays: Option<&Overlays>,
        live: Option<usize>,
    ) -> Result<image::RgbaImage, RenderError> {
        crate::check_request(view, out_width, out_height)?;
        let too_large = RenderError::TooLarge { width: out_width, height: out_height, max: self.max_dimension };
        if out_width > self.max_dimension || out_height > self.max_dimension {
            return Err(too_large);
        }
        let row_bytes = (out_width as u64 * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT as u64)
            * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT as u64;
        if row_bytes * out_height as u64 > self.max_buffer {
            return Err(too_large);
        }
        if let Some(reason) = self.lost.lock().unwrap_or_else(PoisonError::into_inner).clone() {
            return Err(RenderError::DeviceLost(reason));
        }
        self.frame += 1;
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let validation = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let result = self.render_scoped(scene, view, out_width, out_height, overlays, live);
        let validation = pollster::block_on(validation.pop());
        let oom = pollster::block_on(oom.pop());
        if let Some(reason) = self.lost.lock().unwrap_or_else(PoisonError::into_inner).clone() {
            return Err(RenderError::DeviceLost(reason));
        }
        let error = oom.or(validation).map(|e| e.to_string());
        let uncaptured = self.uncaptured.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(error) = error.or(uncaptured) {
            self.reset_after_error();
            return Err(RenderError::Gpu(error));
        }
        self.evict_images();
        result
    }

    /// After a device error: render targets (and the live caches) may be half-made and the glyph
    /// atlas upload may have been lost, so all start over (a fresh layout engine uploads its whole atlas).
    fn reset_after_error(&mut self) {
        self.targets = None;
        self.live = None;
        self.text = self.fonts.new_fonts(self.atlas_side);
    }

    fn render_scoped(
        &mut self,
        scene: &Scene,
        view: &View,
        out_width: u32,
        out_height: u32,
        overlays: Option<&Overlays>,
        live: Option<usize>,
    ) -> Result<image::RgbaImage, RenderError> {
        text::begin_pass(&mut self.text, self.atlas_side);
        let size = [out_width, out_height];
        let split = live.map(|index| self.live_split(scene, view, size, index));
        let max_pad = ((self.max_dimension - out_width.max(out_height)) / 2) as i32;
        let draws = |index: usize| split.is_none_or(|s| s.draws(index));
        let plan = plan::plan_frame(scene, view, out_width, out_height, &mut self.text, max_pad, &draws);
        let overlay_mesh = overlays.map(|o| text::overlay_mesh(&self.text, o, &plan.map));
        // Glyphs laid out above went into the atlas: upload what changed (before any text draw).
        if let Some(delta) = self.text.font_image_delta() {
            self.egui.update_texture(&self.device, &self.queue, FONT_TEXTURE, &delta);
        }
        let need_backdrop = plan.layers.iter().any(|l| !l.direct);
        let need_layers = plan.layers.iter().any(|l| !l.direct && !l.fused);
        self.ensure_targets([out_width, out_height], plan.pad, need_backdrop, need_layers);
        for layer in &plan.layers {
            if let Content::Image { source, .. } = &layer.content {
                self.ensure_image(source);
            }
        }
        if let Some(split) = &split {
            self.ensure_live_targets(size, split);
            // Images of cached layers are not drawn, but they will be again after the drag.
            for (index, layer) in scene.layers.iter().enumerate() {
                if !split.draws(index)
                    && let SceneContent::Image(source) = &layer.content
                    && let Some(cached) = self.images.get_mut(&source.key)
                {
                    cached.last_used = self.frame;
                }
            }
        }
        let Some(targets) = self.targets.take() else {
            return Err(RenderError::Gpu("render targets missing".into()));
        };
        let mut cache = if split.is_some() { self.live.take() } else { None };
        let result = self.encode_and_read(scene, &plan, &targets, split.zip(cache.as_mut()), overlay_mesh);
        self.targets = Some(targets);
        if cache.is_some() {
            self.live = cache;
        }
        result
    }

    /// Decides what a `render_live` frame takes from the cache (dropping a cache of another
    /// output size).
    fn live_split(&mut self, scene: &Scene, view: &View, size: [u32; 2], live: usize) -> LiveSplit {
        if self.live.as_ref().is_some_and(|c| c.size != size) {
            self.live = None;
        }
        let cache = self.live.as_ref();
        let below_key = live::below_key(scene, view, size, live);
        let below_hit = cache.and_then(|c| c.below.as_ref()).is_some_and(|b| b.key == Some(below_key));
        // The group starts above the topmost visible layer that does not blend normally (what
        // such a layer does depends on what is below it, the live layer included).
        let group_start = scene
            .layers
            .iter()
            .enumerate()
            .skip(live + 1)
            .rev()
            .find(|(_, l)| l.blend != BlendMode::Normal && plan::is_visible(l))
            .map_or(live + 1, |(index, _)| index + 1);
        let above = (group_start < scene.layers.len()).then(|| {
            let key = live::group_key(scene, view, size, group_start);
            (key, cache.and_then(|c| c.above.as_ref()).is_some_and(|a| a.key == Some(key)))
        });
        let stats = &mut self.live_stats;
        if below_hit {
            stats.below_hits += 1;
        } else {
            stats.below_misses += 1;
        }
        match above {
            Some((_, true)) => stats.above_hits += 1,
            Some((_, false)) => stats.above_misses += 1,
            None => {}
        }
        if group_start > live + 1 {
            stats.above_uncached += 1;
        }
        LiveSplit { live, below_key, below_hit, group_start, above }
    }

    /// Makes the cache's textures a frame needs: below to keep (on a miss), the group to draw.
    fn ensure_live_targets(&mut self, size: [u32; 2], split: &LiveSplit) {
        let mut cache = self.live.take().unwrap_or(LiveCache { size, below: None, above: None });
        if !split.below_hit && cache.below.is_none() {
            let usage =
                wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_SRC | wgpu::TextureUsages::COPY_DST;
            let target = self.make_target("live below", size, usage);
            cache.below = Some(CachedTarget { key: None, target, bounds: None });
        }
        if split.above.is_some() && cache.above.is_none() {
            let usage = wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC;
            let target = self.make_target("live above", size, usage);
            cache.above = Some(CachedTarget { key: None, target, bounds: None });
        }
        self.live = Some(cache);
    }

    fn encode_and_read(
        &mut self,
        scene: &Scene,
        plan: &FramePlan<'_>,
        targets: &Targets,
        live: Option<(LiveSplit, &mut LiveCache)>,
        overlay_mesh: Option<Mesh>,
    ) -> Result<image::RgbaImage, RenderError> {
        let [out_w, out_h] = targets.size;
        let pad = targets.pad;
        let padded = [out_w + 2 * pad as u32, out_h + 2 * pad as u32];
        // With the targets' padding, which may exceed what this frame asked for.
        let regions: Vec<_> = plan.layers.iter().map(|l| plan.regions(l, pad)).collect();

        // All uniforms for the frame go in two buffers, written once before the first submit.
        self.layer_bytes.clear();
        self.blur_bytes.clear();
        let mut layer_slots = Vec::with_capacity(plan.layers.len());
        let mut blur_slots: Vec<BlurSlot> = Vec::with_capacity(plan.layers.len());
        for (layer, region) in plan.layers.iter().zip(&regions) {
            if region.is_none() {
                layer_slots.push((0, 0.0));
                blur_slots.push(None);
                continue;
            }
            let uniform = self.layer_uniform(layer, [out_w, out_h], padded, pad);
            layer_slots.push((self.layer_bytes.len() as u32, uniform.params[1]));
            self.layer_bytes.extend_from_slice(bytemuck::bytes_of(&uniform));
            if layer.direct || layer.fused {
                blur_slots.push(None);
                continue;
            }
            // Blurred layers get a horizontal pass; every composited layer gets the vertical
            // pass inside the composite shader (zero pairs: a plain read).
            let h = (layer.sigma != [None, None]).then(|| {
                let offset = self.blur_bytes.len() as u32;
                let pairs = push_blur(&mut self.blur_bytes, layer.sigma[0], [1.0 / padded[0] as f32, 0.0], padded);
                self.pipes.ensure(&self.device, PerPairs::Blur, pairs);
                (offset, pairs)
            });
            let offset = self.blur_bytes.len() as u32;
            let pairs = push_blur(&mut self.blur_bytes, layer.sigma[1], [0.0, 1.0 / padded[1] as f32], padded);
            self.pipes.ensure(&self.device, PerPairs::Composite, pairs);
            blur_slots.push(Some((h, (offset, pairs))));
        }
        // The background is one more slot: a rectangle covering the whole target.
        let background_slot = self.layer_bytes.len() as u32;
        let background = background_uniform(scene.background, [out_w, out_h]);
        self.layer_bytes.extend_from_slice(bytemuck::bytes_of(&background));
        self.layer_uniforms.write(&self.device, &self.queue, &self.pipes.layer_layout, &self.layer_bytes);
        if !self.blur_bytes.is_empty() {
            self.blur_uniforms.write(&self.device, &self.queue, &self.pipes.blur_layout, &self.blur_bytes);
        }

        let mut encoder = self.new_encoder();
        let (split, mut cache) = live.unzip();
        let full = wgpu::Extent3d { width: out_w, height: out_h, depth_or_array_layers: 1 };
        let cached_below = split
            .filter(|s| s.below_hit)
            .and(cache.as_deref())
            .and_then(|c| c.below.as_ref())
            .filter(|b| b.key.is_some());
        if let Some(below) = cached_below {
            encoder.copy_texture_to_texture(
                texel_copy(&below.target.texture, 0, 0),
                texel_copy(&targets.accum.texture, 0, 0),
                full,
            );
        } else {
            let visible = plan.canvas.intersect(&plan.out);
            // Background: fill the canvas pixels. A plain clear when the canvas covers the output.
            let bg = math::premultiplied(scene.background).map(math::quantize);
            let covers = visible == plan.out;
            let clear = if covers { color(bg) } else { wgpu::Color::TRANSPARENT };
            let mut pass = begin_pass(&mut encoder, &targets.accum.view, Some(clear));
            if !covers && !visible.is_empty() {
                set_scissor(&mut pass, &visible);
                pass.set_pipeline(&self.pipes.shape);
                pass.set_bind_group(0, &self.layer_uniforms.bind_group, &[background_slot]);
                pass.set_bind_group(1, &self.pipes.dummy, &[]);
                pass.draw(0..6, 0..1);
            }
        }

        // Planned layers are in scene order: those below the live one; the live one and those
        // drawn one by one above it; the group (a plain render: all "below").
        let live_index = split.map_or(usize::MAX, |s| s.live);
        let group_start = split.map_or(usize::MAX, |s| s.group_start);
        let below_end = plan.layers.partition_point(|l| l.index < live_index);
        let above_start = plan.layers.partition_point(|l| l.index < group_start);
        // What each layer draws with: its plan, where, and its uniform slots (`None`: nowhere).
        let draws: Vec<_> = (0..plan.layers.len())
            .map(|i| regions[i].map(|r| (&plan.layers[i], r, (layer_slots[i], blur_slots[i]))))
            .collect();
        for (layer, region, slots) in draws[..below_end].iter().flatten() {
            encoder = self.draw_layer(encoder, layer, region, *slots, targets, &targets.accum);
        }
        if let Some(split) = split
            && !split.below_hit
            && let Some(below) = cache.as_deref_mut().and_then(|c| c.below.as_mut())
        {
            encoder.copy_texture_to_texture(
                texel_copy(&targets.accum.texture, 0, 0),
                texel_copy(&below.target.texture, 0, 0),
                full,
            );
            below.key = Some(split.below_key);
        }
        for (layer, region, slots) in draws[below_end..above_start].iter().flatten() {
            encoder = self.draw_layer(encoder, layer, region, *slots, targets, &targets.accum);
        }
        let above = &draws[above_start..];
        let group = split.and_then(|s| s.above).zip(cache.and_then(|c| c.above.as_mut()));
        match group {
            Some(((key, hit), group)) => {
                if !hit || group.key.is_none() {
                    // Normal layers source-over onto a transparent target: the premultiplied group.
                    {
                        let _clear = begin_pass(&mut encoder, &group.target.view, Some(wgpu::Color::TRANSPARENT));
                    }
                    let mut bounds: Option<PixelRect> = None;
                    for (layer, region, slots) in above.iter().flatten() {
                        encoder = self.draw_layer(encoder, layer, region, *slots, targets, &group.target);
                        bounds = Some(bounds.map_or(region.out, |b| b.union(&region.out)));
                    }
                    group.key = Some(key);
                    group.bounds = bounds;
                }
                if let Some(bounds) = &group.bounds {
                    let mut pass = begin_pass(&mut encoder, &targets.accum.view, None);
                    set_scissor(&mut pass, bounds);
                    pass.set_pipeline(&self.pipes.group_over);
                    pass.set_bind_group(0, &group.target.bind_group, &[]);
                    pass.draw(0..3, 0..1);
                }
            }
            None => {
                for (layer, region, slots) in above.iter().flatten() {
                    encoder = self.draw_layer(encoder, layer, region, *slots, targets, &targets.accum);
                }
            }
        }

        if let Some(mesh) = overlay_mesh {
            encoder = self.draw_mesh(encoder, &targets.accum, [out_w, out_h], mesh, &plan.out);
        }

        encoder.copy_texture_to_buffer(
            texel_copy(&targets.accum.texture, 0, 0),
            wgpu::TexelCopyBufferInfo {
                buffer: &targets.readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(targets.row_bytes),
                    rows_per_image: Some(out_h),
                },
            },
            wgpu::Extent3d { width: out_w, height: out_h, depth_or_array_layers: 1 },
        );
        self.queue.submit([encoder.finish()]);
        self.read_back(targets)
    }

    /// Draws one planned layer onto `dest` (the accumulator, or `render_live`'s group), the way
    /// its plan says: straight on with hardware blending, or through the composite shader (after
    /// drawing and blurring it alone in the layer targets), which reads what is below from a copy
    /// of `dest` under its footprint.
    fn draw_layer(
        &mut self,
        mut encoder: wgpu::CommandEncoder,
        layer: &LayerPlan<'_>,
        region: &Regions,
        ((slot, lod), blur_slot): ((u32, f32), BlurSlot),
        targets: &Targets,
        dest: &Target,
    ) -> wgpu::CommandEncoder {
        let [out_w, out_h] = targets.size;
        let pad = targets.pad;
        let padded = [out_w + 2 * pad as u32, out_h + 2 * pad as u32];
        if layer.direct {
            match &layer.content {
                Content::Text { mesh } => {
                    encoder = self.draw_mesh(encoder, dest, [out_w, out_h], mesh.clone(), &region.draw);
                }
                _ => {
                    let mut pass = begin_pass(&mut encoder, &dest.view, None);
                    set_scissor(&mut pass, &region.draw);
                    self.draw_quad(&mut pass, layer, slot, lod);
                }
            }
            return encoder;
        }
        let Some(backdrop) = &targets.backdrop else { return encoder };
        if layer.fused {
            self.copy_backdrop(&mut encoder, dest, backdrop, &region.out);
            let mut pass = begin_pass(&mut encoder, &dest.view, None);
            set_scissor(&mut pass, &region.out);
            match &layer.content {
                Content::Image { source, .. } => {
                    let Some(cached) = self.images.get(&source.key) else {
                        drop(pass);
                        return encoder;
                    };
                    let group = if lod > 0.0 { &cached.bind_group } else { &cached.base_bind_group };
                    pass.set_pipeline(&self.pipes.composite_image);
                    pass.set_bind_group(1, group, &[]);
                }
                _ => {
                    pass.set_pipeline(&self.pipes.composite_shape);
                    pass.set_bind_group(1, &self.pipes.dummy, &[]);
                }
            }
            pass.set_bind_group(0, &self.layer_uniforms.bind_group, &[slot]);
            pass.set_bind_group(2, &backdrop.bind_group, &[]);
            // Unused by these entry points, but part of the layout.
            pass.set_bind_group(3, &self.blur_uniforms.bind_group, &[0]);
            pass.draw(0..3, 0..1);
            drop(pass);
            return encoder;
        }
        let Some(layers) = &targets.layer else { return encoder };
        // Render the layer alone into the padded layer target.
        match &layer.content {
            Content::Text { mesh } => {
                {
                    let _clear = begin_pass(&mut encoder, &layers[0].view, Some(wgpu::Color::TRANSPARENT));
                }
                let mut shifted = mesh.clone();
                for v in &mut shifted.vertices {
                    v.pos = pos2(v.pos.x + pad as f32, v.pos.y + pad as f32);
                }
                encoder = self.draw_mesh(encoder, &layers[0], padded, shifted, &region.draw);
            }
            _ => {
                let mut pass = begin_pass(&mut encoder, &layers[0].view, Some(wgpu::Color::TRANSPARENT));
                set_scissor(&mut pass, &region.draw);
                self.draw_quad(&mut pass, layer, slot, lod);
            }
        }
        let Some((h, (v, v_pairs))) = blur_slot else { return encoder };
        let mut source = &layers[0];
        if let Some((h, h_pairs)) = h
            && let Some(blur) = self.pipes.get(PerPairs::Blur, h_pairs)
        {
            let mut pass = begin_pass(&mut encoder, &layers[1].view, None);
            set_scissor(&mut pass, &region.blur_h);
            pass.set_pipeline(blur);
            pass.set_bind_group(0, &self.blur_uniforms.bind_group, &[h]);
            pass.set_bind_group(1, &layers[0].bind_group, &[]);
            pass.draw(0..3, 0..1);
            source = &layers[1];
        }
        let Some(composite) = self.pipes.get(PerPairs::Composite, v_pairs) else { return encoder };
        let r = region.out;
        self.copy_backdrop(&mut encoder, dest, backdrop, &r);
        let mut pass = begin_pass(&mut encoder, &dest.view, None);
        set_scissor(&mut pass, &r);
        pass.set_pipeline(composite);
        pass.set_bind_group(0, &self.layer_uniforms.bind_group, &[slot]);
        pass.set_bind_group(1, &source.bind_group, &[]);
        pass.set_bind_group(2, &backdrop.bind_group, &[]);
        pass.set_bind_group(3, &self.blur_uniforms.bind_group, &[v]);
        pass.draw(0..3, 0..1);
        drop(pass);
        encoder
    }

    fn read_back(&self, targets: &Targets) -> Result<image::RgbaImage, RenderError> {
        let [out_w, out_h] = targets.size;
        let slice = targets.readback.slice(..);
        let (sender, receiver) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |result| {
            // The receiver outlives the poll below; a send error cannot happen.
            let _ = sender.send(result);
        });
        self.device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| RenderError::Gpu(e.to_string()))?;
        receiver.recv().map_err(|e| RenderError::Gpu(e.to_string()))?.map_err(|e| RenderError::Gpu(e.to_string()))?;
        let mut out = image::RgbaImage::new(out_w, out_h);
        {
            let mapped = slice.get_mapped_range().map_err(|e| RenderError::Gpu(e.to_string()))?;
            let row = out_w as usize * 4;
            for (y, dst) in out.chunks_exact_mut(row).enumerate() {
                let start = y * targets.row_bytes as usize;
                let src = &mapped[start..start + row];
                for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                    d.copy_from_slice(&math::unpremultiply([s[0], s[1], s[2], s[3]]));
                }
            }
        }
        targets.readback.unmap();
        Ok(out)
    }

    /// The blend shader reads what is below from a copy of just the layer's footprint, then
    /// writes over the accumulator (or group) there: the ping-pong of two accumulators without
    /// copying or shading the pixels the layer does not touch.
    fn copy_backdrop(&self, encoder: &mut wgpu::CommandEncoder, accum: &Target, backdrop: &Target, r: &PixelRect) {
        encoder.copy_texture_to_texture(
            texel_copy(&accum.texture, r.x0 as u32, r.y0 as u32),
            texel_copy(&backdrop.texture, r.x0 as u32, r.y0 as u32),
            wgpu::Extent3d { width: r.width(), height: r.height(), depth_or_array_layers: 1 },
        );
    }

    fn new_encoder(&self) -> wgpu::CommandEncoder {
        self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("compose") })
    }

    fn draw_quad(&self, pass: &mut wgpu::RenderPass<'_>, layer: &LayerPlan<'_>, slot: u32, lod: f32) {
        match &layer.content {
            Content::Shape { .. } => {
                pass.set_pipeline(&self.pipes.shape);
                pass.set_bind_group(1, &self.pipes.dummy, &[]);
            }
            Content::Image { source, .. } => {
                let Some(cached) = self.images.get(&source.key) else { return };
                if lod > 0.0 {
                    pass.set_pipeline(&self.pipes.image);
                    pass.set_bind_group(1, &cached.bind_group, &[]);
                } else {
                    pass.set_pipeline(&self.pipes.image_base);
                    pass.set_bind_group(1, &cached.base_bind_group, &[]);
                }
            }
            Content::Text { .. } => return,
        }
        pass.set_bind_group(0, &self.layer_uniforms.bind_group, &[slot]);
        pass.draw(0..6, 0..1);
    }

    /// Draws an epaint mesh with egui's renderer. egui's renderer has one vertex buffer, filled
    /// by `update_buffers` through the queue, so the commands recorded so far are submitted first
    /// (queue writes land before the next submit, after the ones already made).
    fn draw_mesh(
        &mut self,
        encoder: wgpu::CommandEncoder,
        target: &Target,
        size: [u32; 2],
        mesh: Mesh,
        clip: &PixelRect,
    ) -> wgpu::CommandEncoder {
        // egui's renderer makes no buffers for an empty mesh and then panics in `render` (no
        // overlays to draw, an empty text layer): nothing to draw, so draw nothing.
        if mesh.indices.is_empty() || mesh.vertices.is_empty() {
            return encoder;
        }
        self.queue.submit([encoder.finish()]);
        let mut encoder = self.new_encoder();
        let screen = ScreenDescriptor { size_in_pixels: size, pixels_per_point: 1.0 };
        let clip_rect = Rect::from_min_max(pos2(clip.x0 as f32, clip.y0 as f32), pos2(clip.x1 as f32, clip.y1 as f32));
        let jobs = [ClippedPrimitive { clip_rect, primitive: Primitive::Mesh(mesh) }];
        let extra = self.egui.update_buffers(&self.device, &self.queue, &mut encoder, &jobs, &screen);
        if !extra.is_empty() {
            self.queue.submit(extra);
        }
        {
            let pass = begin_pass(&mut encoder, &target.view, None);
            let mut pass = pass.forget_lifetime();
            self.egui.render(&mut pass, &jobs, &screen);
        }
        encoder
    }

    fn layer_uniform(&self, layer: &LayerPlan<'_>, out: [u32; 2], padded: [u32; 2], pad: i32) -> LayerUniform {
        let p = &layer.placement;
        let l = layer.layer;
        let f = &layer.filters;
        let opacity = layer.opacity;
        let (target, forward) =
            if layer.direct { (out, p.forward) } else { (padded, p.forward.translated(pad as f32, pad as f32)) };
        let draw_opacity = if layer.direct { opacity } else { 1.0 };
        let mut u = LayerUniform {
            fwd: forward.rows(),
            inv: p.inverse.rows(),
            target_size: [target[0] as f32, target[1] as f32, 0.0, 0.0],
            quad: p.quad,
            size: [p.size[0], p.size[1], p.edge_scale[0], p.edge_scale[1]],
            params: [0.0, 0.0, opacity, draw_opacity],
            filt0: [f.brightness, f.contrast, f.saturation, f.temperature],
            filt1: [
                f.vignette,
                math::blend_index(l.blend) as f32,
                pad as f32,
                if math::has_color_filters(f) { 1.0 } else { 0.0 },
            ],
            ..bytemuck::Zeroable::zeroed()
        };
        match &layer.content {
            Content::Shape { kind, fill } => {
                u.params[0] = if *kind == crate::scene::ShapeKind::Ellipse { 1.0 } else { 0.0 };
                u.color = math::premultiplied(*fill).map(|c| c * draw_opacity);
            }
            Content::Image { source, origin } => {
                let (w, h) = (source.pixels.width() as f32, source.pixels.height() as f32);
                let (texels, levels) =
                    self.images.get(&source.key).map_or((1.0, 1), |c| (c.texels_per_px, c.mip_levels));
                u.params[1] = math::image_lod(p, texels).min((levels - 1) as f32);
                u.uv = [origin[0], origin[1], 1.0 / w, 1.0 / h];
                u.uv_clamp = image_uv_clamp(*origin, p.size, [w, h]);
            }
            Content::Text { .. } => {}
        }
        u
    }

    fn ensure_targets(&mut self, size: [u32; 2], pad: i32, need_backdrop: bool, need_layers: bool) {
        let [w, h] = size;
        let attach = wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING;
        if self.targets.as_ref().is_none_or(|t| t.size != size) {
            let row_bytes = (w * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
            self.targets = Some(Targets {
                size,
                pad: 0,
                // Copied from `render_live`'s cached below, and to it and to the backdrop.
                accum: self.make_target(
                    "accumulator",
                    size,
                    attach | wgpu::TextureUsages::COPY_SRC | wgpu::TextureUsages::COPY_DST,
                ),
                backdrop: None,
                layer: None,
                readback: self.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("readback"),
                    size: row_bytes as u64 * h as u64,
                    usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
                    mapped_at_creation: false,
                }),
                row_bytes,
            });
        }
        let Some(mut targets) = self.targets.take() else { return };
        if need_backdrop && targets.backdrop.is_none() {
            let usage = wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST;
            targets.backdrop = Some(self.make_target("backdrop", size, usage));
        }
        if need_layers && (targets.layer.is_none() || targets.pad < pad) {
            // Keep a larger padding, so alternating blurs do not churn.
            let pad = if targets.layer.is_some() { pad.max(targets.pad) } else { pad };
            let padded = [w + 2 * pad as u32, h + 2 * pad as u32];
            targets.layer =
                Some([self.make_target("layer a", padded, attach), self.make_target("layer b", padded, attach)]);
            targets.pad = pad;
        }
        self.targets = Some(targets);
    }

    fn make_target(&self, label: &str, size: [u32; 2], usage: wgpu::TextureUsages) -> Target {
        let texture = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some(label),
            size: wgpu::Extent3d { width: size[0], height: size[1], depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let bind_group = self.texture_bind_group(&view, &self.pipes.linear_sampler);
        Target { texture, view, bind_group }
    }

    fn texture_bind_group(&self, view: &wgpu::TextureView, sampler: &wgpu::Sampler) -> wgpu::BindGroup {
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.pipes.texture_layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::TextureView(view) },
                wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::Sampler(sampler) },
            ],
        })
    }

    /// Uploads an image once per key: premultiplied (so filtering does not darken edges), with a
    /// full mip chain made on the CPU by 2x2 box filtering (the reference uses the same chain). A
    /// source larger than the device allows starts at the first mip level that fits.
    fn ensure_image(&mut self, source: &SourceImage) {
        if let Some(cached) = self.images.get_mut(&source.key) {
            cached.last_used = self.frame;
            return;
        }
        let mut level = math::premultiply_image(&source.pixels);
        while level.width() > self.max_dimension || level.height() > self.max_dimension {
            level = math::half_size(&level);
        }
        let texels_per_px = level.width() as f32 / source.pixels.width().max(1) as f32;
        let (w, h) = level.dimensions();
        let mip_levels = 32 - w.max(h).max(1).leading_zeros();
        let texture = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("image"),
            size: wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
            mip_level_count: mip_levels,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let mut bytes = 0;
        for mip in 0..mip_levels {
            if mip > 0 {
                level = math::half_size(&level);
            }
            let (lw, lh) = level.dimensions();
            self.queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture: &texture,
                    mip_level: mip,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                level.as_raw(),
                wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(lw * 4), rows_per_image: Some(lh) },
                wgpu::Extent3d { width: lw, height: lh, depth_or_array_layers: 1 },
            );
            bytes += lw as u64 * lh as u64 * 4;
        }
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let bind_group = self.texture_bind_group(&view, &self.pipes.image_sampler);
        let base_view =
            texture.create_view(&wgpu::TextureViewDescriptor { mip_level_count: Some(1), ..Default::default() });
        let base_bind_group = self.texture_bind_group(&base_view, &self.pipes.linear_sampler);
        self.images.insert(
            source.key.clone(),
            CachedImage { bind_group, base_bind_group, texels_per_px, mip_levels, bytes, last_used: self.frame },
        );
    }

    /// Drops images unused for a few renders, then the least recently used above the byte cap.
    fn evict_images(&mut self) {
        let frame = self.frame;
        self.images.retain(|_, c| frame - c.last_used < IMAGE_TTL);
        let mut total: u64 = self.images.values().map(|c| c.bytes).sum();
        while total > IMAGE_CACHE_BYTES {
            let Some(oldest) = self
                .images
                .iter()
                .filter(|(_, c)| c.last_used < frame)
                .min_by_key(|(_, c)| c.last_used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(c) = self.images.remove(&oldest) {
                total -= c.bytes;
            }
        }
    }
}

/// Keeps bilinear taps inside the crop (texel centres of its edge pixels).
pub(crate) fn image_uv_clamp(origin: [f32; 2], size: [f32; 2], source: [f32; 2]) -> [f32; 4] {
    let lo = |o: f32, s: f32| if s >= 1.0 { o + 0.5 } else { o + s * 0.5 };
    let hi = |o: f32, s: f32| if s >= 1.0 { o + s - 0.5 } else { o + s * 0.5 };
    [
        lo(origin[0], size[0]) / source[0],
        lo(origin[1], size[1]) / source[1],
        hi(origin[0], size[0]) / source[0],
        hi(origin[1], size[1]) / source[1],
    ]
}

fn background_uniform(background: [u8; 4], out: [u32; 2]) -> LayerUniform {
    // A rectangle from -1 to size+1 in output px: coverage is 1 on every output pixel, so the
    // scissor alone decides which pixels get the background.
    let (w, h) = (out[0] as f32 + 2.0, out[1] as f32 + 2.0);
    LayerUniform {
        fwd: [[1.0, 0.0, -1.0, 0.0], [0.0, 1.0, -1.0, 0.0]],
        inv: [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]],
        target_size: [out[0] as f32, out[1] as f32, 0.0, 0.0],
        quad: [0.0, 0.0, w, h],
        size: [w, h, 1.0, 1.0],
        color: math::premultiplied(background),
        params: [0.0, 0.0, 1.0, 1.0],
        ..bytemuck::Zeroable::zeroed()
    }
}

/// Tap-pair counts that get their own pipeline: exact up to 7, then rounded up to a multiple of a
/// quarter of the power of two below (8, 10, 12, 14, 16, 20, 24, 28, 32, 40, ...).
fn pair_bucket(pairs: u32) -> u32 {
    if pairs <= 6 {
        return pairs;
    }
    let step = 1 << (31 - pairs.leading_zeros() - 2);
    pairs.div_ceil(step) * step
}

/// Appends one blur pass's uniforms; returns its number of tap pairs.
fn push_blur(bytes: &mut Vec<u8>, sigma: Option<f32>, step: [f32; 2], size: [u32; 2]) -> u32 {
    let start = bytes.len();
    let kernel = sigma.map_or_else(|| vec![1.0], math::gaussian_half_kernel);
    let mut pairs = Vec::with_capacity(kernel.len() / 2 + 1);
    let mut i = 1;
    while i < kernel.len() && pairs.len() < MAX_PAIRS {
        if i + 1 < kernel.len() {
            let (w0, w1) = (kernel[i], kernel[i + 1]);
            let weight = w0 + w1;
            pairs.push([(i as f32 * w0 + (i + 1) as f32 * w1) / weight, weight, 0.0, 0.0]);
        } else {
            pairs.push([i as f32, kernel[i], 0.0, 0.0]);
        }
        i += 2;
    }
    // Pad with zero-weight taps up to a bucket, so a blur slider being dragged meets a pipeline
    // already made (each new count costs a shader compile, 100-250 ms on llvmpipe) for the price
    // of at most a quarter more samples.
    let bucket = pair_bucket(pairs.len() as u32);
    pairs.resize(bucket as usize, [0.0; 4]);
    let header = BlurHeader {
        step: [step[0], step[1], pairs.len() as f32, kernel[0]],
        texel: [1.0 / size[0] as f32, 1.0 / size[1] as f32, 0.0, 0.0],
    };
    bytes.extend_from_slice(bytemuck::bytes_of(&header));
    for pair in &pairs {
        bytes.extend_from_slice(bytemuck::cast_slice(pair));
    }
    bytes.resize(start + BLUR_SLOT as usize, 0);
    pairs.len() as u32
}

fn color(c: [f32; 4]) -> wgpu::Color {
    wgpu::Color { r: c[0] as f64, g: c[1] as f64, b: c[2] as f64, a: c[3] as f64 }
}

fn begin_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    view: &wgpu::TextureView,
    clear: Option<wgpu::Color>,
) -> wgpu::RenderPass<'e> {
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: None,
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: clear.map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
                store: wgpu::StoreOp::Store,
            },
        })],
        depth_stencil_attachment: None,
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}

fn set_scissor(pass: &mut wgpu::RenderPass<'_>, r: &PixelRect) {
    pass.set_scissor_rect(r.x0.max(0) as u32, r.y0.max(0) as u32, r.width(), r.height());
}

fn texel_copy(texture: &wgpu::Texture, x: u32, y: u32) -> wgpu::TexelCopyTextureInfo<'_> {
    wgpu::TexelCopyTextureInfo {
        texture,
        mip_level: 0,
        origin: wgpu::Origin3d { x, y, z: 0 },
        aspect: wgpu::TextureAspect::All,
    }
}

impl GrowBuffer {
    fn new(device: &wgpu::Device, layout: &wgpu::BindGroupLayout, label: &str, binding: u64, capacity: u64) -> Self {
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: capacity,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(label),
            layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: &buffer,
                    offset: 0,
                    size: NonZeroU64::new(binding),
                }),
            }],
        });
        Self { buffer, bind_group, capacity, binding }
    }

    fn write(&mut self, device: &wgpu::Device, queue: &wgpu::Queue, layout: &wgpu::BindGroupLayout, bytes: &[u8]) {
        if bytes.len() as u64 > self.capacity {
            let capacity = (bytes.len() as u64).next_power_of_two();
            *self = GrowBuffer::new(device, layout, "uniforms", self.binding, capacity);
        }
        queue.write_buffer(&self.buffer, 0, bytes);
    }
}

/// Which of the pipelines made per tap-pair count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PerPairs {
    /// The horizontal blur pass.
    Blur,
    /// The composite, which also does the vertical blur pass.
    Composite,
}

/// A pipeline drawing one full-screen triangle (scissored to where it matters), no blending.
fn fullscreen_pipeline(
    device: &wgpu::Device,
    label: &str,
    module: &wgpu::ShaderModule,
    layout: &wgpu::PipelineLayout,
    entry: &str,
    pairs: u32,
) -> wgpu::RenderPipeline {
    render_pipeline(device, label, layout, (module, "vs_fullscreen"), (module, entry), &[("PAIRS", pairs as f64)], None)
}

/// Every pipeline of the compositor: no vertex buffers, one colour target of [`FORMAT`], an
/// optional blend state and pipeline-overridable constants for the fragment stage.
fn render_pipeline(
    device: &wgpu::Device,
    label: &str,
    layout: &wgpu::PipelineLayout,
    (vertex_module, vertex_entry): (&wgpu::ShaderModule, &str),
    (fragment_module, fragment_entry): (&wgpu::ShaderModule, &str),
    constants: &[(&str, f64)],
    blend: Option<wgpu::BlendState>,
) -> wgpu::RenderPipeline {
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some(label),
        layout: Some(layout),
        vertex: wgpu::VertexState {
            module: vertex_module,
            entry_point: Some(vertex_entry),
            compilation_options: Default::default(),
            buffers: &[],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module: fragment_module,
            entry_point: Some(fragment_entry),
            compilation_options: wgpu::PipelineCompilationOptions { constants, ..Default::default() },
            targets: &[Some(wgpu::ColorTargetState { format: FORMAT, blend, write_mask: wgpu::ColorWrites::ALL })],
        }),
        multiview_mask: None,
        cache: None,
    })
}

impl Pipelines {
    /// Makes (once) the blur or composite pipeline for `pairs` tap pairs.
    fn ensure(&mut self, device: &wgpu::Device, kind: PerPairs, pairs: u32) {
        if self.per_pairs.contains_key(&(kind, pairs)) {
            return;
        }
        let (label, module, layout, entry) = match kind {
            PerPairs::Blur => ("blur", &self.blur_module, &self.blur_layout_pipeline, "fs_blur"),
            PerPairs::Composite => ("composite", &self.composite_module, &self.composite_layout, "fs_composite"),
        };
        let pipeline = fullscreen_pipeline(device, label, module, layout, entry, pairs);
        self.per_pairs.insert((kind, pairs), pipeline);
    }

    fn get(&self, kind: PerPairs, pairs: u32) -> Option<&wgpu::RenderPipeline> {
        self.per_pairs.get(&(kind, pairs))
    }

    fn new(device: &wgpu::Device) -> Self {
        let uniform_layout = |label, size: u64| {
            device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(label),
                entries: &[wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: true,
                        min_binding_size: NonZeroU64::new(size),
                    },
                    count: None,
                }],
            })
        };
        let layer_layout = uniform_layout("layer uniform", LAYER_SLOT);
        let blur_layout = uniform_layout("blur uniform", BLUR_SIZE);
        let texture_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("texture"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let sampler = |label, mip| {
            device.create_sampler(&wgpu::SamplerDescriptor {
                label: Some(label),
                address_mode_u: wgpu::AddressMode::ClampToEdge,
                address_mode_v: wgpu::AddressMode::ClampToEdge,
                address_mode_w: wgpu::AddressMode::ClampToEdge,
                mag_filter: wgpu::FilterMode::Linear,
                min_filter: wgpu::FilterMode::Linear,
                mipmap_filter: mip,
                ..Default::default()
            })
        };
        let image_sampler = sampler("image", wgpu::MipmapFilterMode::Linear);
        let linear_sampler = sampler("linear", wgpu::MipmapFilterMode::Nearest);
        let module = |label, files: &[&str]| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(Cow::Owned(files.concat())),
            })
        };
        let common = include_str!("shaders/common.wgsl");
        let blur_common = include_str!("shaders/blur_common.wgsl");
        let quad = module("quad", &[common, include_str!("shaders/quad.wgsl")]);
        let blur_module = module("blur", &[blur_common, include_str!("shaders/blur.wgsl")]);
        let composite_module = module("composite", &[common, blur_common, include_str!("shaders/composite.wgsl")]);
        let layout = |label, groups: &[&wgpu::BindGroupLayout]| {
            let groups: Vec<Option<&wgpu::BindGroupLayout>> = groups.iter().map(|g| Some(*g)).collect();
            device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(label),
                bind_group_layouts: &groups,
                immediate_size: 0,
            })
        };
        let quad_layout = layout("quad", &[&layer_layout, &texture_layout]);
        let blur_layout_pipeline = layout("blur", &[&blur_layout, &texture_layout]);
        let composite_layout = layout("composite", &[&layer_layout, &texture_layout, &texture_layout, &blur_layout]);
        // Premultiplied source-over, colour and alpha alike.
        let over = wgpu::BlendState {
            color: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::One,
                dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                operation: wgpu::BlendOperation::Add,
            },
            alpha: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::One,
                dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                operation: wgpu::BlendOperation::Add,
            },
        };
        let quad_pipeline = |label: &str, fs: &str| {
            render_pipeline(device, label, &quad_layout, (&quad, "vs_quad"), (&quad, fs), &[], Some(over))
        };
        let shape = quad_pipeline("shape", "fs_shape");
        let composite_image = fullscreen_pipeline(
            device,
            "composite image",
            &composite_module,
            &composite_layout,
            "fs_composite_image",
            0,
        );
        let composite_shape = fullscreen_pipeline(
            device,
            "composite shape",
            &composite_module,
            &composite_layout,
            "fs_composite_shape",
            0,
        );
        let image = quad_pipeline("image", "fs_image");
        let group_module = module("group", &[include_str!("shaders/group.wgsl")]);
        let group_layout = layout("group", &[&texture_layout]);
        let group_over = render_pipeline(
            device,
            "group over",
            &group_layout,
            (&group_module, "vs_group"),
            (&group_module, "fs_group"),
            &[],
            Some(over),
        );
        let image_base = quad_pipeline("image (level 0)", "fs_image_base");
        let dummy_texture = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("dummy"),
            size: wgpu::Extent3d { width: 1, height: 1, depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: &[],
        });
        let dummy_view = dummy_texture.create_view(&wgpu::TextureViewDescriptor::default());
        let dummy = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("dummy"),
            layout: &texture_layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::TextureView(&dummy_view) },
                wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::Sampler(&linear_sampler) },
            ],
        });
        Self {
            layer_layout,
            blur_layout,
            texture_layout,
            image_sampler,
            linear_sampler,
            shape,
            image,
            image_base,
            composite_image,
            composite_shape,
            per_pairs: HashMap::new(),
            blur_module,
            blur_layout_pipeline,
            composite_module,
            composite_layout,
            group_over,
            dummy,
        }
    }
}

// The engine moves the compositor onto its render thread.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Compositor>();
};

#[cfg(test)]
mod tests {
    #[test]
    fn pair_buckets_cover_and_waste_little() {
        for pairs in 0..=256 {
            let bucket = super::pair_bucket(pairs);
            assert!(
                bucket >= pairs && bucket <= 256 && (bucket as f32) <= (pairs as f32 * 1.34).max(6.0),
                "{pairs} -> {bucket}"
            );
        }
        assert_eq!([7, 9, 17, 33].map(super::pair_bucket), [7, 10, 20, 40]);
    }
}
