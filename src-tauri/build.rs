//! Declares the app's own commands so each is permission-checked against `capabilities/`.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_status",
        "generate_images",
        "interpolate_images",
        "restyle_image",
        "restyle_video",
        "write_text",
        "platforms_list",
        "count_text",
        "cancel_job",
        "reload_engine",
        "presets_list",
        "project_current",
        "project_create",
        "project_open",
        "project_save",
        "apply_edits",
        "add_layer",
        "duplicate_layer",
        "undo",
        "redo",
        "import_media",
        "add_generated_layer",
        "export_post",
        "speak",
        "generate_hits",
        "make_beat",
        "mix_audio",
        "player_subscribe",
        "player_play_clip",
        "player_control",
        "import_audio",
        "add_audio_to_post",
    ]);
    if let Err(error) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        // A build script reports failure by exiting non-zero with a message.
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
