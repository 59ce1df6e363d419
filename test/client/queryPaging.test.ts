import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../mock-server/index.js';
import { createMockTokenProviders } from '../../src/client/auth/createTokenProviders.js';
import { DataverseClient } from '../../src/client/DataverseClient.js';
import { nextQueryPage, queryPrefer } from '../../src/client/queryPaging.js';

const CRM = 'Microsoft.Dynamics.CRM';

function cookieAnnotation(page: number, inner: string): string {
  return `<cookie pagenumber="${page}" pagingcookie="${encodeURIComponent(encodeURIComponent(inner))}" istracking="False" />`;
}

describe('query paging: OData next links and FetchXML paging cookies', () => {
  it('asks a FetchXML query for the paging cookie, and an OData query for its page size', () => {
    expect(queryPrefer('accounts?fetchXml=%3Cfetch%2F%3E', 500)).toBe(
      `odata.include-annotations="${CRM}.fetchxmlpagingcookie"`,
    );
    expect(queryPrefer('accounts?$select=name', 500)).toBe('odata.maxpagesize=500');
    expect(queryPrefer('accounts', undefined)).toBeUndefined();
  });

  it('follows @odata.nextLink as given, and stops without one or without morerecords', () => {
    expect(nextQueryPage('accounts', { '@odata.nextLink': 'https://x/api/data/v9.2/accounts?$skiptoken=a' })).toBe(
      'https://x/api/data/v9.2/accounts?$skiptoken=a',
    );
    expect(nextQueryPage('accounts', { value: [] })).toBeUndefined();
    const path = `accounts?fetchXml=${encodeURIComponent('<fetch count="2"><entity name="account"/></fetch>')}`;
    expect(nextQueryPage(path, { [`@${CRM}.fetchxmlpagingcookie`]: cookieAnnotation(2, '<cookie page="1"/>') })).toBe(
      undefined,
    );
  });

  it('sets the next page and the decoded cookie on <fetch>, XML-escaped, replacing the ones before', () => {
    const inner = '<cookie page="1"><accountid last="{A}" first="{B}" /></cookie>';
    const fetchXml = `<fetch count='2' page='1' paging-cookie='old'><entity name="account"/></fetch>`;
    const next = nextQueryPage(`accounts?$count=true&fetchXml=${encodeURIComponent(fetchXml)}`, {
      [`@${CRM}.fetchxmlpagingcookie`]: cookieAnnotation(2, inner),
      [`@${CRM}.morerecords`]: true,
    });
    const params = new URLSearchParams(next?.split('?')[1]);
    expect(next?.startsWith('accounts?')).toBe(true);
    expect(params.get('$count')).toBe('true');
    expect(params.get('fetchXml')).toBe(
      `<fetch count='2' page="2" paging-cookie="&lt;cookie page=&quot;1&quot;&gt;&lt;accountid last=&quot;{A}&quot; first=&quot;{B}&quot; /&gt;&lt;/cookie&gt;"><entity name="account"/></fetch>`,
    );
  });

  it('reads every page of a FetchXML query from the mock: each record once, the count matching $count', async () => {
    const mock = await startMockServer({ port: 0 });
    const client = new DataverseClient({ url: mock.url, identities: createMockTokenProviders(mock.url, 1) });
    try {
      await fetch(`${mock.url}/_mock/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seed: 3, counts: { account: 120 } }),
      });
      const fetchXml =
        '<fetch count="25"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>';
      const ids: string[] = [];
      let pages = 0;
      for await (const page of client.queryPages(`accounts?fetchXml=${encodeURIComponent(fetchXml)}`)) {
        expect(page.status).toBe(200);
        pages++;
        ids.push(...(JSON.parse(page.text) as { value: { accountid: string }[] }).value.map((r) => r.accountid));
      }
      expect(pages).toBe(5);
      expect(ids).toHaveLength(120);
      expect(new Set(ids).size).toBe(120);
    } finally {
      await client.close();
      await mock.close();
    }
  });
});

describe('a next-page link that repeats (repro 26)', () => {
  it('stops the query with DVB_ERR_REQUEST_FAILED instead of paging forever', async () => {
    let requests = 0;
    // A server whose every page points to the same next page: a broken or hostile org.
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          value: [{ accountid: 'x' }],
          '@odata.nextLink': `${origin}/api/data/v9.2/accounts?$skiptoken=1`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DataverseClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const pages: number[] = [];
      const reading = (async () => {
        for await (const page of client.queryPages('accounts?$select=accountid')) pages.push(page.status);
      })();
      await expect(reading).rejects.toMatchObject({
        code: 'DVB_ERR_REQUEST_FAILED',
        message: expect.stringContaining("the server's next-page link repeats an earlier page's") as unknown,
      });
      expect(pages).toEqual([200, 200]);
      expect(requests).toBe(2);
    } finally {
      await client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
