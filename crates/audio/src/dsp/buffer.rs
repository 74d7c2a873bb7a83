/// Sound in memory: interleaved `f32` samples (frame after frame, one sample per channel),
/// nominally in `[-1, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioBuffer {
    /// Frames per second.
    pub sample_rate: u32,
    /// Samples per frame (1 mono, 2 stereo).
    pub channels: u16,
    /// `frames() * channels` samples.
    pub samples: Vec<f32>,
}

impl AudioBuffer {
    /// A buffer of `frames` frames of silence.
    pub fn silence(sample_rate: u32, channels: u16, frames: usize) -> Self {
        Self { sample_rate, channels, samples: vec![0.0; frames * usize::from(channels)] }
    }

    /// A mono buffer over `samples`.
    pub fn mono(sample_rate: u32, samples: Vec<f32>) -> Self {
        Self { sample_rate, channels: 1, samples }
    }

    /// Number of frames.
    pub fn frames(&self) -> usize {
        if self.channels == 0 { 0 } else { self.samples.len() / usize::from(self.channels) }
    }

    /// Length in seconds.
    pub fn duration_seconds(&self) -> f64 {
        if self.sample_rate == 0 { 0.0 } else { self.frames() as f64 / f64::from(self.sample_rate) }
    }
}
