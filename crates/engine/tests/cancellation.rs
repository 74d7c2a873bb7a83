//! A long batch cancelled mid-way stops after at most one more image and reports "cancelled".

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use postcraft_engine::{Engine, EventSink, FACES_MODEL, GenerateImagesRequest, JobEvent, JobOutcome};

#[test]
fn cancel_mid_batch_computes_at_most_one_more_item() {
    let engine = Arc::new(Engine::open(common::installed_config()));
    let (forward, rx) = common::channel_sink();
    // Counted on the job's thread the moment each image is produced.
    let produced = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&produced);
    let sink: EventSink = Arc::new(move |event| {
        if matches!(event, JobEvent::Image { .. }) {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        forward(event);
    });
    let total = GenerateImagesRequest::MAX_COUNT;
    let id = engine.generate_images(GenerateImagesRequest::new(FACES_MODEL, total, 3), sink).expect("job starts");

    let mut at_request = None;
    let mut streamed = 0u32;
    let (done, outcome) = loop {
        match common::next_event(&rx) {
            JobEvent::Started { job_id, total: announced } => assert_eq!((job_id, announced), (id, total)),
            JobEvent::Image { job_id, index, .. } => {
                assert_eq!((job_id, index), (id, streamed), "images arrive in order");
                streamed += 1;
                if streamed == 5 && at_request.is_none() {
                    assert!(engine.request_cancel(id), "the job is running");
                    // Read after the request returned: anything produced later came after it.
                    at_request = Some(produced.load(Ordering::SeqCst));
                }
            }
            JobEvent::Progress { job_id, done, total: of, .. } => {
                assert_eq!(job_id, id);
                assert!(done <= of);
            }
            JobEvent::Finished { job_id, done, outcome } => {
                assert_eq!(job_id, id);
                break (done, outcome);
            }
            other @ (JobEvent::TextDelta { .. }
            | JobEvent::Written { .. }
            | JobEvent::Restyled { .. }
            | JobEvent::SpeechSentence { .. }
            | JobEvent::AudioClip { .. }
            | JobEvent::FileWritten { .. }) => {
                panic!("a face job sent a writing event: {other:?}")
            }
        }
    };
    let at_request = at_request.expect("cancel was requested");
    let after = produced.load(Ordering::SeqCst) - at_request;
    assert_eq!(outcome, JobOutcome::Cancelled, "a cancelled job reports cancelled, not an error");
    assert!(after <= 1, "{after} images were computed after the cancel request (at most 1 allowed)");
    assert_eq!(done, streamed, "`done` counts the images streamed");
    assert!(done < total, "the batch stopped early");
    assert!(!engine.request_cancel(id), "a finished job is no longer running");
}
