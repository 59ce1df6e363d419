import { z } from 'zod';

/** One count or a list of them, each run as its own strategy. */
export const counts = z.union([z.int().min(1).max(4096), z.array(z.int().min(1).max(4096)).min(1)]);

export const asList = (v: number | readonly number[]): readonly number[] => (typeof v === 'number' ? [v] : v);

/** Every combination of two lists, in order. */
export function pairs(a: number | readonly number[], b: number | readonly number[]): [number, number][] {
  return asList(a).flatMap((x) => asList(b).map((y): [number, number] => [x, y]));
}
