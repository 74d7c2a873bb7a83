// WebdriverIO configuration for the end-to-end tests of the Postcraft Studio desktop app.
//
// The chain: WebdriverIO -> tauri-driver (127.0.0.1:4444) -> WebKitWebDriver -> the app binary
// (a debug build with the front end embedded). Each spec file gets a fresh app process.
// Run under a display, e.g. `xvfb-run -a -s "-screen 0 1280x800x24" npm test`.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, accessSync, constants as fsConstants } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { configureAlsaFor, prepareAlsa } from './lib/alsa.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const artifactsDir = path.join(here, 'artifacts');

const DRIVER_HOST = '127.0.0.1';

// The app under test keeps its projects and its "last project" note in temporary folders, never
// in the tester's own. Set once in the launcher; the workers (and the app, through tauri-driver)
// inherit them.
process.env.POSTCRAFT_PROJECTS_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'postcraft-e2e-projects-'));
process.env.XDG_CONFIG_HOME ??= mkdtempSync(path.join(os.tmpdir(), 'postcraft-e2e-config-'));
// The app's sound output: none, or a capture device for the playback spec (see lib/alsa.mjs).
prepareAlsa();
const DRIVER_PORT = 4444;

/** The app binary: $POSTCRAFT_APP, else ${CARGO_TARGET_DIR:-<repo>/target}/debug/postcraft-studio. */
function resolveApplication() {
  if (process.env.POSTCRAFT_APP) return path.resolve(process.env.POSTCRAFT_APP);
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(repoRoot, process.env.CARGO_TARGET_DIR)
    : path.join(repoRoot, 'target');
  return path.join(targetDir, 'debug', 'postcraft-studio');
}

const application = resolveApplication();
try {
  accessSync(application, fsConstants.X_OK);
} catch {
  throw new Error(
    `Postcraft Studio binary not found or not executable: ${application}\n` +
      'Build it with the embedded front end first (from the repository root):\n' +
      '  npm --prefix ui ci && npm --prefix ui run build && cargo build -p postcraft-studio --features custom-protocol\n' +
      'or point POSTCRAFT_APP at a binary (CARGO_TARGET_DIR is respected).',
  );
}

/** tauri-driver: $TAURI_DRIVER, else on PATH, else ~/.cargo/bin. */
function resolveTauriDriver() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const onPath = spawnSync('sh', ['-c', 'command -v tauri-driver'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  const cargoHome = process.env.CARGO_HOME || path.join(os.homedir(), '.cargo');
  const inCargo = path.join(cargoHome, 'bin', 'tauri-driver');
  if (existsSync(inCargo)) return inCargo;
  throw new Error(
    'tauri-driver not found (looked at $TAURI_DRIVER, PATH and ~/.cargo/bin). ' +
      'Install it with `cargo install tauri-driver --locked`; it also needs WebKitWebDriver (Debian: webkit2gtk-driver).',
  );
}

function portAccepts(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let tauriDriver = null;

/** Ends tauri-driver and everything it started (WebKitWebDriver, a leftover app): one process group. */
function stopTauriDriver() {
  if (!tauriDriver) return;
  const child = tauriDriver;
  tauriDriver = null;
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function startTauriDriver() {
  if (await portAccepts(DRIVER_HOST, DRIVER_PORT)) {
    throw new Error(
      `Something already listens on ${DRIVER_HOST}:${DRIVER_PORT} (a leftover tauri-driver?). Stop it and re-run.`,
    );
  }
  const binary = resolveTauriDriver();
  mkdirSync(artifactsDir, { recursive: true });
  // The driver's output (and the app's, which it passes through) goes to a log for post-mortems.
  const logFd = openSync(path.join(artifactsDir, 'tauri-driver.log'), 'w');
  const child = spawn(binary, ['--port', String(DRIVER_PORT)], {
    stdio: ['ignore', logFd, logFd],
    detached: true, // its own process group, so stopTauriDriver() reaches WebKitWebDriver too
  });
  closeSync(logFd);
  tauriDriver = child;
  let spawnError = null;
  child.once('error', (error) => {
    spawnError = error;
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not start ${binary}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `tauri-driver exited at start (code ${child.exitCode}, signal ${child.signalCode}); see ${path.join(artifactsDir, 'tauri-driver.log')}`,
      );
    }
    if (await portAccepts(DRIVER_HOST, DRIVER_PORT)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  stopTauriDriver();
  throw new Error(`tauri-driver did not listen on ${DRIVER_HOST}:${DRIVER_PORT} within 15 s`);
}

/** In the launcher only: whatever way it ends (Ctrl-C, a crash), the driver must not outlive it. */
function stopTauriDriverOnExit() {
  process.once('exit', stopTauriDriver);
  // No process.exit() here: WebdriverIO's own handlers end the run; this only makes sure the
  // driver (and the app it started) go too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, stopTauriDriver);
}

export const config = {
  runner: 'local',
  hostname: DRIVER_HOST,
  port: DRIVER_PORT,
  path: '/',

  // Fixed order: cheapest first.
  specs: [
    './specs/status.e2e.mjs',
    './specs/generate.e2e.mjs',
    './specs/cancel.e2e.mjs',
    './specs/canvas.e2e.mjs',
    './specs/restyle.e2e.mjs',
    './specs/write.e2e.mjs',
    './specs/voice.e2e.mjs',
    './specs/playback.e2e.mjs',
  ],
  maxInstances: 1,
  capabilities: [
    {
      maxInstances: 1,
      'tauri:options': { application },
      // WebKitWebDriver speaks WebDriver classic only; do not try BiDi.
      'wdio:enforceWebDriverClassic': true,
    },
  ],

  logLevel: 'warn',
  bail: 0,
  waitforTimeout: 30_000,
  waitforInterval: 100,
  connectionRetryTimeout: 120_000,
  connectionRetryCount: 1,

  framework: 'mocha',
  mochaOpts: {
    ui: 'bdd',
    timeout: 120_000,
  },
  reporters: ['spec'],

  onPrepare: async () => {
    stopTauriDriverOnExit();
    await startTauriDriver();
  },

  // In the worker, before its app starts: the sound device this spec file's app gets.
  beforeSession: (_config, _capabilities, specs) => {
    configureAlsaFor(specs);
  },

  onComplete: (exitCode, _config, _capabilities, results) => {
    stopTauriDriver();
    // CI reads this line. The launcher's results count spec files (one app session each).
    const passed = results?.passed ?? 0;
    const failed = results?.failed ?? 0;
    console.log(`${passed} passed, ${failed} failed`);
  },
};
