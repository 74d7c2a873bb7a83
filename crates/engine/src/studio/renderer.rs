//! The compositor on its own thread.
//!
//! wgpu work is kept off the UI thread and off tokio's workers: one thread owns the
//! [`Compositor`] and takes requests over a channel. Previews are "latest wins": when several
//! preview requests are waiting, only the newest is rendered and the older ones of the same size
//! get its frame, so a fast drag never builds a queue of stale frames.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use image::RgbaImage;
use parking_lot::Mutex;
use postcraft_core::post::Crop;
use postcraft_core::{ErrorCode, IpcError};
use postcraft_render::{AdapterSummary, Compositor, FontSet, Overlays, Scene, SceneContent, View};

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// The scene (shared: building it is the caller's job, done once).
    pub scene: Arc<Scene>,
    /// The canvas rectangle to show.
    pub view: View,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// Safe zones and slide dividers, for the preview only.
    pub overlays: Option<Overlays>,
    /// A live preview (may be superseded) rather than an export (always rendered).
    pub preview: bool,
    /// The scene layer being changed by a gesture: the others may come from the compositor's
    /// cache.
    pub live_layer: Option<usize>,
}

type Reply<T> = Sender<Result<T, IpcError>>;
type Frame = Result<Arc<RgbaImage>, IpcError>;

enum Message {
    Render(RenderRequest, Reply<Arc<RgbaImage>>),
    Measure(Vec<(SceneContent, Option<Crop>)>, Reply<Vec<[f32; 2]>>),
    Adapter(Reply<(AdapterSummary, Vec<String>)>),
}

/// The running thread: its inbox and its handle, joined on shutdown.
struct Worker {
    sender: Sender<Message>,
    thread: std::thread::JoinHandle<()>,
}

/// What a text's size depends on (colour does not change it).
type TextKey = (String, u32, Option<u32>);

/// Entries kept in the text-size cache before it starts over.
const TEXT_CACHE_ENTRIES: usize = 4096;

/// A handle to the render thread, started on first use.
pub struct RenderService {
    fonts: Vec<PathBuf>,
    worker: Mutex<Option<Worker>>,
    /// Text sizes already measured: every edit's view needs them, and a drag must not wait
    /// behind a preview frame on the render thread to learn a size that did not change.
    text_sizes: Mutex<std::collections::HashMap<TextKey, [f32; 2]>>,
}

fn text_key(content: &SceneContent) -> Option<TextKey> {
    match content {
        SceneContent::Text { text, font_size, wrap_width, .. } => {
            Some((text.clone(), font_size.to_bits(), wrap_width.map(f32::to_bits)))
        }
        _ => None,
    }
}

impl std::fmt::Debug for RenderService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderService").field("fonts", &self.fonts).finish()
    }
}

fn render_error(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(ErrorCode::RenderFailed, e.to_string())
}

impl RenderService {
    /// A service whose compositor will load `fonts` (CJK and other fallbacks) besides egui's own.
    pub fn new(fonts: Vec<PathBuf>) -> Self {
        Self { fonts, worker: Mutex::new(None), text_sizes: Mutex::new(std::collections::HashMap::new()) }
    }

    fn send(&self, message: Message) -> Result<(), IpcError> {
        let mut worker = self.worker.lock();
        let channel = match worker.as_ref() {
            Some(worker) => worker.sender.clone(),
            None => {
                let (tx, rx) = mpsc::channel();
                let fonts = self.fonts.clone();
                let thread = std::thread::Builder::new()
                    .name("postcraft-render".into())
                    .spawn(move || serve(fonts, rx))
                    .map_err(|e| render_error(format!("could not start the render thread: {e}")))?;
                *worker = Some(Worker { sender: tx.clone(), thread });
                tx
            }
        };
        channel.send(message).map_err(|_| {
            // The thread ended (it failed to start a device); the next call starts a new one.
            if let Some(old) = worker.take() {
                let _ = old.thread.join();
            }
            render_error("the renderer stopped; try again")
        })
    }

    fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Message) -> Result<T, IpcError> {
        let (tx, rx) = mpsc::channel();
        self.send(make(tx))?;
        rx.recv().map_err(|_| render_error("the renderer stopped before answering; try again"))?
    }

    /// Renders; blocks until the frame is read back.
    pub fn render(&self, request: RenderRequest) -> Result<Arc<RgbaImage>, IpcError> {
        self.ask(|reply| Message::Render(request, reply))
    }

    /// Natural sizes of contents (text needs the compositor's fonts; sizes of texts measured
    /// before come from a cache).
    pub fn measure(&self, contents: Vec<(SceneContent, Option<Crop>)>) -> Result<Vec<[f32; 2]>, IpcError> {
        let mut sizes: Vec<Option<[f32; 2]>> = {
            let cache = self.text_sizes.lock();
            contents.iter().map(|(content, _)| text_key(content).and_then(|key| cache.get(&key).copied())).collect()
        };
        let missing: Vec<(SceneContent, Option<Crop>)> =
            contents.iter().zip(&sizes).filter(|(_, size)| size.is_none()).map(|(c, _)| c.clone()).collect();
        if !missing.is_empty() {
            let measured = self.ask(|reply| Message::Measure(missing, reply))?;
            let mut measured = measured.into_iter();
            let mut cache = self.text_sizes.lock();
            if cache.len() > TEXT_CACHE_ENTRIES {
                cache.clear();
            }
            for ((content, _), size) in contents.iter().zip(sizes.iter_mut()) {
                if size.is_none() {
                    let value = measured.next().unwrap_or([1.0, 1.0]);
                    if let Some(key) = text_key(content) {
                        cache.insert(key, value);
                    }
                    *size = Some(value);
                }
            }
        }
        Ok(sizes.into_iter().map(|s| s.unwrap_or([1.0, 1.0])).collect())
    }

    /// The adapter the compositor runs on and its font report.
    pub fn adapter(&self) -> Result<(AdapterSummary, Vec<String>), IpcError> {
        self.ask(Message::Adapter)
    }

    /// Stops the thread (it restarts on the next request), e.g. after the graphics set-up changed.
    pub fn restart(&self) {
        let worker = self.worker.lock().take();
        stop(worker);
        self.text_sizes.lock().clear();
    }
}

/// Closes the inbox and waits for the thread to drop its device. The device must be gone before
/// the process exits: Mesa's exit handlers tearing down a device another thread is still
/// destroying crash the process ("double free") at exit.
fn stop(worker: Option<Worker>) {
    if let Some(Worker { sender, thread }) = worker {
        drop(sender);
        if thread.join().is_err() {
            tracing::error!("the render thread panicked");
        }
    }
}

impl Drop for RenderService {
    fn drop(&mut self) {
        stop(self.worker.get_mut().take());
    }
}

fn serve(fonts: Vec<PathBuf>, rx: Receiver<Message>) {
    let font_set = FontSet::load(&fonts);
    let mut compositor = match Compositor::new(font_set) {
        Ok(compositor) => compositor,
        Err(e) => {
            let error = render_error(format!("no renderer: {e}"));
            tracing::error!("{error}");
            // Answer what is waiting, then end: the next request starts a fresh attempt.
            for message in rx.try_iter() {
                fail(message, &error);
            }
            return;
        }
    };
    tracing::info!(adapter = %compositor.adapter().name, "compositor ready");
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let newest_preview = batch.iter().rposition(|m| matches!(m, Message::Render(r, _) if r.preview));
        let mut preview_frame: Option<((u32, u32), Frame)> = None;
        if let Some(index) = newest_preview
            && let Message::Render(request, _) = &batch[index]
        {
            preview_frame = Some(((request.width, request.height), render(&mut compositor, request)));
        }
        for (index, message) in batch.into_iter().enumerate() {
            match message {
                Message::Render(request, reply) if request.preview => {
                    let same_size = preview_frame.as_ref().filter(|(size, _)| *size == (request.width, request.height));
                    let frame = match same_size {
                        // The newest preview, or an older one superseded by it.
                        Some((_, frame)) if Some(index) <= newest_preview => frame.clone(),
                        _ => render(&mut compositor, &request),
                    };
                    let _ = reply.send(frame);
                }
                Message::Render(request, reply) => {
                    let _ = reply.send(render(&mut compositor, &request));
                }
                Message::Measure(contents, reply) => {
                    let sizes =
                        contents.iter().map(|(content, crop)| compositor.measure(content, crop.as_ref())).collect();
                    let _ = reply.send(Ok(sizes));
                }
                Message::Adapter(reply) => {
                    let _ = reply.send(Ok((compositor.adapter().clone(), compositor.fonts().report())));
                }
            }
        }
    }
}

/// Renders one request. A panic inside wgpu or egui (a bug) becomes an error for this request
/// rather than a dead thread and a hung caller.
fn render(compositor: &mut Compositor, request: &RenderRequest) -> Frame {
    let run = std::panic::AssertUnwindSafe(|| {
        let RenderRequest { scene, view, width, height, overlays, .. } = request;
        match request.live_layer {
            Some(live) => compositor.render_live(scene, view, *width, *height, overlays.as_ref(), live),
            None => compositor.render(scene, view, *width, *height, overlays.as_ref()),
        }
    });
    let started = std::time::Instant::now();
    match std::panic::catch_unwind(run) {
        Ok(frame) => {
            tracing::debug!(
                ms = started.elapsed().as_secs_f64() * 1e3,
                width = request.width,
                height = request.height,
                preview = request.preview,
                "rendered"
            );
            frame.map(Arc::new).map_err(render_error)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!("the compositor panicked: {what}");
            Err(IpcError::new(ErrorCode::Internal, format!("the renderer failed (a bug): {what}")))
        }
    }
}

fn fail(message: Message, error: &IpcError) {
    match message {
        Message::Render(_, reply) => drop(reply.send(Err(error.clone()))),
        Message::Measure(_, reply) => drop(reply.send(Err(error.clone()))),
        Message::Adapter(reply) => drop(reply.send(Err(error.clone()))),
    }
}
