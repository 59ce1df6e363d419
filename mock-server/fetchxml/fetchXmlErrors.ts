import { dataverseErrors } from '../errors/dataverseErrors.js';

/** A FetchXML rule broken, as Dataverse's query-syntax 400. */
export function invalid(rule: string): Error {
  return dataverseErrors.querySyntax(`FetchXML: ${rule}`);
}

/** What the mock does not evaluate is refused by name, so a test never passes on a silently wrong answer. */
export function unsupported(what: string): Error {
  return invalid(`${what} is not supported by the dvbench mock.`);
}
