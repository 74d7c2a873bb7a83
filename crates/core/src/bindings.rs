//! Generation of the UI's TypeScript bindings.
//!
//! `cargo test -p postcraft-core` fails when `ui/src/lib/ipc/bindings.ts` differs from what
//! these types generate; `UPDATE_BINDINGS=1 cargo test -p postcraft-core bindings` rewrites it.
//! The same goes for the UI tests' copy of `platforms_list`'s answer,
//! `ui/src/test/platforms.json` ([`PLATFORMS_FIXTURE_PATH`]), which the fake backend serves.

use ts_rs::{Config, TS};

use crate::audio_ipc::{
    AudioClip, BeatLane, ClipKind, GenerateHitsRequest, MAX_SPEECH_CHARS, MakeBeatRequest, MixRequest, PEAK_BUCKETS,
    PlayerAction, PlayerReport, PlayerStatus, SpeakRequest,
};
use crate::edit::Edit;
use crate::image_ipc::{AnimationFormat, InterpolateRequest, RestyleImageRequest, RestyleVideoRequest};
use crate::ipc::{AppStatus, GenerateImagesRequest, JobEvent, JobOutcome, ModelStatus, RuntimeStatus, VaryRequest};
use crate::post::{
    AudioTrack, BlendMode, Crop, Filters, LatentBlend, Layer, LayerContent, LayerId, Post, PostAudio, PostMix, Recipe,
    ShapeKind, Transform, Upscale, Variation,
};
use crate::presets::{HashtagRange, TextCounting};
use crate::project_ipc::{
    AddAudioRequest, AddGeneratedRequest, AddLayerRequest, ApplyEditsRequest, AudioRole, CanvasInfo, CheckLevel,
    ExportFormat, ExportReport, ExportRequest, ImportFailure, ImportMediaRequest, ImportReport, LayerRequest,
    LayerSize, MediaItem, PresetCheck, PresetInfo, ProjectView,
};
use crate::write_ipc::{PlatformInfo, TextCount, WriteRequest, WriteResult, WriteTool, WriteVariant};
use crate::{ErrorCode, IpcError, JobId, ModelId};

/// Where the generated file lives, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/lib/ipc/bindings.ts";

/// Where the UI tests' fixture of `platforms_list` lives, relative to the workspace root.
pub const PLATFORMS_FIXTURE_PATH: &str = "ui/src/test/platforms.json";

/// The whole bindings file, deterministic for a given set of types.
pub fn typescript_bindings() -> String {
    let config = Config::default();
    let declarations = [
        JobId::decl(&config),
        ModelId::decl(&config),
        ErrorCode::decl(&config),
        IpcError::decl(&config),
        RuntimeStatus::decl(&config),
        ModelStatus::decl(&config),
        AppStatus::decl(&config),
        Upscale::decl(&config),
        VaryRequest::decl(&config),
        GenerateImagesRequest::decl(&config),
        RestyleImageRequest::decl(&config),
        RestyleVideoRequest::decl(&config),
        AnimationFormat::decl(&config),
        InterpolateRequest::decl(&config),
        JobOutcome::decl(&config),
        SpeakRequest::decl(&config),
        GenerateHitsRequest::decl(&config),
        BeatLane::decl(&config),
        MakeBeatRequest::decl(&config),
        ClipKind::decl(&config),
        AudioClip::decl(&config),
        MixRequest::decl(&config),
        PlayerStatus::decl(&config),
        PlayerReport::decl(&config),
        PlayerAction::decl(&config),
        WriteTool::decl(&config),
        WriteRequest::decl(&config),
        WriteVariant::decl(&config),
        WriteResult::decl(&config),
        TextCounting::decl(&config),
        HashtagRange::decl(&config),
        PlatformInfo::decl(&config),
        TextCount::decl(&config),
        JobEvent::decl(&config),
        LayerId::decl(&config),
        Transform::decl(&config),
        Crop::decl(&config),
        BlendMode::decl(&config),
        Filters::decl(&config),
        ShapeKind::decl(&config),
        Variation::decl(&config),
        LatentBlend::decl(&config),
        Recipe::decl(&config),
        LayerContent::decl(&config),
        Layer::decl(&config),
        AudioTrack::decl(&config),
        PostMix::decl(&config),
        PostAudio::decl(&config),
        Post::decl(&config),
        Edit::decl(&config),
        CanvasInfo::decl(&config),
        LayerSize::decl(&config),
        MediaItem::decl(&config),
        CheckLevel::decl(&config),
        PresetCheck::decl(&config),
        ProjectView::decl(&config),
        ApplyEditsRequest::decl(&config),
        AddLayerRequest::decl(&config),
        ImportMediaRequest::decl(&config),
        ImportFailure::decl(&config),
        ImportReport::decl(&config),
        ExportFormat::decl(&config),
        ExportRequest::decl(&config),
        ExportReport::decl(&config),
        LayerRequest::decl(&config),
        PresetInfo::decl(&config),
        AddGeneratedRequest::decl(&config),
        AudioRole::decl(&config),
        AddAudioRequest::decl(&config),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in crates/core by `UPDATE_BINDINGS=1 cargo test -p postcraft-core bindings`.\n// Do not edit by hand: a test fails when this file is stale.\n\n",
    );
    for declaration in declarations {
        out.push_str("export ");
        out.push_str(&declaration);
        out.push_str("\n\n");
    }
    let codes: Vec<String> = ErrorCode::ALL.iter().map(|code| format!("\"{}\"", code.as_str())).collect();
    out.push_str(&format!("export const ERROR_CODES: readonly ErrorCode[] = [{}];\n", codes.join(", ")));
    out.push_str(&format!(
        "export const MAX_FACE_COUNT = {};\nexport const MAX_SEED = {};\n",
        GenerateImagesRequest::MAX_COUNT,
        GenerateImagesRequest::MAX_SEED
    ));
    out.push_str(&format!(
        "export const MAX_ANIMATION_FRAMES = {};\nexport const MAX_ANIMATION_FPS = {};\nexport const MAX_UPSCALE_SIDE = {};\nexport const MAX_SMOOTHING = {};\n",
        InterpolateRequest::MAX_FRAMES,
        InterpolateRequest::MAX_FPS,
        Upscale::MAX_SIDE,
        RestyleVideoRequest::MAX_SMOOTHING
    ));
    out.push_str(&format!(
        "export const PEAK_BUCKETS = {PEAK_BUCKETS};\nexport const MAX_SPEECH_CHARS = {MAX_SPEECH_CHARS};\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Compares `relative` with `fresh`; with `UPDATE_BINDINGS` set, rewrites it first.
    fn check_generated(relative: &str, fresh: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dir");
            std::fs::write(&path, fresh).expect("write generated file");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{relative} is stale: run `UPDATE_BINDINGS=1 cargo test -p postcraft-core bindings` and commit it"
        );
    }

    #[test]
    fn bindings_are_up_to_date() {
        check_generated(BINDINGS_PATH, &typescript_bindings());
    }

    #[test]
    fn platforms_fixture_is_up_to_date() {
        let json = serde_json::to_string_pretty(&PlatformInfo::all()).expect("platforms serialize");
        check_generated(PLATFORMS_FIXTURE_PATH, &format!("{json}\n"));
    }
}
