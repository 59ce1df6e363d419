import { describe, expect, it } from 'vitest';
import { Catalogue } from '../metadata/Catalogue.js';
import { Store } from './Store.js';

const row = (name: string, version: number) => ({ values: { accountid: name, name }, version });

describe('Store.forgetting: a write answered, then forgotten (the lose fault)', () => {
  it('answers what the write answered and keeps none of its changes', () => {
    const store = new Store(Catalogue.build([]).catalogue);
    store.insert('account', row('a', 1));
    const answer = store.forgetting(() => {
      store.insert('account', row('b', 2));
      store.replace('account', row('a', 3));
      return 'created';
    });
    expect(answer).toBe('created');
    expect(store.count('account')).toBe(1);
    expect(store.get('account', 'a')?.version).toBe(1);
  });

  it('inside a transaction it forgets its own changes only, and the transaction keeps the rest', () => {
    const store = new Store(Catalogue.build([]).catalogue);
    store.transaction(() => {
      store.insert('account', row('kept', 1));
      store.forgetting(() => {
        store.insert('account', row('lost', 2));
      });
      store.insert('account', row('kept too', 3));
    });
    expect([...store.rows('account')].map((r) => r.values.name)).toEqual(['kept', 'kept too']);
  });

  it('a transaction that fails afterwards still undoes what it kept', () => {
    const store = new Store(Catalogue.build([]).catalogue);
    expect(() =>
      store.transaction(() => {
        store.insert('account', row('kept', 1));
        store.forgetting(() => {
          store.insert('account', row('lost', 2));
        });
        throw new Error('the changeset fails');
      }),
    ).toThrow('the changeset fails');
    expect(store.count('account')).toBe(0);
  });
});
