/**
 * An error a user can cause or meet (bad flag, bad file, port in use). It carries a stable
 * code from `errorCatalogue` and the exit code the CLI ends with; its message names the place
 * and the rule, and the CLI prints it without a stack trace.
 */
export class DvbenchError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number) {
    super(message);
    this.name = 'DvbenchError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
