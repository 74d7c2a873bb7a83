import { afterEach, describe, expect, it } from 'vitest';

import { vi } from 'vitest';

import {
  completedJob,
  emitFileDrag,
  installBackend,
  installProjectBackend,
  layer,
  readyStatus,
  shape,
  removeBackend,
  writeJobEvents,
  writeResult,
  writeVariant,
} from '../../test/backend';
import {
  addLayer,
  applyEdits,
  assetThumbnailUrl,
  editPreview,
  editPreviewUrl,
  exportPost,
  fetchPreview,
  importMedia,
  onFileDrag,
  previewUrl,
  projectCreate,
  projectCurrent,
  type FileDragEvent,
  scaledMediaUrl,
  appStatus,
  cancelJob,
  generateImages,
  insideTauri,
  generateHits,
  interpolateImages,
  isIpcError,
  makeBeat,
  mixAudio,
  playerControl,
  playerPlayClip,
  playerSubscribe,
  speak,
  type PlayerReport,
  restyleImage,
  restyleVideo,
  toIpcError,
  writeText,
  type JobEvent,
  type WriteRequest,
} from './index';

afterEach(() => {
  removeBackend();
});

describe('toIpcError', () => {
  it('keeps a well-formed error and drops extra fields', () => {
    const error = { code: 'MODEL_HASH_MISMATCH', message: 'The model file changed.', extra: 1 };
    expect(toIpcError(error)).toEqual({
      code: 'MODEL_HASH_MISMATCH',
      message: 'The model file changed.',
    });
    expect(isIpcError(error)).toBe(true);
  });

  it.each([
    ['a string', 'command generate_images not found', 'command generate_images not found'],
    ['an Error', new TypeError('x is undefined'), 'x is undefined'],
    ['an unknown code', { code: 'NOPE', message: 'odd' }, 'odd'],
  ])('maps %s to INTERNAL', (_what, input, message) => {
    expect(toIpcError(input)).toEqual({ code: 'INTERNAL', message });
  });

  it.each([undefined, null, 42, '', {}, { code: 'IO' }])('gives %j a generic message', (input) => {
    const error = toIpcError(input);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/went wrong/);
    expect(isIpcError(input)).toBe(false);
  });
});

describe('commands', () => {
  it('reports no app when the Tauri internals are absent', () => {
    expect(insideTauri()).toBe(false);
    installBackend();
    expect(insideTauri()).toBe(true);
  });

  it('appStatus invokes app_status', async () => {
    const backend = installBackend({ status: readyStatus({ version: '9.9.9' }) });
    await expect(appStatus()).resolves.toMatchObject({ version: '9.9.9' });
    expect(backend.commands).toEqual(['app_status']);
  });

  it('generateImages sends the request and a channel, and delivers events in order', async () => {
    const backend = installBackend();
    const received: JobEvent[] = [];
    const jobId = await generateImages({ count: 2, seed: 42 }, (e) => received.push(e));
    expect(jobId).toBe(1);

    const call = backend.last();
    expect(call.request).toEqual({ count: 2, seed: 42 });
    expect(typeof call.channel.id).toBe('number');

    const stream = completedJob(1, 2);
    call.emit(...stream);
    expect(received).toEqual(stream);
  });

  it('generateImages rejects with the IpcError of the backend', async () => {
    installBackend({
      generateError: { code: 'RUNTIME_MISSING', message: 'ONNX Runtime was not found.' },
    });
    await expect(generateImages({ count: 1, seed: 0 }, () => {})).rejects.toEqual({
      code: 'RUNTIME_MISSING',
      message: 'ONNX Runtime was not found.',
    });
  });

  it('normalizes a rejection that is not an IpcError', async () => {
    installBackend({ generateError: 'IPC channel closed' });
    await expect(generateImages({ count: 1, seed: 0 }, () => {})).rejects.toEqual({
      code: 'INTERNAL',
      message: 'IPC channel closed',
    });
  });

  const WRITE: WriteRequest = {
    tool: 'caption',
    platform: 'x',
    topic: 'sunset at the beach',
    keywords: ['golden'],
    tone: 'playful',
    text: '',
    shorter: false,
    variants: 2,
    seed: 7,
    temperature: null,
  };

  it('writeText sends the request and a channel, and delivers the stream in order', async () => {
    const backend = installBackend();
    const received: JobEvent[] = [];
    const jobId = await writeText(WRITE, (e) => received.push(e));
    expect(jobId).toBe(1);
    const call = backend.lastWrite();
    expect(call.request).toEqual(WRITE);
    expect(typeof call.channel.id).toBe('number');
    const stream = writeJobEvents(1, ['Golden hour.', 'Sun!'], writeResult(WRITE, [writeVariant(0, 'Golden hour.')]));
    call.emit(...stream);
    expect(received).toEqual(stream);
    expect(backend.commands).toEqual(['write_text']);
  });

  it('writeText rejects as the engine does: an incomplete request, or no model', async () => {
    installBackend();
    await expect(writeText({ ...WRITE, topic: '  ' }, () => {})).rejects.toEqual({
      code: 'INVALID_REQUEST',
      message: 'caption needs a topic',
    });
    await expect(writeText({ ...WRITE, variants: 7 }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(writeText({ ...WRITE, platform: 'myspace' }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    removeBackend();
    installBackend({ writeError: { code: 'MODEL_MISSING', message: 'smollm2-135m.onnx is missing.' } });
    await expect(writeText(WRITE, () => {})).rejects.toEqual({
      code: 'MODEL_MISSING',
      message: 'smollm2-135m.onnx is missing.',
    });
  });

  it('generateImages sends generate_images; the engine refuses what it cannot run', async () => {
    const backend = installBackend();
    await generateImages({ model: 'dcgan-stickers', count: 2, seed: 1, upscale: { longest: 1080, sharpen: 0.5 } }, () => {});
    expect(backend.commands).toEqual(['generate_images']);
    expect(backend.last().events().map((e) => e.event)).toEqual(['started', 'image', 'progress', 'image', 'progress', 'finished']);
    await expect(generateImages({ model: 'nope', count: 1, seed: 1 }, () => {})).rejects.toEqual({
      code: 'MODEL_MISSING',
      message: 'no model `nope` in the manifest',
    });
    await expect(generateImages({ count: 1, seed: 1, vary: { index: 0, strength: 2 } }, () => {})).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('interpolateImages sends the request and a channel, and delivers the stream in order', async () => {
    const backend = installBackend();
    const received: JobEvent[] = [];
    const request = {
      model: 'dcgan-faces',
      fromSeed: 42,
      fromIndex: 0,
      toSeed: 7,
      toIndex: 2,
      frames: 3,
      fps: 12,
      pingPong: false,
      format: 'gif' as const,
      output: '/p/a.gif',
    };
    const jobId = await interpolateImages(request, (e) => received.push(e));
    const call = backend.lastAnimation();
    expect(call.request).toEqual(request);
    expect(call.jobId).toBe(jobId);
    const stream = call.events();
    expect(stream.map((e) => e.event)).toEqual(['started', 'progress', 'progress', 'progress', 'fileWritten', 'finished']);
    call.emit(...stream);
    expect(received).toEqual(stream);
    await expect(interpolateImages({ ...request, frames: 601 }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(interpolateImages({ ...request, output: '' }, () => {})).rejects.toEqual({
      code: 'INVALID_REQUEST',
      message: 'the output file is missing',
    });
  });

  it('restyleImage and restyleVideo send their requests; a file that is no media is refused with MEDIA_INVALID', async () => {
    const backend = installBackend();
    const received: JobEvent[] = [];
    await restyleImage({ input: '/home/me/Pictures/beach.jpg', model: 'restyle-photo', strength: 0.5 }, (e) => received.push(e));
    const photo = backend.lastRestyle();
    expect(photo.command).toBe('restyle_image');
    photo.emit(...photo.events());
    expect(received.map((e) => e.event)).toEqual(['started', 'progress', 'progress', 'restyled', 'finished']);

    await restyleVideo(
      { input: '/home/me/Videos/silent.webm', output: '', model: 'restyle-cartoon', strength: 1, smoothing: 0.5 },
      () => {},
    );
    const clip = backend.lastRestyle();
    expect(clip.command).toBe('restyle_video');
    expect(clip.events().at(-2)).toEqual({
      event: 'fileWritten',
      jobId: clip.jobId,
      path: '/home/me/Videos/silent-restyled.mp4',
      width: 320,
      height: 240,
      frames: 50,
      hasAudio: false,
    });
    expect(backend.commands).toEqual(['restyle_image', 'restyle_video']);

    await expect(restyleImage({ input: '/home/me/notes.txt', strength: 1 }, () => {})).rejects.toMatchObject({
      code: 'MEDIA_INVALID',
    });
    await expect(restyleImage({ input: '/nowhere.png', strength: 1 }, () => {})).rejects.toEqual({
      code: 'MEDIA_INVALID',
      message: 'nowhere.png could not be opened as an image: No such file or directory (os error 2)',
    });
    await expect(
      restyleVideo({ input: '/home/me/Videos/broken.mp4', output: '', strength: 1, smoothing: 0.5 }, () => {}),
    ).rejects.toMatchObject({ code: 'MEDIA_INVALID' });
    await expect(
      restyleVideo({ input: '/home/me/Videos/clip.mp4', output: '', strength: 1, smoothing: 0.99 }, () => {}),
    ).rejects.toEqual({ code: 'INVALID_REQUEST', message: 'smoothing must be between 0 and 0.95, not 0.99' });
  });

  it('cancelJob passes the job id', async () => {
    const backend = installBackend({ cancelResult: false });
    await expect(cancelJob(12)).resolves.toBe(false);
    expect(backend.cancelCalls).toEqual([12]);
  });
});

describe('sound commands', () => {
  it('speak sends the request and a channel; the stream says each sentence, then the clip', async () => {
    const backend = installBackend();
    const received: JobEvent[] = [];
    const request = { text: 'One. Two.', voice: 'piper-joe-medium', sentenceSilence: 0.2, play: false };
    const jobId = await speak(request, (e) => received.push(e));
    expect(backend.commands).toEqual(['speak']);
    expect(backend.lastSpeak().request).toEqual(request);
    const stream = backend.lastSpeak().events();
    backend.lastSpeak().emit(...stream);
    expect(received).toEqual(stream);
    expect(received.filter((e) => e.event === 'speechSentence')).toHaveLength(2);
    expect(received.at(-2)).toMatchObject({ event: 'audioClip', jobId, index: 0, clip: { kind: 'voice' } });
    await expect(speak({ ...request, lengthScale: 9 }, () => {})).rejects.toEqual({
      code: 'INVALID_REQUEST',
      message: 'length scale must be between 0.25 and 4, not 9',
    });
  });

  it('generateHits, makeBeat and mixAudio send their commands; the engine refuses what it cannot make', async () => {
    const backend = installBackend();
    await generateHits({ kind: 'hat', count: 2, seed: 1 }, () => {});
    await makeBeat({ preset: 'backbeat', lanes: [], bpm: 120, bars: 1, swing: 0, seed: 1 }, () => {});
    expect(backend.commands).toEqual(['generate_hits', 'make_beat']);
    const beat = backend.lastBeat().events().find((e) => e.event === 'audioClip');
    if (beat?.event !== 'audioClip') throw new Error('no beat');
    expect(beat.clip.durationSeconds).toBe(2);
    await mixAudio({ bed: beat.clip.id, voiceOffsetSeconds: 0, duckingDb: 10, bedGainDb: -12, fadeInSeconds: 0, fadeOutSeconds: 0 }, () => {});
    expect(backend.commands.at(-1)).toBe('mix_audio');
    await expect(generateHits({ kind: 'cowbell', count: 1, seed: 1 }, () => {})).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(makeBeat({ preset: 'polka', lanes: [], bpm: 120, bars: 1, swing: 0, seed: 1 }, () => {})).rejects.toEqual({
      code: 'INVALID_REQUEST',
      message: 'no beat preset `polka`',
    });
    await expect(
      mixAudio({ voice: 99, voiceOffsetSeconds: 0, duckingDb: 0, bedGainDb: 0, fadeInSeconds: 0, fadeOutSeconds: 0 }, () => {}),
    ).rejects.toEqual({ code: 'JOB_NOT_FOUND', message: 'no sound clip 99 (expired?)' });
  });

  it('playerSubscribe answers the state and passes on every report; play and control send their arguments', async () => {
    const backend = installBackend();
    const reports: PlayerReport[] = [];
    const first = await playerSubscribe((r) => reports.push(r));
    expect(first.status).toBe('idle');
    await generateHits({ kind: 'kick', count: 1, seed: 1 }, () => {});
    // The job's clips exist once the engine made them (its events).
    expect(backend.clips.size).toBe(0);
    backend.lastHits().events();
    const id = [...backend.clips.keys()][0]!;
    await playerPlayClip(id);
    await playerControl({ action: 'seek', seconds: 0.25 });
    expect(backend.player.played).toEqual([id]);
    expect(backend.player.actions).toEqual([{ action: 'seek', seconds: 0.25 }]);
    expect(reports.map((r) => [r.status, r.clip, r.positionSeconds])).toEqual([
      ['playing', id, 0],
      ['playing', id, 0.25],
    ]);
  });

  it('the player commands reject with AUDIO_DEVICE_UNAVAILABLE without a sound card', async () => {
    installBackend({ audioDevice: false });
    await expect(playerSubscribe(() => {})).rejects.toMatchObject({ code: 'AUDIO_DEVICE_UNAVAILABLE' });
    await expect(playerControl({ action: 'play' })).rejects.toMatchObject({ code: 'AUDIO_DEVICE_UNAVAILABLE' });
  });
});

describe('scaledMediaUrl', () => {
  it('asks the engine for an upscaled copy', () => {
    expect(scaledMediaUrl('postcraft://localhost/jobs/3/7.png', 8)).toBe(
      'postcraft://localhost/jobs/3/7.png?scale=8',
    );
    expect(scaledMediaUrl('postcraft://localhost/jobs/3/7.png?x=1', 2.6)).toBe(
      'postcraft://localhost/jobs/3/7.png?x=1&scale=3',
    );
    expect(scaledMediaUrl('postcraft://localhost/jobs/3/7.png', 0)).toContain('scale=1');
  });
});

describe('project commands', () => {
  it('send the argument shapes of the Rust commands', async () => {
    const backend = installProjectBackend();
    await projectCurrent();
    await projectCreate(null, 'tiktok');
    await applyEdits({ edits: [{ edit: 'set-slides', slides: 2 }], gesture: 'drag-1' });
    await addLayer({ content: { type: 'image', asset: 'assets/a.png' }, name: null, at: [1, 2] });
    await importMedia({ paths: ['/a.png'], place: false, at: null });
    await exportPost({ preset: null, format: 'png', out: null });
    expect(backend.calls).toEqual([
      { cmd: 'project_current', args: {} },
      { cmd: 'project_create', args: { dir: null, preset: 'tiktok' } },
      { cmd: 'apply_edits', args: { request: { edits: [{ edit: 'set-slides', slides: 2 }], gesture: 'drag-1' } } },
      { cmd: 'add_layer', args: { request: { content: { type: 'image', asset: 'assets/a.png' }, name: null, at: [1, 2] } } },
      { cmd: 'import_media', args: { request: { paths: ['/a.png'], place: false, at: null } } },
      { cmd: 'export_post', args: { request: { preset: null, format: 'png', out: null } } },
    ]);
  });

  it('reject with the IpcError of the backend', async () => {
    installProjectBackend({ project: 'error' });
    await expect(projectCurrent()).rejects.toEqual({ code: 'IO', message: 'The projects folder is not writable.' });
  });
});

describe('preview and media URLs', () => {
  it('builds the scheme URLs with convertFileSrc', () => {
    installProjectBackend();
    expect(previewUrl({ revision: 7, width: 400, height: 500, overlays: true })).toBe(
      'postcraft://localhost/preview?rev=7&w=400&h=500&overlays=1',
    );
    expect(assetThumbnailUrl('assets/a b#1.png')).toBe('postcraft://localhost/asset/assets/a%20b%231.png?max=256');
  });

  it('falls back to the postcraft:// form outside the app', () => {
    expect(previewUrl({ revision: 1, width: 2, height: 3, overlays: false })).toBe(
      'postcraft://localhost/preview?rev=1&w=2&h=3&overlays=0',
    );
  });

  it('fetches W*H*4 bytes and refuses any other length', async () => {
    const backend = installProjectBackend();
    const frame = await fetchPreview({ revision: 3, width: 4, height: 2, overlays: false });
    expect(frame.pixels).toHaveLength(32);
    expect(backend.previewCalls).toEqual([{ rev: 3, w: 4, h: 2, overlays: false }]);

    // The engine says which revision it rendered (it may be newer than the one asked for).
    vi.stubGlobal('fetch', () =>
      Promise.resolve(new Response(new Uint8Array(32), { headers: { 'x-postcraft-revision': '5' } })),
    );
    await expect(fetchPreview({ revision: 3, width: 4, height: 2, overlays: false })).resolves.toMatchObject({
      revision: 5,
    });

    vi.stubGlobal('fetch', () => Promise.resolve(new Response(new Uint8Array(10))));
    await expect(fetchPreview({ revision: 3, width: 4, height: 2, overlays: false })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('10 bytes') as unknown,
    });
  });

  it('passes on the engine error of a failed frame', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ code: 'RENDER_FAILED', message: 'No graphics adapter.' }), { status: 500 }),
      ),
    );
    await expect(fetchPreview({ revision: 1, width: 1, height: 1, overlays: false })).rejects.toEqual({
      code: 'RENDER_FAILED',
      message: 'No graphics adapter.',
    });
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('busy', { status: 503, statusText: 'Busy' })));
    await expect(fetchPreview({ revision: 1, width: 1, height: 1, overlays: false })).rejects.toEqual({
      code: 'INTERNAL',
      message: 'The preview could not be rendered: busy',
    });
    vi.unstubAllGlobals();
  });
});

describe('editPreview', () => {
  const move = { edit: 'set-transform', id: 1, transform: { x: 10, y: 20, scale_x: 1, scale_y: 1, rotation_deg: 0 } } as const;

  it('posts the edits as a simple text/plain request and reads the frame of their revision', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return Promise.resolve(new Response(new Uint8Array(32), { headers: { 'x-postcraft-revision': '9' } }));
    });
    const frame = await editPreview({ edits: [move], gesture: 'drag-3' }, { width: 4, height: 2, overlays: true });
    expect(frame).toMatchObject({ revision: 9, width: 4, height: 2, overlays: true });
    expect(frame.pixels).toHaveLength(32);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('postcraft://localhost/preview?w=4&h=2&overlays=1');
    expect(calls[0]!.init?.method).toBe('POST');
    expect(calls[0]!.init?.headers).toEqual({ 'Content-Type': 'text/plain;charset=UTF-8' });
    expect(JSON.parse(calls[0]!.init?.body as string)).toEqual({ edits: [move], gesture: 'drag-3' });
    vi.unstubAllGlobals();
  });

  it('applies the edits in the fake engine, one gesture, and answers with the new revision', async () => {
    const backend = installProjectBackend({ layers: [layer(1, shape())] });
    expect(editPreviewUrl({ width: 4, height: 2, overlays: false })).toBe('postcraft://localhost/preview?w=4&h=2&overlays=0');
    const first = await editPreview({ edits: [move], gesture: 'drag-1' }, { width: 4, height: 2, overlays: false });
    const second = await editPreview({ edits: [move], gesture: 'drag-1' }, { width: 4, height: 2, overlays: false });
    expect([first.revision, second.revision]).toEqual([2, 3]);
    expect(backend.liveCalls.map((c) => [c.gesture, c.w, c.h, c.overlays])).toEqual([
      ['drag-1', 4, 2, false],
      ['drag-1', 4, 2, false],
    ]);
    expect(backend.view().post.layers[0]!.transform).toEqual(move.transform);
    expect(backend.previewCalls).toEqual([]);
  });

  it('refuses a frame of the wrong size or without its revision, and passes on engine errors', async () => {
    const request = { edits: [move], gesture: null };
    const size = { width: 4, height: 2, overlays: false };
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(new Uint8Array(32))));
    await expect(editPreview(request, size)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('x-postcraft-revision') as unknown,
    });
    vi.stubGlobal('fetch', () =>
      Promise.resolve(new Response(new Uint8Array(8), { headers: { 'x-postcraft-revision': '2' } })),
    );
    await expect(editPreview(request, size)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('8 bytes') as unknown,
    });
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ code: 'INVALID_REQUEST', message: 'no layer 1 in the post' }), { status: 404 }),
      ),
    );
    await expect(editPreview(request, size)).rejects.toEqual({ code: 'INVALID_REQUEST', message: 'no layer 1 in the post' });
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Load failed')));
    await expect(editPreview(request, size)).rejects.toEqual({ code: 'INTERNAL', message: 'Load failed' });
    vi.unstubAllGlobals();
  });
});

describe('onFileDrag', () => {
  it('does nothing outside the app', async () => {
    const stop = await onFileDrag(() => {});
    expect(() => stop()).not.toThrow();
  });

  it('turns physical positions into CSS pixels', async () => {
    installBackend();
    vi.stubGlobal('devicePixelRatio', 2);
    const events: FileDragEvent[] = [];
    const stop = await onFileDrag((e) => events.push(e));
    await emitFileDrag('enter', { x: 200, y: 100 }, ['/a.png']);
    await emitFileDrag('drop', { x: 400, y: 300 }, ['/a.png']);
    await emitFileDrag('leave');
    expect(events).toEqual([
      { type: 'enter', x: 100, y: 50 },
      { type: 'drop', x: 200, y: 150, paths: ['/a.png'] },
      { type: 'leave' },
    ]);
    stop();
  });
});
