//! `postcraft voice ...`: voiceover from text with a Piper voice.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};
use postcraft_engine::Engine;
use postcraft_engine::audio::DEFAULT_VOICE;
use postcraft_engine::audio::speech::{VoiceSource, settings_for, speak, with_voice, write_wav};

use crate::anyhow_ipc;

#[derive(Debug, Subcommand)]
pub enum VoiceCommand {
    /// Speak TEXT into a 16-bit PCM WAV at the voice's sample rate (22,050 Hz for Joe). With
    /// the noise scales at 0 the samples equal piper-tts's for the same text.
    Say {
        /// The words; `-` reads them from standard input.
        text: String,
        /// The WAV file to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        voice: VoiceArgs,
        /// Duration multiplier: above 1 speaks slower (1.25 is 80% speed). Default: the voice's.
        #[arg(long)]
        length_scale: Option<f32>,
        /// Noise in the audio, for expressiveness (0 is deterministic). Default: the voice's.
        #[arg(long)]
        noise_scale: Option<f32>,
        /// Noise in the phoneme durations, for rhythm (0 is deterministic). Default: the voice's.
        #[arg(long)]
        noise_w: Option<f32>,
        /// Seconds of silence between sentences.
        #[arg(long, default_value_t = 0.0)]
        sentence_silence: f32,
    },
    /// Print the phonemes and the phoneme ids the voice receives, sentence by sentence.
    Phonemes {
        /// The words; `-` reads them from standard input.
        text: String,
        #[command(flatten)]
        voice: VoiceArgs,
        /// Print JSON (one object per sentence: phonemes, ids) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct VoiceArgs {
    /// A voice of the manifest.
    #[arg(long, default_value = DEFAULT_VOICE, conflicts_with = "model")]
    voice: String,
    /// A Piper voice file of your own (`.onnx`, with its `.onnx.json` beside it).
    #[arg(long)]
    model: Option<PathBuf>,
}

impl VoiceArgs {
    fn source(&self) -> VoiceSource {
        match &self.model {
            Some(model) => VoiceSource::Files { model: model.clone(), config: None },
            None => VoiceSource::Manifest(self.voice.clone()),
        }
    }
}

fn read_text(text: String) -> anyhow::Result<String> {
    if text != "-" {
        return Ok(text);
    }
    let mut read = String::new();
    std::io::stdin().read_to_string(&mut read).context("reading the text from standard input")?;
    Ok(read)
}

pub fn voice(engine: &Engine, command: VoiceCommand) -> anyhow::Result<ExitCode> {
    match command {
        VoiceCommand::Say { text, out, voice, length_scale, noise_scale, noise_w, sentence_silence } => {
            let text = read_text(text)?;
            let started = Instant::now();
            let spoken = with_voice(engine, &voice.source(), |voice| {
                let loaded = started.elapsed();
                let settings = settings_for(voice, length_scale, noise_scale, noise_w, sentence_silence)?;
                let synthesis = Instant::now();
                let mut first_audio = None;
                let spoken = speak(voice, &text, &settings, None, |_, _| {
                    first_audio.get_or_insert_with(|| synthesis.elapsed());
                })?;
                Ok((spoken, loaded, synthesis.elapsed(), first_audio))
            })
            .map_err(anyhow_ipc)?;
            let (spoken, loaded, synthesis, first_audio) = spoken;
            write_wav(&out, &spoken).map_err(anyhow_ipc)?;
            println!(
                "wrote {}: {} sentence(s), {:.2} s at {} Hz, 16-bit mono (voice loaded in {:.2} s; first sentence in {} ms; real-time factor {:.3})",
                out.display(),
                spoken.sentences.len(),
                spoken.duration_seconds(),
                spoken.sample_rate,
                loaded.as_secs_f64(),
                first_audio.unwrap_or_default().as_millis(),
                synthesis.as_secs_f64() / spoken.duration_seconds().max(1e-9),
            );
            Ok(ExitCode::SUCCESS)
        }
        VoiceCommand::Phonemes { text, voice, json } => {
            let text = read_text(text)?;
            let sentences =
                with_voice(engine, &voice.source(), |voice| Ok(voice.prepare(&text)?)).map_err(anyhow_ipc)?;
            for sentence in &sentences {
                if json {
                    let line = serde_json::json!({ "phonemes": sentence.phonemes, "ids": sentence.ids });
                    println!("{line}");
                } else {
                    println!("{}", sentence.phonemes);
                    let ids: Vec<String> = sentence.ids.iter().map(i64::to_string).collect();
                    println!("  {}", ids.join(" "));
                }
                if !sentence.missing.is_empty() {
                    eprintln!("warning: the voice has no id for {:?}; left out", sentence.missing);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
