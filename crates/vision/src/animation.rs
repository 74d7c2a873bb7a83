//! Encoding generated frames as an animated GIF (MP4 goes through ffmpeg, see `postcraft-media`).

use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame, RgbaImage};

/// Encodes `frames` as a looping GIF showing each for `frame_ms` milliseconds.
pub fn encode_gif(frames: &[RgbaImage], frame_ms: u32) -> Result<Vec<u8>, image::ImageError> {
    let mut bytes = Vec::new();
    {
        // speed 10 of NeuQuant's 1-30: good palettes at a fraction of the slowest setting's time.
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, 10);
        encoder.set_repeat(Repeat::Infinite)?;
        for frame in frames {
            encoder.encode_frame(Frame::from_parts(frame.clone(), 0, 0, Delay::from_numer_denom_ms(frame_ms, 1)))?;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::AnimationDecoder;
    use image::codecs::gif::GifDecoder;

    #[test]
    fn frames_and_timing_survive_a_round_trip() {
        let frames: Vec<RgbaImage> =
            (0..4u8).map(|i| RgbaImage::from_pixel(16, 8, image::Rgba([i * 60, 0, 255 - i * 60, 255]))).collect();
        let gif = encode_gif(&frames, 80).expect("encodes");
        let decoded = GifDecoder::new(std::io::Cursor::new(gif))
            .expect("decodes")
            .into_frames()
            .collect_frames()
            .expect("frames");
        assert_eq!(decoded.len(), 4);
        assert_eq!(decoded[0].delay().numer_denom_ms(), (80, 1));
        assert_eq!(decoded[2].buffer().dimensions(), (16, 8));
        let red = decoded[3].buffer().get_pixel(3, 3).0[0];
        assert!(red.abs_diff(180) <= 8, "{red}");
    }
}
