//! The loaded sound as a rodio [`Source`] the output pulls from.
//!
//! The transport lives in atomics shared between the control side (the [`Player`] handle) and the
//! audio callback: the status and frame cursor (packed in one word), a loop flag and a volume. The
//! audio callback never locks, allocates or frees; the cursor counts the frames the output
//! actually pulled, so the position, seeking and looping are exact to the frame.
//!
//! [`Player`]: super::Player

use std::num::NonZero;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use rodio::{ChannelCount, SampleRate, Source};

use super::error::InvalidBuffer;
use super::state::PlaybackStatus;
use crate::dsp::AudioBuffer;

/// Highest volume: twice the sound's own level.
pub(crate) const MAX_VOLUME: f32 = 2.0;

/// A volume change moves the gain by at most 1.0 per this many seconds: a change from silence to
/// full level takes 10 ms, short enough to feel immediate and long enough not to click.
const GAIN_RAMP_SECONDS_PER_UNIT: f32 = 0.010;

/// Settings that outlive one loaded sound: the next sound loops and plays at the same volume.
#[derive(Debug)]
pub(crate) struct Controls {
    looping: AtomicBool,
    /// `f32` bits: there is no atomic float.
    volume_bits: AtomicU32,
}

impl Controls {
    /// Not looping, at the sound's own level.
    pub(crate) fn new() -> Self {
        Self { looping: AtomicBool::new(false), volume_bits: AtomicU32::new(1.0_f32.to_bits()) }
    }

    pub(crate) fn looping(&self) -> bool {
        self.looping.load(Ordering::Acquire)
    }

    pub(crate) fn set_looping(&self, looping: bool) {
        self.looping.store(looping, Ordering::Release);
    }

    pub(crate) fn volume(&self) -> f32 {
        f32::from_bits(self.volume_bits.load(Ordering::Acquire))
    }

    /// Clamps to `0..=MAX_VOLUME`; a non-finite value is ignored (a slider never sends one, and no
    /// gain would make sense of it).
    pub(crate) fn set_volume(&self, volume: f32) {
        if volume.is_finite() {
            self.volume_bits.store(volume.clamp(0.0, MAX_VOLUME).to_bits(), Ordering::Release);
        }
    }
}

/// The transport of a sound in one atomic word: the status in the top bits, the cursor (the next
/// frame the output will pull; the length once it pulled the last one) below. One word, so that
/// every change is a single compare-and-swap: a pause can never let one more frame through, and a
/// seek never races the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transport {
    status: PlaybackStatus,
    cursor: u64,
}

impl Transport {
    const STATUS_SHIFT: u32 = 61;
    const CURSOR_MASK: u64 = (1 << Self::STATUS_SHIFT) - 1;

    fn pack(self) -> u64 {
        (u64::from(self.status.to_byte()) << Self::STATUS_SHIFT) | (self.cursor & Self::CURSOR_MASK)
    }

    fn unpack(word: u64) -> Self {
        Self { status: PlaybackStatus::from_byte((word >> Self::STATUS_SHIFT) as u8), cursor: word & Self::CURSOR_MASK }
    }
}

/// How much of a sound there is: the frames that can be played, and whether that is all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Length {
    pub(crate) frames: u64,
    /// False while a stream may still grow.
    pub(crate) complete: bool,
}

impl Length {
    /// The top bit of the packed word; the frames below.
    const COMPLETE: u64 = 1 << 63;

    fn pack(self) -> u64 {
        if self.complete { self.frames | Self::COMPLETE } else { self.frames }
    }

    fn unpack(word: u64) -> Self {
        Self { frames: word & !Self::COMPLETE, complete: word & Self::COMPLETE != 0 }
    }
}

/// What the output does with the next frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Play `frame`; the cursor moves to `next`.
    Play { frame: u64, next: u64 },
    /// A stream not finished has nothing more yet: silence, holding the position.
    Wait,
    /// The end without looping: silence, and the sound has ended.
    End,
}

/// The next step of a playing sound of `length` at `cursor`. A sound that may still grow neither
/// ends nor loops: at what was pushed so far, it waits.
fn step(length: Length, cursor: u64, looping: bool) -> Step {
    let frames = length.frames;
    let frame = if cursor < frames {
        cursor
    } else if !length.complete {
        return Step::Wait;
    } else if looping && frames > 0 {
        // At the end with looping switched on after the fact (or the stream finished there):
        // start over.
        0
    } else {
        return Step::End;
    };
    let next = frame + 1;
    // Wrapping here rather than on the next pull keeps the position inside the sound and plays
    // frame 0 right after the last one: no gap.
    Step::Play { frame, next: if looping && length.complete && next >= frames { 0 } else { next } }
}

/// Samples of the first segment of a stream; each next one holds twice as many as the one before.
const FIRST_SEGMENT_SAMPLES: usize = 1 << 15;

/// Segments of a stream: 2^15 * (2^32 - 1) samples in all, beyond any memory.
const STREAM_SEGMENTS: usize = 32;

/// Samples a stream holds at most.
const STREAM_CAPACITY: usize = FIRST_SEGMENT_SAMPLES * ((1 << STREAM_SEGMENTS) - 1);

/// Which segment sample `index` of a stream is in, and where in it.
const fn locate(index: usize) -> (usize, usize) {
    // Segment k starts at FIRST * (2^k - 1), so index / FIRST + 1 lies in [2^k, 2^(k+1)).
    let segment = (usize::BITS - 1 - (index / FIRST_SEGMENT_SAMPLES + 1).leading_zeros()) as usize;
    (segment, index - FIRST_SEGMENT_SAMPLES * ((1 << segment) - 1))
}

/// The samples of a stream, growing as they are pushed, readable by the audio callback without a
/// lock: segments of doubling size, each allocated once (by the writer, when the previous one is
/// full) and never moved or freed while the sound lives, so a sample's place is a computation.
/// Samples are `f32` bits in atomics, written before the sound's length publishes them (release)
/// and read after the callback loads that length (acquire): no `unsafe`, and the loads are plain
/// loads. At most half the allocated memory is unused.
struct StreamSamples {
    segments: [OnceLock<Box<[AtomicU32]>>; STREAM_SEGMENTS],
    /// Samples written so far. Also the writers' lock, held while writing and publishing, which
    /// the audio callback never takes.
    written: Mutex<usize>,
}

impl std::fmt::Debug for StreamSamples {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let written = *self.written.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("StreamSamples").field("written", &written).finish_non_exhaustive()
    }
}

impl StreamSamples {
    fn new() -> Self {
        Self { segments: std::array::from_fn(|_| OnceLock::new()), written: Mutex::new(0) }
    }

    /// Sample `index`, or silence if that segment does not exist (never, for a published frame).
    fn get(&self, index: usize) -> f32 {
        let (segment, offset) = locate(index);
        self.segments
            .get(segment)
            .and_then(OnceLock::get)
            .and_then(|samples| samples.get(offset))
            .map_or(0.0, |sample| f32::from_bits(sample.load(Ordering::Relaxed)))
    }

    /// Appends `samples` under the writers' lock, then calls `publish` with the number of samples
    /// written, still under the lock (so that publications are in order).
    fn append(&self, samples: &[f32], publish: impl FnOnce(usize)) -> Result<(), InvalidBuffer> {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        let end =
            written.checked_add(samples.len()).filter(|end| *end <= STREAM_CAPACITY).ok_or(InvalidBuffer::TooLong)?;
        let mut index = *written;
        let mut rest = samples;
        while !rest.is_empty() {
            let (segment, offset) = locate(index);
            let slots = self.segments[segment]
                .get_or_init(|| (0..FIRST_SEGMENT_SAMPLES << segment).map(|_| AtomicU32::new(0)).collect());
            let (now, later) = rest.split_at(rest.len().min(slots.len() - offset));
            for (slot, sample) in slots[offset..].iter().zip(now) {
                slot.store(sample.to_bits(), Ordering::Relaxed);
            }
            index += now.len();
            rest = later;
        }
        *written = end;
        publish(end);
        Ok(())
    }

    /// Runs `publish` under the writers' lock with the number of samples written.
    fn with_written(&self, publish: impl FnOnce(usize)) {
        let written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        publish(*written);
    }
}

/// Where a sound's samples are.
#[derive(Debug)]
enum Samples {
    /// A buffer, whole from the start.
    Whole(Vec<f32>),
    /// A stream, growing as it is pushed.
    Stream(Box<StreamSamples>),
}

/// One loaded sound and its transport.
#[derive(Debug)]
pub(crate) struct Sound {
    samples: Samples,
    channels: ChannelCount,
    sample_rate: SampleRate,
    /// A packed [`Length`]: what the output may play. Fixed for a buffer; for a stream, stored
    /// (release) after the samples it covers were written.
    length: AtomicU64,
    /// A packed [`Transport`].
    transport: AtomicU64,
    /// Set when another sound replaces this one: its source then ends, and the mixer drops it.
    retired: AtomicBool,
}

impl Sound {
    /// The buffer's samples, stopped at the start. A trailing partial frame is dropped.
    pub(crate) fn new(buffer: AudioBuffer) -> Result<Self, InvalidBuffer> {
        let frames = buffer.frames();
        let mut samples = buffer.samples;
        samples.truncate(frames * usize::from(buffer.channels));
        // A buffer in memory is far below the 2^61 frames the cursor holds.
        let length = Length { frames: frames as u64, complete: true };
        Self::with(Samples::Whole(samples), buffer.sample_rate, buffer.channels, length)
    }

    /// An empty stream, stopped at the start, that grows with [`push`](Self::push) until
    /// [`finish`](Self::finish).
    pub(crate) fn stream(sample_rate: u32, channels: u16) -> Result<Self, InvalidBuffer> {
        let length = Length { frames: 0, complete: false };
        Self::with(Samples::Stream(Box::new(StreamSamples::new())), sample_rate, channels, length)
    }

    fn with(samples: Samples, sample_rate: u32, channels: u16, length: Length) -> Result<Self, InvalidBuffer> {
        Ok(Self {
            samples,
            channels: NonZero::new(channels).ok_or(InvalidBuffer::NoChannels)?,
            sample_rate: NonZero::new(sample_rate).ok_or(InvalidBuffer::NoSampleRate)?,
            length: AtomicU64::new(length.pack()),
            transport: AtomicU64::new(Transport { status: PlaybackStatus::Idle, cursor: 0 }.pack()),
            retired: AtomicBool::new(false),
        })
    }

    /// Appends interleaved samples to a stream; a frame is playable once all its channels are
    /// pushed. Pushing to a finished stream, or to a buffer, does nothing.
    pub(crate) fn push(&self, samples: &[f32]) -> Result<(), InvalidBuffer> {
        let Samples::Stream(stream) = &self.samples else { return Ok(()) };
        if self.length().complete {
            return Ok(());
        }
        let channels = usize::from(self.channels.get());
        stream.append(samples, |written| {
            if !self.length().complete {
                let length = Length { frames: (written / channels) as u64, complete: false };
                self.length.store(length.pack(), Ordering::Release);
            }
        })
    }

    /// Makes what was pushed the whole sound; a trailing partial frame is dropped.
    pub(crate) fn finish(&self) {
        match &self.samples {
            Samples::Whole(_) => {}
            // Under the writers' lock, so that a push in progress is wholly before or after.
            Samples::Stream(stream) => stream.with_written(|_written| {
                self.length.fetch_or(Length::COMPLETE, Ordering::Release);
            }),
        }
    }

    /// Sample `index` (frame times channels plus channel); silence past what is there.
    fn sample(&self, index: usize) -> f32 {
        match &self.samples {
            Samples::Whole(samples) => samples.get(index).copied().unwrap_or(0.0),
            Samples::Stream(stream) => stream.get(index),
        }
    }

    pub(crate) fn length(&self) -> Length {
        Length::unpack(self.length.load(Ordering::Acquire))
    }

    fn transport(&self) -> Transport {
        Transport::unpack(self.transport.load(Ordering::Acquire))
    }

    /// Applies `change` atomically; `None` leaves the transport as it is. Returns the transport
    /// `change` was applied to.
    fn update(&self, mut change: impl FnMut(Transport) -> Option<Transport>) -> Result<Transport, Transport> {
        self.transport
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |word| {
                change(Transport::unpack(word)).map(Transport::pack)
            })
            .map(Transport::unpack)
            .map_err(Transport::unpack)
    }

    /// The status and position in seconds, read together.
    pub(crate) fn status_and_position(&self) -> (PlaybackStatus, f64) {
        let transport = self.transport();
        (transport.status, self.seconds(transport.cursor))
    }

    #[cfg(test)]
    fn status(&self) -> PlaybackStatus {
        self.transport().status
    }

    #[cfg(test)]
    fn position_frames(&self) -> u64 {
        self.transport().cursor
    }

    /// The length in seconds (so far, for a stream), and whether it is final.
    pub(crate) fn duration_seconds(&self) -> (f64, bool) {
        let length = self.length();
        (self.seconds(length.frames), length.complete)
    }

    fn seconds(&self, frames: u64) -> f64 {
        frames as f64 / f64::from(self.sample_rate.get())
    }

    /// Starts or resumes; from `Ended` it starts over.
    pub(crate) fn play(&self) {
        let _already_playing = self.update(|transport| match transport.status {
            PlaybackStatus::Playing | PlaybackStatus::Buffering => None,
            PlaybackStatus::Ended => Some(Transport { status: PlaybackStatus::Playing, cursor: 0 }),
            PlaybackStatus::Idle | PlaybackStatus::Paused => {
                Some(Transport { status: PlaybackStatus::Playing, ..transport })
            }
        });
    }

    /// Holds the position. Only a playing (or buffering) sound pauses: an ended one stays ended.
    pub(crate) fn pause(&self) {
        let _not_playing = self.update(|transport| {
            matches!(transport.status, PlaybackStatus::Playing | PlaybackStatus::Buffering)
                .then_some(Transport { status: PlaybackStatus::Paused, ..transport })
        });
    }

    /// Back to the start, not playing.
    pub(crate) fn stop(&self) {
        self.transport.store(Transport { status: PlaybackStatus::Idle, cursor: 0 }.pack(), Ordering::Release);
    }

    /// Moves to `seconds`, clamped to the sound (to what was pushed, for a stream); a NaN is
    /// ignored. Playing goes on playing from there (buffering, if that is the end of a stream
    /// still growing); an ended sound becomes paused, since it is no longer at its end.
    pub(crate) fn seek_seconds(&self, seconds: f64) {
        if seconds.is_nan() {
            return;
        }
        let frame = (seconds * f64::from(self.sample_rate.get())).round().clamp(0.0, self.length().frames as f64);
        self.seek_frames(frame as u64);
    }

    pub(crate) fn seek_frames(&self, frame: u64) {
        let cursor = frame.min(self.length().frames);
        let _always = self.update(|transport| {
            let status =
                if transport.status == PlaybackStatus::Ended { PlaybackStatus::Paused } else { transport.status };
            Some(Transport { status, cursor })
        });
    }

    /// Stops this sound's source for good: another sound replaced it.
    pub(crate) fn retire(&self) {
        self.retired.store(true, Ordering::Release);
    }

    pub(crate) fn is_retired(&self) -> bool {
        self.retired.load(Ordering::Acquire)
    }

    /// The audio callback's side: which frame to output next, advancing the cursor, or `None` for
    /// a frame of silence (not playing, waiting for a stream, or just ended).
    fn take_next_frame(&self, looping: bool) -> Option<u64> {
        // Loaded once, before the transport: every frame below it was written before it was
        // published, so the frame this returns can be read.
        let length = self.length();
        let advanced = self.update(|transport| {
            if !matches!(transport.status, PlaybackStatus::Playing | PlaybackStatus::Buffering) {
                return None;
            }
            match step(length, transport.cursor, looping) {
                Step::Play { next, .. } => Some(Transport { status: PlaybackStatus::Playing, cursor: next }),
                // Already buffering: nothing to store.
                Step::Wait => (transport.status != PlaybackStatus::Buffering)
                    .then_some(Transport { status: PlaybackStatus::Buffering, ..transport }),
                Step::End => Some(Transport { status: PlaybackStatus::Ended, ..transport }),
            }
        });
        match advanced {
            // The step the update took, from the transport it was applied to.
            Ok(before) => match step(length, before.cursor, looping) {
                Step::Play { frame, .. } => Some(frame),
                Step::Wait | Step::End => None,
            },
            Err(_not_playing_or_still_waiting) => None,
        }
    }
}

/// What the output pulls: the sound's frames while playing, silence otherwise. It never ends by
/// itself (so that play after pause or end needs no new source); it ends once the sound is retired.
#[derive(Debug)]
pub(crate) struct SoundSource {
    sound: Arc<Sound>,
    controls: Arc<Controls>,
    /// Index in `samples` of the current frame's first sample; `None` while outputting silence.
    frame_start: Option<usize>,
    /// Which sample of the current frame comes next.
    channel: u16,
    /// The gain applied now, moving toward the volume by at most `max_gain_step` a frame.
    gain: f32,
    max_gain_step: f32,
    finished: bool,
}

impl SoundSource {
    /// A source over `sound`, starting at the current volume (no ramp from silence on load).
    pub(crate) fn new(sound: Arc<Sound>, controls: Arc<Controls>) -> Self {
        let max_gain_step = 1.0 / (GAIN_RAMP_SECONDS_PER_UNIT * sound.sample_rate.get() as f32);
        let gain = controls.volume();
        Self { sound, controls, frame_start: None, channel: 0, gain, max_gain_step, finished: false }
    }

    /// Starts the next frame: decided once per frame, so every channel of a frame comes from the
    /// same position and the same gain.
    fn begin_frame(&mut self) {
        let frame = self.sound.take_next_frame(self.controls.looping());
        self.frame_start = frame.map(|frame| frame as usize * usize::from(self.sound.channels.get()));
        let target = self.controls.volume();
        let delta = target - self.gain;
        self.gain =
            if delta.abs() <= self.max_gain_step { target } else { self.gain + self.max_gain_step * delta.signum() };
    }
}

impl Iterator for SoundSource {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.channel == 0 {
            // Checked at frame boundaries only, so the mixer never sees half a frame.
            if self.finished || self.sound.is_retired() {
                self.finished = true;
                return None;
            }
            self.begin_frame();
        }
        let sample = match self.frame_start {
            // In range by construction (`frame < frames`); `sample` keeps the audio callback free
            // of any panic path all the same.
            Some(start) => self.sound.sample(start + usize::from(self.channel)) * self.gain,
            None => 0.0,
        };
        self.channel = (self.channel + 1) % self.sound.channels.get();
        Some(sample)
    }
}

impl Source for SoundSource {
    fn current_span_len(&self) -> Option<usize> {
        // One endless span: the rate and channels never change.
        None
    }

    fn channels(&self) -> ChannelCount {
        self.sound.channels
    }

    fn sample_rate(&self) -> SampleRate {
        self.sound.sample_rate
    }

    fn total_duration(&self) -> Option<Duration> {
        // Endless: silence after the end, until retired.
        None
    }

    fn try_seek(&mut self, position: Duration) -> Result<(), rodio::source::SeekError> {
        self.sound.seek_seconds(position.as_secs_f64());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 1000;

    /// A stereo sound whose left sample is the frame number and right sample its negative, so any
    /// output sample says which frame it came from.
    fn numbered_sound(frames: usize) -> Arc<Sound> {
        let samples = (0..frames).flat_map(|frame| [frame as f32, -(frame as f32)]).collect();
        Arc::new(Sound::new(AudioBuffer { sample_rate: RATE, channels: 2, samples }).expect("valid buffer"))
    }

    fn source_over(sound: &Arc<Sound>) -> (SoundSource, Arc<Controls>) {
        let controls = Arc::new(Controls::new());
        (SoundSource::new(Arc::clone(sound), Arc::clone(&controls)), controls)
    }

    /// Pulls `frames` frames and returns each frame's left sample.
    fn pull_left(source: &mut SoundSource, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|_| {
                let left = source.next().expect("the source never ends while its sound is loaded");
                let _right = source.next().expect("frames are whole");
                left
            })
            .collect()
    }

    #[test]
    fn a_stopped_sound_outputs_silence_without_moving() {
        let sound = numbered_sound(10);
        let (mut source, _controls) = source_over(&sound);
        sound.seek_frames(3);
        assert_eq!(pull_left(&mut source, 5), vec![0.0; 5]);
        assert_eq!(sound.position_frames(), 3);
        assert_eq!(sound.status(), PlaybackStatus::Idle);
    }

    #[test]
    fn position_advances_by_the_frames_pulled() {
        let sound = numbered_sound(100);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        assert_eq!(pull_left(&mut source, 7), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(sound.position_frames(), 7);
        // Half a frame pulled already counts the frame: its position was decided.
        source.next();
        assert_eq!(sound.position_frames(), 8);
        assert_eq!(source.next(), Some(-7.0), "the right sample completes frame 7");
        assert_eq!(sound.status_and_position(), (PlaybackStatus::Playing, 0.008));
    }

    #[test]
    fn seek_moves_the_next_frame_and_clamps_to_the_length() {
        let sound = numbered_sound(100);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        pull_left(&mut source, 4);
        sound.seek_seconds(0.050);
        assert_eq!(pull_left(&mut source, 2), vec![50.0, 51.0]);
        sound.seek_seconds(-3.0);
        assert_eq!(sound.position_frames(), 0);
        sound.seek_seconds(1e9);
        assert_eq!(sound.position_frames(), 100);
        sound.seek_seconds(f64::NAN);
        assert_eq!(sound.position_frames(), 100, "NaN is ignored");
    }

    #[test]
    fn the_end_without_looping_ends_and_holds_the_position() {
        let sound = numbered_sound(4);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        assert_eq!(pull_left(&mut source, 6), vec![0.0, 1.0, 2.0, 3.0, 0.0, 0.0]);
        assert_eq!(sound.status(), PlaybackStatus::Ended);
        assert_eq!(sound.position_frames(), 4);
        // Play after the end starts over.
        sound.play();
        assert_eq!(pull_left(&mut source, 2), vec![0.0, 1.0]);
    }

    #[test]
    fn looping_wraps_to_the_first_frame_without_a_gap() {
        let sound = numbered_sound(3);
        let (mut source, controls) = source_over(&sound);
        controls.set_looping(true);
        sound.play();
        assert_eq!(pull_left(&mut source, 8), vec![0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 0.0, 1.0]);
        assert_eq!(sound.position_frames(), 2);
        assert_eq!(sound.status(), PlaybackStatus::Playing);
        // Looping off: plays to the end once more, then ends.
        controls.set_looping(false);
        assert_eq!(pull_left(&mut source, 3), vec![2.0, 0.0, 0.0]);
        assert_eq!(sound.status(), PlaybackStatus::Ended);
    }

    #[test]
    fn looping_switched_on_at_the_end_starts_over() {
        let sound = numbered_sound(3);
        let (mut source, controls) = source_over(&sound);
        sound.seek_frames(3);
        sound.play();
        controls.set_looping(true);
        assert_eq!(pull_left(&mut source, 4), vec![0.0, 1.0, 2.0, 0.0]);
    }

    #[test]
    fn pause_outputs_silence_and_holds_the_position() {
        let sound = numbered_sound(100);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        pull_left(&mut source, 10);
        sound.pause();
        assert_eq!(sound.status(), PlaybackStatus::Paused);
        assert_eq!(pull_left(&mut source, 20), vec![0.0; 20]);
        assert_eq!(sound.position_frames(), 10);
        sound.play();
        assert_eq!(pull_left(&mut source, 2), vec![10.0, 11.0]);
    }

    #[test]
    fn pause_keeps_an_ended_sound_ended_and_seek_makes_it_paused() {
        let sound = numbered_sound(2);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        pull_left(&mut source, 3);
        sound.pause();
        assert_eq!(sound.status(), PlaybackStatus::Ended);
        sound.seek_frames(1);
        assert_eq!(sound.status(), PlaybackStatus::Paused);
        assert_eq!(sound.position_frames(), 1);
    }

    #[test]
    fn stop_returns_to_the_start() {
        let sound = numbered_sound(10);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        pull_left(&mut source, 5);
        sound.stop();
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Idle, 0));
        assert_eq!(pull_left(&mut source, 2), vec![0.0, 0.0]);
    }

    #[test]
    fn volume_scales_from_the_first_frame_and_ramps_on_change() {
        let sound = Arc::new(Sound::new(AudioBuffer::mono(RATE * 10, vec![0.5; 10_000])).expect("valid buffer"));
        let controls = Arc::new(Controls::new());
        controls.set_volume(2.0);
        let mut source = SoundSource::new(Arc::clone(&sound), Arc::clone(&controls));
        sound.play();
        assert_eq!(source.next(), Some(1.0), "the volume at load applies at once");

        // 10 ms per unit of gain at 10 kHz: 100 frames per unit, so 2.0 -> 0.0 takes 200 frames.
        controls.set_volume(0.0);
        let ramp: Vec<f32> = (0..200).map(|_| source.next().expect("endless")).collect();
        assert!(ramp.windows(2).all(|pair| pair[1] < pair[0]), "the gain falls step by step");
        assert!(ramp[0] > 0.99, "no jump: {}", ramp[0]);
        assert_eq!(source.next(), Some(0.0), "settled at the new volume");

        controls.set_volume(5.0);
        assert_eq!(controls.volume(), MAX_VOLUME, "clamped");
        controls.set_volume(f32::NAN);
        assert_eq!(controls.volume(), MAX_VOLUME, "NaN is ignored");
        controls.set_volume(-1.0);
        assert_eq!(controls.volume(), 0.0, "clamped");
    }

    #[test]
    fn a_retired_sound_ends_its_source_at_a_frame_boundary() {
        let sound = numbered_sound(10);
        let (mut source, _controls) = source_over(&sound);
        sound.play();
        source.next();
        sound.retire();
        assert_eq!(source.next(), Some(-0.0), "the frame in progress is completed");
        assert_eq!(source.next(), None);
        assert_eq!(source.next(), None, "and it stays ended");
    }

    #[test]
    fn an_empty_sound_ends_at_once_and_buffers_without_a_rate_or_channels_are_refused() {
        let sound = Arc::new(Sound::new(AudioBuffer::mono(RATE, Vec::new())).expect("valid buffer"));
        let controls = Arc::new(Controls::new());
        controls.set_looping(true);
        let mut source = SoundSource::new(Arc::clone(&sound), controls);
        sound.play();
        assert_eq!(source.next(), Some(0.0));
        assert_eq!(sound.status(), PlaybackStatus::Ended);
        assert_eq!(sound.duration_seconds(), (0.0, true));

        assert_eq!(Sound::new(AudioBuffer::silence(0, 2, 4)).err(), Some(InvalidBuffer::NoSampleRate));
        assert_eq!(Sound::new(AudioBuffer::silence(RATE, 0, 4)).err(), Some(InvalidBuffer::NoChannels));
    }

    #[test]
    fn the_transport_packs_every_status_with_a_large_cursor() {
        for status in [
            PlaybackStatus::Idle,
            PlaybackStatus::Playing,
            PlaybackStatus::Paused,
            PlaybackStatus::Ended,
            PlaybackStatus::Buffering,
        ] {
            let transport = Transport { status, cursor: Transport::CURSOR_MASK - 7 };
            assert_eq!(Transport::unpack(transport.pack()), transport);
        }
    }

    #[test]
    fn a_trailing_partial_frame_is_dropped() {
        let sound = Sound::new(AudioBuffer { sample_rate: RATE, channels: 2, samples: vec![0.1; 5] }).expect("valid");
        assert_eq!(sound.length(), Length { frames: 2, complete: true });
        assert!(matches!(&sound.samples, Samples::Whole(samples) if samples.len() == 4));
    }

    /// Interleaved stereo samples of frames `frames`, numbered like [`numbered_sound`]'s.
    fn numbered(frames: std::ops::Range<usize>) -> Vec<f32> {
        frames.flat_map(|frame| [frame as f32, -(frame as f32)]).collect()
    }

    fn stream() -> Arc<Sound> {
        Arc::new(Sound::stream(RATE, 2).expect("valid stream"))
    }

    #[test]
    fn a_stream_grows_while_playing() {
        let sound = stream();
        let (mut source, _controls) = source_over(&sound);
        assert_eq!((sound.status(), sound.duration_seconds()), (PlaybackStatus::Idle, (0.0, false)));
        sound.push(&numbered(0..3)).expect("pushed");
        sound.play();
        assert_eq!(pull_left(&mut source, 2), vec![0.0, 1.0]);
        sound.push(&numbered(3..6)).expect("pushed");
        assert_eq!(sound.duration_seconds(), (0.006, false));
        assert_eq!(pull_left(&mut source, 4), vec![2.0, 3.0, 4.0, 5.0]);
        assert_eq!(sound.position_frames(), 6);
    }

    #[test]
    fn an_underrun_outputs_silence_holds_the_position_and_resumes_with_the_next_sample() {
        let sound = stream();
        let (mut source, _controls) = source_over(&sound);
        sound.push(&numbered(0..3)).expect("pushed");
        sound.play();
        assert_eq!(pull_left(&mut source, 5), vec![0.0, 1.0, 2.0, 0.0, 0.0]);
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Buffering, 3));
        // Half a frame is not a frame: still waiting.
        sound.push(&[3.0]).expect("pushed");
        assert_eq!(pull_left(&mut source, 1), vec![0.0]);
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Buffering, 3));
        let mut rest = vec![-3.0];
        rest.extend(numbered(4..6));
        sound.push(&rest).expect("pushed");
        assert_eq!(source.next(), Some(3.0), "the very next sample");
        assert_eq!(source.next(), Some(-3.0), "frames stay whole across pushes");
        assert_eq!(sound.status(), PlaybackStatus::Playing);
        assert_eq!(pull_left(&mut source, 3), vec![4.0, 5.0, 0.0]);
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Buffering, 6));
        // Buffering pauses like playing, and play resumes waiting.
        sound.pause();
        assert_eq!(sound.status(), PlaybackStatus::Paused);
        sound.play();
        sound.push(&numbered(6..7)).expect("pushed");
        assert_eq!(pull_left(&mut source, 1), vec![6.0]);
    }

    #[test]
    fn a_finished_stream_ends_at_its_exact_end() {
        // Finished while waiting at the end.
        let sound = stream();
        let (mut source, _controls) = source_over(&sound);
        sound.push(&numbered(0..3)).expect("pushed");
        sound.play();
        assert_eq!(pull_left(&mut source, 4), vec![0.0, 1.0, 2.0, 0.0]);
        assert_eq!(sound.status(), PlaybackStatus::Buffering);
        sound.finish();
        assert_eq!(pull_left(&mut source, 1), vec![0.0]);
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Ended, 3));
        assert_eq!(sound.duration_seconds(), (0.003, true));
        sound.push(&numbered(3..4)).expect("a finished stream ignores pushes");
        assert_eq!(sound.length(), Length { frames: 3, complete: true });

        // Finished ahead of the output, with a trailing partial frame.
        let sound = stream();
        let (mut source, _controls) = source_over(&sound);
        let mut samples = numbered(0..4);
        samples.push(9.0);
        sound.push(&samples).expect("pushed");
        sound.finish();
        sound.play();
        assert_eq!(pull_left(&mut source, 5), vec![0.0, 1.0, 2.0, 3.0, 0.0]);
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Ended, 4));
    }

    #[test]
    fn seek_on_a_stream_is_clamped_to_what_was_pushed() {
        let sound = stream();
        let (mut source, _controls) = source_over(&sound);
        sound.push(&numbered(0..10)).expect("pushed");
        sound.seek_seconds(1.0);
        assert_eq!(sound.position_frames(), 10, "clamped to the 10 frames pushed");
        sound.play();
        assert_eq!(pull_left(&mut source, 1), vec![0.0]);
        assert_eq!(sound.status(), PlaybackStatus::Buffering);
        // Back into what was pushed while buffering: plays from there.
        sound.seek_frames(4);
        assert_eq!(pull_left(&mut source, 2), vec![4.0, 5.0]);
        assert_eq!(sound.status(), PlaybackStatus::Playing);
        sound.push(&numbered(10..20)).expect("pushed");
        sound.seek_seconds(0.015);
        assert_eq!(pull_left(&mut source, 2), vec![15.0, 16.0]);
    }

    #[test]
    fn looping_a_growing_stream_waits_at_its_end_and_loops_once_finished() {
        let sound = stream();
        let (mut source, controls) = source_over(&sound);
        controls.set_looping(true);
        sound.push(&numbered(1..4)).expect("pushed");
        sound.play();
        assert_eq!(pull_left(&mut source, 5), vec![1.0, 2.0, 3.0, 0.0, 0.0]);
        assert_eq!((sound.status(), sound.position_frames()), (PlaybackStatus::Buffering, 3));
        sound.push(&numbered(4..5)).expect("pushed");
        sound.finish();
        assert_eq!(pull_left(&mut source, 6), vec![4.0, 1.0, 2.0, 3.0, 4.0, 1.0]);
        assert_eq!(sound.status(), PlaybackStatus::Playing);
    }

    #[test]
    fn stream_segments_double_and_hold_every_sample() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(FIRST_SEGMENT_SAMPLES - 1), (0, FIRST_SEGMENT_SAMPLES - 1));
        assert_eq!(locate(FIRST_SEGMENT_SAMPLES), (1, 0));
        assert_eq!(locate(3 * FIRST_SEGMENT_SAMPLES - 1), (1, 2 * FIRST_SEGMENT_SAMPLES - 1));
        assert_eq!(locate(3 * FIRST_SEGMENT_SAMPLES), (2, 0));
        assert_eq!(
            locate(STREAM_CAPACITY - 1),
            (STREAM_SEGMENTS - 1, (FIRST_SEGMENT_SAMPLES << (STREAM_SEGMENTS - 1)) - 1)
        );

        // Odd pushes across three segment boundaries.
        let stream = StreamSamples::new();
        let total = 8 * FIRST_SEGMENT_SAMPLES + 5;
        let samples: Vec<f32> = (0..total).map(|index| index as f32).collect();
        let mut published = 0;
        for chunk in samples.chunks(7_919) {
            stream.append(chunk, |written| published = written).expect("appended");
        }
        assert_eq!(published, total);
        assert!((0..total).all(|index| stream.get(index) == index as f32), "every sample where it was pushed");
        assert_eq!(stream.get(total + 100), 0.0, "unwritten, in an allocated segment");
        assert_eq!(stream.get(1 << 40), 0.0, "in a segment not allocated");
    }

    #[test]
    fn a_stream_needs_a_rate_and_channels() {
        assert_eq!(Sound::stream(0, 2).err(), Some(InvalidBuffer::NoSampleRate));
        assert_eq!(Sound::stream(RATE, 0).err(), Some(InvalidBuffer::NoChannels));
    }
}
