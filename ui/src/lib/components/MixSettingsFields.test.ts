/** MixSettingsFields on its own: ids from the prefix, order, disabling, the callbacks. */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';

import MixSettingsFields from './MixSettingsFields.svelte';

const levels = { duckingDb: 10, bedGainDb: -12, fadeInSeconds: 0.5, fadeOutSeconds: 1.5 };
const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);

function props(more: Record<string, unknown> = {}) {
  return {
    idPrefix: 'm',
    levels,
    voiceStart: '0.5',
    onslide: vi.fn(),
    onslideend: vi.fn(),
    onvoicestartinput: vi.fn(),
    onvoicestartchange: vi.fn(),
    ...more,
  };
}

describe('MixSettingsFields', () => {
  it('labels each setting, with ids and test ids from the prefix and its value beside each slider', () => {
    render(MixSettingsFields, props());

    expect(screen.getByLabelText(/^Ducking/)).toBe(byId('m-ducking'));
    expect(screen.getByLabelText(/^Bed level/)).toBe(byId('m-bed-level'));
    expect(screen.getByLabelText('Voice starts at (seconds)')).toBe(byId('m-voice-start'));
    expect(screen.getByLabelText('Fade in')).toBe(byId('m-fade-in'));
    expect(screen.getByLabelText('Fade out')).toBe(byId('m-fade-out'));

    const ducking = byId<HTMLInputElement>('m-ducking');
    expect([ducking.min, ducking.max, ducking.step, ducking.value]).toEqual(['0', '24', '1', '10']);
    expect(ducking.getAttribute('aria-valuetext')).toBe('+10 dB');
    expect(byId('m-ducking-value').textContent).toBe('+10 dB');
    const bed = byId<HTMLInputElement>('m-bed-level');
    expect([bed.min, bed.max, bed.value]).toEqual(['-30', '0', '-12']);
    expect(byId('m-bed-level-value').textContent).toBe('−12 dB');
    const fadeOut = byId<HTMLInputElement>('m-fade-out');
    expect([fadeOut.min, fadeOut.max, fadeOut.step, fadeOut.value]).toEqual(['0', '5', '0.1', '1.5']);
    expect(fadeOut.getAttribute('aria-valuetext')).toBe('1.5 seconds');
    expect(byId('m-fade-out-value').textContent).toBe('1.5 s');
    expect(byId<HTMLInputElement>('m-voice-start').value).toBe('0.5');
    expect(byId('m-voice-start').getAttribute('aria-invalid')).toBe('false');
  });

  it('puts the voice start after the levels, or first', async () => {
    const { container, rerender } = render(MixSettingsFields, props());
    const inputs = () => [...container.querySelectorAll('input')].map((i) => i.id);
    expect(inputs()).toEqual(['m-ducking', 'm-bed-level', 'm-voice-start', 'm-fade-in', 'm-fade-out']);

    await rerender({ voiceStartFirst: true });
    expect(inputs()).toEqual(['m-voice-start', 'm-ducking', 'm-bed-level', 'm-fade-in', 'm-fade-out']);
  });

  it('widens a slider to take a value outside its range', () => {
    render(MixSettingsFields, props({ levels: { duckingDb: 30, bedGainDb: -40, fadeInSeconds: 7, fadeOutSeconds: 0 } }));

    expect(byId<HTMLInputElement>('m-ducking').max).toBe('30');
    expect(byId<HTMLInputElement>('m-bed-level').min).toBe('-40');
    expect(byId<HTMLInputElement>('m-fade-in').max).toBe('7');
    expect(byId<HTMLInputElement>('m-fade-out').max).toBe('5');
  });

  it('disables the settings it is told to', () => {
    render(MixSettingsFields, props({ disabled: { duckingDb: true, voiceOffsetSeconds: true } }));

    expect(byId<HTMLInputElement>('m-ducking').disabled).toBe(true);
    expect(byId<HTMLInputElement>('m-voice-start').disabled).toBe(true);
    expect(byId<HTMLInputElement>('m-bed-level').disabled).toBe(false);
    expect(byId<HTMLInputElement>('m-fade-in').disabled).toBe(false);
  });

  it('says a slider moved and was let go, and the voice start typed and committed', async () => {
    const p = props();
    render(MixSettingsFields, p);

    await fireEvent.input(byId('m-bed-level'), { target: { value: '-20' } });
    expect(p.onslide).toHaveBeenCalledWith('bedGainDb', -20, expect.any(Event));
    await fireEvent.change(byId('m-bed-level'), { target: { value: '-20' } });
    expect(p.onslideend).toHaveBeenCalledWith('bedGainDb');

    await fireEvent.input(byId('m-fade-in'), { target: { value: '2' } });
    expect(p.onslide).toHaveBeenLastCalledWith('fadeInSeconds', 2, expect.any(Event));

    await fireEvent.input(byId('m-voice-start'), { target: { value: '3' } });
    expect(p.onvoicestartinput).toHaveBeenCalledWith('3');
    await fireEvent.change(byId('m-voice-start'), { target: { value: '3' } });
    expect(p.onvoicestartchange).toHaveBeenCalledTimes(1);
  });

  it('shows the voice start error and points the box at it', () => {
    render(MixSettingsFields, props({ voiceStartError: 'Not a number.' }));

    const start = byId('m-voice-start');
    expect(start.getAttribute('aria-invalid')).toBe('true');
    expect(start.getAttribute('aria-describedby')).toBe('m-voice-start-error');
    expect(byId('m-voice-start-error').textContent).toBe('Not a number.');
    expect(byId('m-voice-start-error').id).toBe('m-voice-start-error');
  });
});
