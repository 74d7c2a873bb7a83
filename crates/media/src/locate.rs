//! Finding the `ffmpeg` and `ffprobe` programs.
//!
//! The studio does not bundle ffmpeg (licence and size): it uses the one the system has. An
//! environment override comes first so a packaged app (or a test) can point at a specific build.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::MediaError;

/// Overrides the `ffmpeg` program (a path to the executable).
pub const FFMPEG_ENV: &str = "POSTCRAFT_FFMPEG";
/// Overrides the `ffprobe` program (a path to the executable).
pub const FFPROBE_ENV: &str = "POSTCRAFT_FFPROBE";

/// Where the `ffmpeg` and `ffprobe` executables are. Cheap to clone; every reader, writer and
/// probe takes one, so the lookup happens once per session, not once per file.
#[derive(Debug, Clone)]
pub struct Ffmpeg {
    ffmpeg: PathBuf,
    ffprobe: PathBuf,
    /// Whether this ffmpeg knows `-fps_mode` (5.1 and newer), found out on first use.
    has_fps_mode: OnceLock<bool>,
}

impl Ffmpeg {
    /// Uses these exact executables (a host that ships its own ffmpeg next to the app).
    pub fn new(ffmpeg: impl Into<PathBuf>, ffprobe: impl Into<PathBuf>) -> Self {
        Self { ffmpeg: ffmpeg.into(), ffprobe: ffprobe.into(), has_fps_mode: OnceLock::new() }
    }

    /// Finds both programs: `POSTCRAFT_FFMPEG` / `POSTCRAFT_FFPROBE` if set, else the `PATH`.
    /// Fails with [`MediaError::FfmpegMissing`], whose message tells the user how to install
    /// ffmpeg, when either one is not there.
    pub fn locate() -> Result<Self, MediaError> {
        Self::locate_with(|name| std::env::var_os(name))
    }

    /// [`Ffmpeg::locate`] with the environment read through `env` (`PATH` included), so tests
    /// and hosts can resolve against an environment other than the process's own (changing the
    /// process environment is racy under threads, and `unsafe` since Rust 2024).
    pub fn locate_with(env: impl Fn(&str) -> Option<OsString>) -> Result<Self, MediaError> {
        let path_var = env("PATH");
        let ffmpeg = find_program("ffmpeg", FFMPEG_ENV, env(FFMPEG_ENV), path_var.as_deref())?;
        let ffprobe = find_program("ffprobe", FFPROBE_ENV, env(FFPROBE_ENV), path_var.as_deref())?;
        Ok(Self::new(ffmpeg, ffprobe))
    }

    /// The `ffmpeg` executable.
    pub fn ffmpeg_path(&self) -> &Path {
        &self.ffmpeg
    }

    /// The `ffprobe` executable.
    pub fn ffprobe_path(&self) -> &Path {
        &self.ffprobe
    }

    /// A command for `ffmpeg` with the options every run wants: no banner, no reading from the
    /// terminal (it would steal the parent's stdin), errors only on stderr.
    pub(crate) fn ffmpeg_command(&self) -> Command {
        let mut command = quiet_command(&self.ffmpeg);
        command.args(["-hide_banner", "-nostdin", "-loglevel", "error"]);
        command
    }

    /// The options that make ffmpeg pass every frame through as it is, never dropping or
    /// duplicating one to fit a frame rate: what keeps the frame count exact end to end.
    /// `-fps_mode` exists since ffmpeg 5.1 and `-vsync` is gone since 9, so the version decides
    /// (Ubuntu 22.04 still ships 4.4).
    pub(crate) fn passthrough_args(&self) -> [&'static str; 2] {
        let has_fps_mode = *self.has_fps_mode.get_or_init(|| {
            let version = quiet_command(&self.ffmpeg).arg("-version").stdin(Stdio::null()).output();
            // An ffmpeg that cannot say its version will fail on the real run with a clear error.
            version.map_or(true, |out| knows_fps_mode(&String::from_utf8_lossy(&out.stdout)))
        });
        if has_fps_mode { ["-fps_mode", "passthrough"] } else { ["-vsync", "passthrough"] }
    }

    /// A command for `ffprobe` with errors only on stderr.
    pub(crate) fn ffprobe_command(&self) -> Command {
        let mut command = quiet_command(&self.ffprobe);
        command.args(["-hide_banner", "-loglevel", "error"]);
        command
    }
}

/// Reads `ffmpeg -version`'s first line (`ffmpeg version 5.1.9-0+deb12u1 ...`, `n7.1`,
/// `N-112345-g...` for git builds): true for 5.1 and newer, and for versions it cannot parse
/// (git snapshots are newer than any release that lacks the option).
fn knows_fps_mode(version_output: &str) -> bool {
    let Some(version) = version_output.split_whitespace().skip_while(|word| *word != "version").nth(1) else {
        return true;
    };
    let mut numbers = version.trim_start_matches('n').split(['.', '-']).map(str::parse::<u32>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= (5, 1),
        (Some(Ok(major)), _) => major > 5,
        _ => true,
    }
}

/// A command for `program` that opens no console window on Windows (a GUI app would flash one
/// per export).
fn quiet_command(program: &Path) -> Command {
    let mut command = Command::new(program);
    hide_console(&mut command);
    command
}

#[cfg(windows)]
fn hide_console(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    command.creation_flags(CREATE_NO_WINDOW);
}

#[cfg(not(windows))]
fn hide_console(_command: &mut Command) {}

/// Resolves one program: the override if given (it must exist), else the first match on `PATH`.
fn find_program(
    program: &'static str,
    env_name: &str,
    override_path: Option<OsString>,
    path_var: Option<&OsStr>,
) -> Result<PathBuf, MediaError> {
    if let Some(path) = override_path.filter(|p| !p.is_empty()).map(PathBuf::from) {
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(MediaError::FfmpegMissing {
                program,
                detail: format!("{env_name} is set to {}, which is not an executable file", path.display()),
            })
        };
    }
    let file_name = format!("{program}{}", std::env::consts::EXE_SUFFIX);
    path_var
        .into_iter()
        .flat_map(std::env::split_paths)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(&file_name))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| MediaError::FfmpegMissing { program, detail: "not on the PATH".to_owned() })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fps_mode_needs_5_1() {
        assert!(knows_fps_mode("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026"));
        assert!(knows_fps_mode("ffmpeg version n7.1 Copyright"));
        assert!(knows_fps_mode("ffmpeg version N-112345-gabcdef Copyright"));
        assert!(knows_fps_mode("ffmpeg version 9.0-full_build-www.gyan.dev"));
        assert!(!knows_fps_mode("ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright"));
        assert!(!knows_fps_mode("ffmpeg version 5.0.1 Copyright"));
    }

    #[test]
    fn missing_everywhere_tells_how_to_install() {
        let Err(err) = Ffmpeg::locate_with(|_| None) else { panic!("found ffmpeg without a PATH") };
        assert!(matches!(err, MediaError::FfmpegMissing { program: "ffmpeg", .. }), "{err:?}");
        assert!(err.to_string().contains("apt install ffmpeg"), "{err}");
    }

    #[test]
    fn override_that_does_not_exist_is_named() {
        let Err(err) = Ffmpeg::locate_with(|name| match name {
            FFMPEG_ENV => Some("/nonexistent/ffmpeg".into()),
            _ => None,
        }) else {
            panic!("accepted a missing override")
        };
        let message = err.to_string();
        assert!(message.contains("/nonexistent/ffmpeg") && message.contains(FFMPEG_ENV), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn finds_programs_on_the_given_path_only() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        for name in ["ffmpeg", "ffprobe"] {
            let file = dir.path().join(name);
            std::fs::write(&file, "#!/bin/sh\n")?;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755))?;
        }
        let path_var = std::env::join_paths([Path::new("/nonexistent-dir"), dir.path()])?;
        let found = Ffmpeg::locate_with(|name| (name == "PATH").then(|| path_var.clone()))?;
        assert_eq!(found.ffmpeg_path(), dir.path().join("ffmpeg"));
        assert_eq!(found.ffprobe_path(), dir.path().join("ffprobe"));
        Ok(())
    }
}
