import type { ProbeRecords } from './ProbeRecords.js';

/** Account's probe records and every other table's: deleted and counted together. */
export class ProbeRecordSet {
  constructor(
    readonly account: ProbeRecords,
    private readonly others: readonly ProbeRecords[],
  ) {}

  get prefix(): string {
    return this.account.prefix;
  }

  async deleteAll(): Promise<{ deleted: number; failed: number }> {
    let deleted = 0;
    let failed = 0;
    for (const r of [...this.others].reverse().concat(this.account)) {
      const one = await r.deleteAll();
      deleted += one.deleted;
      failed += one.failed;
    }
    return { deleted, failed };
  }

  async countLeft(): Promise<number | undefined> {
    let left = 0;
    for (const r of [this.account, ...this.others]) {
      const n = await r.countLeft();
      if (n === undefined) return undefined;
      left += n;
    }
    return left;
  }
}
