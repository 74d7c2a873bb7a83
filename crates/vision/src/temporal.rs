//! Damping the flicker of restyled video.
//!
//! A generator restyles each frame on its own, so static areas shimmer from frame to frame.
//! Where the *input* did not change between two frames, the output should not either: each
//! output pixel is pulled towards the previous output pixel by a weight that falls off with how
//! much the input pixel changed (an edge-preserving, motion-aware exponential filter). Moving
//! areas keep the fresh frame, so nothing ghosts.

/// Per-video state: the previous input and output frames (interleaved RGB bytes).
#[derive(Debug, Clone)]
pub struct TemporalSmoother {
    strength: f32,
    /// Input change (mean of the three channels, 0-255) at which the pull has fallen to 1/e.
    sensitivity: f32,
    previous: Option<(Vec<u8>, Vec<u8>)>,
}

impl TemporalSmoother {
    /// `strength` in `[0, 1]`: how strongly a still pixel keeps its previous output (0 = off).
    pub fn new(strength: f32) -> Self {
        Self { strength: strength.clamp(0.0, 0.95), sensitivity: 10.0, previous: None }
    }

    /// Smooths `styled` (the model's output for `input`) in place; frames must keep one size
    /// (a size change restarts the filter).
    pub fn apply(&mut self, input: &[u8], styled: &mut [u8]) {
        if self.strength > 0.0
            && let Some((previous_input, previous_output)) = &self.previous
            && previous_input.len() == input.len()
            && previous_output.len() == styled.len()
        {
            for (((pixel, before), out), out_before) in input
                .chunks_exact(3)
                .zip(previous_input.chunks_exact(3))
                .zip(styled.chunks_exact_mut(3))
                .zip(previous_output.chunks_exact(3))
            {
                let change = pixel.iter().zip(before).map(|(a, b)| f32::from(a.abs_diff(*b))).sum::<f32>() / 3.0;
                let keep = self.strength * (-change / self.sensitivity).exp();
                for (value, old) in out.iter_mut().zip(out_before) {
                    let v = f32::from(*value) + (f32::from(*old) - f32::from(*value)) * keep;
                    *value = v.round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        match &mut self.previous {
            Some((previous_input, previous_output)) => {
                previous_input.clear();
                previous_input.extend_from_slice(input);
                previous_output.clear();
                previous_output.extend_from_slice(styled);
            }
            None => self.previous = Some((input.to_vec(), styled.to_vec())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn still_pixels_keep_their_output_and_moving_pixels_follow_the_frame() {
        let mut smoother = TemporalSmoother::new(0.8);
        let first_input = [100, 100, 100, 0, 0, 0];
        let mut first = [50, 50, 50, 10, 10, 10];
        smoother.apply(&first_input, &mut first);
        assert_eq!(first, [50, 50, 50, 10, 10, 10], "the first frame passes through");
        // pixel 0 is still (same input), pixel 1 changed a lot
        let second_input = [100, 100, 100, 255, 255, 255];
        let mut second = [60, 60, 60, 200, 200, 200];
        smoother.apply(&second_input, &mut second);
        assert_eq!(second[0], 52, "still pixel pulled 80% back: 60 + (50 - 60) * 0.8");
        assert_eq!(second[3], 200, "moving pixel keeps the new output");
    }

    #[test]
    fn zero_strength_is_off() {
        let mut smoother = TemporalSmoother::new(0.0);
        let mut a = [1, 2, 3];
        smoother.apply(&[0, 0, 0], &mut a);
        let mut b = [9, 9, 9];
        smoother.apply(&[0, 0, 0], &mut b);
        assert_eq!(b, [9, 9, 9]);
    }
}
