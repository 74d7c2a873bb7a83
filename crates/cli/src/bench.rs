//! `postcraft bench`: times the engine's model runs for `bench/*.py`, which runs the Python
//! onnxruntime on the same file and prints the ratio.

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use postcraft_engine::{Engine, FACES_MODEL, IpcError};
use postcraft_infer::SessionOptions;
use postcraft_infer::gan::ImageGenerator;

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
}

pub fn run(engine: &Engine, command: BenchCommand) -> anyhow::Result<ExitCode> {
    let BenchCommand::Dcgan { batch, threads, iters, json } = command;
    let ipc = |e: IpcError| anyhow::anyhow!("{} ({})", e.message, e.code);
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
