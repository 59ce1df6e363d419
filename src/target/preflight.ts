import { DvbenchError } from '../errors/DvbenchError.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { CallResult } from '../client/CallResult.js';
import { WAIT_HEADER } from '../../protocol/timeCompression.js';

/** What to do about a refused token: an expired one needs a new token, not a new security role. */
function refusalAdvice(message: string): string {
  return /expired/i.test(message)
    ? "The token has expired: get a fresh one (e.g. 'az account get-access-token --resource " +
        "<org URL>'), or sign in with an app registration (DVBENCH_AUTH=client-secret), whose tokens dvbench renews."
    : 'Check the application user and its security role.';
}

/**
 * A dvbench mock started with `--time-scale` answers in compressed time and says so; a run that
 * took it for an org would read half its figures in one clock and half in the other.
 */
function refuseForeignClock(headers: CallResult['headers'], timeScale: number, url: string): void {
  if (timeScale !== 1 || headers[WAIT_HEADER] === undefined) return;
  throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
    `${url} is a dvbench mock that compresses time (its answers carry ${WAIT_HEADER}); a run ` +
      `against it as an org would mix its clock with the org's. Run on the embedded mock with ` +
      `--time-scale instead, or start that mock without --time-scale.`,
  );
}

/**
 * One `GET WhoAmI` per identity before any work is planned: an unreachable target, a sign-in
 * that fails or a token the target refuses ends the run within seconds, with the reason,
 * instead of every operation failing one by one.
 */
export async function preflight(control: DataverseClient, url: string): Promise<void> {
  for (let identity = 0; identity < control.identityCount; identity++) {
    let status: number;
    let message: string;
    let headers: CallResult['headers'];
    try {
      const res = await control.whoAmI({ identity });
      status = res.status;
      message = res.error?.message ?? '';
      headers = res.headers;
    } catch (error) {
      if (
        error instanceof DvbenchError &&
        (error.code === 'DVB_ERR_AUTH' || error.code === 'DVB_ERR_TARGET_UNREACHABLE')
      )
        throw error;
      throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
        `${url} did not answer GET WhoAmI: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    refuseForeignClock(headers, control.timeScale, url);
    if (status === 401 || status === 403) {
      throw errorCatalogue.DVB_ERR_AUTH(
        `${url} refused identity ` +
          `${identity + 1}'s token: GET WhoAmI answered ` +
          `${status}${message === '' ? '' : ` (${message})`}. ${refusalAdvice(message)}`,
      );
    }
    const detail = message === '' ? '' : ` (${message})`;
    if (status >= 500)
      throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
        `${url} is failing: GET WhoAmI still answered ${status}${detail} after the retry policy's attempts`,
      );
    if (status >= 400)
      throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
        `${url} answered GET WhoAmI with ${status}${detail}; is it a Dataverse Web API?`,
      );
  }
}
