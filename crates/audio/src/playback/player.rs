//! The player: a handle the UI and async code call freely, and a thread of its own that owns the
//! output device.
//!
//! rodio's device sink is not `Send`, so it is opened, kept and dropped on the playback thread.
//! The handle's commands are a few atomic stores on the shared transport (see [`super::source`])
//! behind a mutex the audio callback never takes: they return at once and never wait on audio.
//! The playback thread also delivers the reports to subscribers, so a slow subscriber delays
//! reports, never sound.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rodio::cpal::traits::{DeviceTrait, HostTrait};
use rodio::mixer::Mixer;
use rodio::{DeviceSinkBuilder, DeviceSinkError, MixerDeviceSink};

use super::error::PlaybackError;
use super::source::{Controls, Sound, SoundSource};
use super::state::{PlaybackState, PlaybackStatus};
use crate::dsp::AudioBuffer;

/// Time between two position reports while playing: about 30 a second, smooth for a playhead.
const REPORT_PERIOD: Duration = Duration::from_micros(1_000_000 / 30);

/// The format the output device was opened with. rodio converts a sound of another rate or channel
/// count on the fly (linear interpolation); resampling it to this rate before [`Player::load`]
/// gives better quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputConfig {
    /// Frames per second.
    pub sample_rate: u32,
    /// Samples per frame.
    pub channels: u16,
}

/// A callback receiving reports.
type Subscriber = Box<dyn FnMut(&PlaybackState) + Send>;

/// What the handle and the device's error callback tell the playback thread.
enum Message {
    /// A command changed the state to this: report it. Taken right after the command, so that
    /// quick successive changes (load, play) are each reported rather than merged.
    Changed(PlaybackState),
    /// A stream grew or was finished: report the live state (its length changed).
    StreamChanged,
    /// A new subscriber, and the state to give it at once (taken when it subscribed).
    Subscribe(Subscriber, PlaybackState),
    /// The output device failed for good.
    DeviceFailed(String),
    /// The handle is gone: close the device and end the thread.
    Shutdown,
}

/// The state both sides share.
struct Shared {
    /// The loaded sound. The mutex also serializes commands, so each sees the last one's
    /// effects; the audio callback never takes it (its source holds its own `Arc<Sound>`).
    sound: Mutex<Option<Arc<Sound>>>,
    controls: Arc<Controls>,
    device_error: Mutex<Option<String>>,
    /// Replaced sounds whose source the mixer may still hold. Kept here so that the last
    /// reference, and with it the samples, is dropped on the playback thread: freeing megabytes
    /// inside the audio callback could make it miss its deadline.
    retired: Mutex<Vec<Arc<Sound>>>,
}

impl Shared {
    fn state(&self) -> PlaybackState {
        // Clone the `Arc` and let go of the lock before reading the atomics.
        let sound = lock(&self.sound).clone();
        self.state_of(sound.as_deref())
    }

    /// The state with `sound` loaded; for callers that hold the sound lock.
    fn state_of(&self, sound: Option<&Sound>) -> PlaybackState {
        let ((status, position_seconds), (duration_seconds, complete)) = match sound {
            Some(sound) => (sound.status_and_position(), sound.duration_seconds()),
            None => ((PlaybackStatus::Idle, 0.0), (0.0, true)),
        };
        PlaybackState {
            status,
            position_seconds,
            duration_seconds,
            complete,
            looping: self.controls.looping(),
            volume: self.controls.volume(),
            device_error: lock(&self.device_error).clone(),
        }
    }

    /// Frees the retired sounds whose source the mixer has dropped.
    fn release_retired(&self) {
        lock(&self.retired).retain(|sound| Arc::strong_count(sound) > 1);
    }

    /// Records the first device failure and pauses: nothing pulls the sound any more, so
    /// "playing" would be a lie.
    fn device_failed(&self, reason: String) {
        // Under the command lock, like `play`'s check of the error.
        let current = lock(&self.sound);
        lock(&self.device_error).get_or_insert(reason);
        if let Some(sound) = current.as_deref() {
            sound.pause();
        }
    }
}

/// A poisoned lock only means a panic elsewhere while holding it; the data (an `Option` of an
/// `Arc`, a string) is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Plays one sound at a time on the default output device.
///
/// `Send + Sync`: keep one in the app's state and call it from any thread. Commands return at
/// once; state changes reach subscribers from the playback thread. Dropping the player closes the
/// device and ends its thread.
pub struct Player {
    shared: Arc<Shared>,
    mixer: Mixer,
    output: OutputConfig,
    to_thread: Sender<Message>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player").field("output", &self.output).field("state", &self.state()).finish_non_exhaustive()
    }
}

impl Player {
    /// Opens the default output device (or, failing that, the first other one that opens, as
    /// rodio does) on a new playback thread, with nothing loaded.
    ///
    /// Blocks while the device opens (tens of milliseconds, more on a slow sound server): call it
    /// at startup or from a blocking task. No device is [`PlaybackError::NoDevice`]; everything
    /// but playback keeps working.
    pub fn open() -> Result<Self, PlaybackError> {
        Self::open_with(open_default_output)
    }

    /// A player on the output `open_output` opens on the playback thread (given the sender for
    /// the output's failures). Tests pass a fake output here.
    fn open_with<F>(open_output: F) -> Result<Self, PlaybackError>
    where
        F: FnOnce(Sender<Message>) -> Result<OpenedOutput, PlaybackError> + Send + 'static,
    {
        let shared = Arc::new(Shared {
            sound: Mutex::new(None),
            controls: Arc::new(Controls::new()),
            device_error: Mutex::new(None),
            retired: Mutex::new(Vec::new()),
        });
        let (to_thread, messages) = mpsc::channel();
        let (opened_sender, opened) = mpsc::sync_channel(1);
        let thread = thread::Builder::new()
            .name("postcraft-playback".to_owned())
            .spawn({
                let shared = Arc::clone(&shared);
                let device_errors = to_thread.clone();
                move || playback_thread(open_output, &shared, &messages, device_errors, &opened_sender)
            })
            .map_err(|error| PlaybackError::ThreadFailed(format!("could not start it: {error}")))?;
        match opened.recv() {
            Ok(Ok((mixer, output))) => Ok(Self { shared, mixer, output, to_thread, thread: Some(thread) }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                Err(PlaybackError::ThreadFailed("it stopped while opening the device".to_owned()))
            }
        }
    }

    /// The format the device was opened with.
    pub fn output_config(&self) -> OutputConfig {
        self.output
    }

    /// Replaces the current sound with `buffer`, stopped at its start (`Idle`). Looping and volume
    /// carry over. Takes the buffer without copying it.
    pub fn load(&self, buffer: AudioBuffer) -> Result<(), PlaybackError> {
        self.replace_sound(Arc::new(Sound::new(buffer)?));
        Ok(())
    }

    /// Replaces the current sound with an empty stream of interleaved samples at `sample_rate`
    /// with `channels`, stopped at its start (`Idle`), which grows with what the returned writer
    /// pushes: for sound produced while it plays, such as speech synthesized sentence by sentence.
    ///
    /// It plays like a loaded sound, as far as it was pushed: when the output catches up with the
    /// writer, it outputs silence and holds the position ([`PlaybackStatus::Buffering`]), then
    /// goes on with the next sample when more is pushed. `duration_seconds` is what was pushed so
    /// far and `complete` is false until the writer finishes (or is dropped); only then does the
    /// sound end, or loop (looping, it waits at the end of what was pushed like any other time).
    /// Seeking is clamped to what was pushed.
    pub fn load_stream(&self, sample_rate: u32, channels: u16) -> Result<StreamWriter, PlaybackError> {
        let sound = Arc::new(Sound::stream(sample_rate, channels)?);
        self.replace_sound(Arc::clone(&sound));
        Ok(StreamWriter { sound, to_thread: self.to_thread.clone() })
    }

    /// Loads `sound` in place of the current one.
    fn replace_sound(&self, sound: Arc<Sound>) {
        self.command(|current| {
            if let Some(replaced) = current.replace(Arc::clone(&sound)) {
                replaced.retire();
                lock(&self.shared.retired).push(replaced);
            }
            self.mixer.add(SoundSource::new(sound, Arc::clone(&self.shared.controls)));
        });
    }

    /// Starts or resumes playing; after the end, starts over. Nothing loaded: does nothing.
    /// [`PlaybackError::DeviceLost`] once the device has failed.
    pub fn play(&self) -> Result<(), PlaybackError> {
        let mut result = Ok(());
        self.command(|current| {
            // Checked under the command lock, which the failure handling also takes to pause: a
            // failure cannot slip between the check and the start and leave a dead device
            // "playing".
            if let Some(reason) = lock(&self.shared.device_error).clone() {
                result = Err(PlaybackError::DeviceLost(reason));
            } else if let Some(sound) = current.as_deref() {
                sound.play();
            }
        });
        result
    }

    /// Pauses, holding the position. Does nothing unless playing.
    pub fn pause(&self) {
        self.sound_command(Sound::pause);
    }

    /// Stops and goes back to the start (`Idle`).
    pub fn stop(&self) {
        self.sound_command(Sound::stop);
    }

    /// Moves to `seconds`, clamped to the sound (to what was pushed, for a stream; NaN is ignored). Playing goes on from there; an
    /// ended sound becomes paused there.
    pub fn seek(&self, seconds: f64) {
        self.sound_command(|sound| sound.seek_seconds(seconds));
    }

    /// Whether the sound starts over at its end, sample-exact, without a gap.
    pub fn set_loop(&self, looping: bool) {
        self.command(|_sound| self.shared.controls.set_looping(looping));
    }

    /// Linear gain, clamped to `0..=2` (non-finite values are ignored). The change is ramped over
    /// a few milliseconds so that it does not click.
    pub fn set_volume(&self, volume: f32) {
        self.command(|_sound| self.shared.controls.set_volume(volume));
    }

    /// The current state. Cheap: a few atomic reads under a lock the audio callback never takes.
    pub fn state(&self) -> PlaybackState {
        self.shared.state()
    }

    /// Calls `on_report` with the current state at once, then on every state change and about 30
    /// times a second while playing, until the player is dropped. It runs on the playback thread
    /// (never on the audio callback): keep it short, e.g. forward the report to the UI. A
    /// subscriber that panics is dropped.
    pub fn subscribe(&self, on_report: impl FnMut(&PlaybackState) + Send + 'static) {
        // Under the lock, like a command: the first report is in order with the others.
        let current = lock(&self.shared.sound);
        let state = self.shared.state_of(current.as_deref());
        let _ = self.to_thread.send(Message::Subscribe(Box::new(on_report), state));
    }

    /// Runs a command under the command lock, then reports.
    fn command(&self, apply: impl FnOnce(&mut Option<Arc<Sound>>)) {
        let mut current = lock(&self.shared.sound);
        apply(&mut current);
        // Sent under the lock, so that snapshots queue in the order the changes happened (the
        // reporter relies on it). Sending never blocks. The thread only stops when the player is
        // dropped, so sending cannot fail while `self` is alive.
        let _ = self.to_thread.send(Message::Changed(self.shared.state_of(current.as_deref())));
    }

    /// Runs a transport command on the loaded sound; without one there is nothing to move.
    fn sound_command(&self, apply: impl FnOnce(&Sound)) {
        self.command(|current| {
            if let Some(sound) = current.as_deref() {
                apply(sound);
            }
        });
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        // A stream's writer learns that nothing plays it any more.
        if let Some(sound) = lock(&self.shared.sound).as_deref() {
            sound.retire();
        }
        let _ = self.to_thread.send(Message::Shutdown);
        if let Some(thread) = self.thread.take() {
            // A panic on the playback thread has nothing left to clean up: ignore it.
            let _ = thread.join();
        }
    }
}

/// Appends to the stream [`Player::load_stream`] loaded. `Send + Sync`: hand it to the thread that
/// produces the sound.
///
/// [`finish`](Self::finish) it once the sound is complete; dropping it finishes it too (so a
/// producer that stops early, or fails, leaves a sound that ends where it stopped rather than
/// one that waits for ever).
pub struct StreamWriter {
    sound: Arc<Sound>,
    to_thread: Sender<Message>,
}

impl std::fmt::Debug for StreamWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamWriter")
            .field("duration_seconds", &self.sound.duration_seconds().0)
            .finish_non_exhaustive()
    }
}

impl StreamWriter {
    /// Appends interleaved samples (a frame is played once all its channels are pushed). Copies
    /// them into the stream's storage; the audio callback reads them there without locking.
    /// [`PlaybackError::StreamClosed`] once another sound was loaded or the player dropped: the
    /// producer can stop.
    pub fn push(&self, samples: &[f32]) -> Result<(), PlaybackError> {
        if self.sound.is_retired() {
            return Err(PlaybackError::StreamClosed);
        }
        self.sound.push(samples)?;
        // Fails only once the player is gone; then nothing listens.
        let _ = self.to_thread.send(Message::StreamChanged);
        Ok(())
    }

    /// The sound is complete: it ends (or loops) at the end of what was pushed. A trailing
    /// partial frame is dropped.
    pub fn finish(self) {
        // Dropping finishes.
    }
}

impl Drop for StreamWriter {
    fn drop(&mut self) {
        self.sound.finish();
        let _ = self.to_thread.send(Message::StreamChanged);
    }
}

/// An output opened on the playback thread.
struct OpenedOutput {
    /// Where the player adds its sounds.
    mixer: Mixer,
    config: OutputConfig,
    /// What keeps the output playing (rodio's device sink, not `Send`): it stays on the playback
    /// thread and closes the output when the thread drops it.
    keep_alive: Box<dyn std::any::Any>,
}

/// The playback thread: opens the output, hands its mixer back, reports until shut down, then
/// closes the output.
fn playback_thread(
    open_output: impl FnOnce(Sender<Message>) -> Result<OpenedOutput, PlaybackError>,
    shared: &Shared,
    messages: &Receiver<Message>,
    device_errors: Sender<Message>,
    opened: &SyncSender<Result<(Mixer, OutputConfig), PlaybackError>>,
) {
    let output = match open_output(device_errors) {
        Ok(output) => output,
        Err(error) => {
            let _ = opened.send(Err(error));
            return;
        }
    };
    if opened.send(Ok((output.mixer.clone(), output.config))).is_err() {
        return;
    }
    report_until_shutdown(shared, messages);
    drop(output.keep_alive);
}

/// The default output device, as rodio opens it.
fn open_default_output(device_errors: Sender<Message>) -> Result<OpenedOutput, PlaybackError> {
    let mut sink = open_device(device_errors)?;
    // Closing the player is expected; rodio would otherwise print a warning.
    sink.log_on_drop(false);
    let config =
        OutputConfig { sample_rate: sink.config().sample_rate().get(), channels: sink.config().channel_count().get() };
    Ok(OpenedOutput { mixer: sink.mixer().clone(), config, keep_alive: Box::new(sink) })
}

/// Delivers reports: each command's snapshot in order, the live state on a fixed cadence while
/// playing or buffering, the live state whenever it differs in status or device error from the
/// last report (which is how the end and buffering are reported: only the audio callback sets
/// `Ended` and `Buffering`), and the live state when a stream grew. Otherwise it sleeps until a
/// message.
///
/// Reports never go back in time: the live state is only read with the queue empty and under the
/// command lock, and commands queue their snapshot under that lock, so a live state read here is
/// newer than every snapshot already delivered and older than every one still to come.
fn report_until_shutdown(shared: &Shared, messages: &Receiver<Message>) {
    let mut subscribers: Vec<Subscriber> = Vec::new();
    let mut next_tick: Option<Instant> = None;
    let mut last_reported = ReportKey { status: PlaybackStatus::Idle, device_failed: false };
    // A stream changed: report the live state once the queue is empty.
    let mut report_live = false;
    loop {
        shared.release_retired();
        let polled = {
            let current = lock(&shared.sound);
            match messages.try_recv() {
                Ok(message) => Ok(message),
                Err(TryRecvError::Empty) => Err(shared.state_of(current.as_deref())),
                Err(TryRecvError::Disconnected) => return,
            }
        };
        let live = match polled {
            Ok(message) => match handle(message, shared, &mut subscribers, &mut last_reported) {
                Flow::Continue => continue,
                Flow::ReportLive => {
                    report_live = true;
                    continue;
                }
                Flow::Shutdown => return,
            },
            Err(live) => live,
        };
        // Buffering is watched like playing: the audio callback ends it when data arrives.
        let playing = matches!(live.status, PlaybackStatus::Playing | PlaybackStatus::Buffering);
        let now = Instant::now();
        let tick_due = playing && next_tick.is_some_and(|tick| tick <= now);
        if tick_due || report_live || ReportKey::of(&live) != last_reported {
            report_live = false;
            last_reported = publish(&mut subscribers, &live);
            if tick_due {
                // Fixed cadence, without drift; after a stall (slow subscriber), restart from now
                // rather than firing a burst of late reports.
                next_tick = next_tick.map(|tick| tick + REPORT_PERIOD).filter(|tick| *tick > now);
            }
            continue;
        }
        let message = if playing {
            let tick = *next_tick.get_or_insert(now + REPORT_PERIOD);
            messages.recv_timeout(tick.saturating_duration_since(now))
        } else {
            next_tick = None;
            messages.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        match message {
            Ok(message) => match handle(message, shared, &mut subscribers, &mut last_reported) {
                Flow::Continue => {}
                Flow::ReportLive => report_live = true,
                Flow::Shutdown => return,
            },
            // The tick is due: reported at the top of the loop, once the queue is known empty.
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// What a report must be sent for when it changes, besides commands and ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReportKey {
    status: PlaybackStatus,
    device_failed: bool,
}

impl ReportKey {
    fn of(state: &PlaybackState) -> Self {
        Self { status: state.status, device_failed: state.device_error.is_some() }
    }
}

/// Whether the reporter goes on.
enum Flow {
    Continue,
    /// Report the live state once the queue is empty.
    ReportLive,
    Shutdown,
}

fn handle(message: Message, shared: &Shared, subscribers: &mut Vec<Subscriber>, last_reported: &mut ReportKey) -> Flow {
    match message {
        Message::Shutdown => return Flow::Shutdown,
        Message::Subscribe(subscriber, state) => {
            let mut new_subscribers = vec![subscriber];
            publish(&mut new_subscribers, &state);
            subscribers.append(&mut new_subscribers);
        }
        Message::Changed(snapshot) => *last_reported = publish(subscribers, &snapshot),
        Message::StreamChanged => return Flow::ReportLive,
        // Reported by the loop once the queue is empty: the change is not a snapshot in order.
        Message::DeviceFailed(reason) => shared.device_failed(reason),
    }
    Flow::Continue
}

/// Gives `state` to every subscriber; one that panics is dropped so it cannot take the playback
/// thread (and the sound) down with it.
fn publish(subscribers: &mut Vec<Subscriber>, state: &PlaybackState) -> ReportKey {
    subscribers.retain_mut(|subscriber| catch_unwind(AssertUnwindSafe(|| subscriber(state))).is_ok());
    ReportKey::of(state)
}

/// Opens the default device, else the first other one that opens (skipping ALSA's `null`, which
/// swallows sound), like rodio's `open_default_sink` but with our error callback.
fn open_device(device_errors: Sender<Message>) -> Result<MixerDeviceSink, PlaybackError> {
    let on_error = move |error: rodio::cpal::Error| {
        if let Some(reason) = fatal_device_error(&error) {
            let _ = device_errors.send(Message::DeviceFailed(reason));
        }
    };
    let default_attempt = DeviceSinkBuilder::from_default_device()
        .and_then(|builder| builder.with_error_callback(on_error.clone()).open_stream());
    let original_error = match default_attempt {
        Ok(sink) => return Ok(sink),
        Err(error) => error,
    };
    let fallback = rodio::cpal::default_host().output_devices().ok().and_then(|mut devices| {
        devices.find_map(|device| {
            let usable = device
                .description()
                .is_ok_and(|description| description.driver().is_some_and(|driver| driver != "null"));
            if !usable {
                return None;
            }
            DeviceSinkBuilder::from_device(device)
                .and_then(|builder| builder.with_error_callback(on_error.clone()).open_sink_or_fallback())
                .ok()
        })
    });
    fallback.ok_or_else(|| PlaybackError::NoDevice(describe(&original_error)))
}

/// The device errors that end playback; underruns and the like are glitches the stream recovers
/// from, so they are not reported.
fn fatal_device_error(error: &rodio::cpal::Error) -> Option<String> {
    use rodio::cpal::ErrorKind;
    match error.kind() {
        ErrorKind::DeviceNotAvailable | ErrorKind::StreamInvalidated | ErrorKind::HostUnavailable => {
            Some(error.to_string())
        }
        _ => None,
    }
}

/// The error and its causes in one line: rodio's own messages are generic ("Error opening the
/// stream"), the cause says which device and why.
fn describe(error: &DeviceSinkError) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::num::NonZero;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use postcraft_core::ErrorCode;

    use super::*;

    const RATE: u32 = 8_000;

    /// A sound card stand-in: a thread pulling from the mixer in real time, 5 ms at a time.
    struct FakeCard {
        stop: Arc<AtomicBool>,
        puller: Option<JoinHandle<()>>,
        closed: Arc<AtomicBool>,
    }

    impl Drop for FakeCard {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::Release);
            if let Some(puller) = self.puller.take() {
                puller.join().expect("the fake card's thread ends");
            }
            self.closed.store(true, Ordering::Release);
        }
    }

    /// What a test keeps of its fake card: a way to make it fail, and whether it was closed.
    #[derive(Clone, Default)]
    struct FakeCardProbe {
        device_errors: Arc<Mutex<Option<Sender<Message>>>>,
        closed: Arc<AtomicBool>,
    }

    impl FakeCardProbe {
        fn fail(&self, reason: &str) {
            let sender = lock(&self.device_errors).clone().expect("the card is open");
            sender.send(Message::DeviceFailed(reason.to_owned())).expect("the playback thread runs");
        }
    }

    fn open_fake() -> (Player, FakeCardProbe) {
        let probe = FakeCardProbe::default();
        let player = Player::open_with({
            let probe = probe.clone();
            move |device_errors| {
                *lock(&probe.device_errors) = Some(device_errors);
                let channels = NonZero::new(2).expect("non-zero");
                let (mixer, mut source) = rodio::mixer::mixer(channels, NonZero::new(RATE).expect("non-zero"));
                let stop = Arc::new(AtomicBool::new(false));
                let puller = thread::spawn({
                    let stop = Arc::clone(&stop);
                    move || {
                        let started = Instant::now();
                        let mut pulled_frames = 0_u64;
                        while !stop.load(Ordering::Acquire) {
                            // Pull what a card would have played by now.
                            let due = (started.elapsed().as_secs_f64() * f64::from(RATE)) as u64;
                            for _ in pulled_frames..due {
                                let _left = source.next();
                                let _right = source.next();
                            }
                            pulled_frames = due;
                            thread::sleep(Duration::from_millis(5));
                        }
                    }
                });
                let card = FakeCard { stop, puller: Some(puller), closed: Arc::clone(&probe.closed) };
                Ok(OpenedOutput {
                    mixer,
                    config: OutputConfig { sample_rate: RATE, channels: 2 },
                    keep_alive: Box::new(card),
                })
            }
        })
        .expect("the fake card opens");
        (player, probe)
    }

    /// Subscribes, returning a receiver of every report.
    fn reports_of(player: &Player) -> Receiver<PlaybackState> {
        let (sender, receiver) = mpsc::channel();
        player.subscribe(move |state| {
            let _ = sender.send(state.clone());
        });
        receiver
    }

    /// Waits for a report satisfying `wanted`, failing after 5 s.
    fn wait_for(reports: &Receiver<PlaybackState>, mut wanted: impl FnMut(&PlaybackState) -> bool) -> PlaybackState {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let report = reports
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the awaited report arrives within 5 s");
            if wanted(&report) {
                return report;
            }
        }
    }

    fn tone(seconds: f64) -> AudioBuffer {
        AudioBuffer::mono(RATE, vec![0.25; (seconds * f64::from(RATE)) as usize])
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_player_can_be_shared_across_threads() {
        assert_send_sync::<Player>();
    }

    #[test]
    fn reports_come_in_order_about_30_a_second_while_playing() {
        let (player, _probe) = open_fake();
        let reports = reports_of(&player);
        player.load(tone(0.5)).expect("valid");
        player.play().expect("plays");
        let mut all = Vec::new();
        loop {
            let report = reports.recv_timeout(Duration::from_secs(5)).expect("reports until the end");
            all.push(report.clone());
            if report.status == PlaybackStatus::Ended {
                break;
            }
        }
        let statuses: Vec<PlaybackStatus> = all.iter().map(|report| report.status).collect();
        assert_eq!(statuses[..3], [PlaybackStatus::Idle, PlaybackStatus::Idle, PlaybackStatus::Playing]);
        let playing = statuses.iter().filter(|status| **status == PlaybackStatus::Playing).count();
        // 15 expected; counting, not timing, so that a loaded machine does not make it flaky.
        assert!(playing >= 5, "{playing} reports while playing: {all:?}");
        assert!(all.windows(2).all(|pair| pair[0].position_seconds <= pair[1].position_seconds), "{all:?}");
        let last = all.last().expect("reports");
        assert_eq!((last.position_seconds, last.duration_seconds), (0.5, 0.5));
        // Nothing more once ended: the reporter sleeps.
        assert!(reports.recv_timeout(Duration::from_millis(150)).is_err());
    }

    #[test]
    fn transport_commands_change_the_state_at_once() {
        let (player, _probe) = open_fake();
        let reports = reports_of(&player);
        assert_eq!(player.state().status, PlaybackStatus::Idle);
        player.play().expect("nothing loaded: a no-op, not an error");
        assert_eq!(player.state().status, PlaybackStatus::Idle);

        player.set_volume(0.5);
        player.set_loop(true);
        player.load(tone(0.2)).expect("valid");
        let state = player.state();
        assert_eq!((state.status, state.position_seconds, state.duration_seconds), (PlaybackStatus::Idle, 0.0, 0.2));
        assert_eq!((state.looping, state.volume), (true, 0.5), "settings carry over to the loaded sound");

        player.play().expect("plays");
        assert_eq!(player.state().status, PlaybackStatus::Playing);
        // Looping: it wraps instead of ending.
        let mut previous = 0.0;
        wait_for(&reports, |report| {
            let wrapped = report.position_seconds < previous;
            previous = report.position_seconds;
            wrapped
        });
        assert_eq!(player.state().status, PlaybackStatus::Playing);

        player.pause();
        let paused = player.state();
        assert_eq!(paused.status, PlaybackStatus::Paused);
        thread::sleep(Duration::from_millis(50));
        assert_eq!(player.state().position_seconds, paused.position_seconds, "paused holds the position");

        player.seek(0.15);
        assert_eq!(player.state().position_seconds, 0.15);
        player.seek(99.0);
        assert_eq!(player.state().position_seconds, 0.2, "clamped to the length");

        player.set_loop(false);
        player.seek(0.1);
        player.play().expect("plays");
        let ended = wait_for(&reports, |report| report.status == PlaybackStatus::Ended);
        assert_eq!(ended.position_seconds, 0.2);

        player.stop();
        assert_eq!((player.state().status, player.state().position_seconds), (PlaybackStatus::Idle, 0.0));

        let invalid = player.load(AudioBuffer::silence(0, 1, 10)).expect_err("no sample rate");
        assert_eq!(invalid.code(), ErrorCode::InvalidRequest);
        assert_eq!(player.state().duration_seconds, 0.2, "a refused buffer leaves the loaded sound");

        player.load(tone(1.0)).expect("valid");
        assert_eq!((player.state().status, player.state().duration_seconds), (PlaybackStatus::Idle, 1.0));
    }

    #[test]
    fn a_failed_device_pauses_reports_and_refuses_to_play() {
        let (player, probe) = open_fake();
        let reports = reports_of(&player);
        player.load(tone(5.0)).expect("valid");
        player.play().expect("plays");
        probe.fail("unplugged");
        let failed = wait_for(&reports, |report| report.device_error.is_some());
        assert_eq!(failed.status, PlaybackStatus::Paused, "nothing pulls the sound any more");
        assert_eq!(failed.device_error.as_deref(), Some("unplugged"));

        let error = player.play().expect_err("the device is gone");
        assert_eq!(error, PlaybackError::DeviceLost("unplugged".to_owned()));
        assert_eq!(error.code(), ErrorCode::AudioDeviceUnavailable);
        assert_eq!(player.state().status, PlaybackStatus::Paused);
        // The rest keeps working.
        player.seek(1.0);
        player.load(tone(0.1)).expect("valid");
    }

    #[test]
    fn a_replaced_sound_is_freed_on_the_playback_thread_once_its_source_is_gone() {
        let (player, _probe) = open_fake();
        let reports = reports_of(&player);
        player.load(tone(1.0)).expect("valid");
        player.load(tone(1.0)).expect("valid");
        let replaced = Arc::downgrade(lock(&player.shared.retired).first().expect("the replaced sound is kept"));
        // The fake card pulls every 5 ms: the replaced source ends and the mixer drops it, but the
        // list still holds the sound, so the samples are not freed there.
        thread::sleep(Duration::from_millis(50));
        // The next message wakes the playback thread (if it has not freed it already), which frees
        // it before reporting.
        player.set_volume(0.9);
        wait_for(&reports, |report| report.volume == 0.9);
        assert!(replaced.upgrade().is_none(), "freed once its source is gone");
    }

    #[test]
    fn a_panicking_subscriber_is_dropped_and_the_others_keep_receiving() {
        let (player, _probe) = open_fake();
        let panicking_calls = Arc::new(AtomicUsize::new(0));
        player.subscribe({
            let calls = Arc::clone(&panicking_calls);
            move |_state| {
                calls.fetch_add(1, Ordering::AcqRel);
                panic!("a subscriber bug");
            }
        });
        let reports = reports_of(&player);
        player.load(tone(0.1)).expect("valid");
        player.play().expect("plays");
        wait_for(&reports, |report| report.status == PlaybackStatus::Ended);
        assert_eq!(panicking_calls.load(Ordering::Acquire), 1, "dropped after its first panic");
    }

    #[test]
    fn dropping_the_player_closes_the_output_and_ends_the_thread() {
        let (player, probe) = open_fake();
        player.load(tone(5.0)).expect("valid");
        player.play().expect("plays");
        let reports = reports_of(&player);
        let started = Instant::now();
        drop(player);
        assert!(probe.closed.load(Ordering::Acquire), "the output is closed once drop returns");
        assert!(started.elapsed() < Duration::from_secs(1), "promptly: {:?}", started.elapsed());
        // The subscriber went with the thread.
        while reports.try_recv().is_ok() {}
        assert!(matches!(reports.recv(), Err(mpsc::RecvError)));
    }

    #[test]
    fn a_stream_buffers_when_caught_up_and_ends_once_finished() {
        assert_send_sync::<StreamWriter>();
        let (player, _probe) = open_fake();
        let reports = reports_of(&player);
        let writer = player.load_stream(RATE, 1).expect("valid");
        let loaded = player.state();
        assert_eq!((loaded.status, loaded.duration_seconds, loaded.complete), (PlaybackStatus::Idle, 0.0, false));
        // Not playing yet: the growth is reported all the same.
        writer.push(&[0.25; RATE as usize / 10]).expect("pushed");
        let grown = wait_for(&reports, |report| report.duration_seconds > 0.0);
        assert_eq!((grown.status, grown.duration_seconds, grown.complete), (PlaybackStatus::Idle, 0.1, false));
        player.play().expect("plays");
        let buffering = wait_for(&reports, |report| report.status == PlaybackStatus::Buffering);
        assert_eq!(buffering.position_seconds, 0.1, "held at the end of what was pushed");
        assert_eq!(player.state().position_seconds, 0.1);
        writer.push(&[0.25; RATE as usize / 10]).expect("pushed");
        wait_for(&reports, |report| report.status == PlaybackStatus::Playing);
        writer.finish();
        let ended = wait_for(&reports, |report| report.status == PlaybackStatus::Ended);
        assert_eq!((ended.position_seconds, ended.duration_seconds, ended.complete), (0.2, 0.2, true));

        // A writer dropped unfinished finishes; one whose sound was replaced is told so.
        let dropped = player.load_stream(RATE, 2).expect("valid");
        dropped.push(&[0.1; 6]).expect("pushed");
        drop(dropped);
        assert_eq!((player.state().duration_seconds, player.state().complete), (3.0 / f64::from(RATE), true));
        let replaced = player.load_stream(RATE, 1).expect("valid");
        player.load(tone(0.1)).expect("valid");
        let closed = replaced.push(&[0.1]).expect_err("replaced");
        assert_eq!((closed.clone(), closed.code()), (PlaybackError::StreamClosed, ErrorCode::InvalidRequest));
        let orphan = player.load_stream(RATE, 1).expect("valid");
        let invalid = player.load_stream(0, 1).expect_err("no sample rate");
        assert_eq!(invalid.code(), ErrorCode::InvalidRequest);
        drop(player);
        assert_eq!(orphan.push(&[0.1]), Err(PlaybackError::StreamClosed), "the player is gone");
    }

    #[test]
    fn an_output_that_does_not_open_is_reported_as_no_device() {
        let error = Player::open_with(|_device_errors| Err(PlaybackError::NoDevice("no card".to_owned())))
            .expect_err("nothing opens");
        assert_eq!(error.code(), ErrorCode::AudioDeviceUnavailable);
        assert_eq!(error.to_string(), "no audio output device (no card): playback is off, everything else works");
    }
}
