//! Pixel work around Postcraft's image models, free of any model runtime so it is tested on its
//! own: images as planar floats, tiling a large photo through a model that sees a bounded
//! neighbourhood (with overlap and feathered blending, so no seams), blending a result with
//! its original (the strength slider), upscaling small GAN output to post size, damping
//! frame-to-frame flicker of restyled video, and encoding animations.

pub mod animation;
pub mod planar;
pub mod temporal;
pub mod tiling;
pub mod upscale;

pub use planar::PlanarImage;
pub use temporal::TemporalSmoother;
pub use tiling::{TilePlan, TilingError, translate_tiled};
