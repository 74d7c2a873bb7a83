//! The post preview's renderer: a wgpu compositor for scenes of image, text and shape layers,
//! and the adapter discovery `postcraft doctor` reports.
//!
//! # Pipeline
//!
//! [`Compositor::render`] draws a [`View`] of a [`Scene`] into an offscreen `Rgba8Unorm`
//! accumulator and reads it back as straight-alpha sRGB RGBA:
//!
//! 1. **Background**: the canvas pixels (those whose centres lie on the canvas) get the
//!    background colour; outside the canvas the output stays transparent, and layers are clipped
//!    to the canvas too.
//! 2. **Layers, bottom first.** A layer's quad is its natural size (see [`Compositor::measure`])
//!    scaled by `scale_x`/`scale_y`, rotated clockwise by `rotation_deg` about its centre and
//!    centred on `(x, y)`; text is centred the same way, each line centred.
//!    - *Fast path*: a `Normal` layer without filters is drawn straight onto the accumulator with
//!      hardware premultiplied source-over blending, its opacity folded into the colour.
//!    - *Otherwise* it is drawn alone into a layer target (padded around the output so a blur sees
//!      what lies just outside the view), blurred horizontally into the second layer target, and
//!      composited by the blend shader, which does the vertical blur pass as it reads the layer
//!      (saving a write and re-read of the layer's footprint), then the colour filters and
//!      vignette, the opacity, the blend mode and source-over. The shader reads what is below from
//!      a copy of the accumulator under the layer's footprint: the same as ping-ponging two
//!      accumulators, without shading pixels the layer does not touch. An unblurred image or
//!      shape layer skips the layer target: the composite shader computes its colour itself.
//!    - Pipelines: one per layer type (image quad with trilinear sampling and anti-aliased edges;
//!      shape with a signed-distance anti-aliased edge for rectangles and ellipses; text through
//!      epaint meshes and `egui_wgpu::Renderer`), the horizontal blur, and the composite (vertical
//!      blur, colour adjust, vignette, blend; variants drawing an image or shape themselves). Blur and composite pipelines are specialised on the
//!      number of blur taps (a pipeline constant, bucketed): llvmpipe runs fixed-length loops
//!      about 30 % faster; the first use of a new tap count compiles one (100-250 ms on llvmpipe).
//!    - Nothing is allocated per frame on the device: image textures are cached by
//!      [`SourceImage::key`] (dropped after 3 renders unused, or beyond 768 MiB), render targets
//!      and the readback buffer are kept while the output size stays the same.
//! 3. **Overlays** (editor only): safe-zone shading and slide guides, drawn last with epaint.
//! 4. **Readback**: rows are copied out of the 256-byte-aligned buffer and un-premultiplied.
//!
//! # Live frames
//!
//! While one layer changes from frame to frame (a drag), [`Compositor::render_live`] keeps the
//! composite of everything below it and a premultiplied group of the normal-blend layers above
//! it in two output-sized textures, keyed by hashes of what they show, so a frame draws the live
//! layer alone between a texture copy and one blend (see its docs for the tolerance).
//!
//! # Adapter
//!
//! Without `WGPU_BACKEND`, Vulkan (Metal, DX12) is asked first and OpenGL only when it finds
//! nothing: starting Mesa's EGL on a machine without a GPU prints driver errors and costs time,
//! and Vulkan has llvmpipe there anyway (see [`probe_adapter`]; `WGPU_ADAPTER_NAME` picks an
//! adapter by name).
//!
//! Compositing happens on gamma-encoded sRGB values (not `*Srgb` formats), as design tools do, so
//! a 50 % layer looks the way users expect from them; colours are premultiplied inside and straight
//! in the output.
//!
//! # Formulas
//!
//! - Blend modes: W3C Compositing Level 1 separable modes on straight colours,
//!   `co = cs(1 - ab) + cb(1 - as) + as*ab*B(cb, cs)`; multiply `cs*cb`, screen
//!   `cs + cb - cs*cb`, overlay `cb <= 0.5 ? 2*cs*cb : screen(cs, 2cb - 1)`; opacity scales the
//!   source first.
//! - Filters, on the layer's straight colour in 0..1 in this order: brightness `c + b/2`;
//!   contrast `(c - 0.5)(1 + k) + 0.5`; saturation `luma + (c - luma)(1 + s)` with Rec. 709 luma
//!   `0.2126 r + 0.7152 g + 0.0722 b`; temperature `r + t/10`, `b - t/10`; then clamped. Vignette
//!   multiplies by `1 - v * smoothstep(0.4, 1, r)`, `r` the distance from the layer's centre
//!   normalised to 1 at its corners. Blur is a Gaussian with sigma = radius / 2 canvas px (in
//!   output px: times the output's px per canvas px, per axis), taps to 3 sigma, capped at sigma
//!   128 output px; it runs before the colour filters.
//! - Images are sampled premultiplied, trilinearly from a 2x2-box mip chain at the level of the
//!   texels one output pixel spans (so downscaled photos do not alias); edges are anti-aliased
//!   by their distance in output px.
//!
//! [`reference::render_cpu`] implements the same on the CPU with the same formulas and the same
//! 8-bit rounding points; tests check the two agree.
//!
//! # Text
//!
//! epaint (egui's painting layer) lays out and tessellates text (see [`FontSet`] for the fonts;
//! emoji are monochrome). Glyphs are rasterized at the size they end up on the output.

mod fonts;
mod gpu;
mod live;
mod math;
mod plan;
pub mod reference;
pub mod scene;
mod text;

pub use fonts::FontSet;
pub use gpu::{Compositor, LiveCacheStats};
pub use scene::{
    BlendMode, Crop, Filters, Overlays, Scene, SceneContent, SceneLayer, ShapeKind, SourceImage, Transform, View,
};

/// The adapter wgpu picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    /// The adapter's name (for example `llvmpipe (LLVM 15.0.6, 256 bits)`).
    pub name: String,
    /// The API used (`Vulkan`, `Gl`, ...).
    pub backend: String,
    /// Whether it is a real GPU or a CPU renderer.
    pub device_type: String,
    /// True for software renderers (llvmpipe, lavapipe, WARP).
    pub is_cpu: bool,
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// wgpu found no adapter on any backend.
    #[error(
        "no graphics adapter found ({0}); install Mesa's CPU renderer (apt `mesa-vulkan-drivers libegl1 libgl1-mesa-dri`) or a GPU driver"
    )]
    NoAdapter(String),
    /// The adapter refused to open a device.
    #[error("could not open the graphics device: {0}")]
    Device(String),
    /// The device was lost (driver reset, GPU removed); make a new [`Compositor`].
    #[error("the graphics device was lost ({0}); the compositor must be recreated")]
    DeviceLost(String),
    /// The output is larger than the device renders.
    #[error("output {width}x{height} is larger than this device renders (at most {max} px a side)")]
    TooLarge {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
        /// The device's largest texture side.
        max: u32,
    },
    /// A zero-sized output, or a view that is empty or not finite.
    #[error("invalid render request: {0}")]
    InvalidRequest(String),
    /// wgpu reported an error (out of memory, validation) while rendering.
    #[error("rendering failed on the graphics device: {0}")]
    Gpu(String),
}

/// Checks what both renderers need: a non-empty output and a finite, non-empty view.
pub(crate) fn check_request(view: &View, out_width: u32, out_height: u32) -> Result<(), RenderError> {
    if out_width == 0 || out_height == 0 {
        return Err(RenderError::InvalidRequest(format!("output size {out_width}x{out_height} is empty")));
    }
    let finite = [view.x, view.y, view.width, view.height].iter().all(|v| v.is_finite());
    if !finite || view.width <= 0.0 || view.height <= 0.0 {
        return Err(RenderError::InvalidRequest(format!("view {view:?} is empty or not finite")));
    }
    Ok(())
}

pub(crate) fn summarize(info: &wgpu::AdapterInfo) -> AdapterSummary {
    AdapterSummary {
        name: info.name.clone(),
        backend: format!("{:?}", info.backend),
        device_type: format!("{:?}", info.device_type),
        is_cpu: info.device_type == wgpu::DeviceType::Cpu,
    }
}

/// Asks wgpu for an adapter the way the compositor will (honouring `WGPU_BACKEND`,
/// `WGPU_ADAPTER_NAME` and `WGPU_POWER_PREF`). Takes 50-200 ms: call it off the UI thread.
pub fn probe_adapter() -> Result<AdapterSummary, RenderError> {
    request_adapter().map(|adapter| summarize(&adapter.get_info()))
}

/// The adapter the compositor runs on.
///
/// With `WGPU_BACKEND` set, only those backends are asked. Otherwise the primary backends
/// (Vulkan, Metal, DX12) are asked first and OpenGL only when they offer no adapter: merely
/// starting the GL backend loads Mesa's EGL and its DRI driver (about 10 ms), which on a machine
/// without a GPU fail to initialise a display and say so on stderr (`DRI2: failed to load
/// driver`), while Vulkan finds llvmpipe there anyway.
///
/// Not silenced here: `error: XDG_RUNTIME_DIR is invalid or not set in the environment.`, twice,
/// when `XDG_RUNTIME_DIR` is unset (headless runs). libwayland prints it when Mesa's Vulkan
/// device-select layer looks for a Wayland compositor while listing devices, which it does
/// because wgpu enables the Wayland surface extension on every Vulkan instance. Only the process
/// environment avoids it (`NODEVICE_SELECT=1` or a valid `XDG_RUNTIME_DIR`), set before any
/// thread starts.
///
/// `WGPU_ADAPTER_NAME` (a case-insensitive part of the name) picks among the adapters of those
/// backends; none matching is an error. `WGPU_POWER_PREF` steers the default choice.
pub(crate) fn request_adapter() -> Result<wgpu::Adapter, RenderError> {
    if wgpu::Backends::from_env().is_some() {
        return adapter_on(None);
    }
    adapter_on(Some(wgpu::Backends::PRIMARY)).or_else(|primary| {
        adapter_on(Some(wgpu::Backends::GL)).map_err(|gl| match (primary, gl) {
            (RenderError::NoAdapter(p), RenderError::NoAdapter(g)) => {
                RenderError::NoAdapter(format!("Vulkan/Metal/DX12: {p}; OpenGL: {g}"))
            }
            (_, other) => other,
        })
    })
}

/// An adapter on `backends` (`None`: those of `WGPU_BACKEND`).
fn adapter_on(backends: Option<wgpu::Backends>) -> Result<wgpu::Adapter, RenderError> {
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
    if let Some(backends) = backends {
        descriptor.backends = backends;
    }
    let chosen = descriptor.backends;
    let instance = wgpu::Instance::new(descriptor);
    if let Some(wanted) = std::env::var("WGPU_ADAPTER_NAME").ok().filter(|n| !n.is_empty()) {
        let wanted = wanted.to_lowercase();
        let adapters = pollster::block_on(instance.enumerate_adapters(chosen));
        let names: Vec<String> = adapters.iter().map(|a| a.get_info().name).collect();
        return adapters.into_iter().find(|a| a.get_info().name.to_lowercase().contains(&wanted)).ok_or_else(|| {
            RenderError::NoAdapter(format!("none named like WGPU_ADAPTER_NAME={wanted:?} among {names:?}"))
        });
    }
    pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::from_env().unwrap_or_default(),
        ..Default::default()
    }))
    .map_err(|e| RenderError::NoAdapter(e.to_string()))
}
