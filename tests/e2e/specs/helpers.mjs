// Shared steps of the Postcraft Studio end-to-end specs (not a spec itself).

import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const artifactsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export const byTestId = (id) => `[data-testid="${id}"]`;
export const FACE = 'img[data-testid="face"]';

/** Waits until the status line left "checking…" and the Generate button can be used. */
export async function waitForStudioReady() {
  const statusLine = await $(byTestId('status-line'));
  await statusLine.waitForExist({ timeout: 60_000 });
  await browser.waitUntil(async () => (await $(byTestId('runtime-status')).getAttribute('data-state')) !== null, {
    timeout: 60_000,
    timeoutMsg: `the status line never reported the runtime: "${await statusLine.getText()}"`,
  });
}

/**
 * Types a number into a Svelte-bound <input type=number>: clear, then type, so the page sees
 * real input events. Checks that the field holds exactly the value afterwards.
 */
export async function typeNumber(testId, value) {
  const input = await $(byTestId(testId));
  await input.waitForEnabled();
  await input.click();
  await input.clearValue();
  await input.addValue(String(value));
  await expect(input).toHaveValue(String(value));
}

/** The number of generated face images in the grid. */
export async function faceCount() {
  return browser.execute((sel) => document.querySelectorAll(sel).length, FACE);
}

/** The text of the job state line ('' when absent). */
export async function jobStateText() {
  const el = await $(byTestId('job-state'));
  return (await el.isExisting()) ? el.getText() : '';
}

/** Waits until the job state line contains `text`. */
export async function waitForJobState(text, timeout = 60_000) {
  await browser.waitUntil(async () => (await jobStateText()).includes(text), {
    timeout,
    interval: 50,
    timeoutMsg: `job state never contained "${text}"; it reads "${await jobStateText()}"`,
  });
}

/** Every face image: DOM order, data-index, src and load state. */
export async function faceImages() {
  return browser.execute(
    (sel) =>
      Array.from(document.querySelectorAll(sel), (img) => ({
        index: Number(img.dataset.index),
        src: img.src,
        complete: img.complete,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
      })),
    FACE,
  );
}

/**
 * The bytes of every face image, as SHA-256 hex, in DOM order.
 *
 * Why fetch() and not a canvas: the images come from the app's `postcraft://localhost` scheme, a
 * different origin from the page (`tauri://localhost`), and the <img> elements carry no
 * `crossorigin` attribute, so drawing them taints the canvas and `toDataURL()` throws a
 * SecurityError (seen under WebKitGTK). The scheme answers with `Access-Control-Allow-Origin: *`
 * and the CSP lists `postcraft:` in connect-src, so the page can fetch the very same URLs and
 * read the PNG bytes. The engine encodes deterministically, so equal pixels give equal bytes.
 */
export async function faceDigests() {
  const encoded = await browser.execute(async (sel) => {
    const toBase64 = (buffer) => {
      const bytes = new Uint8Array(buffer);
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      }
      return btoa(binary);
    };
    const out = [];
    for (const img of document.querySelectorAll(sel)) {
      const response = await fetch(img.src);
      if (!response.ok) throw new Error(`${img.src}: HTTP ${response.status}`);
      out.push(toBase64(await response.arrayBuffer()));
    }
    return out;
  }, FACE);
  return encoded.map((b64) => {
    const bytes = Buffer.from(b64, 'base64');
    return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** Saves a screenshot of the app window under artifacts/. */
export async function screenshot(name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}
