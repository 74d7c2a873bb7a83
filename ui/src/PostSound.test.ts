/**
 * The post's sound against the fake backend (src/test/backend.ts): clips added to the post as its
 * voiceover or bed (from the Voice tool, a beat, an imported file), the "Post sound" section
 * (tracks, remove, mix settings as `set-audio` edits, undo), sound files brought in (by path, by
 * drop, a damaged one), and the export menu's sound formats (enabled only with sound).
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import { exportPost } from './lib/ipc';
import type { AudioClip, Edit, JobEvent, PostAudio } from './lib/ipc';
import {
  emitFileDrag,
  installProjectBackend,
  NO_SOUND_ERROR,
  PROJECT_DIR,
  removeBackend,
  stubCanvas,
  stubLayout,
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

const SOUND_DROP = { left: 500, top: 100, width: 300, height: 120 };
const inSoundDrop = { x: 600, y: 150 };

async function renderStudio(project: FakeProjectOptions = {}) {
  const backend = installProjectBackend(project);
  stubCanvas();
  stubLayout(800, 600, {
    'media-bin': { left: 0, top: 600, width: 800, height: 100 },
    'sound-drop': SOUND_DROP,
  });
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  await waitFor(() => expect(screen.getByTestId('project-name').textContent).not.toBe('No project'));
  return backend;
}

type Backend = Awaited<ReturnType<typeof renderStudio>>;

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const button = (id: string) => byId<HTMLButtonElement>(id);

function clipOf(events: JobEvent[]): AudioClip {
  const event = events.find((e) => e.event === 'audioClip');
  if (event?.event !== 'audioClip') throw new Error('no clip');
  return event.clip;
}

const audioEdits = (backend: Backend) =>
  backend.editCalls.flatMap((c) =>
    c.edits
      .filter((e): e is Extract<Edit, { edit: 'set-audio' }> => e.edit === 'set-audio')
      .map((e) => ({ audio: e.audio, gesture: c.gesture })),
  );

const noticeText = () => byId('notice').textContent;

async function speak(backend: Backend, words = 'Fresh coffee. Every morning.'): Promise<AudioClip> {
  await fireEvent.click(byId('tool-voice'));
  await fireEvent.input(byId('voice-text'), { target: { value: words } });
  await fireEvent.click(byId('voice-speak'));
  const call = backend.lastSpeak();
  call.emit(...call.events());
  await frame();
  return clipOf(call.events());
}

async function makeBeat(backend: Backend): Promise<AudioClip> {
  await fireEvent.click(byId('tool-sound'));
  await fireEvent.click(byId('beat-make'));
  const call = backend.lastBeat();
  call.emit(...call.events());
  await frame();
  return clipOf(call.events());
}

const MIX = { voiceOffsetSeconds: 0.5, duckingDb: 10, bedGainDb: -12, fadeInSeconds: 0.5, fadeOutSeconds: 1.5 };
const WITH_SOUND: PostAudio = {
  voice: { asset: 'assets/voice-hello-5e1f01.wav', label: 'Voice: Hello there', durationSeconds: 2.4 },
  bed: { asset: 'assets/bed-beat-5e1f02.wav', label: 'Beat: 100 bpm, 4 bar(s), seed 42', durationSeconds: 9.6 },
  mix: MIX,
};

describe('adding sound to the post', () => {
  it('adds the spoken voice to the post as its voiceover, one undo step', async () => {
    const backend = await renderStudio();
    const voice = await speak(backend);
    const add = button('voice-clip-add-voice');
    expect(add.textContent).toContain('Add to post as voiceover');
    expect(button('voice-clip-add-bed').textContent).toContain('Add to post as bed');
    await fireEvent.click(add);

    await waitFor(() => expect(backend.view().post.audio?.voice?.label).toBe(voice.label));
    expect(backend.calls.find((c) => c.cmd === 'add_audio_to_post')!.args).toEqual({
      request: { clip: voice.id, role: 'voice' },
    });
    expect(backend.view().post.audio?.voice?.asset).toMatch(/^assets\/voice-.*\.wav$/);
    expect(backend.view().post.audio?.bed).toBeUndefined();
    await waitFor(() => expect(noticeText()).toContain(`Added to the post as its voiceover: ${voice.label}`));
    await waitFor(() => expect(add.dataset.added).toBe('true'));
    expect(button('voice-clip-add-bed').dataset.added).toBe('false');

    // The Sound tool's "Post sound" shows it.
    await fireEvent.click(byId('tool-sound'));
    expect(byId('post-sound-voice-label').textContent).toBe(voice.label);
    expect(byId('post-sound-voice-length').textContent).toBe(`${voice.durationSeconds.toFixed(1)} s`);
    expect(within(byId('post-sound-bed')).getByText('None')).toBeTruthy();

    // Undo takes it out again.
    await fireEvent.click(byId('undo'));
    await waitFor(() => expect(byId('post-sound-voice').dataset.asset).toBe(''));
    expect(backend.view().post.audio).toBeUndefined();
  });

  it('adds a beat to the post as its bed, keeping the voiceover', async () => {
    const backend = await renderStudio({ audio: { voice: WITH_SOUND.voice, mix: MIX } });
    const beat = await makeBeat(backend);
    await fireEvent.click(button('beat-clip-add-bed'));
    await waitFor(() => expect(backend.view().post.audio?.bed?.label).toBe(beat.label));
    expect(backend.calls.find((c) => c.cmd === 'add_audio_to_post')!.args).toEqual({
      request: { clip: beat.id, role: 'bed' },
    });
    expect(backend.view().post.audio?.voice).toEqual(WITH_SOUND.voice);
    await waitFor(() => expect(byId('post-sound-bed-label').textContent).toBe(beat.label));
    expect(byId('post-sound-bed-length').textContent).toBe('9.6 s');
    expect(byId('post-sound-voice-label').textContent).toBe('Voice: Hello there');
    await waitFor(() => expect(noticeText()).toContain('Added to the post as its bed'));
  });

  it('says why a clip could not be added', async () => {
    const backend = await renderStudio();
    await speak(backend);
    // The engine forgot the clip (expired): the store's notice says so, the post is unchanged.
    backend.clips.clear();
    await fireEvent.click(button('voice-clip-add-voice'));
    await waitFor(() => expect(noticeText()).toContain('Could not add the voiceover to the post: no sound clip'));
    expect(backend.view().post.audio).toBeUndefined();
    expect(button('voice-clip-add-voice').dataset.added).toBe('false');
  });
});

describe('the post sound section', () => {
  it('shows that the post has no sound, with its settings off', async () => {
    await renderStudio();
    await fireEvent.click(byId('tool-sound'));
    expect(screen.getByRole('heading', { name: 'Post sound' })).toBeTruthy();
    expect(byId('post-sound-empty').textContent).toContain('The post has no sound yet');
    expect(byId<HTMLFieldSetElement>('post-mix').disabled).toBe(true);
    expect(screen.queryByTestId('post-sound-voice-remove')).toBeNull();
  });

  it('removes the voiceover with a set-audio edit without it; undo brings it back', async () => {
    const backend = await renderStudio({ audio: WITH_SOUND });
    await fireEvent.click(byId('tool-sound'));
    expect(byId('post-sound-voice-label').textContent).toBe('Voice: Hello there');
    expect(byId('post-sound-voice-length').textContent).toBe('2.4 s');
    await fireEvent.click(byId('post-sound-voice-remove'));

    await waitFor(() => expect(byId('post-sound-voice').dataset.asset).toBe(''));
    expect(audioEdits(backend)).toEqual([{ audio: { bed: WITH_SOUND.bed, mix: MIX }, gesture: null }]);
    expect(backend.view().post.audio).toEqual({ bed: WITH_SOUND.bed, mix: MIX });
    expect(byId('post-sound-bed-label').textContent).toBe(WITH_SOUND.bed!.label);
    await waitFor(() => expect(noticeText()).toContain("Removed the post's voiceover"));

    // Then the bed: the post has no sound left.
    await fireEvent.click(byId('post-sound-bed-remove'));
    await waitFor(() => expect(byId('post-sound-bed').dataset.asset).toBe(''));
    expect(audioEdits(backend).at(-1)!.audio).toEqual({ mix: MIX });
    expect(backend.view().post.audio).toBeUndefined();
    expect(byId<HTMLFieldSetElement>('post-mix').disabled).toBe(true);

    await fireEvent.click(byId('undo'));
    await fireEvent.click(byId('undo'));
    await waitFor(() => expect(byId('post-sound-voice').dataset.asset).toBe(WITH_SOUND.voice!.asset));
    expect(backend.view().post.audio).toEqual(WITH_SOUND);
  });

  it('sends a slider drag as set-audio edits of one gesture, the new value with the rest kept', async () => {
    const backend = await renderStudio({ audio: WITH_SOUND });
    await fireEvent.click(byId('tool-sound'));
    const ducking = byId<HTMLInputElement>('post-mix-ducking');
    expect(ducking.value).toBe('10');
    expect(byId('post-mix-ducking-value').textContent).toBe('+10 dB');
    for (const value of ['14', '17', '20']) await fireEvent.input(ducking, { target: { value } });
    await fireEvent.change(ducking, { target: { value: '20' } });

    await waitFor(() => expect(backend.view().post.audio?.mix.duckingDb).toBe(20));
    const edits = audioEdits(backend);
    expect(edits.length).toBeGreaterThan(0);
    expect(new Set(edits.map((e) => e.gesture)).size).toBe(1);
    expect(edits[0]!.gesture).toMatch(/^post-mix-duckingDb-\d+$/);
    expect(edits.at(-1)!.audio).toEqual({ ...WITH_SOUND, mix: { ...MIX, duckingDb: 20 } });
    await waitFor(() => expect(byId('post-mix-ducking-value').textContent).toBe('+20 dB'));

    // Another setting: a gesture of its own, the ducking kept.
    await fireEvent.input(byId('post-mix-fade-out'), { target: { value: '3' } });
    await fireEvent.change(byId('post-mix-fade-out'), { target: { value: '3' } });
    await waitFor(() => expect(backend.view().post.audio?.mix.fadeOutSeconds).toBe(3));
    expect(backend.view().post.audio?.mix).toEqual({ ...MIX, duckingDb: 20, fadeOutSeconds: 3 });
    expect(audioEdits(backend).at(-1)!.gesture).toMatch(/^post-mix-fadeOutSeconds-/);

    // Each drag undoes as one step.
    await fireEvent.click(byId('undo'));
    await waitFor(() => expect(backend.view().post.audio?.mix).toEqual({ ...MIX, duckingDb: 20 }));
    await fireEvent.click(byId('undo'));
    await waitFor(() => expect(backend.view().post.audio?.mix).toEqual(MIX));
    await waitFor(() => expect(byId('post-mix-ducking-value').textContent).toBe('+10 dB'));
  });

  it('sets the voice start when typed, and says what is wrong with it', async () => {
    const backend = await renderStudio({ audio: WITH_SOUND });
    await fireEvent.click(byId('tool-sound'));
    const start = byId<HTMLInputElement>('post-mix-voice-start');
    expect(start.value).toBe('0.5');
    await fireEvent.input(start, { target: { value: '61' } });
    await fireEvent.change(start, { target: { value: '61' } });
    expect(byId('post-mix-voice-start-error').textContent).toBe('The voice start must be from 0 to 60 seconds.');
    expect(audioEdits(backend)).toEqual([]);

    await fireEvent.input(start, { target: { value: '1.5' } });
    await fireEvent.change(start, { target: { value: '1.5' } });
    await waitFor(() => expect(backend.view().post.audio?.mix.voiceOffsetSeconds).toBe(1.5));
    expect(audioEdits(backend)).toEqual([{ audio: { ...WITH_SOUND, mix: { ...MIX, voiceOffsetSeconds: 1.5 } }, gesture: null }]);
    expect(screen.queryByTestId('post-mix-voice-start-error')).toBeNull();
  });
});

describe('sound files the creator brings', () => {
  it('imports a sound file by its path, to mix and to add to the post', async () => {
    const backend = await renderStudio();
    await fireEvent.click(byId('tool-sound'));
    expect(button('sound-import-button').disabled).toBe(true);
    await fireEvent.input(byId('sound-import-path'), { target: { value: ' /home/me/Music/bed.mp3 ' } });
    await fireEvent.click(byId('sound-import-button'));

    await waitFor(() => expect(screen.getAllByTestId('imported-clip')).toHaveLength(1));
    expect(backend.calls.find((c) => c.cmd === 'import_audio')!.args).toEqual({ path: '/home/me/Music/bed.mp3' });
    const card = screen.getAllByTestId('imported-clip')[0]!;
    expect(card.textContent).toContain('bed.mp3');
    expect(within(card).getByTestId('imported-clip-duration').textContent).toBe('12.5 s');
    expect(byId<HTMLInputElement>('sound-import-path').value).toBe('');
    expect(screen.queryByTestId('sound-import-error')).toBeNull();

    await fireEvent.click(within(card).getByTestId('imported-clip-use-bed'));
    expect(byId('mix-bed').textContent).toContain('bed.mp3');

    await fireEvent.click(within(card).getByTestId('imported-clip-add-bed'));
    await waitFor(() => expect(backend.view().post.audio?.bed?.label).toBe('bed.mp3'));
    await waitFor(() => expect(byId('post-sound-bed-label').textContent).toBe('bed.mp3'));
    expect(byId('post-sound-bed-length').textContent).toBe('12.5 s');
  });

  it('imports the sound files dropped on its drop zone, and names those that are not', async () => {
    const backend = await renderStudio();
    await fireEvent.click(byId('tool-sound'));
    await emitFileDrag('over', inSoundDrop, ['/home/me/Music/hello.wav']);
    await waitFor(() => expect(byId('sound-drop').classList.contains('drop-target')).toBe(true));
    await emitFileDrag('drop', inSoundDrop, ['/home/me/Music/hello.wav', '/home/me/notes.txt']);

    await waitFor(() => expect(screen.getAllByTestId('imported-clip')).toHaveLength(1));
    expect(screen.getAllByTestId('imported-clip')[0]!.textContent).toContain('hello.wav');
    expect(backend.calls.filter((c) => c.cmd === 'import_audio').map((c) => c.args)).toEqual([
      { path: '/home/me/Music/hello.wav' },
    ]);
    const refused = byId('sound-import-refused');
    expect(refused.getAttribute('role')).toBe('alert');
    expect(refused.textContent).toContain('notes.txt is not a sound file');
    // Dropped on the Sound tool, nothing went into the media bin.
    expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(false);
  });

  it('says in words that a damaged file is not a sound it can read', async () => {
    const backend = await renderStudio();
    await fireEvent.click(byId('tool-sound'));
    await fireEvent.input(byId('sound-import-path'), { target: { value: '/home/me/Music/broken.mp3' } });
    await fireEvent.click(byId('sound-import-button'));

    const alert = await screen.findByTestId('sound-import-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.dataset.code).toBe('MEDIA_INVALID');
    expect(alert.textContent).toContain('broken.mp3 is not a sound the studio can read.');
    expect(alert.textContent).toContain('/home/me/Music/broken.mp3 is not a sound file the studio can read');
    expect(screen.queryByTestId('imported-clip')).toBeNull();
    // The path stays, to fix it.
    expect(byId<HTMLInputElement>('sound-import-path').value).toBe('/home/me/Music/broken.mp3');
    expect(backend.view().post.audio).toBeUndefined();

    // A good file next clears the alert.
    await fireEvent.input(byId('sound-import-path'), { target: { value: '/home/me/Music/hello.wav' } });
    await fireEvent.click(byId('sound-import-button'));
    await waitFor(() => expect(screen.getAllByTestId('imported-clip')).toHaveLength(1));
    expect(screen.queryByTestId('sound-import-error')).toBeNull();
  });
});

describe('exporting the post’s sound', () => {
  const option = (value: string) =>
    [...byId<HTMLSelectElement>('export-format').options].find((o) => o.value === value)!;

  it('offers WAV and MP4 only once the post has sound', async () => {
    const backend = await renderStudio();
    expect(option('wav').textContent).toContain('Sound (WAV)');
    expect(option('mp4').textContent).toContain('Video with sound (MP4)');
    expect(option('wav').disabled).toBe(true);
    expect(option('mp4').disabled).toBe(true);
    expect(option('png').disabled).toBe(false);
    expect(option('wav').title).toContain('The post has no sound yet');
    expect(byId('export-sound-hint').textContent).toContain('The post has no sound yet');
    // The fake refuses as the engine does.
    await expect(exportPost({ preset: null, format: 'wav', out: null })).rejects.toEqual(NO_SOUND_ERROR);
    await expect(exportPost({ preset: null, format: 'mp4', out: null })).rejects.toEqual(NO_SOUND_ERROR);

    // A voice added: both are offered.
    await speak(backend);
    await fireEvent.click(button('voice-clip-add-voice'));
    await waitFor(() => expect(option('wav').disabled).toBe(false));
    expect(option('mp4').disabled).toBe(false);
    expect(screen.queryByTestId('export-sound-hint')).toBeNull();
  });

  it('exports the sound as WAV and the post as MP4', async () => {
    const backend = await renderStudio({ audio: WITH_SOUND });
    expect(option('wav').disabled).toBe(false);
    await fireEvent.change(byId('export-format'), { target: { value: 'wav' } });
    await fireEvent.click(byId('export-button'));
    const result = await screen.findByTestId('export-result');
    expect(backend.calls.filter((c) => c.cmd === 'export_post').at(-1)!.args).toEqual({
      request: { preset: null, format: 'wav', out: null },
    });
    expect(result.textContent).toContain('Exported 1 file');
    expect(result.textContent).not.toContain('0×0');
    expect(result.textContent).toContain(`${PROJECT_DIR}/exports/instagram-portrait.wav`);

    await fireEvent.change(byId('export-format'), { target: { value: 'mp4' } });
    await fireEvent.click(byId('export-button'));
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === 'export_post')).toHaveLength(2));
    expect(backend.calls.filter((c) => c.cmd === 'export_post').at(-1)!.args).toEqual({
      request: { preset: null, format: 'mp4', out: null },
    });
    await waitFor(() => expect(screen.getByTestId('export-result').textContent).toContain('Exported 1 file · 1080×1350'));
  });

  it('falls back to PNG when the sound goes', async () => {
    const backend = await renderStudio({ audio: WITH_SOUND });
    await fireEvent.change(byId('export-format'), { target: { value: 'mp4' } });
    expect(byId<HTMLSelectElement>('export-format').value).toBe('mp4');
    await fireEvent.click(byId('tool-sound'));
    await fireEvent.click(byId('post-sound-voice-remove'));
    await waitFor(() => expect(byId('post-sound-voice').dataset.asset).toBe(''));
    await fireEvent.click(byId('post-sound-bed-remove'));
    await waitFor(() => expect(option('mp4').disabled).toBe(true));
    expect(byId<HTMLSelectElement>('export-format').value).toBe('png');
    await fireEvent.click(byId('export-button'));
    await screen.findByTestId('export-result');
    expect(backend.calls.filter((c) => c.cmd === 'export_post').at(-1)!.args).toMatchObject({ request: { format: 'png' } });
  });
});
