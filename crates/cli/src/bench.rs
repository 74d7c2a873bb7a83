//! `postcraft bench`: times the engine's model runs for `bench/*.py`, which runs the Python
//! onnxruntime on the same file and prints the ratio.

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
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
}

pub fn run(engine: &Engine, command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Dcgan { batch, threads, iters, json } => dcgan(engine, batch, threads, iters, json),
        BenchCommand::Restyle { model, sizes, threads, iters, json } => {
            restyle(engine, &model, &sizes, threads, iters, json)
        }
        BenchCommand::Video { clip, model, threads, json } => video(engine, &clip, &model, threads, json),
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
