//! The Voice and Sound tools' jobs: speak, hits, beat, mix. Each returns a job id at once and
//! runs on its own thread; results are clips in the engine's [`ClipStore`](super::clips::ClipStore).

use std::sync::Arc;

use postcraft_audio::dsp::AudioBuffer;
use postcraft_audio::dsp::files::{DecodeLimits, decode_file};
use postcraft_audio::dsp::sequencer::{Lane, Pattern, STEPS_PER_BAR};
use postcraft_core::audio_ipc::{
    AudioClip, ClipKind, GenerateHitsRequest, MAX_SPEECH_CHARS, MakeBeatRequest, MixRequest, SpeakRequest,
};
use postcraft_core::ipc::JobEvent;
use postcraft_core::post::PostMix;
use postcraft_core::{ErrorCode, IpcError, JobId};
use postcraft_jobs::{CancelToken, EventSink, JobFailure};

use super::mixdown::mixdown;
use super::sound::{BeatSpec, generate_hits, make_beat};
use super::speech::{settings_for, speak};
use super::{DEFAULT_VOICE, DRUMS_MODEL};
use crate::Engine;

fn invalid(message: String) -> IpcError {
    IpcError::new(ErrorCode::InvalidRequest, message)
}

/// A failure of work under `token`: a cancel when the token fired (the model run was
/// terminated), an error otherwise.
fn failed(token: &CancelToken) -> impl Fn(IpcError) -> JobFailure + '_ {
    move |error| if token.is_cancelled() { JobFailure::Cancelled } else { JobFailure::Failed(error) }
}

/// The first words of a text, for a clip's label.
fn label_of(text: &str) -> String {
    let words: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match words.char_indices().nth(40) {
        Some((cut, _)) => format!("Voice: {}…", &words[..cut]),
        None => format!("Voice: {words}"),
    }
}

impl Engine {
    /// Speaks `request.text`; streams a `speechSentence` event per sentence and ends with the
    /// whole speech as an `audioClip` (16-bit samples as piper-tts makes them).
    pub fn speak(self: &Arc<Self>, request: SpeakRequest, sink: EventSink) -> Result<JobId, IpcError> {
        if request.text.chars().count() > MAX_SPEECH_CHARS {
            return Err(invalid(format!("the text is longer than {MAX_SPEECH_CHARS} characters; split it")));
        }
        let voice = self.voice(request.voice.as_deref().unwrap_or(DEFAULT_VOICE))?;
        let settings =
            settings_for(&voice, request.length_scale, request.noise_scale, request.noise_w, request.sentence_silence)?;
        let count = voice.prepare(&request.text)?.len() as u32;
        if count == 0 {
            return Err(invalid("there is nothing to say: the text has no words".into()));
        }
        let engine = Arc::clone(self);
        self.jobs().spawn("speak", count, sink, move |ctx| {
            let token = ctx.token().clone();
            let rate = f64::from(voice.sample_rate());
            let mut start = 0usize;
            // Playing while speaking: each sentence goes to the player as soon as it exists.
            // No sound card is not a failure of the speech: it is said once, and the clip comes.
            let stream = if request.play {
                match engine.player().play_stream(voice.sample_rate(), 1) {
                    Ok(writer) => Some(writer),
                    Err(error) => {
                        tracing::warn!("speech will not play: {error}");
                        None
                    }
                }
            } else {
                None
            };
            let mut replaced = false;
            let spoken = speak(&voice, &request.text, &settings, Some(&token), |sentence, pcm| {
                if let Some(writer) = stream.as_ref().filter(|_| !replaced) {
                    let samples: Vec<f32> = pcm.iter().map(|s| f32::from(*s) / 32768.0).collect();
                    if let Err(error) = writer.push(&samples) {
                        // Another sound was loaded meanwhile: the speech plays no more.
                        tracing::debug!("the speech stream was replaced: {error}");
                        replaced = true;
                    }
                }
                ctx.emit(JobEvent::SpeechSentence {
                    job_id: ctx.id(),
                    index: sentence.index as u32,
                    count: sentence.count as u32,
                    start_seconds: start as f64 / rate,
                    duration_seconds: pcm.len() as f64 / rate,
                    phonemes: sentence.sentence.phonemes.clone(),
                });
                ctx.item_done();
                start += pcm.len();
            })
            .map_err(failed(&token))?;
            let samples = spoken.pcm16.iter().map(|s| f32::from(*s) / 32768.0).collect();
            let audio = AudioBuffer::mono(spoken.sample_rate, samples);
            let id = engine.clips().insert(ClipKind::Voice, label_of(&request.text), audio);
            if let Some(writer) = stream {
                writer.finish();
                if !replaced {
                    engine.player().set_clip(id);
                }
            }
            let clip = engine.clips().describe(id, &engine.config().media_base_url)?;
            ctx.emit(JobEvent::AudioClip { job_id: ctx.id(), index: 0, clip });
            Ok(())
        })
    }

    /// Generates one-shot hits; each arrives as an `audioClip` event.
    pub fn generate_hits(self: &Arc<Self>, request: GenerateHitsRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let generator = self.sound_generator(DRUMS_MODEL)?;
        if generator.kind_index(&request.kind).is_none() {
            return Err(invalid(format!(
                "no kind `{}`: the model makes {}",
                request.kind,
                generator.kinds().join(", ")
            )));
        }
        let engine = Arc::clone(self);
        self.jobs().spawn("hits", request.count, sink, move |ctx| {
            let token = ctx.token().clone();
            let hits = generate_hits(&generator, &request.kind, request.seed, 0, request.count, Some(&token))
                .map_err(failed(&token))?;
            for hit in hits {
                let label = format!("{} {}/{}", hit.kind, hit.seed, hit.index);
                let id = engine.clips().insert(ClipKind::Hit, label, hit.audio);
                let clip = engine.clips().describe(id, &engine.config().media_base_url)?;
                ctx.emit(JobEvent::AudioClip { job_id: ctx.id(), index: hit.index, clip });
                ctx.item_done();
            }
            Ok(())
        })
    }

    /// Sequences a beat from generated hits; the loop arrives as an `audioClip` event.
    pub fn make_beat(self: &Arc<Self>, request: MakeBeatRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let pattern = pattern_of(&request)?;
        let generator = self.sound_generator(DRUMS_MODEL)?;
        let spec = BeatSpec { pattern, bpm: request.bpm, bars: request.bars, swing: request.swing, seed: request.seed };
        spec.pattern.validate().map_err(|e| invalid(e.to_string()))?;
        let engine = Arc::clone(self);
        self.jobs().spawn("beat", 1, sink, move |ctx| {
            let token = ctx.token().clone();
            let rendered = make_beat(&generator, &spec, Some(&token)).map_err(failed(&token))?;
            let label = format!("Beat: {} bpm, {} bar(s), seed {}", spec.bpm, spec.bars, spec.seed);
            let id = engine.clips().insert(ClipKind::Beat, label, rendered.audio);
            let clip = engine.clips().describe(id, &engine.config().media_base_url)?;
            ctx.emit(JobEvent::AudioClip { job_id: ctx.id(), index: 0, clip });
            ctx.item_done();
            Ok(())
        })
    }

    /// Mixes voice over bed (48 kHz stereo), normalized to -14 LUFS integrated with the true
    /// peak at or under -1 dBTP; the mix arrives as an `audioClip` event (and is written as a
    /// WAV where asked).
    pub fn mix_audio(self: &Arc<Self>, request: MixRequest, sink: EventSink) -> Result<JobId, IpcError> {
        let voice = request.voice.map(|id| self.clips().get(id)).transpose()?;
        let bed = request.bed.map(|id| self.clips().get(id)).transpose()?;
        if voice.is_none() && bed.is_none() {
            return Err(invalid("nothing to mix: choose a voiceover, a bed or both".into()));
        }
        let engine = Arc::clone(self);
        self.jobs().spawn("mix", 1, sink, move |ctx| {
            ctx.checkpoint()?;
            let settings = PostMix {
                voice_offset_seconds: request.voice_offset_seconds,
                ducking_db: request.ducking_db,
                bed_gain_db: request.bed_gain_db,
                fade_in_seconds: request.fade_in_seconds,
                fade_out_seconds: request.fade_out_seconds,
            };
            let (mixed, report) =
                mixdown(voice.as_ref().map(|clip| &clip.audio), bed.as_ref().map(|clip| &clip.audio), &settings)?;
            ctx.checkpoint()?;
            if let Some(output) = &request.output {
                postcraft_audio::dsp::files::write_wav_pcm16(output, &mixed)
                    .map_err(|e| IpcError::new(e.code(), e.to_string()))?;
            }
            let label =
                format!("Mix: {:.1} LUFS, {:.1} dBTP", report.after.integrated_lufs, report.after.true_peak_dbtp);
            let id = engine.clips().insert(ClipKind::Mix, label, mixed);
            let clip = engine.clips().describe(id, &engine.config().media_base_url)?;
            ctx.emit(JobEvent::AudioClip { job_id: ctx.id(), index: 0, clip });
            ctx.item_done();
            Ok(())
        })
    }
}

impl Engine {
    /// Reads a sound file the creator brings (WAV, FLAC, MP3, Ogg, or the sound of an MP4/MOV)
    /// as a clip, e.g. their own music bed. A file that is not one gives `MEDIA_INVALID`
    /// naming it; nothing is kept.
    pub fn import_audio(&self, path: &std::path::Path) -> Result<AudioClip, IpcError> {
        let audio = decode_file(path, &DecodeLimits::default()).map_err(|e| IpcError::new(e.code(), e.to_string()))?;
        if audio.frames() == 0 {
            return Err(IpcError::new(ErrorCode::MediaInvalid, format!("{} holds no sound", path.display())));
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let id = self.clips().insert(ClipKind::Imported, name, audio);
        self.clips().describe(id, &self.config().media_base_url)
    }
}

/// The request's pattern: its own lanes, else the named preset.
fn pattern_of(request: &MakeBeatRequest) -> Result<Pattern, IpcError> {
    if request.lanes.is_empty() {
        return Pattern::preset(&request.preset).ok_or_else(|| invalid(format!("no beat preset `{}`", request.preset)));
    }
    Ok(Pattern {
        steps_per_bar: STEPS_PER_BAR,
        lanes: request.lanes.iter().map(|lane| Lane { kind: lane.kind.clone(), steps: lane.steps.clone() }).collect(),
    })
}
