import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';

// Job events are applied once per frame: wait past it, then let Svelte render.
const frame = async () => {
  await new Promise((r) => setTimeout(r, 40));
  await tick();
};
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import {
  completedJob,
  faceModel,
  imageEvent,
  installProjectBackend,
  readyStatus,
  removeBackend,
  RUNTIME_PATH,
  runtimeMissingStatus,
  stubCanvas,
  type FakeBackendOptions,
} from './test/backend';

afterEach(() => {
  removeBackend();
});

async function renderStudio(options: FakeBackendOptions = {}) {
  const backend = installProjectBackend({}, options);
  stubCanvas();
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  return backend;
}

const generateButton = () => screen.getByTestId<HTMLButtonElement>('generate-button');
const faces = () => screen.queryAllByTestId<HTMLImageElement>('face');

describe('studio frame', () => {
  it('shows the tools, every one available, Image first', async () => {
    await renderStudio();
    const rail = screen.getByRole('navigation', { name: 'Tools' });
    expect(within(rail).getAllByRole('button').map((b) => b.textContent?.trim())).toEqual([
      'Image',
      'Restyle',
      'Write',
      'Voice',
      'Sound',
      'Layers',
    ]);
    expect(screen.getByTestId('tool-image').getAttribute('aria-pressed')).toBe('true');
    for (const id of ['canvas', 'write', 'voice', 'sound']) {
      expect(screen.getByTestId(`tool-${id}`).getAttribute('aria-pressed')).toBe('false');
      expect(screen.getByTestId(`tool-${id}`).getAttribute('aria-disabled')).toBeNull();
    }
    expect(screen.queryByText('coming soon')).toBeNull();
  });

  it('shows the loaded runtime and models in the status line', async () => {
    await renderStudio();
    const runtime = screen.getByTestId('runtime-status');
    expect(runtime.textContent).toContain('ONNX Runtime 1.31.1');
    expect(runtime.textContent).toContain(RUNTIME_PATH);
    expect(screen.getByTestId('model-status').textContent).toMatch(/Faces \(DCGAN, 64x64\)\s+ok/);
    expect(generateButton().disabled).toBe(false);
    expect(screen.queryByTestId('setup-problem')).toBeNull();
  });

  it('shows the model licence next to the results', async () => {
    await renderStudio();
    expect(screen.getByTestId('model-note').textContent).toContain('DigiFace-1M');
    expect(screen.getByTestId('model-licence').textContent).toContain(
      'MIT (package gan-face-generate)',
    );
  });
});

describe('set-up problems', () => {
  it('offers Retry after a set-up error and shows the fixed status', async () => {
    const backend = await renderStudio({ status: runtimeMissingStatus() });
    expect(screen.queryByTestId('status-retry')).not.toBeNull();
    backend.setStatus(readyStatus());
    await fireEvent.click(screen.getByTestId('status-retry'));
    await waitFor(() => expect(screen.getByTestId('runtime-status').dataset.state).toBe('ok'));
    expect(backend.commands).toContain('reload_engine');
    expect(screen.queryByTestId('status-retry')).toBeNull();
    expect(generateButton().disabled).toBe(false);
  });

  it('disables Generate and explains a missing runtime', async () => {
    const backend = await renderStudio({ status: runtimeMissingStatus() });
    expect(generateButton().disabled).toBe(true);
    const problem = screen.getByTestId('setup-problem');
    expect(problem.textContent).toContain('ONNX Runtime was not found');
    expect(problem.textContent).toContain('./scripts/run');
    const runtime = screen.getByTestId('runtime-status');
    expect(runtime.dataset.state).toBe('error');
    expect(runtime.textContent).toContain('ONNX Runtime was not found');
    expect(screen.getByTestId('model-status').textContent).toContain('RUNTIME_MISSING');

    await fireEvent.click(generateButton());
    expect(backend.generateCalls).toHaveLength(0);
  });

  it('disables Generate when the face model failed its check', async () => {
    await renderStudio({
      status: readyStatus({
        models: [
          faceModel({
            loaded: false,
            error: { code: 'MODEL_HASH_MISMATCH', message: 'dcgan-faces.onnx does not match.' },
          }),
        ],
      }),
    });
    expect(generateButton().disabled).toBe(true);
    expect(screen.getByTestId('setup-problem').textContent).toContain('Re-run set-up');
    expect(screen.getByTestId('model-status').textContent).toContain(
      'MODEL_HASH_MISMATCH — dcgan-faces.onnx does not match.',
    );
  });

  it('asks to open the app when there is no Tauri', async () => {
    render(App);
    await waitFor(() =>
      expect(screen.getByTestId('status-line').textContent).toContain(
        'Open in the Postcraft Studio app',
      ),
    );
    expect(generateButton().disabled).toBe(true);
  });

  it('shows why the status could not be read', async () => {
    await renderStudio({
      status: () => Promise.reject({ code: 'INTERNAL', message: 'engine panicked' }),
    });
    expect(screen.getByTestId('runtime-status').textContent).toContain('engine panicked');
    expect(generateButton().disabled).toBe(true);
  });
});

describe('validation', () => {
  it.each([
    ['face-count', '0', 'The count must be from 1 to 1,024.'],
    ['face-count', '1025', 'The count must be from 1 to 1,024.'],
    ['face-count', '', 'Enter a count.'],
    ['face-seed', '-1', 'The seed must be from 0 to 9,007,199,254,740,991.'],
    ['face-seed', '9007199254740992', 'The seed must be from 0 to 9,007,199,254,740,991.'],
  ])('%s = %j is refused inline without calling the backend', async (testId, value, message) => {
    const backend = await renderStudio();
    const input = screen.getByTestId<HTMLInputElement>(testId);
    await fireEvent.input(input, { target: { value } });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(message)).toBeTruthy();
    expect(generateButton().disabled).toBe(true);
    await fireEvent.submit(generateButton().form!);
    expect(backend.generateCalls).toHaveLength(0);

    await fireEvent.input(input, { target: { value: '5' } });
    expect(screen.queryByText(message)).toBeNull();
    expect(generateButton().disabled).toBe(false);
  });

  it('rolls a random seed within range', async () => {
    await renderStudio();
    const seed = screen.getByTestId<HTMLInputElement>('face-seed');
    await fireEvent.click(screen.getByTestId('random-seed'));
    const value = Number(seed.value);
    expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
    expect(generateButton().disabled).toBe(false);
  });
});

describe('generating faces', () => {
  it('streams a job: progress, faces in index order, then Done', async () => {
    const backend = await renderStudio();
    await fireEvent.input(screen.getByTestId('face-count'), { target: { value: '4' } });
    await fireEvent.input(screen.getByTestId('face-seed'), { target: { value: '7' } });
    await fireEvent.click(generateButton());

    const call = backend.last();
    expect(call.request).toEqual({ model: 'dcgan-faces', count: 4, seed: 7 });

    call.emit(
      { event: 'started', jobId: 1, total: 4 },
      imageEvent(1, 2),
      imageEvent(1, 0),
      { event: 'progress', jobId: 1, done: 2, total: 4, etaMs: 65_000 },
    );
    await frame();

    const bar = screen.getByTestId('job-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('2');
    expect(bar.getAttribute('aria-valuemax')).toBe('4');
    expect(screen.getByText('2/4')).toBeTruthy();
    expect(screen.getByText('1 min 05 s left')).toBeTruthy();
    expect(screen.getByTestId('cancel-button')).toBeTruthy();
    expect(faces().map((img) => img.getAttribute('src'))).toEqual([
      'postcraft://localhost/jobs/1/0.png',
      'postcraft://localhost/jobs/1/2.png',
    ]);
    expect(faces()[0]!.getAttribute('loading')).toBe('lazy');

    call.emit(imageEvent(1, 3), imageEvent(1, 1), {
      event: 'finished',
      jobId: 1,
      done: 4,
      outcome: { state: 'completed' },
    });
    await frame();

    expect(screen.getByTestId('job-state').textContent).toBe('Done: 4 faces');
    expect(screen.queryByTestId('job-progress')).toBeNull();
    expect(screen.queryByTestId('cancel-button')).toBeNull();
    expect(faces().map((img) => img.dataset.index)).toEqual(['0', '1', '2', '3']);
  });

  it('cancels a running job', async () => {
    const backend = await renderStudio();
    await fireEvent.click(generateButton());
    const call = backend.last();
    expect(call.request).toEqual({ model: 'dcgan-faces', count: 8, seed: 42 });
    call.emit({ event: 'started', jobId: 1, total: 8 }, imageEvent(1, 0), imageEvent(1, 1), imageEvent(1, 2));
    await frame();

    await fireEvent.click(screen.getByTestId('cancel-button'));
    expect(backend.cancelCalls).toEqual([1]);
    expect(screen.getByTestId('job-state').textContent).toBe('Cancelling…');

    call.emit({ event: 'finished', jobId: 1, done: 3, outcome: { state: 'cancelled' } });
    await frame();
    expect(screen.getByTestId('job-state').textContent).toBe('Cancelled after 3 of 8');
    expect(screen.queryByTestId('cancel-button')).toBeNull();
    expect(faces()).toHaveLength(3);
  });

  it('ignores a superseded job when Generate is pressed again', async () => {
    const backend = await renderStudio();
    await fireEvent.click(generateButton());
    const first = backend.last();
    first.emit({ event: 'started', jobId: 1, total: 8 }, imageEvent(1, 0));
    await frame();

    await fireEvent.input(screen.getByTestId('face-count'), { target: { value: '2' } });
    await fireEvent.click(generateButton());
    expect(backend.cancelCalls).toEqual([1]);
    const second = backend.last();
    first.emit(imageEvent(1, 1), { event: 'finished', jobId: 1, done: 2, outcome: { state: 'cancelled' } });
    second.emit(...completedJob(2, 2));
    await frame();

    expect(screen.getByTestId('job-state').textContent).toBe('Done: 2 faces');
    expect(faces().map((img) => img.getAttribute('src'))).toEqual([
      'postcraft://localhost/jobs/2/0.png',
      'postcraft://localhost/jobs/2/1.png',
    ]);
  });

  it('shows a failed outcome with its message', async () => {
    const backend = await renderStudio();
    await fireEvent.click(generateButton());
    backend.last().emit(
      { event: 'started', jobId: 1, total: 8 },
      {
        event: 'finished',
        jobId: 1,
        done: 0,
        outcome: {
          state: 'failed',
          error: { code: 'INFERENCE_FAILED', message: 'The model run failed.' },
        },
      },
    );
    await frame();
    expect(screen.getByTestId('job-state').textContent).toBe('The model run failed.');
    expect(screen.getByTestId('job-error-hint').textContent).toMatch(/Try again/);
  });

  it('branches on the error code of a refused request and re-reads the status', async () => {
    const backend = await renderStudio({
      generateError: { code: 'MODEL_MISSING', message: 'dcgan-faces.onnx is missing.' },
    });
    expect(backend.commands.filter((c) => c === 'app_status')).toEqual(['app_status']);
    backend.setStatus(
      readyStatus({
        models: [
          faceModel({
            loaded: false,
            error: { code: 'MODEL_MISSING', message: 'dcgan-faces.onnx is missing.' },
          }),
        ],
      }),
    );
    await fireEvent.click(generateButton());

    await waitFor(() =>
      expect(screen.getByTestId('job-state').textContent).toBe('dcgan-faces.onnx is missing.'),
    );
    expect(screen.getByTestId('job-error-hint').textContent).toContain('Re-run set-up');
    await waitFor(() => expect(backend.commands.filter((c) => c === 'app_status')).toHaveLength(2));
    await waitFor(() => expect(generateButton().disabled).toBe(true));
    expect(screen.getByTestId('model-status').textContent).toContain('MODEL_MISSING');
  });

  it('adds the selected face to the post as a layer', async () => {
    const backend = await renderStudio();
    await waitFor(() => expect(screen.getByTestId('post-canvas').textContent).toContain('Your post starts here'));
    expect(screen.queryByTestId('add-to-post')).toBeNull();

    await fireEvent.click(generateButton());
    backend.last().emit(...completedJob(1, 3));
    await frame();

    await fireEvent.click(faces()[2]!);
    expect(faces()[2]!.closest('button')!.getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('add-to-post'));

    await waitFor(() => expect(backend.calls.map((c) => c.cmd)).toContain('add_generated_layer'));
    expect(backend.calls.find((c) => c.cmd === 'add_generated_layer')!.args).toEqual({
      request: { jobId: 1, index: 2 },
    });
    await waitFor(() => expect(screen.getByTestId('selection-box').dataset.layer).toBe('1'));
    expect(screen.getByTestId('post-canvas').textContent).not.toContain('Your post starts here');

    // The Layers tool lists it.
    await fireEvent.click(screen.getByTestId('tool-canvas'));
    expect(within(screen.getByTestId('layer-row-1')).getByText(/generated 1/)).toBeTruthy();

    // A new job clears the face selection.
    await fireEvent.click(screen.getByTestId('tool-image'));
    await fireEvent.click(generateButton());
    expect(screen.queryByTestId('add-to-post')).toBeNull();
  });
});
