import { z } from 'zod';
import { strategyKinds, type StrategyInput } from './strategyKinds.js';

const KINDS = strategyKinds.map((d) => d.kind).join(', ');
const EXAMPLES = strategyKinds.map((d) => d.example).join(', ');

/** Any kind's shorthand: what the JSON Schema offers editors, and what the text form must match. */
const SHORTHAND = new RegExp(`^(?:${strategyKinds.map((d) => d.shorthand.source.replace(/^\^|\$$/g, '')).join('|')})$`);

/** The object form of a shorthand, from the kind whose pattern it matches. */
function fromShorthand(text: string): unknown {
  for (const d of strategyKinds) {
    const m = d.shorthand.exec(text);
    if (m !== null) return d.fromShorthand(m);
  }
  return text;
}

const strategyObject = z.discriminatedUnion(
  'kind',
  strategyKinds.map((d) => d.schema) as unknown as [(typeof strategyKinds)[number]['schema']],
  { error: () => `a strategy's kind must be one of ${KINDS}` },
);

const shorthandText = z
  .string()
  .regex(SHORTHAND)
  .describe(`A strategy in short: ${EXAMPLES} (batch and bulk: SIZExIN_FLIGHT; batch:…:stop stops on the first error).`)
  .transform(fromShorthand)
  .pipe(strategyObject);

/**
 * A strategy, as text (`async:8`, `batch:100x2`, `batch:100` for one in flight, `:stop` for
 * stop-on-error) or as an object (`{ kind: async, workers: [1, 2, 4] }`); both come out as the object.
 */
export const strategySchema: z.ZodType<StrategyInput> = z.union([shorthandText, strategyObject], {
  error: (issue) => {
    if (typeof issue.input === 'string')
      return (
        `'${issue.input}' is not a strategy: write a shorthand such as ${EXAMPLES}, ` +
        `or an object such as { kind: async, workers: 8 } (kinds: ${KINDS})`
      );
    const kind =
      typeof issue.input === 'object' && issue.input !== null ? (issue.input as { kind?: unknown }).kind : undefined;
    return `kind ${JSON.stringify(kind ?? null)} is not a strategy kind; kinds: ${KINDS}`;
  },
});
