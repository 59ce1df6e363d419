import { createHmac, randomBytes } from 'node:crypto';

/**
 * The ids of the records a run creates. The seed decides the data and the plan; a secret of
 * the run decides identity, so two runs of one scenario against one org never create the same
 * record. Each id carries its own proof: 60 bits from the label (`data:account:17`, `plan:<the
 * id the seed drew>`) and 62 bits of an HMAC of those under the secret, in a version-4 GUID.
 * The secret is no credential: it is kept in created-records.json, and `dvbench cleanup`
 * deletes only ids that carry its proof. Naming a record the run did not create would need a
 * secret whose HMAC matches that id's last 62 bits: a search of about 2^62 HMACs.
 */
export class RunIds {
  readonly secret: string;

  constructor(secret: string = randomBytes(32).toString('hex')) {
    this.secret = secret;
  }

  idFor(label: string): string {
    const body = this.#hmac(`id:${label}`).slice(0, 15);
    return this.#shape(body);
  }

  /** Whether `id` was made by `idFor` under this secret. */
  proves(id: string): boolean {
    const hex = id.toLowerCase().replaceAll('-', '');
    if (!/^[0-9a-f]{32}$/.test(hex) || hex.charAt(12) !== '4') return false;
    return this.#shape(hex.slice(0, 12) + hex.slice(13, 16)) === id.toLowerCase();
  }

  #shape(body: string): string {
    const mac = this.#hmac(`mac:${body}`);
    const variant = '89ab'.charAt(parseInt(mac.charAt(15), 16) % 4);
    const hex = `${body.slice(0, 12)}4${body.slice(12, 15)}${variant}${mac.slice(0, 15)}`;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  #hmac(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }
}
