//! Sounds the studio made or imported, kept in memory and served to the UI as WAV bytes at
//! `postcraft://localhost/audio/<id>.wav`, like generated images. Bounded by bytes; the oldest
//! clips go first.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use parking_lot::Mutex;
use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::peaks::peaks;
use postcraft_core::audio_ipc::{AudioClip, ClipKind, PEAK_BUCKETS};
use postcraft_core::{ErrorCode, IpcError};

/// The MIME type of what [`ClipStore::serve`] returns.
pub const WAV_MIME: &str = "audio/wav";
/// Sample bytes kept at most (about 25 minutes of 48 kHz stereo).
const BYTE_BUDGET: usize = 512 * 1024 * 1024;

/// A sound and what it is.
#[derive(Debug)]
pub struct StoredClip {
    /// What it is.
    pub kind: ClipKind,
    /// A short name for people.
    pub label: String,
    /// The samples.
    pub audio: AudioBuffer,
}

#[derive(Debug, Default)]
struct Inner {
    clips: HashMap<u32, Arc<StoredClip>>,
    order: VecDeque<u32>,
    bytes: usize,
    next_id: u32,
}

/// The studio's clips.
#[derive(Debug, Default)]
pub struct ClipStore {
    inner: Mutex<Inner>,
}

impl ClipStore {
    /// Keeps a clip; returns its id. Evicts the oldest past the byte budget.
    pub fn insert(&self, kind: ClipKind, label: String, audio: AudioBuffer) -> u32 {
        let mut inner = self.inner.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        inner.bytes += audio.samples.len() * 4;
        inner.clips.insert(id, Arc::new(StoredClip { kind, label, audio }));
        inner.order.push_back(id);
        while inner.bytes > BYTE_BUDGET && inner.order.len() > 1 {
            if let Some(oldest) = inner.order.pop_front()
                && let Some(clip) = inner.clips.remove(&oldest)
            {
                inner.bytes -= clip.audio.samples.len() * 4;
            }
        }
        id
    }

    /// A clip.
    pub fn get(&self, id: u32) -> Result<Arc<StoredClip>, IpcError> {
        self.inner
            .lock()
            .clips
            .get(&id)
            .cloned()
            .ok_or_else(|| IpcError::new(ErrorCode::JobNotFound, format!("no sound clip {id} (expired?)")))
    }

    /// What the UI gets to know of a clip.
    pub fn describe(&self, id: u32, base_url: &str) -> Result<AudioClip, IpcError> {
        let clip = self.get(id)?;
        Ok(AudioClip {
            id,
            kind: clip.kind,
            label: clip.label.clone(),
            url: clip_url(base_url, id),
            duration_seconds: clip.audio.duration_seconds(),
            sample_rate: clip.audio.sample_rate,
            channels: clip.audio.channels,
            peaks: peaks(&clip.audio, PEAK_BUCKETS),
        })
    }

    /// Answers `/audio/<id>.wav` of the media scheme with a 16-bit WAV.
    pub fn serve(&self, path: &str) -> Result<Vec<u8>, IpcError> {
        let id = path
            .trim_start_matches('/')
            .strip_prefix("audio/")
            .and_then(|rest| rest.strip_suffix(".wav"))
            .and_then(|id| id.parse::<u32>().ok())
            .ok_or_else(|| IpcError::new(ErrorCode::InvalidRequest, format!("not a sound path: {path}")))?;
        let clip = self.get(id)?;
        postcraft_audio::dsp::files::wav_pcm16_bytes(&clip.audio).map_err(|e| IpcError::new(e.code(), e.to_string()))
    }
}

/// The URL the UI fetches clip `id` from.
pub fn clip_url(base: &str, id: u32) -> String {
    format!("{}/audio/{id}.wav", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_are_served_as_wav_and_described_with_peaks() {
        let store = ClipStore::default();
        let id = store.insert(ClipKind::Hit, "kick".into(), AudioBuffer::mono(22_050, vec![0.5, -0.5, 0.25, 0.0]));
        let wav = store.serve(&format!("/audio/{id}.wav")).expect("served");
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(wav.len(), 44 + 8);
        let clip = store.describe(id, "postcraft://localhost/").expect("described");
        assert_eq!(clip.url, format!("postcraft://localhost/audio/{id}.wav"));
        assert_eq!(clip.peaks.len(), PEAK_BUCKETS);
        assert!(store.serve("/audio/x.wav").is_err());
        assert_eq!(store.get(999).map(|_| ()).expect_err("missing").code, ErrorCode::JobNotFound);
    }
}
