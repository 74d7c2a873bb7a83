// Generated from the Rust types in crates/core by `UPDATE_BINDINGS=1 cargo test -p postcraft-core bindings`.
// Do not edit by hand: a test fails when this file is stale.

export type JobId = number;

export type ModelId = string;

export type ErrorCode = "RUNTIME_MISSING" | "RUNTIME_INCOMPATIBLE" | "MANIFEST_INVALID" | "MODEL_MISSING" | "MODEL_HASH_MISMATCH" | "MODEL_INVALID" | "INFERENCE_FAILED" | "INVALID_REQUEST" | "JOB_NOT_FOUND" | "IO" | "INTERNAL";

export type IpcError = { 
/**
 * What kind of failure, for the UI to branch on.
 */
code: ErrorCode, 
/**
 * A sentence for a person: what went wrong and, where known, what to do.
 */
message: string, };

export type RuntimeStatus = { 
/**
 * The library's path, as tried.
 */
path: string, 
/**
 * The runtime's version once loaded (for example "1.31.1").
 */
version: string | null, 
/**
 * Why it is not loaded.
 */
error: IpcError | null, };

export type ModelStatus = { 
/**
 * The manifest id.
 */
id: ModelId, 
/**
 * A name for people.
 */
name: string, 
/**
 * The manifest kind (`image-gan`, `text-generation`, ...).
 */
kind: string, 
/**
 * The licence line of the manifest, shown next to generated media.
 */
licence: string, 
/**
 * True once the file was verified against its SHA-256 and opened by the runtime.
 */
loaded: boolean, 
/**
 * Why it is not usable.
 */
error: IpcError | null, };

export type AppStatus = { 
/**
 * The app's version.
 */
version: string, 
/**
 * The ONNX Runtime library.
 */
runtime: RuntimeStatus, 
/**
 * Every model in the manifest, in manifest order.
 */
models: Array<ModelStatus>, };

export type GenerateFacesRequest = { 
/**
 * How many images, 1 to [`GenerateFacesRequest::MAX_COUNT`].
 */
count: number, 
/**
 * The random seed; each image `i` uses the latent drawn for `(seed, i)`.
 */
seed: number, };

export type JobOutcome = { "state": "completed" } | { "state": "cancelled" } | { "state": "failed", 
/**
 * Why.
 */
error: IpcError, };

export type JobEvent = { "event": "started", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * How many items it will produce.
 */
total: number, } | { "event": "progress", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * Items done.
 */
done: number, 
/**
 * Items in all.
 */
total: number, 
/**
 * Estimated milliseconds left, once at least one item is done.
 */
etaMs: number | null, } | { "event": "image", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * The item's index within the job.
 */
index: number, 
/**
 * Where the UI fetches the PNG (the app's custom scheme).
 */
url: string, 
/**
 * The image's own width in pixels.
 */
width: number, 
/**
 * The image's own height in pixels.
 */
height: number, } | { "event": "finished", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * Items produced.
 */
done: number, 
/**
 * How it ended.
 */
outcome: JobOutcome, };

export const ERROR_CODES: readonly ErrorCode[] = ["RUNTIME_MISSING", "RUNTIME_INCOMPATIBLE", "MANIFEST_INVALID", "MODEL_MISSING", "MODEL_HASH_MISMATCH", "MODEL_INVALID", "INFERENCE_FAILED", "INVALID_REQUEST", "JOB_NOT_FOUND", "IO", "INTERNAL"];
export const MAX_FACE_COUNT = 1024;
export const MAX_SEED = 9007199254740991;
