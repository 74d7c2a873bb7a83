// Generating faces with the real model (`generate_images`): the images arrive through the app's
// postcraft: scheme, and the same seed gives the same pixels; then variations of a face, an
// animation between two faces written as a GIF, and stickers from the second model.

import { existsSync, readFileSync } from 'node:fs';

import {
  byTestId,
  faceCount,
  facePixelDigests,
  faceImages,
  jobStateText,
  pixelDigests,
  screenshot,
  typeNumber,
  waitForJobState,
  waitForStudioReady,
} from './helpers.mjs';

const COUNT = 6;
const SEED = 42;

/** Sets count and seed, clicks Generate, waits for COUNT faces and "Done". */
async function generate() {
  await typeNumber('face-count', COUNT);
  await typeNumber('face-seed', SEED);
  await expect($(byTestId('face-count-error'))).not.toBeExisting();
  await expect($(byTestId('face-seed-error'))).not.toBeExisting();
  await $(byTestId('generate-button')).click();

  await browser.waitUntil(async () => (await faceCount()) === COUNT && (await jobStateText()).includes('Done'), {
    timeout: 60_000,
    interval: 100,
    timeoutMsg: `expected ${COUNT} faces and "Done"; got ${await faceCount()} faces, state "${await jobStateText()}"`,
  });
  await waitForJobState('Done');
  expect(await jobStateText()).toBe(`Done: ${COUNT} faces`);

  // Every <img> really loaded from the custom scheme (a broken URL leaves naturalWidth at 0).
  await browser.waitUntil(async () => (await faceImages()).every((img) => img.complete), {
    timeout: 30_000,
    timeoutMsg: 'the face images never finished loading',
  });
  const images = await faceImages();
  expect(images).toHaveLength(COUNT);
  for (const img of images) {
    expect(img.src).toMatch(/^postcraft:\/\/localhost\/jobs\/\d+\/\d+\.png$/);
    expect(img.naturalWidth).toBeGreaterThan(0);
    expect(img.naturalHeight).toBeGreaterThan(0);
  }
  // One image per index, shown in index order.
  expect(images.map((img) => img.index)).toEqual([...Array(COUNT).keys()]);
  // All from one job.
  expect(new Set(images.map((img) => img.src.split('/')[4])).size).toBe(1);
  return images;
}

describe('Face generation', () => {
  let firstImages;
  let firstDigests;

  before(async () => {
    await waitForStudioReady();
  });

  it(`generates ${COUNT} faces with seed ${SEED}, served by the postcraft: scheme`, async () => {
    firstImages = await generate();
    await expect($(byTestId('job-progress'))).not.toBeExisting(); // the job ended
    await expect($(byTestId('cancel-button'))).not.toBeExisting();

    firstDigests = await facePixelDigests();
    expect(firstDigests).toHaveLength(COUNT);
    // The pixels read are those of the shown images (same size).
    expect(firstDigests.map(({ width, height }) => [width, height])).toEqual(
      firstImages.map((img) => [img.naturalWidth, img.naturalHeight]),
    );
    // Different indices give different faces (so the equality below is not vacuous).
    expect(new Set(firstDigests.map((d) => d.sha256)).size).toBe(COUNT);

    await screenshot('generate-6-faces');
  });

  it('gives identical pixels for the same seed', async () => {
    if (!firstDigests) throw new Error('the first run did not pass; nothing to compare with');
    const secondImages = await generate();
    // A new job: new URLs, so the bytes below come from a fresh generation, not a cache.
    expect(secondImages[0].src).not.toBe(firstImages[0].src);
    const secondDigests = await facePixelDigests();
    expect(secondDigests).toEqual(firstDigests);
  });

  it('adds a chosen face to the post, drawn by the compositor', async () => {
    const canvas = await $(byTestId('preview-canvas'));
    await canvas.waitForExist({ timeout: 30_000 });
    const before = Number(await canvas.getAttribute('data-revision'));
    const faces = await $$(byTestId('face'));
    await faces[0].click();
    await $(byTestId('add-to-post')).click();
    await browser.waitUntil(async () => Number(await canvas.getAttribute('data-revision')) > before, {
      timeout: 30_000,
      timeoutMsg: 'the preview never showed a newer revision after "Add to post"',
    });
    // The layer list has the generated layer, and the preview's centre is no longer the white canvas.
    await $(byTestId('tool-canvas')).click();
    await $('[data-testid^="layer-row-"]').waitForExist({ timeout: 10_000 });
    const centre = await browser.execute((el) => {
      const ctx = el.getContext('2d');
      return Array.from(ctx.getImageData(Math.floor(el.width / 2), Math.floor(el.height / 2), 1, 1).data);
    }, canvas);
    expect(centre).not.toEqual([255, 255, 255, 255]);
    await screenshot('canvas-face');
  });

  it('varies a face, and animates between two faces into a GIF in the project folder', async () => {
    await $(byTestId('tool-image')).click();
    await generate();
    const faces = await $$(byTestId('face'));
    await faces[0].click();
    await $(byTestId('animate-from')).click();
    await faces[3].click();
    await $(byTestId('animate-to')).click();
    await typeNumber('animate-frames', 6);
    const output = await $(byTestId('animate-output')).getValue();
    expect(output).toMatch(/\/dcgan-faces-42-0-to-42-3\.gif$/);
    await $(byTestId('animate-render')).click();
    const state = await $(byTestId('animate-state'));
    // Ping-pong: 6 frames forwards, 4 back.
    await browser.waitUntil(async () => (await state.getText()) === 'Done: 10 frames written', {
      timeout: 60_000,
      interval: 100,
      timeoutMsg: `the animation did not finish: "${await state.getText()}"`,
    });
    await expect($(byTestId('animate-file-path'))).toHaveText(output);
    expect(existsSync(output)).toBe(true);
    expect(readFileSync(output).subarray(0, 6).toString('latin1')).toBe('GIF89a');

    const original = (await facePixelDigests())[2];
    await (await $$(byTestId('face')))[2].click();
    await $(byTestId('vary-subtle')).click();
    await waitForJobState(`Done: ${COUNT} variations`);
    await expect($(byTestId('results-of'))).toHaveText('Variations of Face 3, seed 42');
    const variations = await pixelDigests('img[data-testid="face"]');
    expect(variations).toHaveLength(COUNT);
    // Each variation is its own image, none the original.
    expect(new Set(variations.map((v) => v.sha256)).size).toBe(COUNT);
    expect(variations.map((v) => v.sha256)).not.toContain(original.sha256);
    await screenshot('image-variations');
  });

  it('generates transparent stickers with the second model', async () => {
    // The radio itself is transparent over its label: click the label, as a person would.
    await $(byTestId('image-model-dcgan-stickers')).parentElement().click();
    await typeNumber('face-count', 2);
    await $(byTestId('generate-button')).click();
    await waitForJobState('Done: 2 stickers');
    await browser.waitUntil(async () => (await faceImages()).every((img) => img.complete && img.naturalWidth > 0), {
      timeout: 30_000,
      timeoutMsg: 'the sticker images never finished loading',
    });
    await expect($(byTestId('model-licence'))).toHaveText(expect.stringContaining('Noto Color Emoji'));
    await screenshot('image-stickers');
  });
});
