//! One decoded picture as packed RGB bytes.

/// One video frame: `width * height` pixels, 3 bytes each (R, G, B), rows top to bottom, no
/// padding between rows. The size is fixed at creation so a `process` callback can change the
/// pixels but never hand the encoder a buffer of the wrong length.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl Frame {
    /// Bytes per pixel of the packed `rgb24` layout.
    pub const BYTES_PER_PIXEL: usize = 3;

    /// A black frame of this size.
    pub fn new(width: u32, height: u32) -> Self {
        Self { width, height, data: vec![0; Self::len_for(width, height)] }
    }

    /// Wraps existing RGB bytes; `None` when `data` is not exactly `width * height * 3` long.
    pub fn from_rgb(width: u32, height: u32, data: Vec<u8>) -> Option<Self> {
        (data.len() == Self::len_for(width, height)).then_some(Self { width, height, data })
    }

    /// The byte length of a `width` x `height` RGB frame.
    pub fn len_for(width: u32, height: u32) -> usize {
        width as usize * height as usize * Self::BYTES_PER_PIXEL
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The RGB bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The RGB bytes, to change in place.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// The RGB bytes, taken out of the frame.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// Shows the size only: dumping megabytes of pixels into a log helps nobody.
impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame").field("width", &self.width).field("height", &self.height).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_rgb_checks_the_length() {
        assert!(Frame::from_rgb(2, 2, vec![0; 12]).is_some());
        assert!(Frame::from_rgb(2, 2, vec![0; 11]).is_none());
        assert_eq!(Frame::new(4, 3).data().len(), 36);
    }
}
