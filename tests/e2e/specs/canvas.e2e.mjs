// The canvas end to end, in the real app: an image file dropped from the desktop (a real X drag
// and drop, through WebKitGTK and Tauri), moved with the mouse, the move undone, the post
// exported, and the exported PNG's pixels checked.

import { readFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { dropFileAt, pageOrigin, screenCentre } from '../lib/desktop.mjs';
import { decodePng, encodePng, pixelAt } from '../lib/png.mjs';
import { byTestId, newProject, screenshot, waitForSaved, waitForStudioReady } from './helpers.mjs';

const ORANGE = [255, 140, 0];
const PHOTO = { width: 300, height: 200 };

const near = (a, b, tolerance = 12) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

describe('Canvas: drop, move, undo, export', () => {
  let projectDir;
  let dropped;

  before(async () => {
    await waitForStudioReady();
    // A fresh project, whatever earlier specs left open.
    projectDir = await newProject('instagram-portrait');
  });

  it('takes an image file dropped from the desktop onto the canvas', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'postcraft-drop-'));
    const file = path.join(dir, 'orange photo.png');
    writeFileSync(file, encodePng(PHOTO.width, PHOTO.height, () => [...ORANGE, 255]));
    const canvas = await $(byTestId('preview-canvas'));
    await canvas.waitForExist({ timeout: 30_000 });
    const origin = await pageOrigin();
    await dropFileAt(file, await screenCentre(canvas, origin));

    const post = await waitForSaved(projectDir, (p) => p.layers.length === 1, 'got the dropped layer');
    dropped = post.layers[0];
    expect(dropped.content.type).toBe('image');
    expect(dropped.content.asset).toMatch(/^assets\/orange-photo-[0-9a-f]{12}\.png$/);
    expect(existsSync(path.join(projectDir, dropped.content.asset))).toBe(true);
    // Dropped on the canvas's centre: placed there (1080x1350 canvas), at its own size.
    expect(Math.abs(dropped.transform.x - 540)).toBeLessThan(20);
    expect(Math.abs(dropped.transform.y - 675)).toBeLessThan(20);
    expect(dropped.transform.scale_x).toBe(1);
    await $(byTestId('media-item-0')).waitForExist({ timeout: 10_000 });
    await screenshot('canvas-dropped');
  });

  it('moves the layer with the mouse, and Undo puts it back', async () => {
    const canvas = await $(byTestId('preview-canvas'));
    // Press on the layer and drag it 100 px right, in small steps like a hand.
    await browser
      .action('pointer')
      .move({ origin: canvas, x: 0, y: 0 })
      .down()
      .move({ origin: 'pointer', x: 25, y: 0, duration: 60 })
      .move({ origin: 'pointer', x: 25, y: 0, duration: 60 })
      .move({ origin: 'pointer', x: 25, y: 0, duration: 60 })
      .move({ origin: 'pointer', x: 25, y: 0, duration: 60 })
      .up()
      .perform();
    const moved = await waitForSaved(projectDir, (p) => p.layers[0].transform.x > dropped.transform.x + 150, 'moved right');
    // A horizontal drag (snapping may pull it a pixel or two onto the canvas's centre line).
    expect(Math.abs(moved.layers[0].transform.y - dropped.transform.y)).toBeLessThan(4);

    await $(byTestId('undo')).click();
    const undone = await waitForSaved(
      projectDir,
      (p) => p.layers.length === 1 && p.layers[0].transform.x === dropped.transform.x,
      'went back after Undo',
    );
    expect(undone.layers[0].transform).toEqual(dropped.transform);
    await screenshot('canvas-undone');
  });

  it('exports a PNG showing the photo where it was dropped', async () => {
    await $(byTestId('export-button')).click();
    const result = await $(byTestId('export-result'));
    await browser.waitUntil(async () => (await result.getText()).includes('.png'), {
      timeout: 30_000,
      timeoutMsg: 'no export result was shown',
    });
    const file = path.join(projectDir, 'exports', 'instagram-portrait.png');
    const image = decodePng(readFileSync(file));
    expect([image.width, image.height]).toEqual([1080, 1350]);
    const { x, y } = dropped.transform;
    expect(near(pixelAt(image, Math.round(x), Math.round(y)).slice(0, 3), ORANGE)).toBe(true);
    // Where the undone move had taken it (more than the photo's width away): white canvas.
    expect(pixelAt(image, Math.round(x + PHOTO.width), Math.round(y)).slice(0, 3)).toEqual([255, 255, 255]);
    expect(JSON.parse(image.text['postcraft:recipe']).export_preset).toBe('instagram-portrait');
  });
});
