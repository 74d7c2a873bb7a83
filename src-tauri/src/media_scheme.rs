//! The `postcraft:` URI scheme: serves generated media to the page as raw bytes.

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

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

/// Answers one request off the UI thread.
pub fn handle<R: Runtime>(context: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let engine = context.app_handle().state::<EngineState>().0.clone();
    let path = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    tauri::async_runtime::spawn_blocking(move || {
        let response = match engine.media().serve(&path) {
            Ok(png) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, postcraft_engine::PNG_MIME)
                .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .body(png),
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
