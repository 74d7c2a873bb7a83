//! The canvas commands: thin wrappers over the engine's project calls, each on a blocking
//! thread. Which project opens at start-up is decided here (it depends on the app's folders).

use std::path::PathBuf;

use postcraft_core::project_ipc::{
    AddGeneratedRequest, AddLayerRequest, ApplyEditsRequest, ExportReport, ExportRequest, ImportMediaRequest,
    ImportReport, LayerRequest, PresetInfo, ProjectView,
};
use postcraft_core::{ErrorCode, IpcError};
use tauri::{AppHandle, Manager};

use crate::commands::blocking;
use crate::state::EngineState;

/// The preset of a project made at first start.
const FIRST_PRESET: &str = "instagram-portrait";
/// Overrides where new projects go (tests use a temporary folder).
const PROJECTS_DIR_ENV: &str = "POSTCRAFT_PROJECTS_DIR";
/// Opens this project at start-up (tests; also the first command-line argument).
const PROJECT_ENV: &str = "POSTCRAFT_PROJECT";

/// Where new projects go: `$POSTCRAFT_PROJECTS_DIR`, else `~/Documents/Postcraft`.
fn projects_dir(app: &AppHandle) -> PathBuf {
    if let Some(dir) = std::env::var_os(PROJECTS_DIR_ENV) {
        return PathBuf::from(dir);
    }
    let documents = app.path().document_dir().or_else(|_| app.path().home_dir()).unwrap_or_else(|_| PathBuf::from("."));
    documents.join("Postcraft")
}

fn last_project_file(app: &AppHandle) -> Option<PathBuf> {
    app.path().app_config_dir().ok().map(|dir| dir.join("last-project"))
}

fn remember(app: &AppHandle, view: &ProjectView) {
    if let Some(file) = last_project_file(app) {
        let written =
            file.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&file, &view.dir));
        if let Err(e) = written {
            tracing::warn!("could not remember the last project: {e}");
        }
    }
}

/// The project to open at start-up: the command line's, `$POSTCRAFT_PROJECT`, the last one, or
/// a new one.
fn startup_project(app: &AppHandle) -> Option<PathBuf> {
    let from_args = std::env::args_os().nth(1).map(PathBuf::from).filter(|p| p.is_dir());
    let from_env = std::env::var_os(PROJECT_ENV).map(PathBuf::from);
    let last = last_project_file(app)
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| p.join(postcraft_engine::studio::POST_FILE).is_file());
    from_args.or(from_env).or(last)
}

/// The canvas presets.
#[tauri::command]
pub async fn presets_list() -> Result<Vec<PresetInfo>, IpcError> {
    Ok(postcraft_engine::studio::preset_list())
}

/// The open project; at the first call, opens the start-up project (or makes a new one).
#[tauri::command]
pub async fn project_current(
    app: AppHandle,
    engine: tauri::State<'_, EngineState>,
) -> Result<Option<ProjectView>, IpcError> {
    let projects = projects_dir(&app);
    let startup = startup_project(&app);
    let view = blocking(&engine, move |engine| {
        if let Some(view) = engine.project_current()? {
            return Ok(Some(view));
        }
        let opened = match startup {
            Some(dir) if dir.join(postcraft_engine::studio::POST_FILE).is_file() => engine.project_open(&dir),
            Some(dir) => engine.project_create(Some(&dir), &projects, FIRST_PRESET),
            None => engine.project_create(None, &projects, FIRST_PRESET),
        };
        opened.map(Some)
    })
    .await?;
    if let Some(view) = &view {
        remember(&app, view);
    }
    Ok(view)
}

/// Creates and opens a project (`dir` none: a new folder among the projects).
#[tauri::command]
pub async fn project_create(
    app: AppHandle,
    engine: tauri::State<'_, EngineState>,
    dir: Option<String>,
    preset: String,
) -> Result<ProjectView, IpcError> {
    let projects = projects_dir(&app);
    let view = blocking(&engine, move |engine| {
        engine.project_create(dir.as_deref().map(std::path::Path::new), &projects, &preset)
    })
    .await?;
    remember(&app, &view);
    Ok(view)
}

/// Opens a project folder.
#[tauri::command]
pub async fn project_open(
    app: AppHandle,
    engine: tauri::State<'_, EngineState>,
    dir: String,
) -> Result<ProjectView, IpcError> {
    let view = blocking(&engine, move |engine| engine.project_open(std::path::Path::new(&dir))).await?;
    remember(&app, &view);
    Ok(view)
}

/// Saves now (the engine also saves by itself shortly after every change).
#[tauri::command]
pub async fn project_save(engine: tauri::State<'_, EngineState>) -> Result<ProjectView, IpcError> {
    blocking(&engine, |engine| engine.project_save()).await
}

/// Applies edits.
#[tauri::command]
pub async fn apply_edits(
    engine: tauri::State<'_, EngineState>,
    request: ApplyEditsRequest,
) -> Result<ProjectView, IpcError> {
    blocking(&engine, move |engine| engine.apply_edits(request)).await
}

/// Adds a layer.
#[tauri::command]
pub async fn add_layer(
    engine: tauri::State<'_, EngineState>,
    request: AddLayerRequest,
) -> Result<ProjectView, IpcError> {
    blocking(&engine, move |engine| engine.add_layer(request)).await
}

/// Duplicates a layer.
#[tauri::command]
pub async fn duplicate_layer(
    engine: tauri::State<'_, EngineState>,
    request: LayerRequest,
) -> Result<ProjectView, IpcError> {
    blocking(&engine, move |engine| engine.duplicate_layer(request.id)).await
}

/// Undoes the last step.
#[tauri::command]
pub async fn undo(engine: tauri::State<'_, EngineState>) -> Result<ProjectView, IpcError> {
    blocking(&engine, |engine| engine.undo()).await
}

/// Redoes the last undone step.
#[tauri::command]
pub async fn redo(engine: tauri::State<'_, EngineState>) -> Result<ProjectView, IpcError> {
    blocking(&engine, |engine| engine.redo()).await
}

/// Imports files (dropped from the desktop).
#[tauri::command]
pub async fn import_media(
    engine: tauri::State<'_, EngineState>,
    request: ImportMediaRequest,
) -> Result<ImportReport, IpcError> {
    blocking(&engine, move |engine| engine.import_media(request)).await
}

/// Adds a generated face to the post.
#[tauri::command]
pub async fn add_generated_layer(
    engine: tauri::State<'_, EngineState>,
    request: AddGeneratedRequest,
) -> Result<ProjectView, IpcError> {
    blocking(&engine, move |engine| engine.add_generated_layer(request)).await
}

/// Saves a clip into the project as the post's voiceover or bed (one undoable step).
#[tauri::command]
pub async fn add_audio_to_post(
    engine: tauri::State<'_, EngineState>,
    request: postcraft_core::project_ipc::AddAudioRequest,
) -> Result<ProjectView, IpcError> {
    blocking(&engine, move |engine| engine.add_audio_to_post(request)).await
}

/// Exports the post as image files.
#[tauri::command]
pub async fn export_post(
    engine: tauri::State<'_, EngineState>,
    request: ExportRequest,
) -> Result<ExportReport, IpcError> {
    blocking(&engine, move |engine| engine.export_current(request)).await
}

/// Saves the open project when the window closes.
pub fn save_on_close(engine: &EngineState) {
    if let Err(error) = engine.0.project_save()
        && error.code != ErrorCode::ProjectInvalid
    {
        tracing::error!("saving on close failed: {error}");
    }
}
