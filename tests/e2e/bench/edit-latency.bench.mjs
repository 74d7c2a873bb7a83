// Edit-to-pixels latency in the real app (not a test: it asserts nothing about time). Opens the
// benchmark project ($POSTCRAFT_PROJECT: a 1080x1350 post of 3 photos, set up by
// bench/canvas_bench.sh), adds 3 shapes and a text layer through the UI, then drags the top layer
// for DRAG_STEPS pointer moves at about 60 Hz. The UI records, for each edit, the time from the
// input event to the first drawn preview frame of that revision or newer
// (`window.__postcraftPreviewStats`); this prints p50/p95/max over the drag.

import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { artifactsDir, byTestId, waitForStudioReady } from '../specs/helpers.mjs';

const DRAG_STEPS = Number(process.env.DRAG_STEPS ?? 120);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('edit-to-pixels latency', () => {
  it(`drags a layer for ${DRAG_STEPS} moves and reports the latency`, async () => {
    await waitForStudioReady();
    const canvas = await $(byTestId('preview-canvas'));
    await canvas.waitForExist({ timeout: 30_000 });
    for (const button of ['add-shape', 'add-shape', 'add-shape', 'add-text']) {
      const before = Number(await canvas.getAttribute('data-revision'));
      await $(byTestId(button)).click();
      await browser.waitUntil(async () => Number(await canvas.getAttribute('data-revision')) > before, {
        timeout: 30_000,
      });
    }
    const layers = await browser.execute(() => document.querySelectorAll('[data-testid^="layer-row-"]').length);
    const size = await browser.execute((el) => [el.width, el.height], canvas);
    await browser.execute(() => {
      window.__postcraftPreviewStats.samples.length = 0;
    });
    // The text layer was added last, centred and selected: drag it around the canvas.
    let action = browser.action('pointer').move({ origin: canvas, x: 0, y: 0 }).down();
    for (let i = 0; i < DRAG_STEPS; i += 1) {
      const angle = (i / DRAG_STEPS) * Math.PI * 4;
      action = action.move({ origin: 'pointer', x: Math.round(Math.cos(angle) * 4), y: Math.round(Math.sin(angle) * 3), duration: 16 });
    }
    await action.up().perform();
    await browser.pause(1500);
    const samples = await browser.execute(() => [...window.__postcraftPreviewStats.samples]);
    const sorted = [...samples].sort((a, b) => a - b);
    const report = {
      canvas: '1080x1350',
      preview: `${size[0]}x${size[1]}`,
      layers,
      moves: DRAG_STEPS,
      frames: samples.length,
      p50_ms: Math.round(percentile(sorted, 50)),
      p95_ms: Math.round(percentile(sorted, 95)),
      max_ms: Math.round(sorted[sorted.length - 1] ?? NaN),
    };
    console.log(`EDIT-TO-PIXELS ${JSON.stringify(report)}`);
    writeFileSync(path.join(artifactsDir, 'edit-latency.json'), JSON.stringify({ ...report, samples }, null, 2));
    expect(samples.length).toBeGreaterThan(0);
  });
});
