import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchFormatError } from './BatchFormatError.js';
import {
  decodeBatchRequest,
  decodeBatchResponse,
  encodeBatchRequest,
  encodeBatchResponse,
  type BatchEntry,
} from './batchCodec.js';
import type { HttpRequestMessage, HttpResponseMessage } from './httpMessage.js';

const CT = 'multipart/mixed; boundary=batch_1';

describe('$batch codec', () => {
  it('round-trips requests and changesets, CRLF only', () => {
    const entries: BatchEntry<HttpRequestMessage>[] = [
      {
        kind: 'request',
        message: {
          method: 'GET',
          url: '/api/data/v9.2/accounts?$top=1',
          headers: { accept: 'application/json' },
          body: '',
        },
      },
      {
        kind: 'changeset',
        items: [
          {
            message: {
              method: 'POST',
              url: '/api/data/v9.2/accounts',
              headers: { 'content-type': 'application/json; type=entry' },
              body: '{"name":"a\\r\\nb"}',
            },
            contentId: '1',
          },
          {
            message: {
              method: 'PATCH',
              url: '$1',
              headers: { 'content-type': 'application/json' },
              body: '{"name":"c"}',
            },
            contentId: '2',
          },
        ],
      },
    ];
    const body = encodeBatchRequest(entries, 'batch_1');
    expect(body.replace(/\r\n/g, '')).not.toContain('\n');
    expect(body.endsWith('--batch_1--\r\n')).toBe(true);
    expect(decodeBatchRequest(body, CT)).toEqual(entries);
  });

  it('reads a bodiless request whose headers end at the part boundary (as DynamicsWebApi writes it)', () => {
    const body =
      '\r\n--batch_1\r\nContent-Type: application/http\r\n\r\nGET /api/data/v9.2/WhoAmI HTTP/1.1\r\nAccept: application/json\r\n\r\n--batch_1--\r\n';
    expect(decodeBatchRequest(body, CT)).toEqual([
      {
        kind: 'request',
        message: { method: 'GET', url: '/api/data/v9.2/WhoAmI', headers: { accept: 'application/json' }, body: '' },
      },
    ]);
  });

  it('round-trips responses with nested changeset responses', () => {
    const entries: BatchEntry<HttpResponseMessage>[] = [
      {
        kind: 'request',
        message: {
          status: 200,
          statusText: 'OK',
          headers: { 'content-type': 'application/json' },
          body: '{"value":[]}',
        },
      },
      {
        kind: 'changeset',
        items: [
          {
            message: { status: 204, statusText: 'No Content', headers: { 'odata-entityid': 'x' }, body: '' },
            contentId: '1',
          },
        ],
      },
    ];
    const body = encodeBatchResponse(entries, 'batchresponse_1', () => 'changesetresponse_2');
    expect(body).toContain('Content-Type: multipart/mixed; boundary=changesetresponse_2');
    expect(decodeBatchResponse(body, 'multipart/mixed; boundary=batchresponse_1')).toEqual(entries);
  });

  it('reads LF line endings as it reads CRLF (Microsoft.OData.Core reads either), a changeset included', () => {
    const crlf = encodeBatchRequest(
      [
        { kind: 'request', message: { method: 'GET', url: 'accounts?$top=1', headers: {}, body: '' } },
        {
          kind: 'changeset',
          items: [
            {
              message: {
                method: 'POST',
                url: 'accounts',
                headers: { 'content-type': 'application/json' },
                body: '{"name":"x"}',
              },
              contentId: '1',
            },
          ],
        },
      ],
      'batch_1',
    );
    const lf = crlf.replaceAll('\r\n', '\n');
    expect(lf).not.toContain('\r');
    expect(decodeBatchRequest(lf, CT)).toEqual(decodeBatchRequest(crlf, CT));
    expect(decodeBatchRequest(lf, CT)).toMatchObject([
      { kind: 'request', message: { method: 'GET', url: 'accounts?$top=1', body: '' } },
      { kind: 'changeset', items: [{ contentId: '1', message: { method: 'POST', body: '{"name":"x"}' } }] },
    ]);
  });

  it.each([
    ['application/json', '--batch_1--\r\n', 'must be multipart/mixed with a boundary'],
    [
      CT,
      '--batch_1\r\nContent-Type: application/http\r\n\r\nGET /x HTTP/1.1\r\n\r\n',
      "closing delimiter '--batch_1--' is missing",
    ],
    [CT, 'no delimiters at all', "no '--batch_1' delimiter found"],
    [
      CT,
      '--batch_1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--batch_1--\r\n',
      'must be application/http or multipart/mixed',
    ],
    [
      CT,
      '--batch_1\r\nContent-Type: application/http\r\n\r\nNOT A REQUEST LINE\r\n--batch_1--\r\n',
      'is not a request line',
    ],
    [CT, '--batch_1\r\nbroken header\r\n\r\nGET /x HTTP/1.1\r\n--batch_1--\r\n', 'is not a header line'],
  ])('rejects %s bodies with a message naming the rule (%#)', (contentType, body, fragment) => {
    expect(() => decodeBatchRequest(body, contentType)).toThrow(BatchFormatError);
    expect(() => decodeBatchRequest(body, contentType)).toThrow(fragment);
  });

  it('never throws anything but BatchFormatError on arbitrary input', () => {
    const pieces = fc.constantFrom(
      '--batch_1',
      '--batch_1--',
      '\r\n',
      '\n',
      'Content-Type: application/http',
      'Content-Type: multipart/mixed; boundary=cs',
      '--cs',
      '--cs--',
      'GET /a HTTP/1.1',
      'POST $1 HTTP/1.1',
      'Content-ID: 1',
      ':',
      'x',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')),
        ),
        (body) => {
          try {
            decodeBatchRequest(body, CT);
          } catch (error) {
            expect(error).toBeInstanceOf(BatchFormatError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
