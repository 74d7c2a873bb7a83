//! The desktop shell: wiring only. Commands are a few lines each over [`postcraft_engine::Engine`];
//! no feature logic lives here.

mod audio_commands;
mod commands;
mod media_scheme;
mod project_commands;
mod state;

use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use postcraft_engine::{Engine, EngineConfig};
use tauri::Manager;

/// When the process started, for the cold-start measurement (`bench/cold_start.sh`).
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Builds the tokio runtime, hands it to Tauri, opens the engine and runs the window loop.
pub fn run() -> ExitCode {
    STARTED.get_or_init(Instant::now);
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("POSTCRAFT_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    // One runtime for the whole app, owned here and shared with Tauri's async commands.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("postcraft-tokio").build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());

    let mut config = EngineConfig::from_env();
    config.media_base_url = media_scheme::BASE_URL.to_owned();
    let engine = state::EngineState::new(Engine::open(config));

    let result = tauri::Builder::default()
        .manage(engine)
        .register_asynchronous_uri_scheme_protocol(media_scheme::SCHEME, media_scheme::handle)
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::generate_images,
            commands::interpolate_images,
            commands::restyle_image,
            commands::restyle_video,
            commands::write_text,
            audio_commands::speak,
            audio_commands::generate_hits,
            audio_commands::make_beat,
            audio_commands::mix_audio,
            audio_commands::player_subscribe,
            audio_commands::player_play_clip,
            audio_commands::player_control,
            audio_commands::import_audio,
            commands::platforms_list,
            commands::count_text,
            commands::cancel_job,
            commands::reload_engine,
            project_commands::presets_list,
            project_commands::project_current,
            project_commands::project_create,
            project_commands::project_open,
            project_commands::project_save,
            project_commands::apply_edits,
            project_commands::add_layer,
            project_commands::duplicate_layer,
            project_commands::undo,
            project_commands::redo,
            project_commands::import_media,
            project_commands::add_generated_layer,
            project_commands::add_audio_to_post,
            project_commands::export_post,
        ])
        .on_window_event(|window, event| {
            if matches!(event, tauri::WindowEvent::CloseRequested { .. } | tauri::WindowEvent::Destroyed) {
                project_commands::save_on_close(&window.state::<state::EngineState>());
            }
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Postcraft Studio could not start: {error}");
            ExitCode::FAILURE
        }
    }
}
