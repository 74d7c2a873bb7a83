// The window shows the studio frame, and the status line reports the real runtime and model.

import { byTestId, waitForStudioReady } from './helpers.mjs';

const ORT_VERSION = '1.31.1';
// The status is final once waitForStudioReady() saw it: no need to wait long for the texts.
const SETTLED_WAIT = 5_000;

describe('Studio frame and status line', () => {
  before(async () => {
    await waitForStudioReady();
  });

  it('shows the studio frame with the Image tool', async () => {
    await expect($(byTestId('tool-image'))).toBeExisting();
    await expect($(byTestId('tool-image'))).toBeDisplayed();
    await expect($(byTestId('generate-button'))).toBeExisting();
    await expect($(byTestId('face-grid'))).toBeExisting();
  });

  it(`reports ONNX Runtime ${ORT_VERSION} loaded`, async () => {
    await expect($(byTestId('status-line'))).toHaveText(expect.stringContaining(`ONNX Runtime ${ORT_VERSION}`), {
      wait: SETTLED_WAIT,
    });
    await expect($(byTestId('runtime-status'))).toHaveAttribute('data-state', 'ok', { wait: SETTLED_WAIT });
  });

  it('reports the faces model loaded, with no error', async () => {
    const modelStatus = await $(byTestId('model-status'));
    await expect(modelStatus).toHaveText(expect.stringMatching(/Faces \(DCGAN, 64x64\)\s+ok/), { wait: SETTLED_WAIT });
    const entries = await browser.execute(
      (sel) =>
        Array.from(document.querySelectorAll(`${sel} [data-state]`), (el) => ({
          state: el.getAttribute('data-state'),
          text: el.textContent.trim(),
        })),
      byTestId('model-status'),
    );
    const faces = entries.filter((entry) => entry.text.startsWith('Faces'));
    expect(faces).toHaveLength(1);
    expect(faces[0].state).toBe('ok');
    expect(entries.filter((entry) => entry.state === 'error')).toEqual([]);
    await expect($(byTestId('setup-problem'))).not.toBeExisting();
    await expect($(byTestId('generate-button'))).toBeEnabled();
  });
});
