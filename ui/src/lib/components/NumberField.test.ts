/** NumberField on its own, and bound in a form (src/test/NumberFieldForm.svelte). */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

import NumberFieldForm from '../../test/NumberFieldForm.svelte';
import NumberField from './NumberField.svelte';

const input = () => screen.getByTestId<HTMLInputElement>('count');

describe('NumberField', () => {
  it('is a labelled whole-number input with the id as its test id', () => {
    const { container } = render(NumberField, { id: 'count', label: 'Count', value: '3', min: 1, max: 9 });

    expect(screen.getByLabelText('Count')).toBe(input());
    expect(input().id).toBe('count');
    expect(input().type).toBe('number');
    expect(input().value).toBe('3');
    expect(input().getAttribute('inputmode')).toBe('numeric');
    expect(input().getAttribute('min')).toBe('1');
    expect(input().getAttribute('max')).toBe('9');
    expect(input().getAttribute('step')).toBe('1');
    expect(input().getAttribute('aria-invalid')).toBe('false');
    expect(input().hasAttribute('aria-describedby')).toBe(false);

    const field = container.querySelector('div')!;
    expect(field.className).toBe('form-field');
    expect(input().parentElement).toBe(field);
  });

  it('leaves out an absent maximum and takes a step and more classes', () => {
    const { container } = render(NumberField, { id: 'count', label: 'Count', value: '', min: 0, step: 5, class: 'seed' });

    expect(input().hasAttribute('max')).toBe(false);
    expect(input().getAttribute('min')).toBe('0');
    expect(input().getAttribute('step')).toBe('5');
    expect(container.querySelector('div')!.className).toBe('form-field seed');
  });

  it('points an invalid input at its error message, when it has one', async () => {
    const { rerender } = render(NumberField, {
      id: 'count',
      label: 'Count',
      value: '0',
      min: 1,
      invalid: true,
      errorId: 'count-error',
    });
    expect(input().getAttribute('aria-invalid')).toBe('true');
    expect(input().getAttribute('aria-describedby')).toBe('count-error');

    await rerender({ invalid: false });
    expect(input().getAttribute('aria-invalid')).toBe('false');
    expect(input().hasAttribute('aria-describedby')).toBe(false);

    await rerender({ invalid: true, errorId: undefined });
    expect(input().getAttribute('aria-invalid')).toBe('true');
    expect(input().hasAttribute('aria-describedby')).toBe(false);
  });

  it('binds the text as typed, both ways', async () => {
    render(NumberFieldForm);
    const text = () => screen.getByTestId('text').textContent;
    expect(input().value).toBe('4');

    await fireEvent.input(input(), { target: { value: '12' } });
    expect(text()).toBe('12');

    await fireEvent.input(input(), { target: { value: '' } });
    expect(text()).toBe('');
    expect(input().getAttribute('aria-invalid')).toBe('true');
    expect(input().getAttribute('aria-describedby')).toBe('count-error');

    await fireEvent.click(screen.getByTestId('roll'));
    expect(input().value).toBe('7');
    expect(input().getAttribute('aria-invalid')).toBe('false');
  });

  it('shows its children in a row after the input', () => {
    render(NumberFieldForm);

    const row = input().parentElement!;
    expect(row.className).toBe('with-button');
    expect(row.parentElement!.className).toBe('form-field');
    expect(input().nextElementSibling).toBe(screen.getByTestId('roll'));
  });
});
