// Real desktop input for the end-to-end tests: xdotool moves the X pointer and a GTK drag source
// (tools/drag_source.py) offers a file, so a drop reaches the app the way a file manager's does.

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DRAG_SOURCE = path.join(here, '..', 'tools', 'drag_source.py');
// The system Python: python3-gi is a Debian package, not in a virtual environment.
const SYSTEM_PYTHON = '/usr/bin/python3';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function xdotool(...args) {
  const result = spawnSync('xdotool', args.map(String), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`xdotool ${args.join(' ')} failed: ${result.stderr || result.error}`);
  return result.stdout;
}

/**
 * Where the page's (0, 0) is on the X screen: moves the real pointer over the window and reads
 * the page's mousemove coordinates. Window decorations and placement are whatever they are.
 */
export async function pageOrigin() {
  await browser.execute(() => {
    window.__e2eMouse = null;
    window.addEventListener(
      'mousemove',
      (e) => {
        window.__e2eMouse = [e.clientX, e.clientY];
      },
      { capture: true },
    );
  });
  const [sx, sy] = [700, 420];
  xdotool('mousemove', sx - 5, sy - 5);
  await sleep(50);
  xdotool('mousemove', sx, sy);
  await browser.waitUntil(async () => (await browser.execute(() => window.__e2eMouse)) !== null, {
    timeout: 5000,
    timeoutMsg: 'the page saw no mouse movement from xdotool',
  });
  await sleep(100);
  const [cx, cy] = await browser.execute(() => window.__e2eMouse);
  return [sx - cx, sy - cy];
}

/** The centre of an element on the X screen. */
export async function screenCentre(element, origin) {
  const rect = await browser.execute((el) => {
    const r = el.getBoundingClientRect();
    return [r.left + r.width / 2, r.top + r.height / 2];
  }, element);
  return [Math.round(origin[0] + rect[0]), Math.round(origin[1] + rect[1])];
}

/** Drags `file` from a desktop drag source onto the screen point `[x, y]` and drops it. */
export async function dropFileAt(file, [x, y]) {
  const source = spawn(SYSTEM_PYTHON, [DRAG_SOURCE, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  source.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => source.once('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the drag source did not start: ${stderr}`)), 15_000);
    source.stdout.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    source.once('exit', (code) => reject(new Error(`the drag source exited (${code}): ${stderr}`)));
  });
  await sleep(300);
  const [fromX, fromY] = [60, 60];
  xdotool('mousemove', fromX, fromY);
  await sleep(150);
  xdotool('mousedown', 1);
  await sleep(150);
  const steps = 30;
  for (let i = 1; i <= steps; i += 1) {
    xdotool('mousemove', Math.round(fromX + ((x - fromX) * i) / steps), Math.round(fromY + ((y - fromY) * i) / steps));
    await sleep(25);
  }
  await sleep(300);
  xdotool('mouseup', 1);
  const timeout = sleep(10_000).then(() => 'timeout');
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    source.kill();
    throw new Error('the drag never ended');
  }
}
