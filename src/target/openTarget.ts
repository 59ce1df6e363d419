import { createMockTokenProviders, createOrgTokenProviders } from '../client/auth/createTokenProviders.js';
import type { TokenProvider } from '../client/auth/TokenProvider.js';
import { ThrottleGate } from '../client/retry/ThrottleGate.js';
import type { TargetSpec } from './resolveTarget.js';
import type { Scenario } from '../scenario/scenarioSchema.js';
import type { RunGates } from '../strategies/StrategyContext.js';
import { startEmbeddedMock, type EmbeddedMock } from './startEmbeddedMock.js';

/** What every run needs of its target: the embedded mock (if any), the URL, a token per identity and their gates. */
export interface OpenedTarget {
  readonly mock: EmbeddedMock | undefined;
  readonly url: string;
  readonly identities: TokenProvider[];
  readonly gates: RunGates;
}

/**
 * Starts the embedded mock (for a mock target) and the identities' token providers, then hands
 * them to `use`. If anything up to and including `use` fails, the mock is stopped, so a run that
 * cannot connect leaves no server behind; on success the caller owns it.
 */
export async function openTarget<T>(
  scenario: Scenario,
  target: TargetSpec,
  use: (opened: OpenedTarget) => Promise<T>,
): Promise<T> {
  const mock = target.kind === 'mock' ? await startEmbeddedMock(scenario.mock) : undefined;
  try {
    const url = mock?.url ?? (target.kind === 'org' ? target.url : '');
    const identities =
      target.kind === 'org'
        ? await createOrgTokenProviders(url, target.identities, { authorityHost: target.authorityHost })
        : createMockTokenProviders(url, scenario.identities, scenario.mock.timeScale);
    const buffer = ThrottleGate.buffer(identities.length);
    // One gate per identity over a shared buffer: threads and processes see the same Retry-After.
    const gates: RunGates = { buffer, gates: identities.map((_, index) => new ThrottleGate({ buffer, index })) };
    return await use({ mock, url, identities, gates });
  } catch (error) {
    await mock?.stop();
    throw error;
  }
}
