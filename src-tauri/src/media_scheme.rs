//! The `postcraft:` URI scheme: serves pixels to the page as raw bytes, never JSON.
//!
//! - `/jobs/<job>/<index>.png[?scale=N]`: a generated image (PNG).
//! - `/preview?w=W&h=H[&overlays=1][&rev=R]`: the open post rendered at W x H, as raw RGBA
//!   (W*H*4 bytes, no header; the revision rendered in `x-postcraft-revision`). `rev` only
//!   makes each URL unique so nothing caches a stale frame.
//! - `POST /preview?w=W&h=H[&overlays=1]` with an `ApplyEditsRequest` as the JSON body: applies
//!   the edits, then answers as above. A drag's path from pointer to pixels in one round trip.
//! - `/asset/<path>?max=N`: a project asset scaled to fit N pixels (PNG), for the media bin.
//! - `/audio/<id>.wav`: a sound clip (voice, hit, beat, mix) as a 16-bit WAV.

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use postcraft_core::project_ipc::ApplyEditsRequest;
use postcraft_core::{ErrorCode, IpcError};

use crate::state::EngineState;

/// The scheme's name.
pub const SCHEME: &str = "postcraft";

/// How the page addresses it (WebKitGTK and WKWebView use the scheme itself; WebView2 needs the
/// `http://<scheme>.localhost` form).
#[cfg(not(windows))]
pub const BASE_URL: &str = "postcraft://localhost";
/// How the page addresses it on Windows.
#[cfg(windows)]
pub const BASE_URL: &str = "http://postcraft.localhost";

const REVISION_HEADER: &str = "x-postcraft-revision";

type Served = (Vec<u8>, &'static str, &'static str, u64);

fn serve(engine: &postcraft_engine::Engine, path_and_query: &str, body: &[u8]) -> Result<Served, IpcError> {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let param =
        |name: &str| query.split('&').find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')));
    let number = |name: &str, default: u32| {
        param(name).map_or(Ok(default), |v| v.parse::<u32>()).map_err(|_| {
            IpcError::new(ErrorCode::InvalidRequest, format!("`{name}` must be a whole number in {path_and_query}"))
        })
    };
    if path.trim_start_matches('/') == "preview" {
        let (width, height) = (number("w", 0)?, number("h", 0)?);
        let started = std::time::Instant::now();
        let overlays = param("overlays") == Some("1");
        let (revision, frame) = if body.is_empty() {
            engine.preview(width, height, overlays)?
        } else {
            let edits: ApplyEditsRequest = serde_json::from_slice(body)
                .map_err(|e| IpcError::new(ErrorCode::InvalidRequest, format!("the edits are malformed: {e}")))?;
            engine.edit_and_preview(edits, width, height, overlays)?
        };
        tracing::debug!(ms = started.elapsed().as_secs_f64() * 1e3, revision, "preview served");
        return Ok((frame.as_raw().clone(), "application/octet-stream", "no-store", revision));
    }
    if path.trim_start_matches('/').starts_with("audio/") {
        return Ok((
            engine.clips().serve(path)?,
            postcraft_engine::audio::clips::WAV_MIME,
            "max-age=31536000, immutable",
            0,
        ));
    }
    if let Some(asset) = path.trim_start_matches('/').strip_prefix("asset/") {
        let asset = percent_decode(asset);
        return Ok((engine.asset_png(&asset, number("max", 256)?)?, postcraft_engine::PNG_MIME, "no-cache", 0));
    }
    Ok((engine.media().serve(path_and_query)?, postcraft_engine::PNG_MIME, "max-age=31536000, immutable", 0))
}

/// `%20` and friends back to bytes (asset names come from file names).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Answers one request off the UI thread.
pub fn handle<R: Runtime>(context: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let engine = context.app_handle().state::<EngineState>().0.clone();
    let path = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    if request.method() == tauri::http::Method::OPTIONS {
        // A CORS preflight (the page posts edits with the preview request): allow it.
        let preflight = Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
            .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS")
            .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type")
            .body(Vec::new());
        match preflight {
            Ok(response) => responder.respond(response),
            Err(error) => tracing::error!("could not build a preflight response: {error}"),
        }
        return;
    }
    let body = request.into_body();
    tauri::async_runtime::spawn_blocking(move || {
        let response = match serve(&engine, &path, &body) {
            Ok((bytes, mime, cache, revision)) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, mime)
                .header(header::CACHE_CONTROL, cache)
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .header(header::ACCESS_CONTROL_EXPOSE_HEADERS, REVISION_HEADER)
                .header(REVISION_HEADER, revision.to_string())
                .body(bytes),
            Err(error) => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .body(serde_json::to_vec(&error).unwrap_or_default()),
        };
        match response {
            Ok(response) => responder.respond(response),
            Err(error) => tracing::error!("could not build a media response: {error}"),
        }
    });
}
