/**
 * The Restyle tool against the fake backend (src/test/backend.ts): a photo or a clip dropped from
 * the desktop onto the panel (or its path typed), the request, progress, the before/after compare,
 * "Add to post", cancel, and errors in words.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import {
  emitFileDrag,
  installProjectBackend,
  readyStatus,
  removeBackend,
  restyleModel,
  faceModel,
  stubCanvas,
  stubLayout,
  textModel,
  type FakeBackendOptions,
  type FakeProjectOptions,
} from './test/backend';

// Job events are applied once per frame: wait past it, then let Svelte render.
const frame = async () => {
  await new Promise((r) => setTimeout(r, 40));
  await tick();
};

afterEach(() => {
  removeBackend();
});

const PHOTO = '/home/me/Pictures/beach.jpg';
const CLIP = '/home/me/Videos/clip.mp4';
/**
 * Where the stubbed layout puts the Restyle drop zone: over the (stubbed, 800x600) canvas, so a
 * test can tell which of the two takes a drop (in the app they do not overlap).
 */
const DROP_ZONE = { left: 500, top: 100, width: 300, height: 140 };
const inDropZone = { x: 600, y: 150 };

async function renderRestyle(options: FakeBackendOptions = {}, project: FakeProjectOptions = {}) {
  const backend = installProjectBackend(project, options);
  stubCanvas();
  stubLayout(800, 600, {
    'media-bin': { left: 0, top: 600, width: 800, height: 100 },
    'restyle-drop': DROP_ZONE,
  });
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  await fireEvent.click(screen.getByTestId('tool-restyle'));
  return backend;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const restyleButton = () => byId<HTMLButtonElement>('restyle-button');
const stateText = () => byId('restyle-state').textContent;

async function choose(path: string) {
  await fireEvent.input(byId('restyle-path'), { target: { value: path } });
}

describe('the Restyle tool', () => {
  it('is a tool of the rail; its panel replaces the others', async () => {
    await renderRestyle();
    expect(byId('tool-restyle').getAttribute('aria-pressed')).toBe('true');
    expect(byId('restyle-panel').hidden).toBe(false);
    expect(screen.getByRole('heading', { name: 'Restyle', level: 2 })).toBeTruthy();
    // Labelled controls, in the order they are used.
    expect(screen.getByLabelText("Or enter the file's path")).toBe(byId('restyle-path'));
    expect(screen.getByRole('radio', { name: 'Photo → clip-art' })).toHaveProperty('checked', true);
    expect(screen.getByRole('radio', { name: 'Clip-art → photo' })).toHaveProperty('checked', false);
    expect(screen.getByLabelText('Strength')).toBe(byId('restyle-strength'));
    expect(restyleButton().disabled).toBe(true);
    expect(byId('restyle-licence').textContent).toContain('Openclipart');
  });

  it('takes a photo dropped from the desktop on its drop zone, not on the canvas', async () => {
    const backend = await renderRestyle();
    await emitFileDrag('over', inDropZone, [PHOTO]);
    await waitFor(() => expect(byId('restyle-drop').classList.contains('drop-target')).toBe(true));
    await emitFileDrag('drop', inDropZone, [PHOTO]);
    await waitFor(() => expect(byId('restyle-drop-file').textContent).toContain('beach.jpg'));
    expect(byId('restyle-drop').classList.contains('drop-target')).toBe(false);
    expect(byId('restyle-drop-file').textContent).toContain('photo');
    expect(byId<HTMLInputElement>('restyle-path').value).toBe(PHOTO);
    // Nothing was imported into the post.
    expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(false);
    expect(restyleButton().disabled).toBe(false);
  });

  it('keeps the first of several dropped files and says so', async () => {
    await renderRestyle();
    await emitFileDrag('drop', inDropZone, [CLIP, PHOTO]);
    await waitFor(() => expect(byId('restyle-drop-file').textContent).toContain('clip.mp4'));
    expect(byId('restyle-drop-file').textContent).toContain('clip');
    await waitFor(() => expect(byId('notice').textContent).toContain('Restyle takes one file at a time: using clip.mp4.'));
  });

  it('restyles a photo: progress by tiles, the compare slider, then Add to post', async () => {
    const backend = await renderRestyle();
    await choose(`  "${PHOTO}" `);
    await fireEvent.click(screen.getByRole('radio', { name: 'Clip-art → photo' }));
    await fireEvent.input(byId('restyle-strength'), { target: { value: '0.75' } });
    expect(screen.queryByTestId('restyle-smoothing')).toBeNull();
    await fireEvent.click(restyleButton());

    const call = backend.lastRestyle();
    expect(call.command).toBe('restyle_image');
    expect(call.request).toEqual({ input: PHOTO, model: 'restyle-photo', strength: 0.75 });
    const events = call.events();
    // 640x480 is two 512 px tiles wide: started, progress x2, restyled, finished.
    expect(events.map((e) => e.event)).toEqual(['started', 'progress', 'progress', 'restyled', 'finished']);
    call.emit(...events.slice(0, 2));
    await frame();
    expect(stateText()).toBe('Restyling the photo…');
    expect(byId('restyle-progress-count').textContent).toMatch(/^tile 1\/2 · /);
    expect(byId('restyle-cancel')).toBeTruthy();

    call.emit(...events.slice(2));
    await frame();
    expect(stateText()).toBe('Done: restyled 640 × 480');
    expect(screen.queryByTestId('restyle-progress')).toBeNull();
    const before = byId<HTMLImageElement>('compare-before');
    const after = byId<HTMLImageElement>('compare-after');
    expect(before.getAttribute('src')).toBe(`postcraft://localhost/jobs/${call.jobId}/1.png`);
    expect(after.getAttribute('src')).toBe(`postcraft://localhost/jobs/${call.jobId}/0.png`);
    // Same size, one over the other.
    expect([before.getAttribute('width'), before.getAttribute('height')]).toEqual(['640', '480']);
    expect([after.getAttribute('width'), after.getAttribute('height')]).toEqual(['640', '480']);

    await fireEvent.click(byId('restyle-add-to-post'));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'add_generated_layer')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'add_generated_layer')!.args).toEqual({
      request: { jobId: call.jobId, index: 0 },
    });
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(1));
    expect(backend.view().post.layers[0]!.content).toMatchObject({ type: 'image' });
    expect(backend.view().post.layers[0]!.name).toBe('Restyled photo');
  });

  it('moves the compare split by keyboard and by pointer', async () => {
    const backend = await renderRestyle();
    await choose(PHOTO);
    await fireEvent.click(restyleButton());
    backend.lastRestyle().emit(...backend.lastRestyle().events());
    await frame();

    const handle = screen.getByRole('slider', { name: /split between original and restyled/i });
    expect(handle).toBe(byId('compare-handle'));
    expect(handle.tabIndex).toBe(0);
    expect(handle.getAttribute('aria-valuenow')).toBe('50');
    const clip = () => byId('compare-before').style.clipPath;
    expect(clip()).toBe('inset(0 50% 0 0)');

    await fireEvent.keyDown(handle, { key: 'ArrowRight' });
    expect(handle.getAttribute('aria-valuenow')).toBe('55');
    await fireEvent.keyDown(handle, { key: 'PageDown' });
    expect(handle.getAttribute('aria-valuenow')).toBe('30');
    await fireEvent.keyDown(handle, { key: 'End' });
    expect(handle.getAttribute('aria-valuenow')).toBe('100');
    expect(handle.getAttribute('aria-valuetext')).toBe('100% original');
    expect(clip()).toBe('inset(0 0% 0 0)');
    await fireEvent.keyDown(handle, { key: 'Home' });
    expect(handle.getAttribute('aria-valuenow')).toBe('0');

    // The stubbed layout makes the frame 800 px wide from x 0: a press at 200 is 25%.
    const frameEl = byId('compare');
    await fireEvent.pointerDown(frameEl, { clientX: 200, clientY: 10, pointerId: 1, button: 0 });
    expect(handle.getAttribute('aria-valuenow')).toBe('25');
    await fireEvent.pointerMove(frameEl, { clientX: 600, clientY: 10, pointerId: 1 });
    expect(handle.getAttribute('aria-valuenow')).toBe('75');
    await fireEvent.pointerUp(frameEl, { clientX: 600, clientY: 10, pointerId: 1 });
    await fireEvent.pointerMove(frameEl, { clientX: 100, clientY: 10, pointerId: 1 });
    expect(handle.getAttribute('aria-valuenow')).toBe('75');
  });

  it('restyles a clip with smoothing: frames, fps and time left, then the file and Add to post', async () => {
    const backend = await renderRestyle();
    await choose(CLIP);
    expect(byId('restyle-drop-file').textContent).toContain('clip');
    expect(byId('restyle-output-note').textContent).toBe('Saved beside the clip as clip-restyled.mp4.');
    await fireEvent.input(byId('restyle-smoothing'), { target: { value: '0.8' } });
    await fireEvent.click(restyleButton());

    const call = backend.lastRestyle();
    expect(call.command).toBe('restyle_video');
    expect(call.request).toEqual({ input: CLIP, output: '', model: 'restyle-cartoon', strength: 1, smoothing: 0.8 });
    const events = call.events();
    expect(events.at(0)).toEqual({ event: 'started', jobId: call.jobId, total: 25 });
    // started, 12 frames done.
    call.emit(...events.slice(0, 13));
    await frame();
    expect(stateText()).toBe('Restyling the clip…');
    const progress = byId('restyle-progress');
    expect(progress.getAttribute('role')).toBe('progressbar');
    expect(progress.getAttribute('aria-valuenow')).toBe('12');
    expect(progress.getAttribute('aria-valuemax')).toBe('25');
    expect(byId('restyle-progress-count').textContent).toBe('frame 12/25 · 5.1 fps · 3 s left');

    call.emit(...events.slice(13));
    await frame();
    expect(stateText()).toBe('Done: 25 frames written');
    expect(byId('restyle-file-path').textContent).toBe('/home/me/Videos/clip-restyled.mp4');
    expect(byId('restyle-file-details').textContent).toBe('25 frames, 160 × 120, with sound');
    expect(screen.queryByTestId('compare')).toBeNull();

    await fireEvent.click(byId('restyle-add-to-post'));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'import_media')!.args).toEqual({
      request: { paths: ['/home/me/Videos/clip-restyled.mp4'], place: true, at: null },
    });
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(1));
    expect(backend.view().post.layers[0]!.content).toEqual({ type: 'video', asset: 'assets/clip-restyled.mp4' });
  });

  it('cancels a clip: the job is asked to stop and no file is offered', async () => {
    const backend = await renderRestyle();
    await choose(CLIP);
    await fireEvent.click(restyleButton());
    const call = backend.lastRestyle();
    call.emit(...call.events().slice(0, 6));
    await frame();
    await fireEvent.click(byId('restyle-cancel'));
    expect(backend.cancelCalls).toEqual([call.jobId]);
    expect(stateText()).toBe('Cancelling…');
    call.emit({ event: 'finished', jobId: call.jobId, done: 5, outcome: { state: 'cancelled' } });
    await frame();
    expect(stateText()).toBe('Cancelled after 5 of 25 frames; no file was written.');
    expect(screen.queryByTestId('restyle-file')).toBeNull();
    expect(screen.queryByTestId('restyle-cancel')).toBeNull();
    expect(screen.queryByTestId('restyle-error')).toBeNull();
  });

  it('says in words why a file that is no picture was refused', async () => {
    await renderRestyle();
    await choose('/home/me/notes.txt');
    await fireEvent.click(restyleButton());
    const error = await screen.findByTestId('restyle-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.dataset.code).toBe('MEDIA_INVALID');
    expect(stateText()).toBe('notes.txt could not be opened as an image: not a PNG, JPEG, WebP, GIF or BMP file');
    expect(error.textContent).toContain('Pick a photo (PNG, JPEG, WebP, GIF or BMP) or a clip');
    expect(screen.queryByTestId('compare')).toBeNull();
  });

  it('says why a malformed clip was refused at once', async () => {
    await renderRestyle();
    await choose('/home/me/Videos/broken.mp4');
    await fireEvent.click(restyleButton());
    const error = await screen.findByTestId('restyle-error');
    expect(error.dataset.code).toBe('MEDIA_INVALID');
    expect(stateText()).toContain('broken.mp4 is not a readable video');
  });

  it('shows a job that failed in words, with what to do', async () => {
    const backend = await renderRestyle();
    await choose(PHOTO);
    await fireEvent.click(restyleButton());
    const call = backend.lastRestyle();
    call.emit(call.events()[0]!, {
      event: 'finished',
      jobId: call.jobId,
      done: 0,
      outcome: { state: 'failed', error: { code: 'INFERENCE_FAILED', message: 'The model run failed: out of memory.' } },
    });
    await frame();
    expect(byId('restyle-error').dataset.code).toBe('INFERENCE_FAILED');
    expect(stateText()).toBe('The model run failed: out of memory.');
    expect(byId('restyle-error').textContent).toContain('Try again, perhaps with a smaller photo');
  });

  it('explains a missing restyle model and keeps Restyle off', async () => {
    const missing = { code: 'MODEL_MISSING' as const, message: 'the model file restyle-cartoon.onnx is missing' };
    await renderRestyle({
      status: readyStatus({ models: [faceModel(), textModel(), restyleModel('restyle-cartoon', { loaded: false, error: missing })] }),
    });
    await choose(PHOTO);
    expect(restyleButton().disabled).toBe(true);
    const problem = byId('restyle-setup-problem');
    expect(problem.textContent).toContain('restyle-cartoon.onnx is missing');
    expect(problem.textContent).toContain('./scripts/run');
    // The other direction is not in this manifest at all.
    await fireEvent.click(screen.getByRole('radio', { name: 'Clip-art → photo' }));
    expect(byId('restyle-setup-problem').textContent).toContain('lists no "restyle-photo" model');
  });

  it('names a missing ffmpeg when a clip cannot be read', async () => {
    await renderRestyle({ ffmpegMissing: true });
    await choose(CLIP);
    await fireEvent.click(restyleButton());
    const error = await screen.findByTestId('restyle-error');
    expect(error.dataset.code).toBe('IO');
    expect(stateText()).toContain('ffmpeg was not found');
  });

  it('needs a project for Add to post', async () => {
    const backend = await renderRestyle({}, { project: 'none' });
    await choose(PHOTO);
    await fireEvent.click(restyleButton());
    backend.lastRestyle().emit(...backend.lastRestyle().events());
    await frame();
    const add = byId<HTMLButtonElement>('restyle-add-to-post');
    expect(add.disabled).toBe(true);
    expect(add.title).toBe('Open a project first');
  });

  it('leaves drops on the canvas to the canvas while the Restyle panel is hidden', async () => {
    const backend = await renderRestyle();
    await fireEvent.click(byId('tool-image'));
    // The hidden panel's zone does not take drops, even where the stub says it is.
    await emitFileDrag('drop', inDropZone, [PHOTO]);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'import_media')!.args).toMatchObject({ request: { paths: [PHOTO], place: true } });
    await fireEvent.click(byId('tool-restyle'));
    expect(within(byId('restyle-drop')).queryByTestId('restyle-drop-file')).toBeNull();
  });
});
