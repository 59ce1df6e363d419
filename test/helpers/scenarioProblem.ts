import { parseScenarioText } from '../../src/scenario/loadScenario.js';

/** The message a scenario text is refused with (as x.yaml); a scenario that is accepted fails the test. */
export function scenarioProblem(text: string): string {
  try {
    parseScenarioText(text, 'x.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}
