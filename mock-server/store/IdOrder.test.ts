import { describe, expect, it } from 'vitest';
import { IdOrder, indexAfter } from './IdOrder.js';

describe('IdOrder', () => {
  it('keeps every live key once, in order, however they came, went and came back', () => {
    const order = new IdOrder();
    const live = new Set<string>();
    const add = (id: string): void => {
      live.add(id);
      order.add(id);
    };
    for (const id of ['d', 'b', 'f']) add(id);
    expect(order.ordered((id) => live.has(id))).toEqual(['b', 'd', 'f']);
    add('a');
    add('e');
    live.delete('d');
    order.remove();
    // A rollback puts a deleted key back: it is added again while still in the sorted list.
    add('f');
    expect(order.ordered((id) => live.has(id))).toEqual(['a', 'b', 'e', 'f']);
  });

  it('leaves dead keys to the reader until a quarter are dead, then drops them', () => {
    const order = new IdOrder();
    const live = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    for (const id of live) order.add(id);
    order.ordered((id) => live.has(id));
    live.delete('c');
    order.remove();
    expect(order.ordered((id) => live.has(id))).toContain('c');
    live.delete('e');
    order.remove();
    live.delete('g');
    order.remove();
    expect(order.ordered((id) => live.has(id))).toEqual(['a', 'b', 'd', 'f', 'h']);
  });

  it('indexAfter finds the first key past a cursor, present or not', () => {
    const ids = ['a', 'c', 'e'];
    expect(indexAfter(ids, '0')).toBe(0);
    expect(indexAfter(ids, 'a')).toBe(1);
    expect(indexAfter(ids, 'b')).toBe(1);
    expect(indexAfter(ids, 'e')).toBe(3);
  });
});
