import { describe, expect, it } from 'vitest';
import { RecentAnswers } from './RecentAnswers.js';

describe('RecentAnswers', () => {
  it('holds at most two generations of its capacity, dropping the oldest whole', () => {
    const cache = new RecentAnswers<object, number>(3);
    const keys = Array.from({ length: 10 }, () => ({}));
    keys.forEach((k, i) => {
      cache.set(k, i);
    });
    expect(cache.size).toBeLessThanOrEqual(6);
    expect(cache.get(keys[9] as object)).toBe(9);
    expect(cache.get(keys[0] as object)).toBeUndefined();
  });

  it('keeps what is read again: a hit in the older generation moves to the newer', () => {
    const cache = new RecentAnswers<object, string>(2);
    const hot = {};
    cache.set(hot, 'hot');
    cache.set({}, 'a');
    cache.set({}, 'b'); // the first generation (hot, a) becomes the older
    expect(cache.get(hot)).toBe('hot'); // moved to the newer
    cache.set({}, 'c'); // the newer (b, hot) is full: it becomes the older
    cache.set({}, 'd');
    expect(cache.get(hot)).toBe('hot');
  });

  it('replacing a key does not count twice toward the capacity', () => {
    const cache = new RecentAnswers<object, number>(2);
    const k = {};
    for (let i = 0; i < 5; i++) cache.set(k, i);
    expect(cache.size).toBe(1);
    expect(cache.get(k)).toBe(4);
  });
});
