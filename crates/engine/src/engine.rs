//! The engine: state shared by every request, and its status.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use parking_lot::Mutex;
use postcraft_core::ipc::{AppStatus, ModelStatus, RuntimeStatus};
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_infer::gan::ImageGenerator;
use postcraft_infer::restyle::ImageTranslator;
use postcraft_infer::sound::SoundGenerator;
use postcraft_infer::text::TextGenerator;
use postcraft_infer::{InferError, ModelKind, ModelRegistry, Runtime};
use postcraft_jobs::JobManager;
use postcraft_speech::{Espeak, Voice};

use crate::studio::Studio;
use crate::{EngineConfig, MediaStore};

/// The facade. Cheap to share behind an `Arc`; every method may be called from any thread, and
/// none blocks for longer than a model load (call it off the UI thread all the same).
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    registry: Result<ModelRegistry, IpcError>,
    jobs: JobManager,
    media: MediaStore,
    /// The last load attempt's failure; cleared by [`Engine::reload`].
    runtime_error: Mutex<Option<IpcError>>,
    /// Loaded generators, kept warm, and the errors of failed loads (until a reload).
    generators: WarmModels<ImageGenerator>,
    /// Loaded text models, the same way.
    text_models: WarmModels<TextGenerator>,
    /// Loaded image-to-image models, the same way.
    translators: WarmModels<ImageTranslator>,
    /// Loaded voices, the same way.
    voices: WarmModels<Voice>,
    /// Loaded sound generators, the same way.
    sound_generators: WarmModels<SoundGenerator>,
    /// Sounds made or imported (voice, hits, beats, mixes).
    clips: crate::audio::clips::ClipStore,
    /// The player (opened on first use).
    player: crate::audio::playback::PlayerHost,
    /// espeak-ng, once located (a failure is kept until a reload).
    espeak: Mutex<Option<Result<Espeak, IpcError>>>,
    /// The canvas: open project, preview renderer, asset cache.
    studio: Studio,
}

impl Engine {
    /// Opens an engine. Never fails: what is missing shows up in [`Engine::status`] and as the
    /// error of the requests that need it, so the studio can open and explain.
    pub fn open(config: EngineConfig) -> Self {
        let registry = ModelRegistry::open(&config.manifest_path, &config.models_dir).map_err(IpcError::from);
        if let Err(error) = &registry {
            tracing::error!("{error}");
        }
        Self {
            studio: Studio::new(config.fonts.clone()),
            config,
            registry,
            jobs: JobManager::new(),
            media: MediaStore::default(),
            runtime_error: Mutex::new(None),
            generators: WarmModels::default(),
            text_models: WarmModels::default(),
            translators: WarmModels::default(),
            voices: WarmModels::default(),
            sound_generators: WarmModels::default(),
            clips: crate::audio::clips::ClipStore::default(),
            player: crate::audio::playback::PlayerHost::default(),
            espeak: Mutex::new(None),
        }
    }

    /// The configuration it was opened with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The model registry, or why the manifest is unusable.
    pub fn registry(&self) -> Result<&ModelRegistry, IpcError> {
        self.registry.as_ref().map_err(Clone::clone)
    }

    /// The canvas state.
    pub fn studio(&self) -> &Studio {
        &self.studio
    }

    /// The job manager.
    pub fn jobs(&self) -> &JobManager {
        &self.jobs
    }

    /// Generated media, for the shell's custom scheme.
    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// Asks a running job to stop; false when it is not running (it may have just ended, and
    /// its `finished` event tells how).
    pub fn request_cancel(&self, id: JobId) -> bool {
        self.jobs.cancel(id).is_ok()
    }

    /// The runtime, loading it on first use. A failure is remembered (and not retried on every
    /// call) until [`Engine::reload`].
    pub fn runtime(&self) -> Result<Runtime, IpcError> {
        if let Some(runtime) = Runtime::loaded() {
            return Ok(runtime);
        }
        let mut error = self.runtime_error.lock();
        if let Some(error) = error.as_ref() {
            return Err(error.clone());
        }
        let path = Runtime::resolve_path(&self.config.runtime_path);
        let pinned = self.registry.as_ref().ok().map(|r| &r.manifest().runtime);
        Runtime::load(&path, pinned).map_err(|e| {
            let e = IpcError::from(e);
            tracing::error!("{e}");
            *error = Some(e.clone());
            e
        })
    }

    /// Forgets failed loads so the next request tries again (after the user fixed the set-up).
    pub fn reload(&self) {
        *self.runtime_error.lock() = None;
        self.studio.renderer().restart();
        self.generators.forget_failures();
        self.text_models.forget_failures();
        self.translators.forget_failures();
        self.voices.forget_failures();
        self.sound_generators.forget_failures();
        self.player.forget_failure();
        self.espeak.lock().take_if(|found| found.is_err());
    }

    /// The player.
    pub fn player(&self) -> &crate::audio::playback::PlayerHost {
        &self.player
    }

    /// The sounds the studio holds.
    pub fn clips(&self) -> &crate::audio::clips::ClipStore {
        &self.clips
    }

    /// The `sound-gan` model `id` (one-shot drum hits), loaded once (verified against the
    /// manifest first) and kept warm.
    pub fn sound_generator(&self, id: &str) -> Result<Arc<SoundGenerator>, IpcError> {
        self.sound_generators.get_or_load(id, || {
            let registry = self.registry()?;
            let (spec, path) = registry.verify(id)?;
            if spec.kind != ModelKind::SoundGan {
                return Err(
                    InferError::ModelInvalid { path, reason: format!("`{id}` is not a sound-gan model") }.into()
                );
            }
            let runtime = self.runtime()?;
            Ok(Arc::new(SoundGenerator::load(&runtime, spec, &path, self.config.session)?))
        })
    }

    /// espeak-ng for speech: set-up's copy, else the system's (see [`Espeak::locate`]).
    pub fn espeak(&self) -> Result<Espeak, IpcError> {
        self.espeak
            .lock()
            .get_or_insert_with(|| Espeak::locate(&self.config.espeak_dir).map_err(IpcError::from))
            .clone()
    }

    /// The `speech` model `id` (a Piper voice) with its `.onnx.json` config, loaded once (both
    /// verified against the manifest first) and kept warm.
    pub fn voice(&self, id: &str) -> Result<Arc<Voice>, IpcError> {
        self.voices.get_or_load(id, || Ok(Arc::new(self.load_voice(id, self.config.session.intra_threads)?)))
    }

    /// A fresh session of voice `id` with exactly `threads` intra-op threads, not kept: for
    /// benchmarks.
    pub fn voice_with(&self, id: &str, threads: usize) -> Result<Voice, IpcError> {
        self.load_voice(id, threads)
    }

    fn load_voice(&self, id: &str, threads: usize) -> Result<Voice, IpcError> {
        let registry = self.registry()?;
        let (spec, path) = registry.verify(id)?;
        if spec.kind != ModelKind::Speech {
            return Err(InferError::ModelInvalid { path, reason: format!("`{id}` is not a speech model") }.into());
        }
        let config = registry.verify_sidecar(spec, "onnx.json")?;
        let runtime = self.runtime()?;
        let options = postcraft_infer::SessionOptions { intra_threads: threads };
        Ok(Voice::load(&runtime, &path, &config, self.espeak()?, options)?)
    }

    /// A Piper voice a user brings (`voice.onnx` with `voice.onnx.json` beside it, or the config
    /// given): the same code path as the shipped voice. Not verified by hash, not kept.
    pub fn voice_from_files(&self, model: &Path, config: Option<&Path>) -> Result<Voice, IpcError> {
        let config = config.map(Path::to_path_buf).unwrap_or_else(|| {
            let mut name = model.as_os_str().to_owned();
            name.push(".json");
            name.into()
        });
        let runtime = self.runtime()?;
        Ok(Voice::load(&runtime, model, &config, self.espeak()?, self.config.session)?)
    }

    /// The generator of an `image-gan` model, loaded once (verified against the manifest first)
    /// and kept warm.
    pub fn image_generator(&self, id: &str) -> Result<Arc<ImageGenerator>, IpcError> {
        self.generators.get_or_load(id, || {
            let registry = self.registry()?;
            let (spec, path) = registry.verify(id)?;
            if spec.kind != ModelKind::ImageGan {
                return Err(
                    InferError::ModelInvalid { path, reason: format!("`{id}` is not an image-gan model") }.into()
                );
            }
            let runtime = self.runtime()?;
            Ok(Arc::new(ImageGenerator::load(&runtime, spec, &path, self.config.session)?))
        })
    }

    /// The `image-to-image` model `id` (a restyler), loaded once (verified against the manifest
    /// first) and kept warm.
    pub fn image_translator(&self, id: &str) -> Result<Arc<ImageTranslator>, IpcError> {
        self.translators.get_or_load(id, || {
            let registry = self.registry()?;
            let (spec, path) = registry.verify(id)?;
            if spec.kind != ModelKind::ImageToImage {
                return Err(InferError::ModelInvalid {
                    path,
                    reason: format!("`{id}` is not an image-to-image model"),
                }
                .into());
            }
            let runtime = self.runtime()?;
            Ok(Arc::new(ImageTranslator::load(&runtime, spec, &path, self.config.session)?))
        })
    }

    /// An image-to-image model a user brings (a CycleGAN or AnimeGAN-style ONNX export: one
    /// image in, one image out), through the same code as the shipped restylers. Not verified
    /// by hash (it is not in the manifest) and not kept.
    pub fn image_translator_from_file(&self, model: &Path) -> Result<ImageTranslator, IpcError> {
        self.image_translator_from_file_with(model, self.config.session.intra_threads)
    }

    /// [`Engine::image_translator_from_file`] with exactly `threads` intra-op threads (0: ONNX
    /// Runtime's choice).
    pub fn image_translator_from_file_with(&self, model: &Path, threads: usize) -> Result<ImageTranslator, IpcError> {
        let runtime = self.runtime()?;
        let options = postcraft_infer::SessionOptions { intra_threads: threads };
        Ok(ImageTranslator::load_unlisted(&runtime, model, options)?)
    }

    /// A fresh session of image-to-image model `id` with exactly `threads` intra-op threads, not
    /// kept: for benchmarks.
    pub fn image_translator_with(&self, id: &str, threads: usize) -> Result<ImageTranslator, IpcError> {
        let registry = self.registry()?;
        let (spec, path) = registry.verify(id)?;
        let runtime = self.runtime()?;
        let options = postcraft_infer::SessionOptions { intra_threads: threads };
        Ok(ImageTranslator::load(&runtime, spec, &path, options)?)
    }

    /// The manifest's SHA-256 of model `id` (what recipes record).
    pub fn model_sha256(&self, id: &str) -> Result<String, IpcError> {
        let registry = self.registry()?;
        registry
            .manifest()
            .models
            .iter()
            .find(|spec| spec.id.as_str() == id)
            .map(|spec| spec.sha256.clone())
            .ok_or_else(|| InferError::UnknownModel(id.to_owned()).into())
    }

    /// The `text-generation` model `id` with its tokenizer, loaded once (both verified against
    /// the manifest first) and kept warm.
    pub fn text_generator(&self, id: &str) -> Result<Arc<TextGenerator>, IpcError> {
        self.text_models.get_or_load(id, || {
            let registry = self.registry()?;
            let (spec, path) = registry.verify(id)?;
            if spec.kind != ModelKind::TextGeneration {
                return Err(InferError::ModelInvalid {
                    path,
                    reason: format!("`{id}` is not a text-generation model"),
                }
                .into());
            }
            let tokenizer = registry.verify_sidecar(spec, "tokenizer.json")?;
            let runtime = self.runtime()?;
            Ok(Arc::new(TextGenerator::load(&runtime, spec, &path, &tokenizer, self.config.session)?))
        })
    }

    /// A fresh session of text model `id` with exactly `threads` intra-op threads, not kept:
    /// for benchmarks, which compare engines at the same thread count.
    pub fn text_generator_with(&self, id: &str, threads: usize) -> Result<TextGenerator, IpcError> {
        let registry = self.registry()?;
        let (spec, path) = registry.verify(id)?;
        let tokenizer = registry.verify_sidecar(spec, "tokenizer.json")?;
        let runtime = self.runtime()?;
        let options = postcraft_infer::SessionOptions { intra_threads: threads };
        Ok(TextGenerator::load(&runtime, spec, &path, &tokenizer, options)?)
    }

    /// A text model a user brings (an ONNX decoder export with its `tokenizer.json`, e.g.
    /// SmolLM2-360M or Qwen2.5-0.5B): loaded through the same code as the shipped one, its
    /// sizes read from the graph and its chat format from the tokenizer. Not verified by hash
    /// (it is not in the manifest) and not kept.
    pub fn text_generator_from_files(&self, model: &Path, tokenizer: &Path) -> Result<TextGenerator, IpcError> {
        let runtime = self.runtime()?;
        Ok(TextGenerator::load_unlisted(&runtime, model, tokenizer, self.config.session)?)
    }

    /// The runtime and every model: loads what is not loaded yet (models of kinds that have no
    /// pipeline yet are verified only).
    pub fn status(&self) -> AppStatus {
        let runtime = match self.runtime() {
            Ok(runtime) => RuntimeStatus {
                path: runtime.info().path.display().to_string(),
                version: Some(runtime.info().version.clone()),
                error: None,
            },
            Err(error) => RuntimeStatus {
                path: Runtime::resolve_path(&self.config.runtime_path).display().to_string(),
                version: None,
                error: Some(error),
            },
        };
        let models = match self.registry() {
            Ok(registry) => registry
                .manifest()
                .models
                .iter()
                .map(|spec| {
                    let result = match spec.kind {
                        ModelKind::ImageGan => self.image_generator(spec.id.as_str()).map(drop),
                        ModelKind::TextGeneration => self.text_generator(spec.id.as_str()).map(drop),
                        ModelKind::ImageToImage => self.image_translator(spec.id.as_str()).map(drop),
                        ModelKind::Speech => self.voice(spec.id.as_str()).map(drop),
                        ModelKind::SoundGan => self.sound_generator(spec.id.as_str()).map(drop),
                        _ => registry.verify(spec.id.as_str()).map(drop).map_err(IpcError::from),
                    };
                    ModelStatus {
                        id: spec.id.clone(),
                        name: spec.name.clone(),
                        kind: spec.kind.as_str().to_owned(),
                        licence: spec.licence.clone(),
                        loaded: result.is_ok(),
                        error: result.err(),
                    }
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        AppStatus { version: env!("CARGO_PKG_VERSION").to_owned(), runtime, models }
    }
}

/// Pipelines loaded once and kept warm, and the errors of failed loads (remembered until a
/// reload, so a broken file is not re-hashed on every request).
#[derive(Debug)]
struct WarmModels<T> {
    loaded: Mutex<HashMap<String, Result<Arc<T>, IpcError>>>,
}

impl<T> Default for WarmModels<T> {
    fn default() -> Self {
        Self { loaded: Mutex::new(HashMap::new()) }
    }
}

impl<T> WarmModels<T> {
    fn get_or_load(&self, id: &str, load: impl FnOnce() -> Result<Arc<T>, IpcError>) -> Result<Arc<T>, IpcError> {
        let mut loaded = self.loaded.lock();
        if let Some(result) = loaded.get(id) {
            return result.clone();
        }
        let result = load();
        if let Err(error) = &result {
            tracing::error!(model = id, "{error}");
        }
        // A runtime failure is not remembered per model: fixing the runtime must be enough.
        let runtime_failed =
            matches!(&result, Err(e) if matches!(e.code, ErrorCode::RuntimeMissing | ErrorCode::RuntimeIncompatible));
        if !runtime_failed {
            loaded.insert(id.to_owned(), result.clone());
        }
        result
    }

    fn forget_failures(&self) {
        self.loaded.lock().retain(|_, result| result.is_ok());
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.jobs.cancel_all();
    }
}
