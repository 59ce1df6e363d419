import { z } from 'zod';

/** One count or a list of them, each run as its own strategy. */
export const counts = z.union([z.int().min(1).max(4096), z.array(z.int().min(1).max(4096)).min(1)]);

export const asList = (v: number | readonly number[]): readonly number[] => (typeof v === 'number' ? [v] : v);

/** Every combination of two lists, in order. */
export function pairs(a: number | readonly number[], b: number | readonly number[]): [number, number][] {
  return asList(a).flatMap((x) => asList(b).map((y): [number, number] => [x, y]));
}

/** A concrete strategy whose one count is `field`, and sets its concurrency: `async:8`, `transaction:4`. */
export type CountSpec<K extends string, F extends string> = {
  readonly kind: K;
  readonly name: string;
  readonly concurrency: number;
} & {
  readonly [P in F]: number;
};

/**
 * What a strategy with one count (`field`) shares with every other such: its text form `kind:N`
 * (`async:8` is `{ kind: 'async', workers: 8 }`), one concrete strategy per count it lists, and
 * that count as its parameter.
 */
export function oneCount<K extends string, F extends string>(kind: K, field: F, example: number) {
  type Input = { readonly [P in F]: number | readonly number[] };
  const spec = (n: number) => ({ kind, name: `${kind}:${n}`, concurrency: n, [field]: n }) as CountSpec<K, F>;
  return {
    ...countShorthand(kind, field, example),
    expand: (input: Input): CountSpec<K, F>[] => asList(input[field]).map(spec),
    parameters: (s: CountSpec<K, F>) => ({ [field]: s[field] }),
  };
}

/** The text form `kind:N` of a strategy whose count `field` it sets: `adaptive:64` is `{ kind: 'adaptive', max: 64 }`. */
export function countShorthand<K extends string, F extends string>(kind: K, field: F, example: number) {
  return {
    shorthand: new RegExp(`^${kind}:(\\d+)$`),
    example: `${kind}:${example}`,
    fromShorthand: (m: RegExpExecArray) => ({ kind, [field]: Number(m[1]) }) as { kind: K } & Record<F, number>,
  };
}
