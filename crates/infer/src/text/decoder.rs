//! The decoder graph and its key/value cache.
//!
//! One call runs `seq` new tokens of `batch` sequences against the cache of everything before
//! them and returns the logits of each sequence's last position plus the grown cache. Any
//! decoder export with the usual interface works (ours, Optimum's, onnxruntime-genai's):
//! `input_ids`, `attention_mask`, optionally `position_ids`, `past_key_values.{i}.key|value` in,
//! `logits` and `present.{i}.key|value` out. Sizes (layers, KV heads, head size) are read from the
//! graph, so a larger model of the same family loads through the same code.

use std::borrow::Cow;
use std::path::Path;

use ort::session::{RunOptions, Session, SessionInputValue};
use ort::value::{DynValue, Tensor, TensorElementType, ValueType};
use parking_lot::Mutex;

use crate::InferError;
use crate::manifest::KvCacheSpec;

/// Names and sizes of a decoder graph's cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheLayout {
    /// Decoder layers.
    pub layers: usize,
    /// Key/value heads.
    pub kv_heads: usize,
    /// Size of one head.
    pub head_dim: usize,
    past: Vec<String>,
    present: Vec<String>,
}

/// The key/value cache of a batch of sequences (all the same length: a request's variants share
/// their prompt).
#[derive(Debug)]
pub struct KvCache {
    values: Vec<DynValue>,
    batch: usize,
    len: usize,
}

impl KvCache {
    /// Sequences in the batch.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Tokens cached per sequence.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Nothing cached yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A loaded decoder graph.
#[derive(Debug)]
pub struct DecoderGraph {
    session: Mutex<Session>,
    layout: CacheLayout,
    vocab: usize,
    has_position_ids: bool,
}

const INPUT_IDS: &str = "input_ids";
const ATTENTION_MASK: &str = "attention_mask";
const POSITION_IDS: &str = "position_ids";
const LOGITS: &str = "logits";

fn ort_error(error: ort::Error) -> InferError {
    InferError::Inference(error.to_string())
}

impl DecoderGraph {
    /// Wraps an open session, checking its interface. `spec` (from the manifest) names the cache
    /// tensors; without it the usual names are assumed.
    pub fn new(session: Session, spec: Option<&KvCacheSpec>, path: &Path) -> Result<Self, InferError> {
        let invalid = |reason: String| InferError::ModelInvalid { path: path.to_path_buf(), reason };
        let input = |name: &str| session.inputs().iter().find(|i| i.name() == name).map(|i| i.dtype().clone());
        let output = |name: &str| session.outputs().iter().find(|o| o.name() == name).map(|o| o.dtype().clone());
        for name in [INPUT_IDS, ATTENTION_MASK] {
            if input(name).is_none() {
                return Err(invalid(format!("a text model needs an input `{name}`")));
            }
        }
        let logits = output(LOGITS).ok_or_else(|| invalid(format!("a text model needs an output `{LOGITS}`")))?;
        let vocab = match logits {
            ValueType::Tensor { ty: TensorElementType::Float32, shape, .. } if shape.len() == 3 && shape[2] > 0 => {
                shape[2] as usize
            }
            other => return Err(invalid(format!("`logits` must be float32 [batch, seq, vocab], found {other:?}"))),
        };
        let (past_key, past_value, present_key, present_value) = match spec {
            Some(s) => (s.past_key.clone(), s.past_value.clone(), s.present_key.clone(), s.present_value.clone()),
            None => (
                "past_key_values.{layer}.key".to_owned(),
                "past_key_values.{layer}.value".to_owned(),
                "present.{layer}.key".to_owned(),
                "present.{layer}.value".to_owned(),
            ),
        };
        let layers =
            (0..).take_while(|layer| input(&past_key.replace("{layer}", &layer.to_string())).is_some()).count();
        if layers == 0 {
            return Err(invalid(format!(
                "no cache input `{}`: the export must have a key/value cache (past/present tensors)",
                past_key.replace("{layer}", "0")
            )));
        }
        let (kv_heads, head_dim) = match input(&past_key.replace("{layer}", "0")) {
            Some(ValueType::Tensor { ty: TensorElementType::Float32, shape, .. })
                if shape.len() == 4 && shape[1] > 0 && shape[3] > 0 =>
            {
                (shape[1] as usize, shape[3] as usize)
            }
            other => {
                return Err(invalid(format!(
                    "cache inputs must be float32 [batch, kv_heads, past, head_dim] with fixed heads, found {other:?}"
                )));
            }
        };
        if let Some(spec) = spec
            && (spec.layers as usize, spec.kv_heads as usize, spec.head_dim as usize) != (layers, kv_heads, head_dim)
        {
            return Err(invalid(format!(
                "the manifest says {} layers x {} KV heads x {}, the graph has {layers} x {kv_heads} x {head_dim}",
                spec.layers, spec.kv_heads, spec.head_dim
            )));
        }
        let mut past = Vec::with_capacity(layers * 2);
        let mut present = Vec::with_capacity(layers * 2);
        for layer in 0..layers {
            let layer = layer.to_string();
            for (p, q) in [(&past_key, &present_key), (&past_value, &present_value)] {
                let (p, q) = (p.replace("{layer}", &layer), q.replace("{layer}", &layer));
                if input(&p).is_none() || output(&q).is_none() {
                    return Err(invalid(format!("the graph lacks the cache tensor `{p}` or `{q}`")));
                }
                past.push(p);
                present.push(q);
            }
        }
        let has_position_ids = input(POSITION_IDS).is_some();
        Ok(Self {
            session: Mutex::new(session),
            layout: CacheLayout { layers, kv_heads, head_dim, past, present },
            vocab,
            has_position_ids,
        })
    }

    /// The cache's layout.
    pub fn layout(&self) -> &CacheLayout {
        &self.layout
    }

    /// Logits per position.
    pub fn vocab_size(&self) -> usize {
        self.vocab
    }

    /// An empty cache for `batch` sequences.
    pub fn empty_cache(&self, batch: usize) -> Result<KvCache, InferError> {
        let shape = [batch, self.layout.kv_heads, 0, self.layout.head_dim];
        let values = (0..self.layout.past.len())
            .map(|_| Tensor::<f32>::from_array((shape, Vec::<f32>::new())).map(|t| t.into_dyn()).map_err(ort_error))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KvCache { values, batch, len: 0 })
    }

    /// Copies a one-sequence cache `batch` times (the variants of a request share the prompt's
    /// cache: the prompt runs once).
    pub fn tile(&self, cache: &KvCache, batch: usize) -> Result<KvCache, InferError> {
        if cache.batch != 1 {
            return Err(InferError::Inference(format!(
                "only a single sequence's cache can be tiled, not {}",
                cache.batch
            )));
        }
        let shape = [batch, self.layout.kv_heads, cache.len, self.layout.head_dim];
        let values = cache
            .values
            .iter()
            .map(|value| {
                let (_, data) = value.try_extract_tensor::<f32>().map_err(ort_error)?;
                let mut tiled = Vec::with_capacity(data.len() * batch);
                for _ in 0..batch {
                    tiled.extend_from_slice(data);
                }
                Tensor::<f32>::from_array((shape, tiled)).map(|t| t.into_dyn()).map_err(ort_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KvCache { values, batch, len: cache.len })
    }

    /// Keeps only `rows` (indices into the batch, in the order given) of a cache.
    pub fn select_rows(&self, cache: &KvCache, rows: &[usize]) -> Result<KvCache, InferError> {
        if rows.is_empty() || rows.iter().any(|&row| row >= cache.batch) {
            return Err(InferError::Inference(format!("rows {rows:?} are not in a batch of {}", cache.batch)));
        }
        let shape = [rows.len(), self.layout.kv_heads, cache.len, self.layout.head_dim];
        let per_row = self.layout.kv_heads * cache.len * self.layout.head_dim;
        let values = cache
            .values
            .iter()
            .map(|value| {
                let (_, data) = value.try_extract_tensor::<f32>().map_err(ort_error)?;
                let mut kept = Vec::with_capacity(per_row * rows.len());
                for &row in rows {
                    kept.extend_from_slice(&data[row * per_row..(row + 1) * per_row]);
                }
                Tensor::<f32>::from_array((shape, kept)).map(|t| t.into_dyn()).map_err(ort_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KvCache { values, batch: rows.len(), len: cache.len })
    }

    /// Runs `tokens` (`batch` rows of `seq` ids, row-major) after `cache`; returns the last
    /// position's logits of each row (`batch * vocab`) and the cache grown by `seq`.
    pub fn run(&self, tokens: &[u32], cache: KvCache, options: &RunOptions) -> Result<(Vec<f32>, KvCache), InferError> {
        let batch = cache.batch;
        if batch == 0 || tokens.is_empty() || !tokens.len().is_multiple_of(batch) {
            return Err(InferError::Inference(format!("{} tokens do not fill {batch} rows", tokens.len())));
        }
        let seq = tokens.len() / batch;
        let total = cache.len + seq;
        let ids: Vec<i64> = tokens.iter().map(|&t| i64::from(t)).collect();
        let mask = vec![1i64; batch * total];
        let positions: Vec<i64> = (0..batch).flat_map(|_| (cache.len..total).map(|p| p as i64)).collect();

        let mut inputs: Vec<(Cow<'_, str>, SessionInputValue<'_>)> = Vec::with_capacity(3 + cache.values.len());
        let tensor = |shape: [usize; 2], data: Vec<i64>| -> Result<SessionInputValue<'static>, InferError> {
            Ok(Tensor::<i64>::from_array((shape, data)).map_err(ort_error)?.into_dyn().into())
        };
        inputs.push((INPUT_IDS.into(), tensor([batch, seq], ids)?));
        inputs.push((ATTENTION_MASK.into(), tensor([batch, total], mask)?));
        if self.has_position_ids {
            inputs.push((POSITION_IDS.into(), tensor([batch, seq], positions)?));
        }
        for (name, value) in self.layout.past.iter().zip(cache.values) {
            inputs.push((Cow::Borrowed(name.as_str()), value.into()));
        }

        let mut session = self.session.lock();
        let mut outputs = session.run_with_options(inputs, options).map_err(ort_error)?;
        let logits = {
            let (shape, data) = outputs[LOGITS].try_extract_tensor::<f32>().map_err(ort_error)?;
            let (rows, positions, vocab) = match shape.as_ref() {
                [b, s, v] if *b as usize == batch && *s > 0 && *v as usize == self.vocab => {
                    (*b as usize, *s as usize, *v as usize)
                }
                other => return Err(InferError::Inference(format!("unexpected logits shape {other:?}"))),
            };
            let mut last = Vec::with_capacity(rows * vocab);
            for row in 0..rows {
                let start = (row * positions + positions - 1) * vocab;
                last.extend_from_slice(&data[start..start + vocab]);
            }
            last
        };
        let values = self
            .layout
            .present
            .iter()
            .map(|name| {
                outputs.remove(name).ok_or_else(|| InferError::Inference(format!("the model returned no `{name}`")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((logits, KvCache { values, batch, len: total }))
    }
}
