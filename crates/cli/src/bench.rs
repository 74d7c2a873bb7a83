//! `postcraft bench`: times the engine's model runs for `bench/*.py`, which runs the Python
//! onnxruntime (or the reference package: piper-tts, llama.cpp) on the same file and prints the
//! ratio.

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use postcraft_engine::audio::DEFAULT_VOICE;
use postcraft_engine::audio::speech::{settings_for, speak};
use postcraft_engine::images::{
    ModelSource, RESTYLE_TILE, VIDEO_TILE, VideoOptions, plan_for, restyle_planar, video_workers,
};
use postcraft_engine::{Engine, FACES_MODEL, IpcError};
use postcraft_infer::SessionOptions;
use postcraft_infer::gan::ImageGenerator;
use postcraft_vision::PlanarImage;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time the DCGAN at a batch size and thread count.
    Dcgan {
        /// Images per run.
        #[arg(long, default_value_t = 1)]
        batch: usize,
        /// ONNX Runtime intra-op threads.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Timed runs (after 3 warm-up runs).
        #[arg(long, default_value_t = 50)]
        iters: usize,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Time photo restyling (milliseconds a frame) at square sizes, tiled as the app does.
    Restyle {
        /// Manifest id of the image-to-image model.
        #[arg(long, default_value = "restyle-cartoon")]
        model: String,
        /// Frame sides in pixels.
        #[arg(long, value_delimiter = ',', default_value = "256,512,1080")]
        sizes: Vec<usize>,
        /// ONNX Runtime intra-op threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Timed runs per size (after one warm-up run).
        #[arg(long, default_value_t = 5)]
        iters: usize,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Restyle one clip with the pipelined engine and with the sequential baseline (decode all,
    /// restyle all, encode all), same model and threads; print frames per second of each.
    Video {
        /// The clip.
        clip: std::path::PathBuf,
        /// Manifest id of the image-to-image model.
        #[arg(long, default_value = "restyle-cartoon")]
        model: String,
        /// ONNX Runtime intra-op threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Time the speech pipeline (text to 16-bit samples, as the app speaks) on one voice: load,
    /// time to first audio of a short sentence, real-time factor of a longer text.
    /// `bench/speech_bench.py` runs piper-tts on the same voice, texts and threads.
    Speech {
        /// Manifest id of the voice.
        #[arg(long, default_value = DEFAULT_VOICE)]
        voice: String,
        /// ONNX Runtime intra-op threads (a fresh session with exactly these).
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Timed runs of each text (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Untimed runs of each text first.
        #[arg(long, default_value_t = 1)]
        warmup: usize,
        /// The short sentence whose time to first audio is measured.
        #[arg(long, default_value = SPEECH_SHORT)]
        short: String,
        /// The longer text whose real-time factor is measured.
        #[arg(long, default_value = SPEECH_LONG)]
        long: String,
        /// Noise scale (default: the voice's).
        #[arg(long)]
        noise_scale: Option<f32>,
        /// Phoneme duration noise (default: the voice's).
        #[arg(long)]
        noise_w: Option<f32>,
        /// Duration multiplier (default: the voice's).
        #[arg(long)]
        length_scale: Option<f32>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The short sentence of `bench speech` (one sentence, about 1.5 s of speech).
const SPEECH_SHORT: &str = "Hello, and welcome back!";
/// The longer text of `bench speech`: six sentences of a voiceover, about 20 s of speech.
const SPEECH_LONG: &str = "Welcome back to the studio. Today we are making a short video about our trip \
    to the coast. We left early, just as the sun came up over the hills. The beach was empty, the water was \
    calm, and the light was perfect. I will show you how we edited the clips and picked the music. Stay until \
    the end for a few tips on colour.";

pub fn run(engine: &Engine, command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Dcgan { batch, threads, iters, json } => dcgan(engine, batch, threads, iters, json),
        BenchCommand::Restyle { model, sizes, threads, iters, json } => {
            restyle(engine, &model, &sizes, threads, iters, json)
        }
        BenchCommand::Video { clip, model, threads, json } => video(engine, &clip, &model, threads, json),
        BenchCommand::Speech {
            voice,
            threads,
            runs,
            warmup,
            short,
            long,
            noise_scale,
            noise_w,
            length_scale,
            json,
        } => {
            let scales = (length_scale, noise_scale, noise_w);
            speech(engine, &voice, threads, runs, warmup, [&short, &long], scales, json)
        }
    }
}

fn ipc(e: IpcError) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", e.message, e.code)
}

fn restyle(
    engine: &Engine,
    model: &str,
    sizes: &[usize],
    threads: usize,
    iters: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let translator = engine.image_translator_with(model, threads).map_err(ipc)?;
    let plan_of = |_: usize| plan_for(&translator, RESTYLE_TILE);
    let mut rows = Vec::new();
    for &size in sizes {
        let data = (0..3 * size * size).map(|i| ((i * 2_654_435_761) % 1000) as f32 / 1000.0).collect();
        let picture = PlanarImage { width: size, height: size, data };
        let plan = plan_of(size);
        let tiles = plan.windows(size, size).len();
        restyle_planar(&translator, &picture, 1.0, &plan, None, |_, _| {}).map_err(|e| ipc(e.into()))?;
        let mut times = Vec::new();
        for _ in 0..iters.max(1) {
            let start = Instant::now();
            restyle_planar(&translator, &picture, 1.0, &plan, None, |_, _| {}).map_err(|e| ipc(e.into()))?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        // The model alone on the whole picture (what the Python onnxruntime would time), to
        // tell the cost of tiling and conversions from the model's.
        let mut model_times = Vec::new();
        for _ in 0..iters.max(1) {
            let start = Instant::now();
            translator.translate(&picture.data, size, size, None).map_err(|e| ipc(e.into()))?;
            model_times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        model_times.sort_by(f64::total_cmp);
        rows.push(serde_json::json!({
            "size": size,
            "tiles": tiles,
            "median_ms": times[times.len() / 2],
            "model_only_ms": model_times[model_times.len() / 2],
        }));
    }
    if json {
        println!("{}", serde_json::json!({ "model": model, "threads": threads, "sizes": rows }));
    } else {
        for row in &rows {
            let ms = |key: &str| row[key].as_f64().unwrap_or(f64::NAN);
            println!(
                "restyle {}x{} ({} tiles): {:.1} ms a frame (the model alone on the whole frame: {:.1} ms)",
                row["size"],
                row["size"],
                row["tiles"],
                ms("median_ms"),
                ms("model_only_ms")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn video(engine: &Engine, clip: &std::path::Path, model: &str, threads: usize, json: bool) -> anyhow::Result<ExitCode> {
    // The same inference threads for all: the baseline runs one session with all of them, the
    // engine one single-threaded session per thread; "pipelined, one session" separates what
    // overlapping the stages gives from what the parallel sessions give.
    let baseline = engine.translator_sessions(ModelSource::Listed(model), 1, threads).map_err(ipc)?;
    let (workers, each) = video_workers(threads);
    let parallel = engine.translator_sessions(ModelSource::Listed(model), workers, each).map_err(ipc)?;
    let runs: [(&str, bool, &[_]); 3] =
        [("sequential", true, &baseline), ("pipelined_one_session", false, &baseline), ("engine", false, &parallel)];
    let dir = tempfile::tempdir()?;
    let mut fps = [0.0f64; 3];
    // Cores kept busy (CPU seconds of this process and its ffmpeg children per wall second):
    // on a machine with few cores, how close each variant comes to the arithmetic's bound.
    let mut cores = [0.0f64; 3];
    // Every variant twice, interleaved; the second pass is reported (caches equally warm).
    for pass in 0..2 {
        for (i, (name, sequential, translators)) in runs.iter().enumerate() {
            let options = VideoOptions { strength: 1.0, smoothing: 0.5, sequential: *sequential, tile: VIDEO_TILE };
            let out = dir.path().join(format!("{pass}-{name}.mp4"));
            let (start, cpu_before) = (Instant::now(), cpu_seconds());
            let report =
                engine.restyle_video_with(translators, clip, &out, &options, None, &mut |_| {}).map_err(ipc)?;
            let wall = start.elapsed().as_secs_f64();
            fps[i] = f64::from(report.frames) / wall;
            cores[i] = (cpu_seconds() - cpu_before) / wall;
        }
    }
    let [sequential, pipelined, parallel_fps] = fps;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "threads": threads,
                "workers": workers,
                "sequential_fps": sequential,
                "pipelined_one_session_fps": pipelined,
                "engine_fps": parallel_fps,
                "speedup": parallel_fps / sequential,
                "cores_busy": cores,
            })
        );
    } else {
        println!("video restyle, {threads} inference threads ({} cores; cores busy in brackets):", available_cores());
        println!(
            "  sequential (decode all, restyle all with 1 session x {threads} threads, encode all): {sequential:.2} frames/s [{:.2}]",
            cores[0]
        );
        println!(
            "  pipelined, 1 session x {threads} threads:   {pipelined:.2} frames/s ({:.2}x) [{:.2}]",
            pipelined / sequential,
            cores[1]
        );
        println!(
            "  engine: pipelined, {workers} sessions x {each} thread(s): {parallel_fps:.2} frames/s ({:.2}x) [{:.2}]",
            parallel_fps / sequential,
            cores[2]
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Milliseconds since `start`.
fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Median, min and max of `values` (sorted in place), as JSON.
fn spread(values: &mut [f64]) -> serde_json::Value {
    values.sort_by(f64::total_cmp);
    let median = match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    serde_json::json!({ "median": median, "min": values.first(), "max": values.last() })
}

#[allow(clippy::too_many_arguments)]
fn speech(
    engine: &Engine,
    id: &str,
    threads: usize,
    runs: usize,
    warmup: usize,
    [short, long]: [&str; 2],
    (length_scale, noise_scale, noise_w): (Option<f32>, Option<f32>, Option<f32>),
    json: bool,
) -> anyhow::Result<ExitCode> {
    // What a process does once, whatever the voice: load the ONNX Runtime library and espeak-ng.
    let start = Instant::now();
    engine.runtime().map_err(ipc)?;
    engine.espeak().map_err(ipc)?;
    let setup_ms = ms_since(start);
    // The model's SHA-256 check, which the engine does on every load (part of load_ms; timed
    // apart so the session creation alone compares with piper-tts, which checks nothing).
    let start = Instant::now();
    let registry = engine.registry().map_err(ipc)?;
    let (spec, _) = registry.verify(id).map_err(|e| ipc(e.into()))?;
    registry.verify_sidecar(spec, "onnx.json").map_err(|e| ipc(e.into()))?;
    let verify_ms = ms_since(start);
    let start = Instant::now();
    let voice = engine.voice_with(id, threads).map_err(ipc)?;
    let load_ms = ms_since(start);

    let settings = settings_for(&voice, length_scale, noise_scale, noise_w, 0.0).map_err(ipc)?;
    let rate = f64::from(voice.sample_rate());
    let runs = runs.max(1);

    // (a) Time to first audio: from the call until the first sentence's 16-bit samples exist.
    let (mut first_ms, mut short_total_ms) = (Vec::new(), Vec::new());
    let mut short_samples = 0;
    for run in 0..warmup + runs {
        let start = Instant::now();
        let mut first = None;
        let spoken = speak(&voice, short, &settings, None, |_, _| {
            first.get_or_insert_with(|| ms_since(start));
        })
        .map_err(ipc)?;
        let total = ms_since(start);
        if run >= warmup {
            first_ms.push(first.unwrap_or(total));
            short_total_ms.push(total);
            short_samples = spoken.pcm16.len();
        }
    }

    // (b) Real-time factor of the longer text: synthesis seconds over audio seconds, per run.
    let (mut rtf, mut long_ms, mut long_first_ms, mut audio_s, mut cores) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut sentences, mut long_samples) = (0, 0);
    for run in 0..warmup + runs {
        let (start, cpu_before) = (Instant::now(), cpu_seconds());
        let mut first = None;
        let spoken = speak(&voice, long, &settings, None, |_, _| {
            first.get_or_insert_with(|| ms_since(start));
        })
        .map_err(ipc)?;
        let wall = start.elapsed().as_secs_f64();
        if run >= warmup {
            let seconds = spoken.pcm16.len() as f64 / rate;
            rtf.push(wall / seconds.max(1e-9));
            long_ms.push(wall * 1000.0);
            long_first_ms.push(first.unwrap_or(wall * 1000.0));
            audio_s.push(seconds);
            cores.push((cpu_seconds() - cpu_before) / wall);
            sentences = spoken.sentences.len();
            long_samples = spoken.pcm16.len();
        }
    }
    // The phonemizer's share (espeak-ng and the id map alone), on the longer text.
    let mut phonemize_ms = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        voice.prepare(long).map_err(|e| ipc(e.into()))?;
        phonemize_ms.push(ms_since(start));
    }

    let scales = settings.scales;
    let result = serde_json::json!({
        "engine": "postcraft",
        "voice": id,
        "threads": threads,
        "runs": runs,
        "warmup": warmup,
        "cores": available_cores(),
        "scales": {
            "noise_scale": scales.noise_scale,
            "length_scale": scales.length_scale,
            "noise_w": scales.noise_w,
        },
        "sample_rate": voice.sample_rate(),
        "setup_ms": setup_ms,
        "verify_ms": verify_ms,
        "load_ms": load_ms,
        "short": {
            "text": short,
            "samples": short_samples,
            "first_audio_ms": spread(&mut first_ms),
            "total_ms": spread(&mut short_total_ms),
        },
        "long": {
            "text": long,
            "sentences": sentences,
            "samples": long_samples,
            "audio_s": spread(&mut audio_s),
            "synthesis_ms": spread(&mut long_ms),
            "first_audio_ms": spread(&mut long_first_ms),
            "rtf": spread(&mut rtf),
            "phonemize_ms": spread(&mut phonemize_ms),
            "cores_busy": spread(&mut cores),
        },
    });
    if json {
        println!("{result}");
    } else {
        let median = |path: &[&str]| path.iter().fold(&result, |v, key| &v[key])["median"].as_f64().unwrap_or(f64::NAN);
        println!(
            "speech, {id}, {threads} threads, median of {runs} (scales: noise {}, length {}, noise_w {}):",
            scales.noise_scale, scales.length_scale, scales.noise_w
        );
        println!(
            "  load {load_ms:.0} ms (of which the SHA-256 check {verify_ms:.0} ms; runtime and espeak-ng {setup_ms:.0} ms before)"
        );
        println!(
            "  first audio of {short:?}: {:.1} ms (whole sentence {:.1} ms)",
            median(&["short", "first_audio_ms"]),
            median(&["short", "total_ms"])
        );
        println!(
            "  {sentences} sentences, {:.2} s of audio in {:.0} ms: real-time factor {:.4} (first sentence {:.0} ms, phonemes {:.1} ms, cores busy {:.2})",
            median(&["long", "audio_s"]),
            median(&["long", "synthesis_ms"]),
            median(&["long", "rtf"]),
            median(&["long", "first_audio_ms"]),
            median(&["long", "phonemize_ms"]),
            median(&["long", "cores_busy"])
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// CPU seconds (user + system) of this process and of its children that have been waited for
/// (the ffmpeg processes of a finished run), from `/proc/self/stat`; 0 where that is unreadable.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which may hold spaces, so split after its closing paren):
    // utime, stime, cutime and cstime are fields 14-17 of the line, 12-15 after the paren.
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = (11..15).filter_map(|i| fields.get(i)?.parse::<f64>().ok()).sum();
    // Linux reports these in USER_HZ, 100 on every mainstream configuration.
    ticks / 100.0
}

fn dcgan(engine: &Engine, batch: usize, threads: usize, iters: usize, json: bool) -> anyhow::Result<ExitCode> {
    let registry = engine.registry().map_err(ipc)?;
    let (spec, path) = registry.verify(FACES_MODEL).map_err(|e| ipc(e.into()))?;
    let runtime = engine.runtime().map_err(ipc)?;
    // Its own session, so the thread count is exactly the one asked for.
    let generator = ImageGenerator::load(&runtime, spec, &path, SessionOptions { intra_threads: threads })
        .map_err(|e| ipc(e.into()))?;
    let latents: Vec<f32> = (0..batch as u64).flat_map(|i| generator.latent(7, i)).collect();
    for _ in 0..3 {
        generator.generate(&latents, batch, None).map_err(|e| ipc(e.into()))?;
    }
    let mut times = Vec::with_capacity(iters);
    for _ in 0..iters.max(1) {
        let start = Instant::now();
        generator.generate(&latents, batch, None).map_err(|e| ipc(e.into()))?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    if json {
        println!(
            "{}",
            serde_json::json!({
                "batch": batch,
                "threads": threads,
                "median_ms_per_batch": median,
                "median_ms_per_image": median / batch as f64,
            })
        );
    } else {
        println!(
            "dcgan batch {batch}, {threads} threads: {median:.2} ms a batch, {:.2} ms an image",
            median / batch as f64
        );
    }
    Ok(ExitCode::SUCCESS)
}
