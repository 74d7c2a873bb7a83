//! A running ffmpeg child that is never leaked, and the tail of what it printed on stderr.
//!
//! Two rules every pipe to a child needs: stderr is drained on its own thread (a chatty ffmpeg
//! fills the 64 KiB pipe buffer and then blocks forever, while we block on its stdout), and a
//! killed child is always waited for (else it stays a zombie until the app exits).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;

use crate::MediaError;

/// Lines of stderr kept for error messages: the end is where ffmpeg says why it stopped.
const TAIL_LINES: usize = 12;
/// Longest stderr line kept, in bytes (a damaged file can make ffmpeg print huge lines).
const MAX_LINE: usize = 400;

/// A spawned ffmpeg whose stderr is being collected. Dropping it kills and reaps the process.
#[derive(Debug)]
pub(crate) struct FfmpegChild {
    child: Option<Child>,
    stderr: Option<JoinHandle<Vec<String>>>,
}

impl FfmpegChild {
    /// Spawns `command` with stderr piped and collected; stdin and stdout are as the caller set
    /// them. A program that is not there becomes [`MediaError::FfmpegMissing`].
    pub(crate) fn spawn(mut command: Command, program: &'static str) -> Result<Self, MediaError> {
        let mut child = command.stderr(Stdio::piped()).spawn().map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => MediaError::FfmpegMissing {
                program,
                detail: format!("could not start {}: {err}", command.get_program().to_string_lossy()),
            },
            _ => MediaError::io(command.get_program(), err),
        })?;
        let stderr = child.stderr.take().map(collect_tail);
        Ok(Self { child: Some(child), stderr })
    }

    /// The child, for taking its stdin or stdout pipe.
    pub(crate) fn child_mut(&mut self) -> Option<&mut Child> {
        self.child.as_mut()
    }

    /// Waits for the process to exit on its own; returns its status and the tail of its stderr
    /// (one line per entry, oldest first).
    pub(crate) fn wait(mut self) -> std::io::Result<(ExitStatus, Vec<String>)> {
        let status = match self.child.take() {
            Some(mut child) => child.wait()?,
            None => return Err(std::io::Error::other("the ffmpeg process was already reaped")),
        };
        Ok((status, self.take_stderr()))
    }

    /// Kills the process (if still running) and reaps it; returns the tail of its stderr.
    pub(crate) fn kill(mut self) -> Vec<String> {
        self.kill_and_reap();
        self.take_stderr()
    }

    fn kill_and_reap(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Kill fails only when the process already exited; the wait below reaps it either way.
            let _ = child.kill();
            if let Err(err) = child.wait() {
                tracing::warn!("could not reap ffmpeg (pid {}): {err}", child.id());
            }
        }
    }

    /// Joins the stderr thread. It ends once the process is gone, since that closes the pipe.
    fn take_stderr(&mut self) -> Vec<String> {
        self.stderr.take().and_then(|handle| handle.join().ok()).unwrap_or_default()
    }
}

impl Drop for FfmpegChild {
    fn drop(&mut self) {
        self.kill_and_reap();
        self.take_stderr();
    }
}

/// Reads `stderr` to the end on a thread, keeping the last [`TAIL_LINES`] lines.
fn collect_tail(stderr: ChildStderr) -> JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut tail = VecDeque::with_capacity(TAIL_LINES);
        let mut reader = BufReader::new(stderr);
        let mut line = Vec::new();
        // Bytes, not `lines()`: ffmpeg may print invalid UTF-8 (file names, damaged metadata).
        while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end();
            if !text.is_empty() {
                if tail.len() == TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(truncate(text, MAX_LINE));
            }
            line.clear();
        }
        tail.into()
    })
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Removes ffmpeg's `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c1e0] ` context prefix: it means nothing to
/// a user, and the address differs on every run.
/// Also drops the `file:` this crate puts before every path it hands ffmpeg.
pub(crate) fn clean_line(line: &str) -> &str {
    let mut line = line;
    if let Some(rest) = line.strip_prefix('[')
        && let Some((context, message)) = rest.split_once("] ")
        && context.contains(" @ 0x")
    {
        line = message;
    }
    line.strip_prefix("file:").unwrap_or(line)
}

/// Joins stderr lines into one message for an error, or says there was none.
pub(crate) fn describe(lines: &[String]) -> String {
    if lines.is_empty() {
        return "ffmpeg gave no reason".to_owned();
    }
    lines.iter().map(|line| clean_line(line)).collect::<Vec<_>>().join("; ")
}

/// Describes how a process ended, for error messages.
pub(crate) fn describe_status(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("ffmpeg exited with status {code}"),
        None => "ffmpeg was killed by a signal".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_prefix_is_removed() {
        assert_eq!(clean_line("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d0c1e0] moov atom not found"), "moov atom not found");
        assert_eq!(clean_line("[not a context] text"), "[not a context] text");
        assert_eq!(clean_line("plain"), "plain");
        assert_eq!(clean_line("file:/tmp/a.mp4: Invalid data"), "/tmp/a.mp4: Invalid data");
    }

    #[test]
    fn long_lines_are_cut_on_a_char_boundary() {
        let text = "é".repeat(300);
        let cut = truncate(&text, 401);
        assert!(cut.ends_with('…') && cut.len() <= 401 + '…'.len_utf8());
    }

    #[test]
    fn describe_joins_cleaned_lines() {
        let lines = vec!["[h264 @ 0x1] bad".to_owned(), "Error while decoding".to_owned()];
        assert_eq!(describe(&lines), "bad; Error while decoding");
        assert_eq!(describe(&[]), "ffmpeg gave no reason");
    }
}
