import type { FilterNode } from './FilterAst.js';

export interface OrderByItem {
  readonly path: readonly string[];
  readonly descending: boolean;
}

export interface ExpandItem {
  readonly navigationProperty: string;
  readonly select: readonly string[] | undefined;
  /** `$filter`, `$orderby` and `$top` inside the parentheses: for collection-valued navigation properties only. */
  readonly filter?: FilterNode | undefined;
  readonly orderBy?: readonly OrderByItem[];
  readonly top?: number | undefined;
  /** `$expand` inside the parentheses: the related records' own navigation properties. */
  readonly expand?: readonly ExpandItem[];
}

export interface QueryOptions {
  readonly select: readonly string[] | undefined;
  readonly filter: FilterNode | undefined;
  readonly filterText: string | undefined;
  readonly orderBy: readonly OrderByItem[];
  readonly orderByText: string;
  readonly top: number | undefined;
  readonly count: boolean;
  readonly expand: readonly ExpandItem[];
  readonly skipToken: string | undefined;
  /** A change-tracking token from an earlier answer's `@odata.deltaLink`. */
  readonly deltaToken?: string | undefined;
}

/**
 * A query the mock builds itself (a FetchXML query, an expanded relationship's records) rather
 * than parses from a URL: no `$top`, `$count`, `$expand` or skip token.
 */
export function builtQuery(
  parts: Pick<QueryOptions, 'select' | 'filter' | 'orderBy'> & { readonly filterText?: string },
): QueryOptions {
  const { select, filter, orderBy, filterText } = parts;
  return {
    select,
    filter,
    filterText,
    orderBy,
    orderByText: '',
    top: undefined,
    count: false,
    expand: [],
    skipToken: undefined,
  };
}
