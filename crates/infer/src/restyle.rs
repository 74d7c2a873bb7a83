//! The image-to-image pipeline: an RGB image in, an RGB image of the same size out (CycleGAN
//! restyling, and the AnimeGAN-style exports users bring).
//!
//! A translator runs one tile at a time; tiling a large photo, blending and strength are the
//! caller's (see `postcraft-vision`). What the graph needs is read once at load: layout (NCHW
//! or NHWC, from which axis has 3 channels), a fixed size if the graph has one, the multiple
//! that dynamic sizes must be, how far a pixel sees (tile overlap) and the value range. Our
//! models say the last three in their metadata (`postcraft.*`); for other files safe defaults
//! apply.

use std::path::Path;

use ort::session::Session;
use ort::value::{TensorElementType, TensorRef, ValueType};
use parking_lot::Mutex;
use postcraft_jobs::CancelToken;

use crate::cancellable::run_cancellable;
use crate::manifest::ModelSpec;
use crate::runtime::SessionOptions;
use crate::{InferError, Runtime};

/// How the graph lays out an image tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `[1, 3, h, w]` (PyTorch exports, our CycleGAN).
    Nchw,
    /// `[1, h, w, 3]` (TensorFlow exports such as AnimeGAN).
    Nhwc,
}

/// What a translator needs from its input, read from the graph and its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslatorInfo {
    /// Tensor layout of input and output.
    pub layout: Layout,
    /// `(width, height)` when the graph takes one size only.
    pub fixed_size: Option<(usize, usize)>,
    /// Dynamic sizes must be multiples of this (the generator's total downsampling).
    pub size_multiple: usize,
    /// Pixels of context an output pixel depends on, on each side: the overlap tiles need.
    pub receptive_radius: usize,
    /// The values that mean black and white at the input, e.g. `(-1, 1)`.
    pub input_range: (f32, f32),
    /// The same at the output.
    pub output_range: (f32, f32),
}

/// Defaults for a graph that says nothing: CycleGAN and AnimeGAN exports take `[-1, 1]` and
/// downsample by 4 or 8.
const DEFAULT_SIZE_MULTIPLE: usize = 8;
const DEFAULT_RADIUS: usize = 32;

/// A loaded image-to-image model.
#[derive(Debug)]
pub struct ImageTranslator {
    session: Mutex<Session>,
    input_name: String,
    output_name: String,
    info: TranslatorInfo,
}

impl ImageTranslator {
    /// Opens the verified model at `path` described by `spec`; the manifest's `params`
    /// (`size_multiple`, `receptive_radius`, `input_range`, `output_range`) override the graph's
    /// metadata.
    pub fn load(runtime: &Runtime, spec: &ModelSpec, path: &Path, options: SessionOptions) -> Result<Self, InferError> {
        let mut translator = Self::load_unlisted(runtime, path, options)?;
        let params = &spec.params;
        let integer =
            |key: &str| params.get(key).and_then(toml::Value::as_integer).and_then(|v| usize::try_from(v).ok());
        if let Some(multiple) = integer("size_multiple").filter(|m| *m > 0) {
            translator.info.size_multiple = multiple;
        }
        if let Some(radius) = integer("receptive_radius") {
            translator.info.receptive_radius = radius;
        }
        if let Some(range) = params.get("input_range").and_then(range_of) {
            translator.info.input_range = range;
        }
        if let Some(range) = params.get("output_range").and_then(range_of) {
            translator.info.output_range = range;
        }
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        for (listed, actual) in
            [(spec.inputs.first(), &translator.input_name), (spec.outputs.first(), &translator.output_name)]
        {
            if let Some(listed) = listed
                && listed.name != *actual
            {
                return Err(invalid(format!("the graph's tensor is `{actual}`, the manifest says `{}`", listed.name)));
            }
        }
        Ok(translator)
    }

    /// Opens a model file that is not in the manifest (a user's CycleGAN or AnimeGAN export):
    /// one float image input, one float image output.
    pub fn load_unlisted(runtime: &Runtime, path: &Path, options: SessionOptions) -> Result<Self, InferError> {
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        let session = runtime.open_session(path, options)?;
        let [input] = session.inputs() else {
            return Err(invalid(format!(
                "an image-to-image model takes one image input; this graph takes {}",
                session.inputs().len()
            )));
        };
        let Some(output) = session.outputs().first() else {
            return Err(invalid("the graph has no output".into()));
        };
        let (layout, fixed_size) = image_shape(input.dtype()).map_err(|why| invalid(format!("input: {why}")))?;
        let (out_layout, _) = image_shape(output.dtype()).map_err(|why| invalid(format!("output: {why}")))?;
        if out_layout != layout {
            return Err(invalid("the output's layout differs from the input's".into()));
        }
        let metadata = session.metadata().map_err(|e| invalid(e.to_string()))?;
        let meta_usize = |key: &str| metadata.custom(key).and_then(|v| v.trim().parse::<usize>().ok());
        let info = TranslatorInfo {
            layout,
            fixed_size,
            size_multiple: meta_usize("postcraft.size_multiple").filter(|m| *m > 0).unwrap_or(DEFAULT_SIZE_MULTIPLE),
            receptive_radius: meta_usize("postcraft.receptive_radius").unwrap_or(DEFAULT_RADIUS),
            input_range: (-1.0, 1.0),
            output_range: (-1.0, 1.0),
        };
        let (input_name, output_name) = (input.name().to_owned(), output.name().to_owned());
        drop(metadata);
        Ok(Self { session: Mutex::new(session), input_name, output_name, info })
    }

    /// What the graph needs.
    pub fn info(&self) -> &TranslatorInfo {
        &self.info
    }

    /// Translates one image given as planar RGB (`3 * height * width` values in `[0, 1]`, CHW);
    /// returns the same layout. The size must suit the graph (see [`TranslatorInfo`]). If
    /// `cancel` fires during the run, the run is terminated and `Cancelled` returned.
    pub fn translate(
        &self,
        planar: &[f32],
        width: usize,
        height: usize,
        cancel: Option<&CancelToken>,
    ) -> Result<Vec<f32>, InferError> {
        let bad = |reason: String| InferError::Inference(reason);
        if planar.len() != 3 * width * height || width == 0 || height == 0 {
            return Err(bad(format!("expected 3 x {height} x {width} values, got {}", planar.len())));
        }
        if let Some((w, h)) = self.info.fixed_size
            && (w, h) != (width, height)
        {
            return Err(bad(format!("this model takes {w}x{h} images only, not {width}x{height}")));
        }
        let multiple = self.info.size_multiple;
        if !width.is_multiple_of(multiple) || !height.is_multiple_of(multiple) {
            return Err(bad(format!("{width}x{height} is not a multiple of {multiple}")));
        }
        let (lo, hi) = self.info.input_range;
        let to_model = |v: f32| lo + v * (hi - lo);
        let plane = width * height;
        let data: Vec<f32> = match self.info.layout {
            Layout::Nchw => planar.iter().map(|v| to_model(*v)).collect(),
            Layout::Nhwc => (0..plane)
                .flat_map(|p| (0..3).map(move |c| (c, p)))
                .map(|(c, p)| to_model(planar[c * plane + p]))
                .collect(),
        };
        let shape = match self.info.layout {
            Layout::Nchw => [1, 3, height, width],
            Layout::Nhwc => [1, height, width, 3],
        };
        let input = TensorRef::from_array_view((shape, data.as_slice())).map_err(|e| bad(e.to_string()))?;
        let mut session = self.session.lock();
        let (out_shape, out) = run_cancellable(cancel, |options| {
            let outputs = session.run_with_options(ort::inputs![self.input_name.as_str() => input], options)?;
            let (shape, data) = outputs[self.output_name.as_str()].try_extract_tensor::<f32>()?;
            Ok((shape.to_vec(), data.to_vec()))
        })?;
        drop(session);
        let expected: Vec<i64> = shape.iter().map(|d| *d as i64).collect();
        if out_shape != expected {
            return Err(bad(format!(
                "the model returned shape {out_shape:?} for an input of {expected:?}; only same-size outputs are supported"
            )));
        }
        let (lo, hi) = self.info.output_range;
        let from_model = |v: f32| ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
        Ok(match self.info.layout {
            Layout::Nchw => out.iter().map(|v| from_model(*v)).collect(),
            Layout::Nhwc => {
                (0..3).flat_map(|c| (0..plane).map(move |p| (c, p))).map(|(c, p)| from_model(out[p * 3 + c])).collect()
            }
        })
    }
}

/// Layout and fixed size of a rank-4 float image tensor with 3 channels.
fn image_shape(value: &ValueType) -> Result<(Layout, Option<(usize, usize)>), String> {
    let ValueType::Tensor { ty: TensorElementType::Float32, shape, .. } = value else {
        return Err(format!("expected a float32 image tensor, found {value:?}"));
    };
    if shape.len() != 4 {
        return Err(format!("expected 4 dimensions (batch, channels, height, width), found {}", shape.len()));
    }
    let fixed = |d: i64| usize::try_from(d).ok().filter(|d| *d > 0);
    let (layout, h, w) = if shape[1] == 3 {
        (Layout::Nchw, shape[2], shape[3])
    } else if shape[3] == 3 {
        (Layout::Nhwc, shape[1], shape[2])
    } else {
        return Err(format!("expected an image tensor with 3 (RGB) channels, found shape {shape:?}"));
    };
    Ok((layout, fixed(w).zip(fixed(h))))
}

fn range_of(value: &toml::Value) -> Option<(f32, f32)> {
    let array = value.as_array()?;
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    match array.as_slice() {
        [lo, hi] => Some((number(lo)? as f32, number(hi)? as f32)).filter(|(lo, hi)| lo < hi),
        _ => None,
    }
}
