// A job written with DynamicsWebApi, an independent Dataverse client from npm: dvbench gives it
// the URL and a token, and times each call of the function as one operation.
import { DynamicsWebApi } from 'dynamics-web-api';

// One client per worker thread or process, made on the first operation it runs.
let api;

export default async function createAccountWithContact(ctx) {
  api ??= new DynamicsWebApi({
    serverUrl: new URL(ctx.url).origin,
    dataApi: { version: '9.2' },
    onTokenRefresh: () => ctx.token(),
  });
  const accountId = await api.create({
    collection: 'accounts',
    data: { name: `${ctx.tag} account ${ctx.index}` },
  });
  await api.create({
    collection: 'contacts',
    data: {
      lastname: `${ctx.tag} contact ${ctx.index}`,
      'parentcustomerid_account@odata.bind': `/accounts(${accountId})`,
    },
  });
}

// Optional: runs after every repetition, to remove what the operations created (contacts
// first, then their accounts), so an org is left as it was.
export async function cleanup(ctx) {
  for (const [set, key, column] of [
    ['contacts', 'contactid', 'lastname'],
    ['accounts', 'accountid', 'name'],
  ]) {
    const filter = encodeURIComponent(`startswith(${column},'${ctx.tag} ')`);
    for (;;) {
      const page = await ctx.request('GET', `${set}?$select=${key}&$top=500&$filter=${filter}`);
      const ids = page.json().value.map((r) => r[key]);
      if (ids.length === 0) break;
      for (const id of ids) await ctx.request('DELETE', `${set}(${id})`);
    }
  }
}
