// Runs once per operation. ctx.request goes through dvbench's client: token, retries, the
// shared Retry-After gate, and every request measured. ctx.tag marks what this run creates.
export default async function myJob(ctx) {
  const res = await ctx.request('POST', 'contacts', { lastname: `${ctx.tag} ${ctx.index}` });
  if (res.status !== 204) throw new Error(`create answered ${res.status}`);
}

// Optional: dvbench calls it after each measured repetition; return the problems found.
export async function check(ctx) {
  const filter = encodeURIComponent(`startswith(lastname,'${ctx.tag} ')`);
  const res = await ctx.request('GET', `contacts?$count=true&$filter=${filter}`);
  const found = res.json()['@odata.count'];
  return found === ctx.succeeded ? [] : [`${ctx.succeeded} created, ${found} found`];
}

// Optional: dvbench calls it after every repetition; remove what the operations created.
export async function cleanup(ctx) {
  const filter = encodeURIComponent(`startswith(lastname,'${ctx.tag} ')`);
  const res = await ctx.request('GET', `contacts?$select=contactid&$filter=${filter}`);
  for (const c of res.json().value) await ctx.request('DELETE', `contacts(${c.contactid})`);
}
