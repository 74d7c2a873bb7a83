// Generated from the Rust types in crates/core by `UPDATE_BINDINGS=1 cargo test -p postcraft-core bindings`.
// Do not edit by hand: a test fails when this file is stale.

export type JobId = number;

export type ModelId = string;

export type ErrorCode = "RUNTIME_MISSING" | "RUNTIME_INCOMPATIBLE" | "MANIFEST_INVALID" | "MODEL_MISSING" | "MODEL_HASH_MISMATCH" | "MODEL_INVALID" | "INFERENCE_FAILED" | "INVALID_REQUEST" | "JOB_NOT_FOUND" | "IO" | "MEDIA_INVALID" | "PROJECT_INVALID" | "RENDER_FAILED" | "TOOL_MISSING" | "AUDIO_DEVICE_UNAVAILABLE" | "INTERNAL";

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

export type Upscale = { 
/**
 * Target size of the longer side, in pixels (1 to [`Upscale::MAX_SIDE`]).
 */
longest: number, 
/**
 * Sharpening, 0 (none) to 1.
 */
sharpen: number, };

export type VaryRequest = { 
/**
 * The image's index within its seed.
 */
index: number, 
/**
 * 0 (the same image) to 1 (unrelated); the UI's "subtle" is 0.2, "strong" 0.5.
 */
strength: number, };

export type GenerateImagesRequest = { 
/**
 * Manifest id of the generator (`dcgan-faces` when absent, as before models were choosable).
 */
model?: string, 
/**
 * How many images, 1 to [`GenerateImagesRequest::MAX_COUNT`].
 */
count: number, 
/**
 * The random seed; each image `i` uses the latent drawn for `(seed, i)`.
 */
seed: number, 
/**
 * Variations of one image instead of new images: image `i` is variation `i` of it.
 */
vary?: VaryRequest, 
/**
 * Resample the result to post size.
 */
upscale?: Upscale, };

export type RestyleImageRequest = { 
/**
 * The photo's path.
 */
input: string, 
/**
 * Manifest id of an `image-to-image` model.
 */
model?: string, 
/**
 * 0 (the original) to 1 (fully restyled): the result is blended with the original.
 */
strength: number, };

export type RestyleVideoRequest = { 
/**
 * The clip's path (MP4, WebM, MOV, GIF).
 */
input: string, 
/**
 * Where the MP4 goes (written to a temporary file, renamed there when complete); empty:
 * `<name>-restyled.mp4` beside the clip, never overwriting a file.
 */
output?: string, 
/**
 * Manifest id of an `image-to-image` model.
 */
model?: string, 
/**
 * 0 (the original) to 1 (fully restyled).
 */
strength: number, 
/**
 * 0 (off) to 0.95: how much still areas keep the previous frame's look (against flicker).
 */
smoothing: number, };

export type AnimationFormat = "gif" | "mp4";

export type InterpolateRequest = { 
/**
 * Manifest id of an `image-gan` model.
 */
model: string, 
/**
 * First image: seed.
 */
fromSeed: number, 
/**
 * First image: index within its seed.
 */
fromIndex: number, 
/**
 * The first image is this variation of `(from_seed, from_index)`.
 */
fromVariation?: Variation, 
/**
 * Last image: seed.
 */
toSeed: number, 
/**
 * Last image: index within its seed.
 */
toIndex: number, 
/**
 * The last image is this variation of `(to_seed, to_index)`.
 */
toVariation?: Variation, 
/**
 * Frames, first and last included (2 to [`InterpolateRequest::MAX_FRAMES`]).
 */
frames: number, 
/**
 * Frames per second.
 */
fps: number, 
/**
 * Play forwards then backwards, so the loop has no jump.
 */
pingPong: boolean, 
/**
 * GIF or MP4.
 */
format: AnimationFormat, 
/**
 * Where the file goes.
 */
output: string, 
/**
 * Resample the frames to post size.
 */
upscale?: Upscale, };

export type JobOutcome = { "state": "completed" } | { "state": "cancelled" } | { "state": "failed", 
/**
 * Why.
 */
error: IpcError, };

export type SpeakRequest = { 
/**
 * The words.
 */
text: string, 
/**
 * Manifest id of a `speech` model (default: the shipped voice).
 */
voice?: string, 
/**
 * Duration multiplier: above 1 speaks slower. Default: the voice's.
 */
lengthScale?: number, 
/**
 * Expressiveness noise (0 is deterministic). Default: the voice's.
 */
noiseScale?: number, 
/**
 * Rhythm noise (0 is deterministic). Default: the voice's.
 */
noiseW?: number, 
/**
 * Seconds of silence between sentences.
 */
sentenceSilence: number, 
/**
 * Start playing the first sentence as soon as it exists.
 */
play: boolean, };

export type GenerateHitsRequest = { 
/**
 * kick, snare, hat, clap, tom, cymbal, perc.
 */
kind: string, 
/**
 * How many.
 */
count: number, 
/**
 * The random seed: the same seed gives the same hits.
 */
seed: number, };

export type BeatLane = { 
/**
 * The drum kind.
 */
kind: string, 
/**
 * 16 steps per bar, velocities 0 to 1.
 */
steps: Array<number>, };

export type MakeBeatRequest = { 
/**
 * A preset pattern's name (see `BEAT_PRESETS`), used when `lanes` is empty.
 */
preset: string, 
/**
 * The creator's own pattern.
 */
lanes: Array<BeatLane>, 
/**
 * Tempo (40 to 240).
 */
bpm: number, 
/**
 * Length in bars (1 to 64).
 */
bars: number, 
/**
 * Swing of the off-sixteenths, 0 to 0.6.
 */
swing: number, 
/**
 * Which hits play.
 */
seed: number, };

export type ClipKind = "voice" | "hit" | "beat" | "mix" | "imported";

export type AudioClip = { 
/**
 * Its id, for playback, mixing and adding to the post.
 */
id: number, 
/**
 * What it is.
 */
kind: ClipKind, 
/**
 * A short name for people ("Voice: Fresh coffee…", "kick 42/0").
 */
label: string, 
/**
 * Where the UI fetches the WAV.
 */
url: string, 
/**
 * Length in seconds.
 */
durationSeconds: number, 
/**
 * Samples per second.
 */
sampleRate: number, 
/**
 * 1 mono, 2 stereo.
 */
channels: number, 
/**
 * Minimum and maximum over each of `PEAK_BUCKETS` equal slices, for the waveform.
 */
peaks: Array<[number, number]>, };

export type MixRequest = { 
/**
 * The voiceover clip.
 */
voice?: number, 
/**
 * The music bed clip.
 */
bed?: number, 
/**
 * Where the voice starts, in seconds.
 */
voiceOffsetSeconds: number, 
/**
 * How far the bed goes down under speech, in dB (0: no ducking).
 */
duckingDb: number, 
/**
 * Bed level under the voice's, in dB (negative is quieter).
 */
bedGainDb: number, 
/**
 * Fade-in seconds.
 */
fadeInSeconds: number, 
/**
 * Fade-out seconds.
 */
fadeOutSeconds: number, 
/**
 * Where to write the WAV too (optional).
 */
output?: string, };

export type PlayerStatus = "idle" | "playing" | "paused" | "buffering" | "ended";

export type PlayerReport = { 
/**
 * What the player does.
 */
status: PlayerStatus, 
/**
 * The clip loaded, if any.
 */
clip?: number, 
/**
 * Seconds from the start.
 */
positionSeconds: number, 
/**
 * Length of what is loaded (so far, while it is still being made).
 */
durationSeconds: number, 
/**
 * Whether it loops.
 */
looping: boolean, 
/**
 * Linear volume, 0 to 2.
 */
volume: number, 
/**
 * Why playback stopped working, if it did.
 */
error?: string, };

export type PlayerAction = { "action": "play" } | { "action": "pause" } | { "action": "stop" } | { "action": "seek", 
/**
 * Seconds from the start.
 */
seconds: number, } | { "action": "loop", 
/**
 * Whether to loop.
 */
looping: boolean, } | { "action": "volume", 
/**
 * Linear, 0 to 2.
 */
volume: number, };

export type WriteTool = "caption" | "hashtags" | "draft" | "rewrite" | "alt-text";

export type WriteRequest = { 
/**
 * The tool.
 */
tool: WriteTool, 
/**
 * Platform id (`x`, `instagram`, ...): its limits shape and bound the output.
 */
platform: string, 
/**
 * What the post is about (caption, hashtags, draft).
 */
topic: string, 
/**
 * Words the caption should use.
 */
keywords: Array<string>, 
/**
 * Tone, in words (`playful`, `professional`, ...); empty for neutral.
 */
tone: string, 
/**
 * The text to rewrite, or the description of the image for alt text.
 */
text: string, 
/**
 * Rewrite: make it shorter.
 */
shorter: boolean, 
/**
 * Variants to generate (1 to [`WriteRequest::MAX_VARIANTS`]); shown best first.
 */
variants: number, 
/**
 * Seed of the sampling: the same request and seed give the same variants.
 */
seed: number, 
/**
 * Sampling temperature (0 is greedy: every variant the same); `None` for the tool's default.
 */
temperature: number | null, };

export type WriteVariant = { 
/**
 * Which sampled variant this was (its stream), for regenerating just it.
 */
variant: number, 
/**
 * The text to insert (for a draft: the parts joined by blank lines).
 */
text: string, 
/**
 * A draft's posts, each within the limit (a single entry, the text, for the other tools).
 */
parts: Array<string>, 
/**
 * Hashtags (the hashtag tool's result, or those the text carries).
 */
hashtags: Array<string>, 
/**
 * Length as the platform counts it (the longest part for a draft).
 */
count: number, 
/**
 * The limit it was fitted to: the platform's text limit (alt text: 1,000 characters).
 */
limit: number, 
/**
 * Whether the model's text had to be cut to fit.
 */
trimmed: boolean, 
/**
 * Quality score in [0, 1] used for the ranking.
 */
score: number, };

export type WriteResult = { 
/**
 * The tool.
 */
tool: WriteTool, 
/**
 * The platform id.
 */
platform: string, 
/**
 * Variants, best first.
 */
variants: Array<WriteVariant>, 
/**
 * The model that wrote them.
 */
model: string, 
/**
 * The seed used.
 */
seed: number, };

export type TextCounting = "chars" | "graphemes" | "twitter";

export type HashtagRange = { 
/**
 * Fewest worth adding.
 */
min: number, 
/**
 * Most worth adding.
 */
max: number, };

export type PlatformInfo = { 
/**
 * Platform id (`x`, `instagram`, ...), as [`WriteRequest::platform`] takes it.
 */
id: string, 
/**
 * Name for people.
 */
name: string, 
/**
 * Longest post text, in the platform's own characters ([`PlatformInfo::text_counting`]).
 */
textLimit: number, 
/**
 * How the platform counts characters.
 */
textCounting: TextCounting, 
/**
 * Most hashtags allowed, where the platform has a limit.
 */
maxHashtags: number | null, 
/**
 * How many hashtags the writing tools suggest, where common practice says.
 */
suggestedHashtags: HashtagRange | null, 
/**
 * Characters shown before the caption folds, where the platform folds it.
 */
captionFold: number | null, 
/**
 * Whether the platform takes alt text per image.
 */
altText: boolean, 
/**
 * Its canvas presets' ids, in the file's order.
 */
presetIds: Array<string>, };

export type TextCount = { 
/**
 * Length as the platform counts it ([`crate::text_count::count_for`]: twitter-text weighting
 * on X, graphemes on Bluesky, code points elsewhere).
 */
count: number, 
/**
 * The platform's text limit.
 */
limit: number, 
/**
 * Whether `count` is over `limit`.
 */
over: boolean, };

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
etaMs: number | null, 
/**
 * Items per second so far (frames per second for video), once one is done.
 */
rate?: number, } | { "event": "image", 
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
height: number, } | { "event": "restyled", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * The result's PNG.
 */
url: string, 
/**
 * The original's PNG, at the same size.
 */
originalUrl: string, 
/**
 * Width in pixels.
 */
width: number, 
/**
 * Height in pixels.
 */
height: number, } | { "event": "fileWritten", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * Absolute path.
 */
path: string, 
/**
 * Frame width in pixels.
 */
width: number, 
/**
 * Frame height in pixels.
 */
height: number, 
/**
 * Frames written.
 */
frames: number, 
/**
 * Whether it has a sound track.
 */
hasAudio: boolean, } | { "event": "speechSentence", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * 0-based.
 */
index: number, 
/**
 * Sentences in the text.
 */
count: number, 
/**
 * Where it starts in the speech, in seconds.
 */
startSeconds: number, 
/**
 * Its length in seconds (with the pause after it).
 */
durationSeconds: number, 
/**
 * Its phonemes.
 */
phonemes: string, } | { "event": "audioClip", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * The item's index within the job.
 */
index: number, 
/**
 * The clip.
 */
clip: AudioClip, } | { "event": "textDelta", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * Which variant.
 */
variant: number, 
/**
 * Text to append.
 */
text: string, } | { "event": "written", 
/**
 * Its id.
 */
jobId: JobId, 
/**
 * The result.
 */
result: WriteResult, } | { "event": "finished", 
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

export type LayerId = number;

export type Transform = { 
/**
 * Centre, in canvas pixels from the left.
 */
x: number, 
/**
 * Centre, in canvas pixels from the top.
 */
y: number, 
/**
 * Horizontal scale.
 */
scale_x: number, 
/**
 * Vertical scale.
 */
scale_y: number, 
/**
 * Clockwise degrees.
 */
rotation_deg: number, };

export type Crop = { 
/**
 * Left edge.
 */
x: number, 
/**
 * Top edge.
 */
y: number, 
/**
 * Width.
 */
width: number, 
/**
 * Height.
 */
height: number, };

export type BlendMode = "normal" | "multiply" | "screen" | "overlay";

export type Filters = { 
/**
 * -1 to 1.
 */
brightness: number, 
/**
 * -1 to 1.
 */
contrast: number, 
/**
 * -1 to 1.
 */
saturation: number, 
/**
 * -1 (cooler) to 1 (warmer).
 */
temperature: number, 
/**
 * Blur radius in canvas pixels.
 */
blur: number, 
/**
 * 0 to 1.
 */
vignette: number, };

export type ShapeKind = "rectangle" | "ellipse";

export type Variation = { 
/**
 * Which variation (each draws its own noise).
 */
number: number, 
/**
 * 0 (the same) to 1 (unrelated).
 */
strength: number, };

export type LatentBlend = { 
/**
 * The other seed.
 */
to_seed: number, 
/**
 * The other image's index.
 */
to_index: number, 
/**
 * The other image is this variation of `(to_seed, to_index)`.
 */
to_variation?: Variation, 
/**
 * Position: 0 is this recipe's image, 1 the other.
 */
t: number, };

export type Recipe = { 
/**
 * Manifest id of the model.
 */
model: string, 
/**
 * SHA-256 of the model file that made it (empty in recipes older than this field).
 */
model_sha256?: string, 
/**
 * The seed.
 */
seed: number, 
/**
 * The item's index within the seed's sequence.
 */
index: number, 
/**
 * A variation of that latent.
 */
variation?: Variation, 
/**
 * A point between that latent and another seed's.
 */
between?: LatentBlend, 
/**
 * The resampling to post size.
 */
upscale?: Upscale, };

export type LayerContent = { "type": "image", 
/**
 * Relative path of the file in the project.
 */
asset: string, } | { "type": "video", 
/**
 * Relative path of the file in the project.
 */
asset: string, } | { "type": "generated", 
/**
 * Relative path of the rendered result in the project.
 */
asset: string, 
/**
 * The recipe.
 */
recipe: Recipe, } | { "type": "text", 
/**
 * The words.
 */
text: string, 
/**
 * Size in canvas pixels (before the transform's scale).
 */
font_size: number, 
/**
 * RGBA.
 */
color: [number, number, number, number], 
/**
 * Longest line in canvas pixels before wrapping (none: only explicit line breaks).
 */
wrap_width: number | null, } | { "type": "shape", 
/**
 * Which shape.
 */
shape: ShapeKind, 
/**
 * RGBA.
 */
fill: [number, number, number, number], 
/**
 * Width in canvas pixels (files from before sizes existed: 100).
 */
width: number, 
/**
 * Height in canvas pixels.
 */
height: number, };

export type Layer = { 
/**
 * Its id.
 */
id: LayerId, 
/**
 * Name shown in the layer list.
 */
name: string, 
/**
 * What it shows.
 */
content: LayerContent, 
/**
 * Where and how big.
 */
transform: Transform, 
/**
 * The part of the source shown, as fractions of the source (none: all of it).
 */
crop: Crop | null, 
/**
 * 0 (invisible) to 1.
 */
opacity: number, 
/**
 * How it combines with the layers below.
 */
blend: BlendMode, 
/**
 * Colour and blur filters.
 */
filters: Filters, 
/**
 * Hidden layers are kept but not drawn.
 */
visible: boolean, 
/**
 * Alt text of an image or video layer, for readers who cannot see it.
 */
alt_text: string, };

export type AudioTrack = { 
/**
 * Path relative to the project folder (`assets/...wav`).
 */
asset: string, 
/**
 * A name for people.
 */
label: string, 
/**
 * Length in seconds.
 */
durationSeconds: number, };

export type PostMix = { 
/**
 * Where the voice starts, in seconds (0 to 60).
 */
voiceOffsetSeconds: number, 
/**
 * How far the bed goes down under speech, in dB (0: no ducking, up to 40).
 */
duckingDb: number, 
/**
 * Bed level, in dB (-60 to 12).
 */
bedGainDb: number, 
/**
 * Fade-in seconds (0 to 30).
 */
fadeInSeconds: number, 
/**
 * Fade-out seconds (0 to 30).
 */
fadeOutSeconds: number, };

export type PostAudio = { 
/**
 * The voiceover.
 */
voice?: AudioTrack, 
/**
 * The music bed (loops under a longer voice).
 */
bed?: AudioTrack, 
/**
 * The mix settings.
 */
mix: PostMix, };

export type Post = { 
/**
 * The canvas preset (`instagram-portrait`), from [`crate::presets`].
 */
preset: string, 
/**
 * Slides of a carousel, 1 for a single image.
 */
slides: number, 
/**
 * Canvas colour under the layers, RGBA.
 */
background: [number, number, number, number], 
/**
 * Layers, bottom first.
 */
layers: Array<Layer>, 
/**
 * The id the next new layer gets.
 */
next_layer_id: number, 
/**
 * The words posted with the media (caption, hashtags; a thread's posts separated by blank
 * lines).
 */
caption: string, 
/**
 * The post's sound: a voiceover and a music bed, and how they mix.
 */
audio?: PostAudio, };

export type Edit = { "edit": "add-layer", 
/**
 * Where.
 */
index: number, 
/**
 * The layer (its id from [`Post::allocate_layer_id`]).
 */
layer: Layer, } | { "edit": "remove-layer", 
/**
 * Which.
 */
id: LayerId, } | { "edit": "move-layer", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New position (0 = bottom).
 */
to: number, } | { "edit": "set-transform", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New placement.
 */
transform: Transform, } | { "edit": "set-crop", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New crop (none: uncropped).
 */
crop: Crop | null, } | { "edit": "set-opacity", 
/**
 * Which.
 */
id: LayerId, 
/**
 * 0 to 1.
 */
opacity: number, } | { "edit": "set-blend", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New mode.
 */
blend: BlendMode, } | { "edit": "set-filters", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New filters.
 */
filters: Filters, } | { "edit": "set-visible", 
/**
 * Which.
 */
id: LayerId, 
/**
 * Shown?
 */
visible: boolean, } | { "edit": "set-content", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New content.
 */
content: LayerContent, } | { "edit": "rename", 
/**
 * Which.
 */
id: LayerId, 
/**
 * New name.
 */
name: string, } | { "edit": "set-background", 
/**
 * RGBA.
 */
color: [number, number, number, number], } | { "edit": "set-slides", 
/**
 * 1 to [`Edit::MAX_SLIDES`].
 */
slides: number, } | { "edit": "set-caption", 
/**
 * At most [`Edit::MAX_TEXT_BYTES`].
 */
text: string, } | { "edit": "set-audio", 
/**
 * The new sound.
 */
audio: PostAudio, } | { "edit": "set-alt-text", 
/**
 * Which.
 */
id: LayerId, 
/**
 * At most [`Edit::MAX_TEXT_BYTES`].
 */
text: string, };

export type CanvasInfo = { 
/**
 * Preset id.
 */
presetId: string, 
/**
 * Preset name for people.
 */
presetName: string, 
/**
 * Width of one slide in pixels.
 */
slideWidth: number, 
/**
 * Height in pixels.
 */
height: number, 
/**
 * Slides (carousel), 1 or more: the canvas is `slide_width * slides` wide.
 */
slides: number, 
/**
 * Rectangles of the canvas the platform's UI covers, in canvas pixels: `[x, y, w, h]`.
 */
unsafeRects: Array<[number, number, number, number]>, };

export type LayerSize = { 
/**
 * The layer.
 */
id: LayerId, 
/**
 * Width.
 */
width: number, 
/**
 * Height.
 */
height: number, };

export type MediaItem = { 
/**
 * Path relative to the project folder (`assets/...`), as layers refer to it.
 */
asset: string, 
/**
 * The original file name.
 */
name: string, 
/**
 * Pixel width.
 */
width: number, 
/**
 * Pixel height.
 */
height: number, };

export type CheckLevel = "ok" | "warning" | "error";

export type PresetCheck = { 
/**
 * Stable id (`aspect`, `resolution`, `media-count`, `safe-zone`, `ai-label`).
 */
id: string, 
/**
 * How serious.
 */
level: CheckLevel, 
/**
 * What it found, in words.
 */
message: string, 
/**
 * The layer it is about, if one.
 */
layer: LayerId | null, };

export type ProjectView = { 
/**
 * The project folder.
 */
dir: string, 
/**
 * The post.
 */
post: Post, 
/**
 * Grows with every change, undo and redo included; a preview fetched for an older revision
 * is stale.
 */
revision: number, 
/**
 * Whether there is a step to undo.
 */
canUndo: boolean, 
/**
 * Whether there is a step to redo.
 */
canRedo: boolean, 
/**
 * The canvas and its preset.
 */
canvas: CanvasInfo, 
/**
 * Every layer's own size before its transform (image after crop, measured text, shape).
 */
layerSizes: Array<LayerSize>, 
/**
 * Media files in the project (the media bin), in import order.
 */
media: Array<MediaItem>, 
/**
 * The preset's checks against the post as it is now.
 */
checks: Array<PresetCheck>, };

export type ApplyEditsRequest = { 
/**
 * The edits.
 */
edits: Array<Edit>, 
/**
 * Requests with the same gesture key in a row undo as one step (a whole drag); none: this
 * request is one step of its own.
 */
gesture: string | null, };

export type AddLayerRequest = { 
/**
 * What it shows.
 */
content: LayerContent, 
/**
 * Its name in the layer list (none: made from the content).
 */
name: string | null, 
/**
 * Centre in canvas pixels (none: the centre of the first slide).
 */
at: [number, number] | null, };

export type ImportMediaRequest = { 
/**
 * Absolute paths of the files.
 */
paths: Array<string>, 
/**
 * Add each readable file as a layer.
 */
place: boolean, 
/**
 * Where to centre the first new layer, in canvas pixels (later ones are offset).
 */
at: [number, number] | null, };

export type ImportFailure = { 
/**
 * The path as given.
 */
path: string, 
/**
 * Why.
 */
error: IpcError, };

export type ImportReport = { 
/**
 * The project after the import.
 */
view: ProjectView, 
/**
 * Assets added (`assets/...`).
 */
imported: Array<string>, 
/**
 * Files that could not be imported.
 */
failed: Array<ImportFailure>, };

export type ExportFormat = "png" | "jpeg" | "wav" | "mp4";

export type ExportRequest = { 
/**
 * Canvas preset to export at (none: the post's own).
 */
preset: string | null, 
/**
 * File format.
 */
format: ExportFormat, 
/**
 * Output file (a carousel writes `name-1.ext`, `name-2.ext`, ...); none: `exports/<preset>.<ext>`
 * in the project folder.
 */
out: string | null, };

export type ExportReport = { 
/**
 * The files, in slide order.
 */
files: Array<string>, 
/**
 * Pixel width of each file.
 */
width: number, 
/**
 * Pixel height of each file.
 */
height: number, };

export type LayerRequest = { 
/**
 * The layer.
 */
id: LayerId, };

export type PresetInfo = { 
/**
 * Preset id (`instagram-portrait`).
 */
id: string, 
/**
 * Name for people.
 */
name: string, 
/**
 * Platform id (`instagram`).
 */
platform: string, 
/**
 * Width in pixels.
 */
width: number, 
/**
 * Height in pixels.
 */
height: number, };

export type AddGeneratedRequest = { 
/**
 * The job that made it.
 */
jobId: JobId, 
/**
 * The item's index within the job.
 */
index: number, };

export type AudioRole = "voice" | "bed";

export type AddAudioRequest = { 
/**
 * The clip.
 */
clip: number, 
/**
 * As what.
 */
role: AudioRole, };

export const ERROR_CODES: readonly ErrorCode[] = ["RUNTIME_MISSING", "RUNTIME_INCOMPATIBLE", "MANIFEST_INVALID", "MODEL_MISSING", "MODEL_HASH_MISMATCH", "MODEL_INVALID", "INFERENCE_FAILED", "INVALID_REQUEST", "JOB_NOT_FOUND", "IO", "MEDIA_INVALID", "PROJECT_INVALID", "RENDER_FAILED", "TOOL_MISSING", "AUDIO_DEVICE_UNAVAILABLE", "INTERNAL"];
export const MAX_FACE_COUNT = 1024;
export const MAX_SEED = 9007199254740991;
export const MAX_ANIMATION_FRAMES = 600;
export const MAX_ANIMATION_FPS = 60;
export const MAX_UPSCALE_SIDE = 4096;
export const MAX_SMOOTHING = 0.95;
export const PEAK_BUCKETS = 480;
export const MAX_SPEECH_CHARS = 5000;
