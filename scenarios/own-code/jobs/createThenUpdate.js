// A job that sends its requests through ctx.request: dvbench's client adds the token, waits out
// 429s at the run's shared Retry-After gate, retries, and measures every request on its own.
export default async function createThenUpdate(ctx) {
  const created = await ctx.request(
    'POST',
    'accounts',
    { name: `${ctx.tag} updated ${ctx.index}` },
    { Prefer: 'return=representation' },
  );
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  const { accountid } = created.json();
  const updated = await ctx.request('PATCH', `accounts(${accountid})`, { telephone1: `+1-555-${ctx.index}` });
  if (updated.status !== 204) throw new Error(`update answered ${updated.status}`);
}

// Optional: the integrity check dvbench runs after each measured repetition. Every operation
// that succeeded must have left one tagged account with its phone number set.
export async function check(ctx) {
  const filter = `startswith(name,'${ctx.tag} updated ') and telephone1 ne null`;
  const res = await ctx.request('GET', `accounts?$select=accountid&$count=true&$filter=${encodeURIComponent(filter)}`);
  const found = res.json()['@odata.count'];
  return found === ctx.succeeded
    ? []
    : [`${ctx.succeeded} operations succeeded, but ${found} tagged accounts are updated`];
}

// Optional: runs after every repetition, to remove what the operations created. On the mock
// each repetition starts from fresh data anyway; on an org this is what leaves it as it was.
export async function cleanup(ctx) {
  const filter = encodeURIComponent(`startswith(name,'${ctx.tag} updated ')`);
  for (;;) {
    const page = await ctx.request('GET', `accounts?$select=accountid&$top=500&$filter=${filter}`);
    const ids = page.json().value.map((a) => a.accountid);
    if (ids.length === 0) return;
    for (const id of ids) await ctx.request('DELETE', `accounts(${id})`);
  }
}
