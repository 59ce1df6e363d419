import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

const CDS = '@Microsoft.PowerApps.CDS';
const MISSING = 'accounts(00000000-0000-0000-0000-000000000001)';

/** Learn's "Include additional details with errors": annotations inside `error`, only when asked for. */
describe('mock server: error-detail annotations', () => {
  const mock = useMockServer();
  beforeAll(() => mock.reset());

  it('are absent unless Prefer asks for them', async () => {
    const res = await mock.api('GET', MISSING);
    expect(res.status).toBe(404);
    expect(Object.keys(res.json.error as object).sort()).toEqual(['code', 'message']);
  });

  it('with include-annotations="*": status, sub-error code, a help link built from the code, trace text and the inner message', async () => {
    const res = await mock.api('GET', MISSING, { headers: { Prefer: 'odata.include-annotations="*"' } });
    expect(res.status).toBe(404);
    const error = res.json.error as Record<string, string>;
    const code = (error.code ?? '').replace(/^0x/, '');
    expect(error).toEqual({
      code: error.code,
      message: error.message,
      [`${CDS}.ErrorDetails.OperationStatus`]: '0',
      [`${CDS}.ErrorDetails.SubErrorCode`]: '-2146233088',
      [`${CDS}.HelpLink`]: `http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a${code}&client=platform`,
      [`${CDS}.TraceText`]: '',
      [`${CDS}.InnerError.Message`]: error.message,
    });
    expect(error.code).toMatch(/^0x[0-9a-f]{8}$/i);
  });

  it('a narrower selection brings only the annotations it names, on a 400 as on a 404', async () => {
    const res = await mock.api('GET', 'accounts?$select=nosuch', {
      headers: { Prefer: 'odata.include-annotations="Microsoft.PowerApps.CDS.ErrorDetails.*"' },
    });
    expect(res.status).toBe(400);
    const keys = Object.keys(res.json.error as object).sort();
    expect(keys).toEqual([
      `${CDS}.ErrorDetails.OperationStatus`,
      `${CDS}.ErrorDetails.SubErrorCode`,
      'code',
      'message',
    ]);
  });

  it('inside $batch, a part is annotated by its own Prefer header', async () => {
    const boundary = 'batch_details';
    const part = (prefer: string) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET ${mock.server.apiUrl}${MISSING} HTTP/1.1\r\nAccept: application/json\r\n${prefer}\r\n`;
    const body = `${part('Prefer: odata.include-annotations="*"\r\n')}${part('')}--${boundary}--\r\n`;
    const res = await mock.raw('POST', '/api/data/v9.2/$batch', {
      headers: {
        'content-type': `multipart/mixed; boundary=${boundary}`,
        authorization: `Bearer ${await mock.getToken()}`,
        // Both parts run, each answered on its own.
        prefer: 'odata.continue-on-error',
      },
      body,
    });
    expect(res.status, res.text).toBe(200);
    const errors = [...res.text.matchAll(/\{"error":\{.*?\}\}/g)].map((m) => JSON.parse(m[0]) as { error: object });
    expect(errors).toHaveLength(2);
    expect(Object.keys(errors[0]?.error ?? {})).toContain(`${CDS}.HelpLink`);
    expect(Object.keys(errors[1]?.error ?? {}).sort()).toEqual(['code', 'message']);
  });
});
