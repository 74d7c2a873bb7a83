//! `postcraft sound ...`: one-shot drum hits and beats from the project's drum GAN.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use postcraft_audio::dsp::files::write_wav_pcm16;
use postcraft_audio::dsp::loudness::{PLATFORM_MAX_TRUE_PEAK_DBTP, PLATFORM_TARGET_LUFS, normalize};
use postcraft_audio::dsp::sequencer::{PRESETS, Pattern};
use postcraft_engine::Engine;
use postcraft_engine::audio::DRUMS_MODEL;
use postcraft_engine::audio::sound::{BeatSpec, generate_hits, make_beat};

use crate::anyhow_ipc;

#[derive(Debug, Subcommand)]
pub enum SoundCommand {
    /// Generate one-shot hits of a kind as 16-bit WAVs named `<kind>-<seed>-<index>.wav`.
    /// The same seed writes the same files.
    Hits {
        /// kick, snare, hat, clap, tom, cymbal or perc.
        #[arg(long)]
        kind: String,
        /// How many hits.
        #[arg(long, default_value_t = 4)]
        count: u32,
        /// The random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Sound model of the manifest.
        #[arg(long, default_value = DRUMS_MODEL)]
        model: String,
    },
    /// Sequence generated hits into a loop of 4/4 bars (its length follows from tempo and
    /// bars) and write it as a 16-bit WAV, loudness-normalized to -14 LUFS, -1 dBTP.
    Beat {
        /// Tempo in beats per minute (40 to 240).
        #[arg(long, default_value_t = 100.0)]
        bpm: f64,
        /// Length in bars (1 to 64).
        #[arg(long, default_value_t = 4)]
        bars: u32,
        /// Which hits play.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// A preset pattern (four-on-the-floor, backbeat, hip-hop, half-time, breakbeat) or a
        /// JSON file with your own (`{"stepsPerBar":16,"lanes":[{"kind":"kick","steps":[1,0,...]}]}`).
        #[arg(long, default_value = "backbeat")]
        pattern: String,
        /// Delay of every second sixteenth, 0 (straight) to 0.6.
        #[arg(long, default_value_t = 0.0)]
        swing: f32,
        /// Keep the sequencer's level (peaks at 0.9) instead of the platform loudness.
        #[arg(long)]
        no_normalize: bool,
        /// The WAV file to write.
        #[arg(long)]
        out: PathBuf,
        /// Sound model of the manifest.
        #[arg(long, default_value = DRUMS_MODEL)]
        model: String,
    },
}

pub fn sound(engine: &Engine, command: SoundCommand) -> anyhow::Result<ExitCode> {
    match command {
        SoundCommand::Hits { kind, count, seed, out, model } => {
            let generator = engine.sound_generator(&model).map_err(anyhow_ipc)?;
            let hits = generate_hits(&generator, &kind, seed, 0, count, None).map_err(anyhow_ipc)?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            for hit in &hits {
                let path = out.join(format!("{}-{}-{}.wav", hit.kind, hit.seed, hit.index));
                write_wav_pcm16(&path, &hit.audio).map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        SoundCommand::Beat { bpm, bars, seed, pattern, swing, no_normalize, out, model } => {
            let pattern = match Pattern::preset(&pattern) {
                Some(preset) => preset,
                None if pattern.ends_with(".json") => {
                    let text = std::fs::read_to_string(&pattern).with_context(|| format!("reading {pattern}"))?;
                    serde_json::from_str(&text).with_context(|| format!("{pattern} is not a pattern"))?
                }
                None => bail!("no preset `{pattern}` (presets: {}) and not a .json file", PRESETS.join(", ")),
            };
            let generator = engine.sound_generator(&model).map_err(anyhow_ipc)?;
            let spec = BeatSpec { pattern, bpm, bars, swing, seed };
            let mut beat = make_beat(&generator, &spec, None).map_err(anyhow_ipc)?.audio;
            let level = if no_normalize {
                "sequencer level".to_owned()
            } else {
                let report = normalize(&mut beat, PLATFORM_TARGET_LUFS, PLATFORM_MAX_TRUE_PEAK_DBTP)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                format!("{:.1} LUFS, true peak {:.1} dBTP", report.after.integrated_lufs, report.after.true_peak_dbtp)
            };
            write_wav_pcm16(&out, &beat).map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            println!(
                "wrote {}: {bars} bar(s) at {bpm} bpm, {:.3} s ({} samples at {} Hz), {level}",
                out.display(),
                beat.duration_seconds(),
                beat.frames(),
                beat.sample_rate
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
