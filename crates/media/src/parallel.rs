//! [`run_parallel`]: the pipeline of [`run_pipelined`](crate::run_pipelined) with the processing
//! stage spread over several workers, each with its own state (a model session), frames put
//! back in order before an in-order `finish` step and the encoder.
//!
//! Why: for a model run, several frames in flight on one thread each use the cores better than
//! one frame at a time split across threads (small convolutions do not divide well), and the
//! decoder and encoder keep running alongside, as in the plain pipeline.

use std::collections::BTreeMap;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::pipeline::{
    Ended, ProgressReporter, Shared, check_sizes, decode_stage, deliver, encode_stage, join_or_resume,
};
use crate::{Frame, FrameReader, FrameWriter, MediaError, PipelineOptions, PipelineStats, ProcessError};

/// Decodes, processes and encodes every frame concurrently, with `workers.len()` processing
/// threads.
///
/// ```text
///  decode ──(index, frame)──▶ worker 1 ─┐                                   
///                        └──▶ worker 2 ─┼─▶ reorder ─▶ finish(index, frame) ─▶ encode
///                        └──▶ worker n ─┘   (calling thread, in index order)
/// ```
///
/// Each worker owns its closure (and so its state) and runs on its own thread; `finish` runs on
/// the calling thread in frame order (for work that needs the previous frame, such as temporal
/// smoothing). Same contract as [`run_pipelined`](crate::run_pipelined): bounded memory, the
/// first error or a cancel stops every stage within about a frame, no output file on failure,
/// panics re-raised after clean-up. With one worker it is the plain pipeline plus a thread hop.
pub fn run_parallel<W>(
    reader: FrameReader,
    writer: FrameWriter,
    workers: Vec<W>,
    mut finish: impl FnMut(u64, &mut Frame) -> Result<(), ProcessError>,
    mut options: PipelineOptions<'_>,
) -> Result<PipelineStats, MediaError>
where
    W: FnMut(u64, &mut Frame) -> Result<(), ProcessError> + Send,
{
    check_sizes(&reader, &writer)?;
    if workers.is_empty() {
        return Err(MediaError::Encode { detail: "no processing workers were given".to_owned() });
    }
    let started = Instant::now();
    let depth = options.queue_depth.max(1);
    let in_flight = depth + workers.len();
    let (width, height) = writer.size();
    let mut progress = ProgressReporter::new(
        reader.info().frame_count,
        options.progress_interval,
        started,
        options.on_progress.take(),
    );
    let shared = Shared::default();

    let (work_tx, work_rx) = sync_channel::<(u64, Frame)>(depth);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = sync_channel::<(u64, Frame, Duration)>(in_flight);
    let (encode_tx, encode_rx) = sync_channel::<Frame>(depth);
    let (recycle_tx, recycle_rx) = sync_channel::<Frame>(2 * in_flight + 3);

    let (writer, frames, busy) = std::thread::scope(|scope| {
        let shared = &shared;
        let work_rx = &work_rx;
        let encoder = std::thread::Builder::new()
            .name("media-encode".to_owned())
            .spawn_scoped(scope, move || encode_stage(writer, encode_rx, recycle_tx, shared))
            .map_err(|source| MediaError::Thread { stage: "encode", source })?;
        let mut next_index = 0u64;
        let decoder = std::thread::Builder::new().name("media-decode".to_owned()).spawn_scoped(scope, move || {
            decode_stage(reader, (width, height), work_tx, recycle_rx, shared, |frame| {
                next_index += 1;
                (next_index - 1, frame)
            })
        });
        let decoder = match decoder {
            Ok(handle) => Some(handle),
            Err(source) => {
                shared.fail(MediaError::Thread { stage: "decode", source });
                None
            }
        };
        let mut handles = Vec::new();
        for (n, mut work) in workers.into_iter().enumerate() {
            let done_tx = done_tx.clone();
            let spawned = std::thread::Builder::new().name(format!("media-work-{n}")).spawn_scoped(scope, move || {
                loop {
                    if shared.stopped() {
                        break;
                    }
                    // One worker waits on the queue at a time; the others are busy or wait here.
                    let next = work_rx.lock().recv();
                    let Ok((index, mut frame)) = next else { break };
                    let start = Instant::now();
                    if let Err(err) = work(index, &mut frame) {
                        shared.fail(MediaError::Process(err));
                        break;
                    }
                    if done_tx.send((index, frame, start.elapsed())).is_err() {
                        break;
                    }
                }
            });
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(source) => shared.fail(MediaError::Thread { stage: "process", source }),
            }
        }
        drop(done_tx);

        // Reorder: frames come back in any order; `finish` and the encoder see them in order.
        let mut waiting: BTreeMap<u64, Frame> = BTreeMap::new();
        let mut expected = 0u64;
        let mut process_busy = Duration::ZERO;
        'results: for (index, frame, busy) in &done_rx {
            process_busy += busy;
            if shared.stopped() {
                break;
            }
            if options.cancelled() {
                shared.fail(MediaError::Cancelled);
                break;
            }
            waiting.insert(index, frame);
            while let Some(mut frame) = waiting.remove(&expected) {
                // Frames that finished out of order come out here in a run: a cancel must stop
                // the run too, not only the next result.
                if options.cancelled() {
                    shared.fail(MediaError::Cancelled);
                    break 'results;
                }
                if let Err(err) = finish(expected, &mut frame) {
                    shared.fail(MediaError::Process(err));
                    break 'results;
                }
                expected += 1;
                if encode_tx.send(frame).is_err() {
                    break 'results;
                }
                progress.tick(expected);
            }
        }
        // Wakes workers blocked on sending results and tells the encoder there is nothing more;
        // setting the flag stops the decoder and the workers before their next frame.
        let failed = shared.stopped();
        drop(done_rx);
        drop(encode_tx);
        if failed {
            // The decoder may wait on a full queue that no worker drains any more.
            while work_rx.lock().try_recv().is_ok() {}
        }
        for handle in handles {
            join_or_resume(handle);
        }
        let decode_busy = decoder.map(join_or_resume).unwrap_or_default();
        let (writer, encode_busy) = join_or_resume(encoder);
        if !failed && !waiting.is_empty() {
            shared.fail(MediaError::Encode { detail: format!("{} frames were lost between stages", waiting.len()) });
        }
        Ok((writer, expected, (decode_busy, process_busy, encode_busy)))
    })?;

    deliver(writer, &shared, &options, Ended { frames, busy, started }, &mut progress)
}
