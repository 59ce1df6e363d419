/**
 * An error the mock answers with, in Dataverse's envelope `{"error":{"code","message"}}`.
 * Handlers throw it; the router turns it into a response. Anything else thrown is a bug in
 * the mock and becomes a 500, which tests treat as a failure.
 */
export class DataverseError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'DataverseError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
