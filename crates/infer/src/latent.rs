//! Latent vectors drawn reproducibly: `len` standard-normal values from ChaCha8 stream `stream`
//! of `seed`, the same on every machine whatever else is drawn. The generators pick the stream
//! (image `index`, a variation, a sound kind and index) so results never share noise.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// `len` values of stream `stream` of `seed`.
pub(crate) fn standard_normal(seed: u64, stream: u64, len: usize) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    (0..len).map(|_| StandardNormal.sample(&mut rng)).collect()
}
