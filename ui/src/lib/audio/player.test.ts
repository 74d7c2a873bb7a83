import { describe, expect, it, vi } from 'vitest';

import type { PlayerAction, PlayerReport } from '../ipc';
import { AudioPlayer, NO_DEVICE_MESSAGE, type PlayerIpc } from './player.svelte';

const REPORT: PlayerReport = { status: 'idle', positionSeconds: 0, durationSeconds: 0, looping: false, volume: 1 };

/** A fake player ipc: `subscribe` answers with `answer` (or refuses with `refuse`), the test sends reports. */
function fakeIpc(options: { refuse?: unknown; answer?: PlayerReport } = {}) {
  let onReport: ((report: PlayerReport) => void) | null = null;
  const ipc = {
    playerSubscribe: vi.fn((listener: (report: PlayerReport) => void) => {
      onReport = listener;
      return options.refuse ? Promise.reject(options.refuse) : Promise.resolve(options.answer ?? REPORT);
    }),
    playerPlayClip: vi.fn((_clip: number) => Promise.resolve()),
    playerControl: vi.fn((_action: PlayerAction) => Promise.resolve()),
  } satisfies PlayerIpc;
  return { ipc, send: (report: Partial<PlayerReport>) => onReport?.({ ...REPORT, ...report }) };
}

describe('AudioPlayer', () => {
  it('subscribes once and keeps the latest report', async () => {
    const { ipc, send } = fakeIpc();
    const player = new AudioPlayer(ipc, () => true);
    expect(player.usable).toBe(false);
    await Promise.all([player.connect(), player.connect()]);
    await player.connect();
    expect(ipc.playerSubscribe).toHaveBeenCalledTimes(1);
    expect(player.availability).toBe('ready');
    expect(player.usable).toBe(true);
    send({ status: 'playing', clip: 3, positionSeconds: 1.2, durationSeconds: 4 });
    expect(player.isPlaying(3)).toBe(true);
    expect(player.isPlaying(4)).toBe(false);
    expect(player.positionOf(3)).toBe(1.2);
    expect(player.positionOf(4)).toBeNull();
    expect(player.notice).toBeNull();
  });

  it('keeps a report that came through the channel before the answer', async () => {
    let release!: (report: PlayerReport) => void;
    const ipc: PlayerIpc = {
      playerSubscribe: (listener) => {
        listener({ ...REPORT, status: 'playing', clip: 9 });
        return new Promise((resolve) => (release = resolve));
      },
      playerPlayClip: () => Promise.resolve(),
      playerControl: () => Promise.resolve(),
    };
    const player = new AudioPlayer(ipc, () => true);
    const connecting = player.connect();
    release(REPORT);
    await connecting;
    expect(player.report?.clip).toBe(9);
  });

  it('turns playback off, calmly, without a sound card, and sends nothing', async () => {
    const { ipc } = fakeIpc({ refuse: { code: 'AUDIO_DEVICE_UNAVAILABLE', message: 'no audio output device' } });
    const player = new AudioPlayer(ipc, () => true);
    await player.connect();
    expect(player.availability).toBe('no-device');
    expect(player.notice).toBe(NO_DEVICE_MESSAGE);
    await player.play(1);
    await player.seek(2);
    expect(ipc.playerPlayClip).not.toHaveBeenCalled();
    expect(ipc.playerControl).not.toHaveBeenCalled();
    // No sound card is not asked about again.
    await player.connect();
    expect(ipc.playerSubscribe).toHaveBeenCalledTimes(1);
  });

  it('asks again after another failure', async () => {
    const { ipc } = fakeIpc({ refuse: { code: 'INTERNAL', message: 'the player thread failed' } });
    const player = new AudioPlayer(ipc, () => true);
    await player.connect();
    expect(player.availability).toBe('failed');
    expect(player.notice).toContain('the player thread failed');
    await player.connect();
    expect(ipc.playerSubscribe).toHaveBeenCalledTimes(2);
  });

  it('does not ask outside the app', async () => {
    const { ipc } = fakeIpc();
    const player = new AudioPlayer(ipc, () => false);
    await player.connect();
    expect(player.availability).toBe('no-app');
    expect(ipc.playerSubscribe).not.toHaveBeenCalled();
  });

  it('toggles: pauses what plays, resumes what is paused, plays anything else from the start', async () => {
    const { ipc, send } = fakeIpc();
    const player = new AudioPlayer(ipc, () => true);
    await player.connect();
    await player.toggle(2);
    expect(ipc.playerPlayClip).toHaveBeenLastCalledWith(2);
    send({ status: 'playing', clip: 2 });
    await player.toggle(2);
    expect(ipc.playerControl).toHaveBeenLastCalledWith({ action: 'pause' });
    send({ status: 'paused', clip: 2 });
    await player.toggle(2);
    expect(ipc.playerControl).toHaveBeenLastCalledWith({ action: 'play' });
    send({ status: 'ended', clip: 2 });
    await player.toggle(2);
    expect(ipc.playerPlayClip).toHaveBeenCalledTimes(2);
    await player.toggle(5);
    expect(ipc.playerPlayClip).toHaveBeenLastCalledWith(5);
  });

  it('seeks in a clip, playing it first when another is loaded; clamps seek and volume', async () => {
    const { ipc, send } = fakeIpc();
    const player = new AudioPlayer(ipc, () => true);
    await player.connect();
    send({ status: 'playing', clip: 1 });
    await player.seekIn(1, 3);
    expect(ipc.playerPlayClip).not.toHaveBeenCalled();
    await player.seekIn(2, 1.5);
    expect(ipc.playerPlayClip).toHaveBeenCalledWith(2);
    expect(ipc.playerControl.mock.calls.map(([a]) => a)).toEqual([
      { action: 'seek', seconds: 3 },
      { action: 'seek', seconds: 1.5 },
    ]);
    await player.seek(-4);
    await player.setVolume(3);
    await player.setLoop(true);
    expect(ipc.playerControl.mock.calls.slice(2).map(([a]) => a)).toEqual([
      { action: 'seek', seconds: 0 },
      { action: 'volume', volume: 2 },
      { action: 'loop', looping: true },
    ]);
  });

  it('goes to no sound card when the device goes away, and says a failed command', async () => {
    const { ipc } = fakeIpc();
    const player = new AudioPlayer(ipc, () => true);
    await player.connect();
    ipc.playerPlayClip.mockRejectedValueOnce({ code: 'JOB_NOT_FOUND', message: 'no sound clip 7 (expired?)' });
    await player.play(7);
    expect(player.notice).toBe('Could not play: no sound clip 7 (expired?)');
    ipc.playerControl.mockRejectedValueOnce({ code: 'AUDIO_DEVICE_UNAVAILABLE', message: 'device lost' });
    await player.pause();
    expect(player.availability).toBe('no-device');
    expect(player.usable).toBe(false);
  });
});
