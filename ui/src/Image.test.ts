/**
 * The Image tool's models, upscale, variations and animations against the fake backend
 * (src/test/backend.ts). Generating, cancelling and adding faces: App.test.ts.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import {
  faceModel,
  installProjectBackend,
  PROJECT_DIR,
  readyStatus,
  removeBackend,
  stickerModel,
  stubCanvas,
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

async function renderImage(options: FakeBackendOptions = {}, project: FakeProjectOptions = {}) {
  const backend = installProjectBackend(project, options);
  stubCanvas();
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  if (project.project !== 'none') {
    await waitFor(() => expect(screen.getByTestId('project-name').textContent).toContain('My post'));
  }
  return backend;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const images = () => screen.queryAllByTestId<HTMLImageElement>('face');
const generateButton = () => byId<HTMLButtonElement>('generate-button');

async function type(id: string, value: string) {
  await fireEvent.input(byId(id), { target: { value } });
}

/** Generates `count` images with `seed` and lets the job complete. */
async function generate(backend: Awaited<ReturnType<typeof renderImage>>, count: number, seed: number) {
  await type('face-count', String(count));
  await type('face-seed', String(seed));
  await fireEvent.click(generateButton());
  const call = backend.last();
  call.emit(...call.events());
  await frame();
  return call;
}

describe('models', () => {
  it('picks Faces or Stickers, with the chosen model in the request and its licence shown', async () => {
    const backend = await renderImage();
    const faces = screen.getByRole('radio', { name: 'Faces' });
    const stickers = screen.getByRole('radio', { name: 'Stickers' });
    expect(faces).toHaveProperty('checked', true);
    expect(byId('model-licence').textContent).toContain('gan-face-generate');
    expect(byId('model-note').textContent).toContain('check before commercial use');

    await fireEvent.click(stickers);
    expect(stickers).toHaveProperty('checked', true);
    expect(screen.getByRole('heading', { name: 'Generate stickers' })).toBeTruthy();
    expect(byId('model-licence').textContent).toBe('Model licence: MIT (Postcraft); trained on Noto Color Emoji (OFL-1.1)');
    expect(byId('model-note').textContent).not.toContain('commercial use');

    const call = await generate(backend, 3, 9);
    expect(call.request).toEqual({ model: 'dcgan-stickers', count: 3, seed: 9 });
    expect(byId('job-state').textContent).toBe('Done: 3 stickers');
    expect(images().map((img) => img.alt)).toEqual(['Sticker 1', 'Sticker 2', 'Sticker 3']);
    // Shown over a checkerboard: stickers are transparent.
    expect(images()[0]!.closest('button')!.classList.contains('checkerboard')).toBe(true);
    expect(screen.getByRole('list', { name: 'Generated stickers' })).toBeTruthy();
  });

  it('explains a model that failed to load, only while it is chosen', async () => {
    const broken = { code: 'MODEL_HASH_MISMATCH' as const, message: 'dcgan-stickers.onnx does not match the manifest.' };
    await renderImage({
      status: readyStatus({ models: [faceModel(), textModel(), stickerModel({ loaded: false, error: broken })] }),
    });
    expect(screen.queryByTestId('setup-problem')).toBeNull();
    await fireEvent.click(screen.getByRole('radio', { name: 'Stickers' }));
    expect(byId('setup-problem').textContent).toContain('does not match the manifest');
    expect(generateButton().disabled).toBe(true);
    await fireEvent.click(screen.getByRole('radio', { name: 'Faces' }));
    expect(generateButton().disabled).toBe(false);
  });
});

describe('upscale', () => {
  it('sends the post size and sharpening when "Upscale to post size" is on', async () => {
    const backend = await renderImage();
    expect(screen.queryByTestId('upscale-side')).toBeNull();
    await fireEvent.click(byId('image-upscale'));
    expect(byId<HTMLInputElement>('upscale-side').value).toBe('1080');
    expect(screen.getByLabelText('Sharpen')).toBe(byId('upscale-sharpen'));

    await type('upscale-side', '5000');
    expect(byId('upscale-side-error').textContent).toBe('The size must be from 1 to 4,096.');
    expect(generateButton().disabled).toBe(true);
    await type('upscale-side', '1080');
    await fireEvent.input(byId('upscale-sharpen'), { target: { value: '0.3' } });

    const call = await generate(backend, 2, 42);
    expect(call.request).toEqual({ model: 'dcgan-faces', count: 2, seed: 42, upscale: { longest: 1080, sharpen: 0.3 } });
    expect(images()[0]!.getAttribute('width')).toBe('1080');
  });
});

describe('variations', () => {
  it('varies the chosen image, subtle or strong, and names what the results are', async () => {
    const backend = await renderImage();
    await generate(backend, 4, 42);
    await fireEvent.click(images()[2]!);
    expect(byId('selected-name').textContent).toBe('Face 3 · seed 42');

    await fireEvent.click(byId('vary-subtle'));
    const subtle = backend.last();
    expect(subtle.request).toEqual({ model: 'dcgan-faces', count: 4, seed: 42, vary: { index: 2, strength: 0.2 } });
    // A new job clears the choice.
    expect(screen.queryByTestId('image-actions')).toBeNull();
    subtle.emit(...subtle.events());
    await frame();
    expect(byId('job-state').textContent).toBe('Done: 4 variations');
    expect(byId('results-of').textContent).toBe('Variations of Face 3, seed 42');
    expect(images().map((img) => img.alt)).toEqual([
      'Variation 1 of face 3',
      'Variation 2 of face 3',
      'Variation 3 of face 3',
      'Variation 4 of face 3',
    ]);

    // A variation is added as it is and can be animated, but is not varied again.
    await fireEvent.click(images()[1]!);
    expect(byId('variation-note').textContent).toContain('is not varied again');
    expect(screen.queryByTestId('vary-strong')).toBeNull();
    expect(screen.queryByTestId('animate-to')).not.toBeNull();
    await fireEvent.click(byId('add-to-post'));
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(1));
    expect(backend.view().post.layers[0]!.content).toMatchObject({
      type: 'generated',
      recipe: { model: 'dcgan-faces', seed: 42, index: 2, variation: { number: 1, strength: 0.2 } },
    });
  });

  it('varies strongly with the upscale setting', async () => {
    const backend = await renderImage();
    await generate(backend, 2, 7);
    await fireEvent.click(byId('image-upscale'));
    await fireEvent.click(images()[0]!);
    await fireEvent.click(byId('vary-strong'));
    expect(backend.last().request).toEqual({
      model: 'dcgan-faces',
      count: 2,
      seed: 7,
      vary: { index: 0, strength: 0.5 },
      upscale: { longest: 1080, sharpen: 0.5 },
    });
  });
});

describe('animations', () => {
  it('renders between two images of different seeds into the project folder, with progress', async () => {
    const backend = await renderImage();
    await generate(backend, 3, 42);
    await fireEvent.click(images()[0]!);
    await fireEvent.click(byId('animate-from'));
    expect(byId('animate-from-name').textContent).toBe('Face 1');
    expect(byId('animate-from-slot').textContent).toContain('Start · seed 42');
    expect(byId<HTMLButtonElement>('animate-render').disabled).toBe(true);

    // The start stays while another seed replaces the results.
    await generate(backend, 3, 7);
    await fireEvent.click(images()[2]!);
    await fireEvent.click(byId('animate-to'));
    expect(byId('animate-to-name').textContent).toBe('Face 3');
    expect(byId('animate-to-slot').textContent).toContain('End · seed 7');
    expect(byId<HTMLInputElement>('animate-output').value).toBe(`${PROJECT_DIR}/dcgan-faces-42-0-to-7-2.gif`);

    await type('animate-frames', '10');
    await type('animate-fps', '15');
    await fireEvent.click(screen.getByRole('radio', { name: 'MP4' }));
    expect(byId<HTMLInputElement>('animate-output').value).toBe(`${PROJECT_DIR}/dcgan-faces-42-0-to-7-2.mp4`);
    await fireEvent.click(byId('animate-render'));

    const call = backend.lastAnimation();
    expect(call.request).toEqual({
      model: 'dcgan-faces',
      fromSeed: 42,
      fromIndex: 0,
      toSeed: 7,
      toIndex: 2,
      frames: 10,
      fps: 15,
      pingPong: true,
      format: 'mp4',
      output: `${PROJECT_DIR}/dcgan-faces-42-0-to-7-2.mp4`,
    });
    const events = call.events();
    // Ping-pong: 10 frames forwards, 8 back.
    expect(events[0]).toEqual({ event: 'started', jobId: call.jobId, total: 18 });
    call.emit(...events.slice(0, 5));
    await frame();
    expect(byId('animate-state').textContent).toBe('Rendering 18 frames…');
    expect(byId('animate-progress').getAttribute('aria-valuenow')).toBe('4');
    expect(byId('animate-progress-count').textContent).toBe('frame 4/18');

    call.emit(...events.slice(5));
    await frame();
    expect(byId('animate-state').textContent).toBe('Done: 18 frames written');
    expect(byId('animate-file-path').textContent).toBe(`${PROJECT_DIR}/dcgan-faces-42-0-to-7-2.mp4`);
    expect(byId('animate-file-details').textContent).toBe('18 frames, 64 × 64');

    await fireEvent.click(byId('animate-add-to-post'));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'import_media')!.args).toEqual({
      request: { paths: [`${PROJECT_DIR}/dcgan-faces-42-0-to-7-2.mp4`], place: true, at: null },
    });
  });

  it('keeps a typed path, and says what is missing', async () => {
    const backend = await renderImage({}, { project: 'none' });
    await generate(backend, 2, 42);
    await fireEvent.click(images()[0]!);
    await fireEvent.click(byId('animate-from'));
    await fireEvent.click(images()[1]!);
    await fireEvent.click(byId('animate-to'));
    // No project: no folder to suggest.
    expect(byId<HTMLInputElement>('animate-output').value).toBe('');
    expect(byId('animate-error').textContent).toBe('Enter the file to write.');
    await type('animate-output', '/tmp/loop.gif');
    await type('animate-frames', '601');
    expect(byId('animate-error').textContent).toBe('The number of frames must be from 2 to 600.');
    await type('animate-frames', '2');
    await fireEvent.click(byId('animate-ping-pong'));
    await fireEvent.click(screen.getByRole('radio', { name: 'MP4' }));
    // The typed path is kept when the format changes.
    expect(byId<HTMLInputElement>('animate-output').value).toBe('/tmp/loop.gif');
    expect(screen.queryByTestId('animate-error')).toBeNull();
    await fireEvent.click(byId('animate-render'));
    expect(backend.lastAnimation().request).toMatchObject({ frames: 2, pingPong: false, format: 'mp4', output: '/tmp/loop.gif' });

    await fireEvent.click(byId('animate-to-clear'));
    expect(byId('animate-to-slot').textContent).toContain('Not chosen');
    expect(byId<HTMLButtonElement>('animate-render').disabled).toBe(true);
  });

  it('cancels, and shows a refused request in words', async () => {
    const backend = await renderImage();
    await generate(backend, 2, 42);
    await fireEvent.click(images()[0]!);
    await fireEvent.click(byId('animate-from'));
    await fireEvent.click(images()[1]!);
    await fireEvent.click(byId('animate-to'));
    await fireEvent.click(byId('animate-render'));
    const call = backend.lastAnimation();
    call.emit(...call.events().slice(0, 3));
    await frame();
    await fireEvent.click(byId('animate-cancel'));
    expect(backend.cancelCalls).toEqual([call.jobId]);
    call.emit({ event: 'finished', jobId: call.jobId, done: 2, outcome: { state: 'cancelled' } });
    await frame();
    expect(byId('animate-state').textContent).toBe('Cancelled after 2 of 46 frames; no file was written.');
    expect(screen.queryByTestId('animate-file')).toBeNull();

    // The engine cannot write there: the failure comes back in `finished`.
    await fireEvent.click(byId('animate-render'));
    const failed = backend.lastAnimation();
    failed.emit(failed.events()[0]!, {
      event: 'finished',
      jobId: failed.jobId,
      done: 0,
      outcome: { state: 'failed', error: { code: 'IO', message: 'writing /nowhere/x.gif: No such file or directory (os error 2)' } },
    });
    await frame();
    const error = byId('animate-error-state');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.dataset.code).toBe('IO');
    expect(error.textContent).toContain("Check that the output file's folder exists");
  });
});
