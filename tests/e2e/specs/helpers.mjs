// Shared steps of the Postcraft Studio end-to-end specs (not a spec itself).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
 * The decoded pixels of every image matching `selector`, as { width, height, sha256 of the RGBA
 * bytes }, in DOM order.
 *
 * How: drawing the displayed <img> to a canvas does not work. The images come from the app's
 * `postcraft://localhost` scheme, another origin than the page (`tauri://localhost`), and the
 * <img> elements have no `crossorigin` attribute, so they taint the canvas and `getImageData()`/
 * `toDataURL()` throw "SecurityError: The operation is insecure" (seen under WebKitGTK 2.50).
 * The scheme answers with `Access-Control-Allow-Origin: *`, so the page loads the same URL again
 * as a CORS image (`crossOrigin = 'anonymous'`), which leaves the canvas clean, and reads its
 * pixels. (A `fetch()` of the URL also works, but compares PNG bytes rather than pixels.)
 */
export async function pixelDigests(selector) {
  const encoded = await browser.execute(async (sel) => {
    const toBase64 = (bytes) => {
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      }
      return btoa(binary);
    };
    const out = [];
    for (const shown of document.querySelectorAll(sel)) {
      const img = new Image();
      img.crossOrigin = 'anonymous';
      img.src = shown.src;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(img, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      out.push({ width: canvas.width, height: canvas.height, rgba: toBase64(new Uint8Array(data.buffer)) });
    }
    return out;
  }, selector);
  return encoded.map(({ width, height, rgba }) => {
    const bytes = Buffer.from(rgba, 'base64');
    if (bytes.length !== width * height * 4) throw new Error(`got ${bytes.length} RGBA bytes for ${width}x${height}`);
    return { width, height, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** {@link pixelDigests} of every face image. */
export async function facePixelDigests() {
  return pixelDigests(FACE);
}

/** The project's folder name as the top bar shows it (textContent: WebDriver's text is empty for it). */
export async function projectName() {
  return browser.execute(() => document.querySelector('[data-testid="project-name"]')?.textContent?.trim() ?? '');
}

/** The project's saved post (the engine autosaves shortly after each change), or null. */
export function savedPost(dir) {
  const file = path.join(dir, 'post.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).post : null;
}

/** Waits until the saved post of `dir` satisfies `predicate`; returns it. */
export async function waitForSaved(dir, predicate, what, timeout = 20_000) {
  let post = null;
  try {
    await browser.waitUntil(
      async () => {
        post = savedPost(dir);
        return post !== null && predicate(post);
      },
      { timeout, interval: 100 },
    );
  } catch {
    // Say what the file held last, not what it held when the wait began.
    throw new Error(`the saved project never ${what}: ${JSON.stringify(post)}`);
  }
  return post;
}

/**
 * Creates a fresh, empty project on `preset` (whatever earlier specs left open) through the
 * project menu; returns its folder.
 */
export async function newProject(preset = 'instagram-portrait') {
  await $(byTestId('project-menu-button')).click();
  await $('#menu-new-preset').selectByAttribute('value', preset);
  const previous = await projectName();
  await $('#project-menu form button[type="submit"]').click();
  await browser.waitUntil(async () => (await projectName()) !== previous, {
    timeout: 20_000,
    timeoutMsg: 'no new project was created',
  });
  const dir = path.join(process.env.POSTCRAFT_PROJECTS_DIR, await projectName());
  await waitForSaved(dir, (post) => post.layers.length === 0, 'existed empty');
  return dir;
}

/** Saves a screenshot of the app window under artifacts/. */
export async function screenshot(name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}

/**
 * A new Instagram-square project with the Voice tool open and its voice ready (app_status loads
 * it; otherwise says why). Returns the project folder.
 */
export async function openVoiceToolInNewProject() {
  await waitForStudioReady();
  const projectDir = await newProject('instagram-square');
  await $(byTestId('tool-voice')).click();
  await expect($(byTestId('voice-panel'))).toBeDisplayed();
  await browser.waitUntil(async () => (await $(byTestId('voice-model')).getValue()) !== '', {
    timeout: 60_000,
    timeoutMsg: 'no voice was offered',
  });
  const problem = await $(byTestId('voice-setup-problem'));
  if (await problem.isExisting()) throw new Error(`the Voice tool is not ready: ${await problem.getText()}`);
  return projectDir;
}
