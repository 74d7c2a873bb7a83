//! `postcraft doctor`: is everything the studio needs here, and if not, why.

use postcraft_infer::registry::sha256_file;

use crate::Engine;

/// How much a failed check matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckLevel {
    /// Fine.
    Ok,
    /// Missing, but the studio runs without it (no GPU, no sound card).
    Warning,
    /// The studio cannot run its models.
    Error,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// The verdict.
    pub level: CheckLevel,
    /// What was found, or why it failed and what to do.
    pub detail: String,
}

/// Every check, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorReport {
    /// The checks.
    pub checks: Vec<Check>,
}

impl DoctorReport {
    /// True when no check is an error: the studio can run.
    pub fn can_run(&self) -> bool {
        self.checks.iter().all(|c| c.level != CheckLevel::Error)
    }
}

impl Engine {
    /// Checks the runtime library, every model and its hash, the graphics adapter, the audio
    /// output and ffmpeg. Takes up to a second (adapter discovery, hashing): call it off the UI thread.
    pub fn doctor(&self) -> DoctorReport {
        let mut checks = Vec::new();
        let status = self.status();
        let runtime_detail = match (&status.runtime.version, &status.runtime.error) {
            (Some(version), _) => {
                let pinned = self.registry().ok().map(|r| r.manifest().runtime.clone());
                let hash = match pinned {
                    Some(pinned) if status.runtime.path.ends_with(&pinned.file) => {
                        match sha256_file(std::path::Path::new(&status.runtime.path)) {
                            Ok(actual) if actual == pinned.sha256 => ", SHA-256 matches the manifest".to_owned(),
                            Ok(_) => ", SHA-256 differs from the manifest's (a different build)".to_owned(),
                            Err(e) => format!(", could not hash it: {e}"),
                        }
                    }
                    _ => String::new(),
                };
                Ok(format!("ONNX Runtime {version} at {}{hash}", status.runtime.path))
            }
            (None, Some(error)) => Err(format!("{}: {}", error.code, error.message)),
            (None, None) => Err("not loaded".to_owned()),
        };
        checks.push(match runtime_detail {
            Ok(detail) => Check { name: "runtime".into(), level: CheckLevel::Ok, detail },
            Err(detail) => Check { name: "runtime".into(), level: CheckLevel::Error, detail },
        });

        match self.registry() {
            Ok(registry) => checks.push(Check {
                name: "manifest".into(),
                level: CheckLevel::Ok,
                detail: format!(
                    "{} models listed, files in {}",
                    registry.manifest().models.len(),
                    registry.models_dir().display()
                ),
            }),
            Err(error) => {
                checks.push(Check { name: "manifest".into(), level: CheckLevel::Error, detail: error.message });
            }
        }
        for model in &status.models {
            checks.push(match &model.error {
                None => Check {
                    name: format!("model {}", model.id),
                    level: CheckLevel::Ok,
                    detail: format!("{} ({}), hash verified, loaded", model.name, model.kind),
                },
                Some(error) => Check {
                    name: format!("model {}", model.id),
                    level: CheckLevel::Error,
                    detail: format!("{}: {}", error.code, error.message),
                },
            });
        }

        // The compositor itself, as the canvas uses it (device, pipelines and fonts), not just
        // an adapter probe: GPU when there is one, Mesa's CPU rasterizer otherwise.
        match self.studio().renderer().adapter() {
            Ok((adapter, fonts)) => {
                checks.push(Check {
                    name: "graphics".into(),
                    level: CheckLevel::Ok,
                    detail: format!(
                        "compositor on {} via {} ({}{})",
                        adapter.name,
                        adapter.backend,
                        adapter.device_type,
                        if adapter.is_cpu { ", CPU rasterizer: no GPU found, previews are slower" } else { ", GPU" }
                    ),
                });
                let missing = fonts.iter().any(|line| line.contains("missing") || line.contains("not a font"));
                checks.push(Check {
                    name: "fonts".into(),
                    level: if missing { CheckLevel::Warning } else { CheckLevel::Ok },
                    detail: fonts.join("; "),
                });
            }
            Err(error) => checks.push(Check {
                name: "graphics".into(),
                level: CheckLevel::Error,
                detail: format!(
                    "{}; the canvas cannot preview or export. Install Mesa's CPU renderer (apt `mesa-vulkan-drivers libegl1 libgl1-mesa-dri`) or a GPU driver",
                    error.message
                ),
            }),
        }
        checks.push(match postcraft_audio::probe_output() {
            Ok(device) => Check {
                name: "audio".into(),
                level: CheckLevel::Ok,
                detail: format!("default output opens ({device})"),
            },
            Err(error) => Check { name: "audio".into(), level: CheckLevel::Warning, detail: error.to_string() },
        });
        // Video needs the system ffmpeg; without it everything else works.
        checks.push(match postcraft_media::Ffmpeg::locate() {
            Ok(ffmpeg) => Check {
                name: "ffmpeg".into(),
                level: CheckLevel::Ok,
                detail: format!(
                    "{} and {} (video import and restyle)",
                    ffmpeg.ffmpeg_path().display(),
                    ffmpeg.ffprobe_path().display()
                ),
            },
            Err(error) => Check {
                name: "ffmpeg".into(),
                level: CheckLevel::Warning,
                detail: format!("{error}; video import and restyle are unavailable"),
            },
        });
        // Speech needs espeak-ng (set-up's, else the system's); without it everything else works.
        checks.push(match self.espeak() {
            Ok(espeak) => {
                let info = espeak.info();
                Check {
                    name: "espeak-ng".into(),
                    level: if info.exact_clauses { CheckLevel::Ok } else { CheckLevel::Warning },
                    detail: format!(
                        "{} {} with {}{}",
                        info.library.display(),
                        info.version,
                        info.data.display(),
                        if info.exact_clauses {
                            " (speech phonemes as Piper's)"
                        } else {
                            " (the system's copy: clause punctuation is guessed, so pauses may differ from Piper's; run the set-up)"
                        }
                    ),
                }
            }
            Err(error) => Check {
                name: "espeak-ng".into(),
                level: CheckLevel::Warning,
                detail: format!("{}; voiceover is unavailable", error.message),
            },
        });
        DoctorReport { checks }
    }
}
