//! Real playback through ALSA, without a sound card: ALSA's `file` plugin hands what the device
//! receives to a reader that takes it at the pace of a real card, and the test compares the
//! capture with the sound it played.
//!
//! ALSA reads its configuration once per process, from `ALSA_CONFIG_PATH`, and changing the
//! environment of a running test binary is unsafe (other threads may read it). So each test here
//! runs a child process of this same binary with its own `ALSA_CONFIG_PATH`, running one of the
//! `#[ignore]`d `child_*` tests below, which do the playing and the asserting. The parent checks
//! that exactly that one test ran and passed: a child that cannot open the device fails, and so
//! does the parent, loudly.
//!
//! The configuration is self-contained (it does not include the system's `alsa.conf`), so a
//! developer's `~/.asoundrc` or sound server cannot change what the test sees, and on a machine
//! with a sound card the "no device" test still finds none.
//!
//! Pacing: ALSA's `null` device takes sound as fast as it is written (0.5 s of sound "plays" in a
//! few milliseconds), which would test neither the position reports nor anything timing-related.
//! So the `file` plugin pipes the sound into a reader (this binary again, as `child_paced_reader`)
//! that reads it at 48 kHz, like a sound card, and writes it to the capture file.

// ALSA is Linux's; elsewhere `Player::open` would find the real device and these tests would
// measure the wrong thing.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::playback::{PlaybackError, PlaybackState, PlaybackStatus, Player};
use postcraft_core::ErrorCode;

/// Where the parent tells the children to write (reader) and find (player) the captured output.
const CAPTURE_FILE_VAR: &str = "POSTCRAFT_TEST_ALSA_CAPTURE";

/// The format the capture is converted to by ALSA's `plug`, whatever the device was opened with:
/// 32-bit float, stereo, 48 kHz.
const CAPTURE_RATE: u32 = 48_000;
const CAPTURE_CHANNELS: usize = 2;
const CAPTURE_BYTES_PER_SECOND: f64 = (CAPTURE_RATE as usize * CAPTURE_CHANNELS * 4) as f64;

/// Length of the sound played.
const SINE_SECONDS: f64 = 0.5;

/// Runs the ignored test `child_test` in a child process under `alsa_config`, and fails unless it
/// ran and passed.
fn run_child(child_test: &str, alsa_config: &Path, capture_file: Option<&Path>) {
    let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
    command
        .args(["--ignored", "--exact", child_test, "--nocapture", "--test-threads=1"])
        .env("ALSA_CONFIG_PATH", alsa_config)
        // No sound server: the child must use the ALSA configuration above, nothing else.
        .env_remove("PULSE_SERVER")
        .env_remove("JACK_DEFAULT_SERVER");
    if let Some(capture_file) = capture_file {
        command.env(CAPTURE_FILE_VAR, capture_file);
    }
    let output = command.output().expect("the child test process runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "child test {child_test} failed or did not run ({}).\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    // Shown with --nocapture: what the device was opened with, the reports.
    println!("--- child {child_test}\n{stdout}");
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("asound.conf");
    // ALSA_CONFIG_PATH is a list separated by colons and spaces.
    assert!(
        !path.to_string_lossy().contains([':', ' ', '\t']),
        "the temporary directory's path {} cannot be put in ALSA_CONFIG_PATH; set TMPDIR to a plain path",
        path.display()
    );
    std::fs::write(&path, text).expect("write the ALSA configuration");
    path
}

/// `text` as one shell word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Writes an ALSA configuration whose default device hands what it receives to the paced reader,
/// which writes it to the returned capture file; returns the configuration, the capture and the
/// reader's log.
fn paced_capture_config(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let capture = dir.join("out.raw");
    let reader_log = dir.join("reader.log");
    let this_binary = std::env::current_exe().expect("the test binary's path");
    let reader = format!(
        "exec {} --ignored --exact child_paced_reader --test-threads=1 >{} 2>&1",
        shell_quote(&this_binary.to_string_lossy()),
        shell_quote(&reader_log.to_string_lossy())
    );
    // `plug` converts whatever the device is opened with to the capture format; `file` pipes it
    // to the reader (a file name starting with `|` is a command); `null` swallows the sound after.
    let config = write_config(
        dir,
        &format!(
            r#"
pcm.!default {{
    type plug
    slave {{
        pcm "postcraft_capture"
        format FLOAT_LE
        rate {CAPTURE_RATE}
        channels {CAPTURE_CHANNELS}
    }}
}}
pcm.postcraft_capture {{
    type file
    slave.pcm "postcraft_null"
    file "|{}"
    format "raw"
}}
pcm.postcraft_null {{
    type null
}}
"#,
            reader.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    );
    (config, capture, reader_log)
}

/// Runs `child_test` against the paced capture device; fails if it or the reader failed.
fn run_with_paced_capture(child_test: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (config, capture, reader_log) = paced_capture_config(dir.path());
    run_child(child_test, &config, Some(&capture));
    let log = std::fs::read_to_string(&reader_log).unwrap_or_default();
    assert!(log.contains("test result: ok. 1 passed"), "the paced reader failed:\n{log}");
}

#[test]
fn plays_a_sine_through_the_alsa_file_plugin() {
    run_with_paced_capture("child_plays_a_sine");
}

#[test]
fn loops_without_a_gap_through_the_alsa_file_plugin() {
    run_with_paced_capture("child_loops_without_a_gap");
}

#[test]
fn streams_with_an_underrun_through_the_alsa_file_plugin() {
    run_with_paced_capture("child_streams_with_an_underrun");
}

#[test]
fn a_missing_device_is_no_device_not_a_panic() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Card 99 does not exist; without the system configuration no other device is defined either.
    let config = write_config(
        dir.path(),
        r#"
pcm.!default {
    type hw
    card 99
}
"#,
    );
    run_child("child_finds_no_device", &config, None);
}

/// The sine the child plays, at `sample_rate`.
fn sine(sample_rate: u32, seconds: f64) -> Vec<f32> {
    let frames = (f64::from(sample_rate) * seconds).round() as usize;
    // A phase offset so that the first sample is not 0: the test finds where the sound starts in
    // the capture by its first non-zero sample.
    (0..frames)
        .map(|frame| (0.5 * (std::f64::consts::TAU * 440.0 * frame as f64 / f64::from(sample_rate) + 0.3).sin()) as f32)
        .collect()
}

#[test]
#[ignore = "run by plays_a_sine_through_the_alsa_file_plugin in a child process"]
fn child_plays_a_sine() {
    let capture = PathBuf::from(std::env::var_os(CAPTURE_FILE_VAR).expect("run by the parent test"));
    let player = Player::open().expect("the ALSA file plugin opens as the default device");
    let output = player.output_config();
    println!("device opened at {output:?}");
    // cpal prefers 48 kHz stereo on a device that takes anything (`plug`): then nothing is
    // resampled, and the capture must hold the sound sample for sample.
    assert_eq!(
        (output.sample_rate, usize::from(output.channels)),
        (CAPTURE_RATE, CAPTURE_CHANNELS),
        "the device was not opened at the capture's rate and channels; the comparison below assumes it"
    );

    let reports = Arc::new(Mutex::new(Vec::<(Instant, PlaybackState)>::new()));
    let (ended_sender, ended) = mpsc::channel();
    player.subscribe({
        let reports = Arc::clone(&reports);
        move |state| {
            reports.lock().expect("reports lock").push((Instant::now(), state.clone()));
            if state.status == PlaybackStatus::Ended {
                let _ = ended_sender.send(());
            }
        }
    });

    let expected = sine(output.sample_rate, SINE_SECONDS);
    player.load(AudioBuffer::mono(output.sample_rate, expected.clone())).expect("a valid buffer");
    let started = Instant::now();
    player.play().expect("playing");
    ended.recv_timeout(Duration::from_secs(10)).expect("playback ends within 10 s");
    let elapsed = started.elapsed();
    let state = player.state();
    // Let the silence after the sound reach the capture, then close the device (which waits for
    // the reader to drain the pipe).
    std::thread::sleep(Duration::from_millis(100));
    drop(player);

    assert_eq!(state.status, PlaybackStatus::Ended);
    assert_eq!(state.position_seconds, SINE_SECONDS, "the position counts every frame pulled");
    assert_eq!(state.duration_seconds, SINE_SECONDS);
    assert!(state.device_error.is_none(), "{:?}", state.device_error);
    // Paced like a card: the sound took about its length (plus the pipe's and device's buffers
    // filling up front, which make it quicker, never slower by much).
    assert!(elapsed > Duration::from_millis(200) && elapsed < Duration::from_secs(3), "played in {elapsed:?}");

    let reports = reports.lock().expect("reports lock").clone();
    println!("played in {elapsed:?}; {} reports:", reports.len());
    for (at, report) in &reports {
        println!(
            "  {:>8.1} ms  {:?} {:.4} s",
            at.saturating_duration_since(started).as_secs_f64() * 1000.0,
            report.status,
            report.position_seconds
        );
    }
    let statuses: Vec<PlaybackStatus> = reports.iter().map(|(_, report)| report.status).collect();
    assert_eq!(&statuses[..2], [PlaybackStatus::Idle, PlaybackStatus::Idle], "on subscribe, then on load");
    assert_eq!(statuses.last(), Some(&PlaybackStatus::Ended));
    let playing: Vec<f64> = reports
        .iter()
        .filter(|(_, report)| report.status == PlaybackStatus::Playing)
        .map(|(_, report)| report.position_seconds)
        .collect();
    // About 30 a second for half a second: 15. Counting, not timing, so a loaded machine does
    // not make it flaky.
    assert!(playing.len() >= 5, "{} position reports while playing", playing.len());
    assert!(playing.windows(2).all(|pair| pair[0] <= pair[1]), "positions move forward: {playing:?}");
    assert!(playing.iter().any(|position| *position > 0.0 && *position < SINE_SECONDS), "{playing:?}");

    let bytes = std::fs::read(&capture).expect("the reader wrote the capture");
    let samples: Vec<f32> =
        bytes.chunks_exact(4).map(|bytes| f32::from_le_bytes(bytes.try_into().expect("4 bytes"))).collect();
    let frames: Vec<&[f32]> = samples.chunks_exact(CAPTURE_CHANNELS).collect();
    let start = frames.iter().position(|frame| frame[0] != 0.0).expect("the capture holds sound");
    let end = start + expected.len();
    println!("capture: {} frames; sound at frames {start}..{end}", frames.len());
    assert!(frames.len() > end, "the capture holds the whole sound and some silence after it");
    for (offset, expected_sample) in expected.iter().enumerate() {
        for (channel, captured) in frames[start + offset].iter().enumerate() {
            // Bit-exact on the float path; the tolerance covers a device opened as 16-bit.
            assert!(
                (captured - expected_sample).abs() < 1e-4,
                "frame {offset}, channel {channel}: captured {captured}, played {expected_sample}"
            );
        }
    }
    assert!(frames[end..].iter().all(|frame| frame.iter().all(|sample| *sample == 0.0)), "silence after the end");
}

#[test]
#[ignore = "run by loops_without_a_gap_through_the_alsa_file_plugin in a child process"]
fn child_loops_without_a_gap() {
    let capture = PathBuf::from(std::env::var_os(CAPTURE_FILE_VAR).expect("run by the parent test"));
    let player = Player::open().expect("the ALSA file plugin opens as the default device");
    let output = player.output_config();
    assert_eq!((output.sample_rate, usize::from(output.channels)), (CAPTURE_RATE, CAPTURE_CHANNELS));

    // 0.1 s that is never 0 (a sine over an offset), so the sound's extent in the capture is
    // exactly its non-zero run; it does not end where it starts, so a loop is a jump, not a
    // continuation a gap could hide in.
    let period: Vec<f32> = sine(output.sample_rate, 0.1).iter().map(|sample| 0.3 + sample * 0.5).collect();
    let (wrapped_sender, wrapped) = mpsc::channel();
    let (ended_sender, ended) = mpsc::channel();
    player.subscribe({
        let mut previous = 0.0;
        let mut wraps = 0;
        move |state| {
            if state.position_seconds < previous && state.status == PlaybackStatus::Playing {
                wraps += 1;
                let _ = wrapped_sender.send(wraps);
            }
            previous = state.position_seconds;
            if state.status == PlaybackStatus::Ended {
                let _ = ended_sender.send(());
            }
        }
    });
    player.set_loop(true);
    player.load(AudioBuffer::mono(output.sample_rate, period.clone())).expect("a valid buffer");
    player.play().expect("playing");
    // Reports show the wrap a few times; then looping off lets it end at the end of a period.
    loop {
        let wraps = wrapped.recv_timeout(Duration::from_secs(10)).expect("the position wraps");
        if wraps >= 3 {
            break;
        }
    }
    player.set_loop(false);
    ended.recv_timeout(Duration::from_secs(10)).expect("playback ends within 10 s");
    std::thread::sleep(Duration::from_millis(100));
    drop(player);

    let bytes = std::fs::read(&capture).expect("the reader wrote the capture");
    let left: Vec<f32> = bytes
        .chunks_exact(4 * CAPTURE_CHANNELS)
        .map(|frame| f32::from_le_bytes(frame[..4].try_into().expect("4 bytes")))
        .collect();
    let start = left.iter().position(|sample| *sample != 0.0).expect("the capture holds sound");
    let run = left[start..].iter().position(|sample| *sample == 0.0).expect("silence after the end");
    println!(
        "sound at frames {start}..{}: {} periods of {}",
        start + run,
        run as f64 / period.len() as f64,
        period.len()
    );
    assert_eq!(run % period.len(), 0, "whole periods, back to back: {run} frames");
    assert!(run / period.len() >= 3, "looped at least 3 times: {run} frames");
    for (offset, captured) in left[start..start + run].iter().enumerate() {
        let played = period[offset % period.len()];
        assert!((captured - played).abs() < 1e-4, "frame {offset}: captured {captured}, played {played}");
    }
    assert!(left[start + run..].iter().all(|sample| *sample == 0.0), "silence after the end");
}

/// Reads the capture as frames of `CAPTURE_CHANNELS` samples.
fn read_capture(capture: &Path) -> Vec<[f32; CAPTURE_CHANNELS]> {
    let bytes = std::fs::read(capture).expect("the reader wrote the capture");
    bytes
        .chunks_exact(4 * CAPTURE_CHANNELS)
        .map(|frame| {
            std::array::from_fn(|channel| f32::from_le_bytes(frame[4 * channel..][..4].try_into().expect("4 bytes")))
        })
        .collect()
}

/// Asserts that `frames` hold `expected` on every channel, sample for sample.
fn assert_plays(frames: &[[f32; CAPTURE_CHANNELS]], expected: &[f32], what: &str) {
    assert_eq!(frames.len(), expected.len(), "{what}: length");
    for (offset, (frame, expected_sample)) in frames.iter().zip(expected).enumerate() {
        for (channel, captured) in frame.iter().enumerate() {
            assert!(
                (captured - expected_sample).abs() < 1e-4,
                "{what}, frame {offset}, channel {channel}: captured {captured}, played {expected_sample}"
            );
        }
    }
}

fn is_silent(frames: &[[f32; CAPTURE_CHANNELS]]) -> bool {
    frames.iter().all(|frame| frame.iter().all(|sample| *sample == 0.0))
}

/// Length of the streamed sine, pushed in three equal chunks.
const STREAM_SECONDS: f64 = 0.3;

#[test]
#[ignore = "run by streams_with_an_underrun_through_the_alsa_file_plugin in a child process"]
fn child_streams_with_an_underrun() {
    let capture = PathBuf::from(std::env::var_os(CAPTURE_FILE_VAR).expect("run by the parent test"));
    let player = Player::open().expect("the ALSA file plugin opens as the default device");
    let output = player.output_config();
    assert_eq!((output.sample_rate, usize::from(output.channels)), (CAPTURE_RATE, CAPTURE_CHANNELS));

    let reports = Arc::new(Mutex::new(Vec::<PlaybackState>::new()));
    let (status_sender, statuses) = mpsc::channel();
    player.subscribe({
        let reports = Arc::clone(&reports);
        move |state| {
            reports.lock().expect("reports lock").push(state.clone());
            let _ = status_sender.send(state.status);
        }
    });
    let wait_for = |wanted: PlaybackStatus| loop {
        let status = statuses.recv_timeout(Duration::from_secs(10)).expect("the status comes within 10 s");
        if status == wanted {
            break;
        }
    };

    let sound = sine(output.sample_rate, STREAM_SECONDS);
    let chunks: Vec<&[f32]> = sound.chunks(sound.len() / 3).collect();
    assert_eq!(chunks.len(), 3);
    let writer = player.load_stream(output.sample_rate, 1).expect("a valid stream");
    writer.push(chunks[0]).expect("pushed");
    player.play().expect("playing");
    writer.push(chunks[1]).expect("pushed");
    // The output catches up with the two chunks, then waits 100 ms for the last one.
    wait_for(PlaybackStatus::Buffering);
    let underrun = player.state();
    std::thread::sleep(Duration::from_millis(100));
    writer.push(chunks[2]).expect("pushed");
    writer.finish();
    wait_for(PlaybackStatus::Ended);
    let state = player.state();
    std::thread::sleep(Duration::from_millis(100));
    drop(player);

    let two_chunks = chunks[0].len() + chunks[1].len();
    assert_eq!(underrun.position_seconds, two_chunks as f64 / f64::from(output.sample_rate), "held at the underrun");
    assert!(!underrun.complete);
    assert_eq!(
        (state.status, state.position_seconds, state.duration_seconds, state.complete),
        (PlaybackStatus::Ended, STREAM_SECONDS, STREAM_SECONDS, true)
    );
    let reports = reports.lock().expect("reports lock").clone();
    let statuses: Vec<PlaybackStatus> = reports.iter().map(|report| report.status).collect();
    println!("statuses: {statuses:?}");
    let buffering =
        statuses.iter().position(|status| *status == PlaybackStatus::Buffering).expect("buffering reported");
    let playing_again = buffering
        + statuses[buffering..].iter().position(|status| *status == PlaybackStatus::Playing).expect("playing again");
    assert!(statuses[..buffering].contains(&PlaybackStatus::Playing), "playing before the underrun: {statuses:?}");
    assert_eq!(statuses.last(), Some(&PlaybackStatus::Ended), "{statuses:?}");
    assert!(playing_again < statuses.len() - 1, "{statuses:?}");

    let frames = read_capture(&capture);
    let start = frames.iter().position(|frame| frame[0] != 0.0).expect("the capture holds sound");
    let underrun_start = start + two_chunks;
    assert_plays(&frames[start..underrun_start], &sound[..two_chunks], "the first two chunks");
    // The last chunk is where it correlates best with what was captured after the first two.
    let last = chunks[2];
    let resumed = (underrun_start..frames.len() - last.len())
        .max_by(|a, b| {
            let correlation = |at: usize| -> f64 {
                frames[at..].iter().zip(last).map(|(frame, sample)| f64::from(frame[0]) * f64::from(*sample)).sum()
            };
            correlation(*a).total_cmp(&correlation(*b))
        })
        .expect("the capture goes on after the underrun");
    let silence = resumed - underrun_start;
    println!(
        "capture: {} frames; chunks 1-2 at {start}..{underrun_start}, silence for {silence} frames ({:.1} ms), chunk 3 at {resumed}",
        frames.len(),
        silence as f64 * 1000.0 / f64::from(CAPTURE_RATE)
    );
    assert!(is_silent(&frames[underrun_start..resumed]), "silence during the underrun");
    // At least the 100 ms the test waited after the underrun was reported, less scheduling slack.
    assert!(silence as f64 > 0.08 * f64::from(CAPTURE_RATE), "the underrun lasted {silence} frames");
    let end = resumed + last.len();
    assert_plays(&frames[resumed..end], last, "the last chunk");
    assert!(frames.len() > end && is_silent(&frames[end..]), "silence after the end");
}

#[test]
#[ignore = "run by the paced-capture tests as the file plugin's pipe reader"]
fn child_paced_reader() {
    let capture = PathBuf::from(std::env::var_os(CAPTURE_FILE_VAR).expect("run by the file plugin"));
    let mut capture = std::fs::File::create(capture).expect("create the capture");
    let mut input = std::io::stdin().lock();
    let mut chunk = vec![0; 4096];
    let mut total_bytes = 0_usize;
    let started = Instant::now();
    loop {
        let read = input.read(&mut chunk).expect("read the pipe");
        if read == 0 {
            break;
        }
        capture.write_all(&chunk[..read]).expect("write the capture");
        total_bytes += read;
        // Stay at the card's pace: by now this much sound has been "played".
        let due = Duration::from_secs_f64(total_bytes as f64 / CAPTURE_BYTES_PER_SECOND);
        if let Some(ahead) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(ahead);
        }
    }
    println!("read {total_bytes} bytes in {:?}", started.elapsed());
}

#[test]
#[ignore = "run by a_missing_device_is_no_device_not_a_panic in a child process"]
fn child_finds_no_device() {
    let error = Player::open().expect_err("no device opens");
    println!("{error}");
    assert!(matches!(error, PlaybackError::NoDevice(_)), "{error:?}");
    assert_eq!(error.code(), ErrorCode::AudioDeviceUnavailable);
    assert!(error.to_string().contains("playback is off, everything else works"), "{error}");
}
