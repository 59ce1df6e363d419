import { z } from 'zod';

/** A `FilterExpression` of the SDK's query classes: conditions and nested filters, joined by And or Or. */
export interface NestedFilter<C> {
  readonly FilterOperator?: 'And' | 'Or' | undefined;
  readonly Conditions: readonly C[];
  readonly Filters: readonly NestedFilter<C>[];
}

/**
 * The JSON schema of a filter whose conditions are `condition`, nested to any depth: what
 * `QueryExpression.Criteria` (BulkDelete) and `MetadataFilterExpression` (RetrieveMetadataChanges)
 * share.
 */
export function nestedFilter<C>(condition: z.ZodType<C>): z.ZodType<NestedFilter<C>> {
  const schema: z.ZodType<NestedFilter<C>> = z.looseObject({
    FilterOperator: z.enum(['And', 'Or']).optional(),
    Conditions: z.array(condition).default([]),
    Filters: z.array(z.lazy(() => schema)).default([]),
  });
  return schema;
}
