//! Driving frames from a [`FrameReader`] through a `process` callback into a [`FrameWriter`]:
//! [`run_pipelined`] for exports, [`run_sequential`] as the benchmark's baseline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::{Frame, FrameReader, FrameWriter, MediaError, ProcessError};

/// Where a run is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Frames processed so far.
    pub done: u64,
    /// Frames expected in all (from the probe; never less than `done`).
    pub total: u64,
    /// Mean throughput since the start, in frames per second.
    pub frames_per_sec: f64,
    /// Seconds left at that throughput; `None` before it is known.
    pub eta_secs: Option<f64>,
}

/// How a run reports progress and learns about a cancel.
///
/// Cancellation is a callback rather than a token type so this crate does not depend on the job
/// system: with a `postcraft_jobs::CancelToken`, pass `&|| token.is_cancelled()`. It is called
/// once per frame on the calling thread only, so it needs to be neither `Send` nor `Sync`.
pub struct PipelineOptions<'a> {
    /// Frames each channel holds between two stages. More smooths out uneven stage times at the
    /// cost of memory (one RGB frame of 4K is 24 MiB). Default 4; 0 is taken as 1.
    pub queue_depth: usize,
    /// Returns true once the run should stop with [`MediaError::Cancelled`].
    pub is_cancelled: Option<&'a dyn Fn() -> bool>,
    /// Receives [`Progress`], on the calling thread.
    pub on_progress: Option<&'a mut dyn FnMut(Progress)>,
    /// Least time between two progress reports (the last one always comes). Default 100 ms.
    pub progress_interval: Duration,
}

impl Default for PipelineOptions<'_> {
    fn default() -> Self {
        Self { queue_depth: 4, is_cancelled: None, on_progress: None, progress_interval: Duration::from_millis(100) }
    }
}

impl<'a> PipelineOptions<'a> {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the run with [`MediaError::Cancelled`] once `is_cancelled` returns true.
    pub fn cancel_when(mut self, is_cancelled: &'a dyn Fn() -> bool) -> Self {
        self.is_cancelled = Some(is_cancelled);
        self
    }

    /// Reports progress to `on_progress`.
    pub fn on_progress(mut self, on_progress: &'a mut dyn FnMut(Progress)) -> Self {
        self.on_progress = Some(on_progress);
        self
    }

    /// Sets the channel depth (see [`PipelineOptions::queue_depth`]).
    pub fn queue_depth(mut self, depth: usize) -> Self {
        self.queue_depth = depth;
        self
    }

    pub(crate) fn cancelled(&self) -> bool {
        self.is_cancelled.is_some_and(|is_cancelled| is_cancelled())
    }
}

impl std::fmt::Debug for PipelineOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipelineOptions")
            .field("queue_depth", &self.queue_depth)
            .field("is_cancelled", &self.is_cancelled.map(|_| "callback"))
            .field("on_progress", &self.on_progress.as_ref().map(|_| "callback"))
            .field("progress_interval", &self.progress_interval)
            .finish()
    }
}

/// What a finished run did and where its time went. The `*_busy` times count only the work of
/// each stage (not waiting on the others), so for [`run_pipelined`] they overlap and their sum
/// exceeds `elapsed`; the largest one is the bottleneck.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipelineStats {
    /// Frames written to the output.
    pub frames: u64,
    /// Wall time of the whole run, encoder flush included.
    pub elapsed: Duration,
    /// Time spent reading decoded frames from ffmpeg.
    pub decode_busy: Duration,
    /// Time spent in the `process` callback.
    pub process_busy: Duration,
    /// Time spent handing frames to the encoder, and in its final flush.
    pub encode_busy: Duration,
}

impl PipelineStats {
    /// Mean throughput of the run.
    pub fn frames_per_sec(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.frames as f64 / secs } else { 0.0 }
    }
}

/// Decodes, processes and encodes every frame with the three stages running concurrently.
///
/// ```text
///  decode thread           calling thread                 encode thread
///  FrameReader ──frames──▶ process(index, frame) ──frames──▶ FrameWriter
///       ▲        (bounded, depth 4)         (bounded, depth 4)      │
///       └──────────────── used buffers, recycled ◀─────────────────┘
/// ```
///
/// `process` gets each frame's index (from 0) and changes the frame in place; its error (any
/// error type, via `?` or `.into()`) stops the run as [`MediaError::Process`], from which the
/// caller can downcast its own error type again. It runs on the calling thread, so it may hold
/// non-`Send` state (a model session, a GPU context) and needs no locking.
///
/// The bounded channels are the back-pressure: the fastest stage runs at most `queue_depth`
/// frames ahead, so memory stays at about `2 * depth + 3` frames whatever the video's length, and
/// frames reach the encoder in decode order (one producer and one consumer per channel). Used
/// buffers go back to the decoder, so a long export does not allocate a fresh multi-megabyte
/// buffer per frame.
///
/// Stopping: the first failure of any stage, or a cancel (checked before each frame), is
/// recorded, and a shared flag makes every stage stop before its next frame; closing the channels
/// wakes a stage blocked on them. So a cancel takes effect within about one frame's time. The
/// reader and writer are then dropped (ffmpeg killed and reaped, the temporary output deleted) and
/// that first error is returned. Only when all three stages ended cleanly is the writer finished;
/// that last flush of the encoder is not interrupted by a cancel. A panic in any stage is
/// re-raised on the calling thread, after the same clean-up.
///
/// On success the output file exists and holds every frame; on any error or a cancel, it does not
/// (an existing file at the output path is left untouched) and no ffmpeg process is left running.
pub fn run_pipelined(
    reader: FrameReader,
    writer: FrameWriter,
    mut process: impl FnMut(u64, &mut Frame) -> Result<(), ProcessError>,
    mut options: PipelineOptions<'_>,
) -> Result<PipelineStats, MediaError> {
    check_sizes(&reader, &writer)?;
    let started = Instant::now();
    let depth = options.queue_depth.max(1);
    let (width, height) = writer.size();
    let mut progress = ProgressReporter::new(
        reader.info().frame_count,
        options.progress_interval,
        started,
        options.on_progress.take(),
    );
    let shared = Shared::default();

    let (decoded_tx, decoded_rx) = sync_channel::<Frame>(depth);
    let (processed_tx, processed_rx) = sync_channel::<Frame>(depth);
    // Room for every buffer in flight, so the encoder never blocks on handing one back.
    let (recycle_tx, recycle_rx) = sync_channel::<Frame>(2 * depth + 3);

    let (writer, frames, busy) = std::thread::scope(|scope| {
        let shared = &shared;
        let encoder = std::thread::Builder::new()
            .name("media-encode".to_owned())
            .spawn_scoped(scope, move || encode_stage(writer, processed_rx, recycle_tx, shared))
            .map_err(|source| MediaError::Thread { stage: "encode", source })?;
        let decoder = std::thread::Builder::new()
            .name("media-decode".to_owned())
            .spawn_scoped(scope, move || decode_stage(reader, (width, height), decoded_tx, recycle_rx, shared, |f| f));
        let decoder = match decoder {
            Ok(handle) => Some(handle),
            // The closure (and its sender) is gone, so the loop below ends at once.
            Err(source) => {
                shared.fail(MediaError::Thread { stage: "decode", source });
                None
            }
        };

        let mut index = 0u64;
        let mut process_busy = Duration::ZERO;
        while let Ok(mut frame) = decoded_rx.recv() {
            if shared.stopped() {
                break;
            }
            if options.cancelled() {
                shared.fail(MediaError::Cancelled);
                break;
            }
            let work = Instant::now();
            if let Err(err) = process(index, &mut frame) {
                shared.fail(MediaError::Process(err));
                break;
            }
            process_busy += work.elapsed();
            index += 1;
            if processed_tx.send(frame).is_err() {
                break; // The encoder stopped; it recorded why.
            }
            progress.tick(index);
        }
        // Unblocks a decoder waiting to send and tells the encoder there is nothing more.
        drop(decoded_rx);
        drop(processed_tx);

        let decode_busy = decoder.map(join_or_resume).unwrap_or_default();
        let (writer, encode_busy) = join_or_resume(encoder);
        Ok((writer, index, (decode_busy, process_busy, encode_busy)))
    })?;

    deliver(writer, &shared, &options, Ended { frames, busy, started }, &mut progress)
}

/// How the stages of a concurrent run ended: frames written, busy time of decode, process and
/// encode, and when the run started.
pub(crate) struct Ended {
    pub(crate) frames: u64,
    pub(crate) busy: (Duration, Duration, Duration),
    pub(crate) started: Instant,
}

/// The end of a concurrent run, once every stage has stopped: aborts the writer (no output file)
/// on the first error or a cancel that came in after the last frame (the export has not been
/// delivered yet), else finishes it and reports the last progress and the stats.
pub(crate) fn deliver(
    writer: FrameWriter,
    shared: &Shared,
    options: &PipelineOptions<'_>,
    ended: Ended,
    progress: &mut ProgressReporter<'_>,
) -> Result<PipelineStats, MediaError> {
    if !shared.stopped() && options.cancelled() {
        shared.fail(MediaError::Cancelled);
    }
    if let Some(err) = shared.take_error() {
        writer.abort();
        return Err(err);
    }
    let (decode_busy, process_busy, mut encode_busy) = ended.busy;
    let flush = Instant::now();
    writer.finish()?;
    encode_busy += flush.elapsed();
    progress.finish(ended.frames);
    Ok(PipelineStats { frames: ended.frames, elapsed: ended.started.elapsed(), decode_busy, process_busy, encode_busy })
}

/// The naive baseline the benchmark compares [`run_pipelined`] against: decodes every frame into
/// memory, then processes them all, then encodes them all, on the calling thread. Same contract
/// as [`run_pipelined`] (cancel, progress, errors, no output left behind), but it needs memory for
/// the whole video (a minute of 1080p is about 11 GiB of RGB): for measurements, not exports.
pub fn run_sequential(
    mut reader: FrameReader,
    mut writer: FrameWriter,
    mut process: impl FnMut(u64, &mut Frame) -> Result<(), ProcessError>,
    mut options: PipelineOptions<'_>,
) -> Result<PipelineStats, MediaError> {
    check_sizes(&reader, &writer)?;
    let started = Instant::now();
    let mut progress = ProgressReporter::new(
        reader.info().frame_count,
        options.progress_interval,
        started,
        options.on_progress.take(),
    );
    // Every early return drops the writer, which kills ffmpeg and deletes the temporary output.
    let check_cancel =
        |options: &PipelineOptions<'_>| if options.cancelled() { Err(MediaError::Cancelled) } else { Ok(()) };

    let mut frames = Vec::new();
    loop {
        check_cancel(&options)?;
        match reader.read_frame()? {
            Some(frame) => frames.push(frame),
            None => break,
        }
    }
    drop(reader);
    let decode_busy = started.elapsed();

    let work = Instant::now();
    for (index, frame) in (0u64..).zip(frames.iter_mut()) {
        check_cancel(&options)?;
        process(index, frame).map_err(MediaError::Process)?;
        progress.tick(index + 1);
    }
    let process_busy = work.elapsed();

    let work = Instant::now();
    for frame in &frames {
        check_cancel(&options)?;
        writer.write_frame(frame)?;
    }
    check_cancel(&options)?;
    let written = writer.finish()?;
    let encode_busy = work.elapsed();
    progress.finish(written);
    Ok(PipelineStats { frames: written, elapsed: started.elapsed(), decode_busy, process_busy, encode_busy })
}

/// The state the three stages share: a stop flag each checks per frame, and the first error.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    stop: AtomicBool,
    first_error: Mutex<Option<MediaError>>,
}

impl Shared {
    /// Records `err` unless an earlier stage failed first, and tells every stage to stop.
    pub(crate) fn fail(&self, err: MediaError) {
        self.first_error.lock().get_or_insert(err);
        self.stop.store(true, Ordering::SeqCst);
    }

    pub(crate) fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    pub(crate) fn take_error(&self) -> Option<MediaError> {
        self.first_error.lock().take()
    }
}

/// Decode thread: reads frames into recycled buffers and sends them on, until the video ends,
/// the next stage hangs up, or a stage failed. Dropping the reader at the end kills ffmpeg if it
/// is still running. Returns the time spent reading.
pub(crate) fn decode_stage<T: Send>(
    mut reader: FrameReader,
    (width, height): (u32, u32),
    decoded: SyncSender<T>,
    recycled: Receiver<Frame>,
    shared: &Shared,
    mut wrap: impl FnMut(Frame) -> T,
) -> Duration {
    let mut busy = Duration::ZERO;
    while !shared.stopped() {
        let mut frame = recycled.try_recv().unwrap_or_else(|_| Frame::new(width, height));
        let work = Instant::now();
        match reader.read_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                shared.fail(err);
                break;
            }
        }
        busy += work.elapsed();
        if decoded.send(wrap(frame)).is_err() {
            break;
        }
    }
    busy
}

/// Encode thread: writes frames in the order they come until the calling thread hangs up or a
/// stage failed, returning the writer (finished or aborted by the caller) and the time spent.
pub(crate) fn encode_stage(
    mut writer: FrameWriter,
    processed: Receiver<Frame>,
    recycle: SyncSender<Frame>,
    shared: &Shared,
) -> (FrameWriter, Duration) {
    let mut busy = Duration::ZERO;
    for frame in processed {
        if shared.stopped() {
            break;
        }
        let work = Instant::now();
        if let Err(err) = writer.write_frame(&frame) {
            shared.fail(err);
            break;
        }
        busy += work.elapsed();
        // Full or hung up only when the run is ending: then the buffer is simply freed.
        let _ = recycle.try_send(frame);
    }
    (writer, busy)
}

/// Joins a stage; a panic in it is re-raised on the calling thread (after the other stages
/// ended, since the scope joins them), as a panic in `process` would be.
pub(crate) fn join_or_resume<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A `process` callback cannot change a frame's size, so both ends must agree on it up front.
pub(crate) fn check_sizes(reader: &FrameReader, writer: &FrameWriter) -> Result<(), MediaError> {
    let decoded = (reader.info().width, reader.info().height);
    if decoded != writer.size() {
        let (width, height) = writer.size();
        return Err(MediaError::Encode {
            detail: format!("the video is {}x{} but the writer was made for {width}x{height}", decoded.0, decoded.1),
        });
    }
    Ok(())
}

/// Throttles progress reports to one per interval, plus a final one.
pub(crate) struct ProgressReporter<'a> {
    total: u64,
    interval: Duration,
    started: Instant,
    last: Option<Instant>,
    callback: Option<&'a mut dyn FnMut(Progress)>,
}

impl<'a> ProgressReporter<'a> {
    pub(crate) fn new(
        total: u64,
        interval: Duration,
        started: Instant,
        callback: Option<&'a mut dyn FnMut(Progress)>,
    ) -> Self {
        Self { total, interval, started, last: None, callback }
    }

    /// Reports `done` if the last report is at least an interval old (or there was none).
    pub(crate) fn tick(&mut self, done: u64) {
        let now = Instant::now();
        if self.callback.is_some() && self.last.is_none_or(|last| now.duration_since(last) >= self.interval) {
            self.last = Some(now);
            self.report(done, now);
        }
    }

    /// The report at the end, whatever the throttle says. The total becomes what was done: a
    /// file whose header promised more frames than it held is still complete now.
    pub(crate) fn finish(&mut self, done: u64) {
        self.total = done;
        self.report(done, Instant::now());
    }

    fn report(&mut self, done: u64, now: Instant) {
        let total = self.total.max(done);
        let secs = now.duration_since(self.started).as_secs_f64();
        let frames_per_sec = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let eta_secs = (frames_per_sec > 0.0).then(|| (total - done) as f64 / frames_per_sec);
        if let Some(callback) = self.callback.as_mut() {
            callback(Progress { done, total, frames_per_sec, eta_secs });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_wins() {
        let shared = Shared::default();
        assert!(!shared.stopped());
        shared.fail(MediaError::Cancelled);
        shared.fail(MediaError::Encode { detail: "later".to_owned() });
        assert!(shared.stopped());
        assert!(matches!(shared.take_error(), Some(MediaError::Cancelled)));
    }

    #[test]
    fn progress_is_throttled_and_estimates_time_left() {
        let mut reports = Vec::new();
        let mut record = |p: Progress| reports.push(p);
        let mut reporter = ProgressReporter::new(100, Duration::from_secs(3600), Instant::now(), Some(&mut record));
        for done in 1..=50 {
            reporter.tick(done);
        }
        reporter.finish(50);
        assert_eq!(reports.len(), 2, "{reports:?}");
        let first = reports[0];
        assert_eq!((first.done, first.total), (1, 100));
        let eta = first.eta_secs.expect("eta");
        assert!((eta - 99.0 / first.frames_per_sec).abs() < 1e-6 * eta.max(1.0));
        // The end is complete even if the header promised more frames.
        assert_eq!((reports[1].done, reports[1].total, reports[1].eta_secs), (50, 50, Some(0.0)));
    }
}
