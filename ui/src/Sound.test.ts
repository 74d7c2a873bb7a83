/**
 * The Sound tool against the fake backend (src/test/backend.ts): hits of a kind, a beat from a
 * preset or from the step grid (its lanes sent), the mix of the voiceover over the bed with its
 * settings, playback through the waveforms (playhead, click to seek, loop), cancel, a missing
 * drum model, and a machine without a sound card.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import { NO_DEVICE_MESSAGE } from './lib/audio/player.svelte';
import type { AudioClip, JobEvent } from './lib/ipc';
import {
  faceModel,
  installProjectBackend,
  readyStatus,
  removeBackend,
  stubCanvas,
  stubLayout,
  textModel,
  voiceModel,
  type FakeBackendOptions,
} from './test/backend';

// Job events are applied once per frame: wait past it, then let Svelte render.
const frame = async () => {
  await new Promise((r) => setTimeout(r, 40));
  await tick();
};

afterEach(() => {
  removeBackend();
});

/** Every element measures 800 x 600 at the page's top left (jsdom lays nothing out). */
const WIDTH = 800;

async function renderSound(options: FakeBackendOptions = {}) {
  const backend = installProjectBackend({}, options);
  stubCanvas();
  stubLayout(WIDTH, 600);
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  await fireEvent.click(screen.getByTestId('tool-sound'));
  await waitFor(() => expect(screen.getByTestId('sound-transport').dataset.state).not.toBe('connecting'));
  return backend;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const sound = () => within(byId('sound-panel'));

function clipOf(events: JobEvent[], index = 0): AudioClip {
  const event = events.filter((e) => e.event === 'audioClip')[index];
  if (event?.event !== 'audioClip') throw new Error(`no clip ${index}`);
  return event.clip;
}

async function setNumber(id: string, value: string) {
  await fireEvent.input(byId(id), { target: { value } });
}

/** Makes a beat with the form as it is; returns its clip. */
async function makeBeat(backend: Awaited<ReturnType<typeof renderSound>>): Promise<AudioClip> {
  await fireEvent.click(byId('beat-make'));
  const call = backend.lastBeat();
  call.emit(...call.events());
  await frame();
  return clipOf(call.events());
}

describe('the Sound tool: hits', () => {
  it('is a tool of the rail with labelled controls', async () => {
    await renderSound();
    expect(byId('tool-sound').getAttribute('aria-pressed')).toBe('true');
    expect(byId('sound-panel').hidden).toBe(false);
    expect(screen.getByRole('heading', { name: 'Sound', level: 2 })).toBeTruthy();
    const kind = sound().getByRole<HTMLSelectElement>('combobox', { name: 'Kind' });
    expect([...kind.options].map((o) => o.value)).toEqual(['kick', 'snare', 'hat', 'clap', 'tom', 'cymbal', 'perc']);
    expect(sound().getByLabelText('Count')).toBe(byId('hit-count'));
    expect(sound().getAllByLabelText('Seed')).toEqual([byId('hit-seed'), byId('beat-seed')]);
    expect(sound().getByRole('combobox', { name: 'Pattern' })).toBe(byId('beat-pattern'));
    expect(sound().getByLabelText('Tempo (bpm)')).toBe(byId('beat-bpm'));
    // The mix and the post's sound each have their settings, under their own headings.
    const mixSection = within(sound().getByRole('region', { name: 'Mix' }));
    expect(mixSection.getByLabelText(/^Ducking/)).toBe(byId('mix-ducking'));
    expect(mixSection.getByLabelText(/^Bed level/)).toBe(byId('mix-bed-level'));
    const postSound = within(sound().getByRole('region', { name: 'Post sound' }));
    expect(postSound.getByLabelText(/^Ducking/)).toBe(byId('post-mix-ducking'));
    expect(postSound.getByLabelText(/^Bed level/)).toBe(byId('post-mix-bed-level'));
    expect(postSound.getByLabelText(/^Voice starts at/)).toBe(byId('post-mix-voice-start'));
    expect(sound().getByRole('button', { name: 'Import a sound file' })).toBe(byId('sound-import-button'));
    expect(byId<HTMLButtonElement>('hits-generate').disabled).toBe(false);
    expect(byId<HTMLButtonElement>('beat-make').disabled).toBe(false);
    // Nothing to mix yet.
    expect(byId<HTMLButtonElement>('mix-button').disabled).toBe(true);
    expect(byId('sound-licence').textContent).toContain('CC0 drum samples');
  });

  it('generates hits of a kind, listed as they come, each with a waveform and a play button', async () => {
    const backend = await renderSound();
    await fireEvent.change(byId('hit-kind'), { target: { value: 'snare' } });
    await setNumber('hit-count', '3');
    await setNumber('hit-seed', '7');
    await fireEvent.click(byId('hits-generate'));

    const call = backend.lastHits();
    expect(call.request).toEqual({ kind: 'snare', count: 3, seed: 7 });
    const events = call.events();
    call.emit(...events.slice(0, 3)); // started, the first hit, its progress
    await frame();
    expect(byId('hits-state').textContent).toBe('Generating 3 snare hits…');
    expect(byId('hits-progress-count').textContent).toBe('hit 1/3');
    expect(screen.getAllByTestId('hit')).toHaveLength(1);

    call.emit(...events.slice(3));
    await frame();
    expect(byId('hits-state').textContent).toBe('Done: 3 snare hits');
    const hits = screen.getAllByTestId('hit');
    expect(hits.map((h) => h.dataset.clip)).toEqual([0, 1, 2].map((i) => String(clipOf(events, i).id)));
    expect(hits[1]!.textContent).toContain('snare 7/1');
    for (const hit of hits) {
      expect(within(hit).getByTestId('hit-waveform').querySelector('path.wave')?.getAttribute('d')).toMatch(/^M0 /);
    }
    expect(byId('hits-list').getAttribute('aria-label')).toBe('Generated snare hits');

    await fireEvent.click(within(hits[2]!).getByTestId('hit-play'));
    await waitFor(() => expect(backend.player.played).toEqual([clipOf(events, 2).id]));
    await waitFor(() => expect(within(hits[2]!).getByTestId('hit-play').getAttribute('aria-label')).toMatch(/^Pause /));
    expect(within(hits[0]!).getByTestId('hit-play').getAttribute('aria-label')).toMatch(/^Play /);
  });

  it('rolls a random seed with the dice', async () => {
    const backend = await renderSound();
    await fireEvent.click(byId('hit-random-seed'));
    const seed = byId<HTMLInputElement>('hit-seed').value;
    expect(seed).not.toBe('42');
    expect(Number.isSafeInteger(Number(seed))).toBe(true);
    await fireEvent.click(byId('hits-generate'));
    expect(backend.lastHits().request.seed).toBe(Number(seed));
  });

  it('says what is wrong with the count', async () => {
    const backend = await renderSound();
    await setNumber('hit-count', '65');
    expect(byId('hit-count-error').textContent).toBe('The count must be from 1 to 64.');
    expect(byId('hit-count').getAttribute('aria-invalid')).toBe('true');
    expect(byId<HTMLButtonElement>('hits-generate').disabled).toBe(true);
    await fireEvent.submit(byId('hits-generate').closest('form')!);
    expect(backend.hitsCalls).toHaveLength(0);
  });

  it('cancels hits, keeping those already made', async () => {
    const backend = await renderSound();
    await fireEvent.click(byId('hits-generate'));
    const call = backend.lastHits();
    call.emit(...call.events().slice(0, 3));
    await frame();
    await fireEvent.click(byId('hits-cancel'));
    expect(backend.cancelCalls).toEqual([call.jobId]);
    call.emit({ event: 'finished', jobId: call.jobId, done: 1, outcome: { state: 'cancelled' } });
    await frame();
    expect(byId('hits-state').textContent).toBe('Cancelled after 1 of 4 hits.');
    expect(screen.getAllByTestId('hit')).toHaveLength(1);
    expect(screen.queryByTestId('hits-cancel')).toBeNull();
  });
});

describe('the Sound tool: beats', () => {
  it('makes a beat from a preset (no lanes sent), shown as its first bar', async () => {
    const backend = await renderSound();
    await fireEvent.change(byId('beat-pattern'), { target: { value: 'hip-hop' } });
    expect(byId('beat-grid').dataset.mode).toBe('preset');
    // Hip-hop's kick: X..o......X.x... (the ghost note lights too).
    const kick = [...Array(16).keys()].map((i) => byId(`beat-step-kick-${i}`).getAttribute('aria-pressed') === 'true');
    expect(kick.map((on) => (on ? 'x' : '.')).join('')).toBe('x..x......x.x...');
    expect(byId('beat-step-clap-0').getAttribute('aria-pressed')).toBe('false');
    expect(byId('beat-step-kick-3').getAttribute('aria-label')).toBe('Kick, step 4');

    await setNumber('beat-bpm', '90');
    await setNumber('beat-bars', '2');
    await fireEvent.input(byId('beat-swing'), { target: { value: '0.2' } });
    const clip = await makeBeat(backend);
    expect(backend.lastBeat().request).toEqual({ preset: 'hip-hop', lanes: [], bpm: 90, bars: 2, swing: 0.2, seed: 42 });
    expect(clip.durationSeconds).toBeCloseTo(5.333, 3);
    expect(byId('beat-state').textContent).toBe('Done: a 5.3 s loop (2 bars at 90 bpm)');
    expect(byId('beat-clip').dataset.clip).toBe(String(clip.id));
    expect(byId('beat-clip-duration').textContent).toBe('5.3 s');
  });

  it('sends the creator’s own lanes once the grid is edited', async () => {
    const backend = await renderSound();
    // Backbeat: kick X.......X.x....., snare ....X.......X..., hat x.x.x.x.x.x.x.x.
    expect((byId<HTMLSelectElement>('beat-pattern')).value).toBe('backbeat');
    await fireEvent.click(byId('beat-step-kick-4'));
    await fireEvent.click(byId('beat-step-snare-12'));
    await fireEvent.click(byId('beat-step-clap-15'));
    expect(byId('beat-grid').dataset.mode).toBe('custom');
    expect(byId<HTMLSelectElement>('beat-pattern').value).toBe('custom');
    expect(byId('beat-step-kick-4').getAttribute('aria-pressed')).toBe('true');
    expect(byId('beat-step-snare-12').getAttribute('aria-pressed')).toBe('false');

    await makeBeat(backend);
    const steps = (grid: string) => [...grid].map((c) => (c === 'x' ? 1 : 0));
    expect(backend.lastBeat().request).toEqual({
      preset: 'backbeat',
      lanes: [
        { kind: 'kick', steps: steps('x...x...x.x.....') },
        { kind: 'snare', steps: steps('....x...........') },
        { kind: 'hat', steps: steps('x.x.x.x.x.x.x.x.') },
        { kind: 'clap', steps: steps('...............x') },
      ],
      bpm: 100,
      bars: 4,
      swing: 0,
      seed: 42,
    });

    // A preset again: the grid follows it and no lanes go.
    await fireEvent.change(byId('beat-pattern'), { target: { value: 'half-time' } });
    expect(byId('beat-grid').dataset.mode).toBe('preset');
    expect(byId('beat-step-clap-15').getAttribute('aria-pressed')).toBe('false');
    await makeBeat(backend);
    expect(backend.lastBeat().request).toMatchObject({ preset: 'half-time', lanes: [] });
  });

  it('needs a step on in a custom grid', async () => {
    const backend = await renderSound();
    await fireEvent.click(byId('beat-clear'));
    expect(byId('beat-grid').dataset.mode).toBe('custom');
    expect(byId('beat-grid-error').textContent).toBe('Switch on at least one step, or pick a preset.');
    expect(byId<HTMLButtonElement>('beat-make').disabled).toBe(true);
    await fireEvent.click(byId('beat-step-hat-2'));
    expect(screen.queryByTestId('beat-grid-error')).toBeNull();
    await makeBeat(backend);
    expect(backend.lastBeat().request.lanes).toEqual([{ kind: 'hat', steps: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }]);
  });

  it('checks the tempo and bars as the engine does', async () => {
    await renderSound();
    await setNumber('beat-bpm', '300');
    expect(byId('beat-bpm-error').textContent).toBe('The tempo must be from 40 to 240.');
    await setNumber('beat-bpm', '120');
    await setNumber('beat-bars', '0');
    expect(byId('beat-bars-error').textContent).toBe('The number of bars must be from 1 to 64.');
    expect(byId<HTMLButtonElement>('beat-make').disabled).toBe(true);
  });

  it('loops the beat and uses it as the bed of the mix', async () => {
    const backend = await renderSound();
    const clip = await makeBeat(backend);
    expect(byId('mix-bed').textContent).toContain('None');
    await fireEvent.click(byId('beat-loop'));
    await waitFor(() => expect(byId('beat-loop').getAttribute('aria-pressed')).toBe('true'));
    expect(backend.player.actions).toEqual([{ action: 'loop', looping: true }]);
    await waitFor(() => expect(backend.player.played).toEqual([clip.id]));
    expect(byId('sound-transport-loop').getAttribute('aria-pressed')).toBe('true');
    expect(byId('sound-transport-name').textContent).toBe(clip.label);
    // Looping wraps around instead of ending.
    backend.player.advance(clip.durationSeconds + 1);
    await waitFor(() => expect(byId('sound-transport-time').textContent).toMatch(/^\s*0:01\.0 \//));

    await fireEvent.click(byId('beat-use-bed'));
    expect(byId('beat-use-bed').getAttribute('aria-pressed')).toBe('true');
    expect(byId('mix-bed').dataset.clip).toBe(String(clip.id));
    expect(byId('mix-bed').textContent).toContain('Beat: 100 bpm, 4 bar(s), seed 42');
    await waitFor(() => expect(byId('notice').textContent).toContain('Bed set'));
  });

  it('explains a tempo the engine refuses in the job', async () => {
    const backend = await renderSound();
    await fireEvent.click(byId('beat-make'));
    const call = backend.lastBeat();
    // The engine checks the tempo while it renders: the job fails, in its words.
    call.emit({ event: 'started', jobId: call.jobId, total: 1 });
    call.emit({
      event: 'finished',
      jobId: call.jobId,
      done: 0,
      outcome: { state: 'failed', error: { code: 'INVALID_REQUEST', message: 'tempo 300 bpm is outside 40..=240' } },
    });
    await frame();
    expect(byId('beat-error').dataset.code).toBe('INVALID_REQUEST');
    expect(byId('beat-state').textContent).toBe('tempo 300 bpm is outside 40..=240');
    expect(screen.queryByTestId('beat-clip')).toBeNull();
  });
});

describe('the Sound tool: playback through the waveform', () => {
  it('shows the playhead where the player is, and seeks where the waveform is clicked', async () => {
    const backend = await renderSound();
    const clip = await makeBeat(backend); // 4 bars at 100 bpm: 9.6 s
    expect(clip.durationSeconds).toBeCloseTo(9.6, 3);
    const wave = byId('beat-clip-waveform');
    expect(wave.getAttribute('role')).toBe('slider');
    expect(wave.getAttribute('aria-label')).toBe(`Position in ${clip.label}`);
    // Not loaded: no playhead.
    expect(screen.queryByTestId('beat-clip-waveform-playhead')).toBeNull();

    // Clicking a clip not loaded plays it from there.
    await fireEvent.click(wave, { clientX: WIDTH / 4 });
    await waitFor(() => expect(backend.player.actions).toEqual([{ action: 'seek', seconds: 2.4 }]));
    expect(backend.player.played).toEqual([clip.id]);
    await waitFor(() => expect(byId('beat-clip-waveform-playhead').style.left).toBe('25%'));
    expect(wave.getAttribute('aria-valuenow')).toBe('2.4');
    expect(wave.getAttribute('aria-valuetext')).toBe('0:02.4 of 0:09.6');

    // The playhead follows the reports.
    backend.player.advance(2.4);
    await waitFor(() => expect(byId('beat-clip-waveform-playhead').style.left).toBe('50%'));
    // The part played is drawn in the accent colour.
    expect(wave.querySelector('path.played')).not.toBeNull();

    // Clicking the loaded clip seeks, without playing it again.
    await fireEvent.click(wave, { clientX: WIDTH * 0.75 });
    await waitFor(() => expect(backend.player.actions.at(-1)).toEqual({ action: 'seek', seconds: 7.2 }));
    expect(backend.player.played).toEqual([clip.id]);
    await waitFor(() => expect(byId('beat-clip-waveform-playhead').style.left).toBe('75%'));

    // The keyboard seeks too.
    await fireEvent.keyDown(wave, { key: 'ArrowLeft' });
    await waitFor(() => expect(backend.player.actions.at(-1)).toEqual({ action: 'seek', seconds: 6.2 }));
    await fireEvent.keyDown(wave, { key: 'Home' });
    await waitFor(() => expect(backend.player.actions.at(-1)).toEqual({ action: 'seek', seconds: 0 }));

    // Another clip played: this one's playhead goes.
    await fireEvent.click(byId('hits-generate'));
    const hits = backend.lastHits();
    hits.emit(...hits.events());
    await frame();
    await fireEvent.click(within(screen.getAllByTestId('hit')[0]!).getByTestId('hit-play'));
    await waitFor(() => expect(screen.queryByTestId('beat-clip-waveform-playhead')).toBeNull());
    expect(within(screen.getAllByTestId('hit')[0]!).getByTestId('hit-waveform-playhead').style.left).toBe('0%');
  });
});

describe('the Sound tool: mix', () => {
  async function speakAndUse(backend: Awaited<ReturnType<typeof renderSound>>): Promise<AudioClip> {
    await fireEvent.click(byId('tool-voice'));
    await fireEvent.input(byId('voice-text'), { target: { value: 'Fresh coffee. Every morning.' } });
    await fireEvent.click(byId('voice-speak'));
    const call = backend.lastSpeak();
    call.emit(...call.events());
    await frame();
    await fireEvent.click(byId('voice-use-voiceover'));
    await fireEvent.click(byId('tool-sound'));
    return clipOf(call.events());
  }

  it('mixes the voiceover over the bed with the settings chosen', async () => {
    const backend = await renderSound();
    const bed = await makeBeat(backend);
    await fireEvent.click(byId('beat-use-bed'));
    const voice = await speakAndUse(backend);
    expect(byId('mix-voice').textContent).toContain('Voice: Fresh coffee. Every morning.');

    await fireEvent.input(byId('mix-ducking'), { target: { value: '18' } });
    await fireEvent.input(byId('mix-bed-level'), { target: { value: '-20' } });
    await setNumber('mix-voice-start', '1.5');
    await fireEvent.input(byId('mix-fade-in'), { target: { value: '0' } });
    await fireEvent.input(byId('mix-fade-out'), { target: { value: '3' } });
    expect(sound().getByText('+18 dB')).toBeTruthy();
    expect(sound().getByText('−20 dB')).toBeTruthy();
    await fireEvent.click(byId('mix-button'));

    const call = backend.lastMix();
    expect(call.request).toEqual({
      voice: voice.id,
      bed: bed.id,
      voiceOffsetSeconds: 1.5,
      duckingDb: 18,
      bedGainDb: -20,
      fadeInSeconds: 0,
      fadeOutSeconds: 3,
    });
    call.emit(...call.events().slice(0, 1));
    await frame();
    expect(byId('mix-state').textContent).toBe('Mixing…');
    call.emit(...call.events().slice(1));
    await frame();
    const mixed = clipOf(call.events());
    expect(byId('mix-state').textContent).toBe(`Done: ${mixed.durationSeconds.toFixed(1)} s mix`);
    expect(byId('mix-clip').dataset.clip).toBe(String(mixed.id));
    expect(byId('mix-clip-detail').textContent).toBe('-14.0 LUFS, -1.2 dBTP');
    expect(byId('mix-clip-waveform').querySelector('path.wave')).not.toBeNull();
    await fireEvent.click(byId('mix-clip-play'));
    await waitFor(() => expect(backend.player.played).toEqual([mixed.id]));
  });

  it('uses the defaults, and mixes a bed alone (no voice sent)', async () => {
    const backend = await renderSound();
    const bed = await makeBeat(backend);
    await fireEvent.click(byId('beat-use-bed'));
    expect(byId<HTMLInputElement>('mix-voice-start').disabled).toBe(true);
    await fireEvent.click(byId('mix-button'));
    expect(backend.lastMix().request).toEqual({
      bed: bed.id,
      voiceOffsetSeconds: 0.5,
      duckingDb: 10,
      bedGainDb: -12,
      fadeInSeconds: 0.5,
      fadeOutSeconds: 1.5,
    });

    // Leaving the bed out leaves nothing to mix.
    await fireEvent.click(byId('mix-bed-clear'));
    expect(byId('mix-bed').dataset.clip).toBe('');
    expect(byId<HTMLButtonElement>('mix-button').disabled).toBe(true);
  });

  it('says what is wrong with the voice start', async () => {
    const backend = await renderSound();
    await speakAndUse(backend);
    await setNumber('mix-voice-start', '-1');
    expect(byId('mix-voice-start-error').textContent).toBe('The voice start must be a number of seconds.');
    expect(byId<HTMLButtonElement>('mix-button').disabled).toBe(true);
    await setNumber('mix-voice-start', '2');
    expect(screen.queryByTestId('mix-voice-start-error')).toBeNull();
    await fireEvent.click(byId('mix-button'));
    expect(backend.lastMix().request).toMatchObject({ voiceOffsetSeconds: 2 });
    expect(backend.lastMix().request.bed).toBeUndefined();
  });
});

describe('the Sound tool without its model or a sound card', () => {
  it('explains a missing drum model; mixing still works', async () => {
    await renderSound({
      status: readyStatus({ models: [faceModel(), textModel(), voiceModel()] }),
    });
    expect(byId('sound-setup-problem').textContent).toContain('No drum model in the manifest');
    expect(byId('sound-setup-problem').textContent).toContain('Mixing works');
    expect(byId<HTMLButtonElement>('hits-generate').disabled).toBe(true);
    expect(byId<HTMLButtonElement>('beat-make').disabled).toBe(true);
  });

  it('says playback is off, disables the transport, and still makes sound', async () => {
    const backend = await renderSound({ audioDevice: false });
    expect(byId('sound-transport').dataset.state).toBe('no-device');
    expect(byId('sound-transport-notice').textContent).toBe(NO_DEVICE_MESSAGE);
    expect(byId<HTMLButtonElement>('sound-transport-play').disabled).toBe(true);
    expect(byId<HTMLButtonElement>('sound-transport-loop').disabled).toBe(true);
    expect(byId<HTMLInputElement>('sound-transport-volume').disabled).toBe(true);

    await fireEvent.click(byId('hits-generate'));
    const call = backend.lastHits();
    call.emit(...call.events());
    await frame();
    expect(screen.getAllByTestId('hit')).toHaveLength(4);
    expect(within(screen.getAllByTestId('hit')[0]!).getByTestId<HTMLButtonElement>('hit-play').disabled).toBe(true);

    const beat = await makeBeat(backend);
    expect(byId<HTMLButtonElement>('beat-loop').disabled).toBe(true);
    await fireEvent.click(byId('beat-use-bed'));
    await fireEvent.click(byId('mix-button'));
    expect(backend.lastMix().request.bed).toBe(beat.id);
    expect(backend.commands.filter((c) => c === 'player_play_clip' || c === 'player_control')).toEqual([]);
  });
});
