import { afterEach, describe, expect, it, vi } from 'vitest';
import { safe } from './safe.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('safe', () => {
  it('passes arguments and the result through', () => {
    const add = safe((a: number, b: number) => a + b);
    expect(add(2, 3)).toBe(5);
  });

  it('swallows exceptions and returns undefined, silently outside the debug build', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const failing = safe(() => {
      throw new Error('boom');
    });
    expect(() => failing()).not.toThrow();
    expect(failing()).toBe(undefined);
    expect(warn).not.toHaveBeenCalled();
  });
});
