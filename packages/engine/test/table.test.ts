import { describe, expect, it } from 'vitest';
import { AddressSet, IntervalSet, portSet } from '@portcullis/model';
import { exposureRows, type Exposure } from '@portcullis/engine';
import { scanFiles } from './helpers.js';

/** The same sources as another set object. */
const copyOf = (from: AddressSet): AddressSet => AddressSet.fromIntervals(new IntervalSet(from.intervals.domain, [...from.intervals.bounds]));

describe('the exposure table', () => {
  const { exposures } = scanFiles(['fixtures/netfilter']);

  it('merges the ports of exposures whose sources are equal, whichever set objects hold them', () => {
    const e = exposures.find((x) => x.protocol === 'tcp' && !x.transit)!;
    const other: Exposure = { ...e, ports: portSet([[60001, 60001]]), from: copyOf(e.from) };
    const row = (list: Exposure[]) => exposureRows(list).filter((r) => JSON.stringify(r.path) === JSON.stringify(exposureRows([e])[0]!.path));
    const merged = row([e, other]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.ports).toContainEqual([60001, 60001]);
    // Sources that differ keep their own rows.
    const elsewhere: Exposure = { ...other, from: AddressSet.ranges([[167772160n, 167772160n]]) };
    expect(row([e, elsewhere]).length).toBe(2);
  });

  it('orders rows that differ only in their sources by their source lists, whatever the input order', () => {
    const e = exposures.find((x) => x.protocol === 'tcp' && !x.transit)!;
    const at = (from: AddressSet, ports: [number, number]): Exposure => ({ ...e, ports: portSet([ports]), from });
    const low = at(AddressSet.ranges([[167772160n, 167772160n]]), [60001, 60001]); // 10.0.0.0
    const high = at(AddressSet.ranges([[3232235520n, 3232235520n]]), [60001, 60002]); // 192.168.0.0
    for (const input of [[low, high], [high, low]]) {
      const rows = exposureRows(input).filter((r) => r.ports[0]?.[0] === 60001);
      expect(rows.map((r) => r.from)).toEqual([['10.0.0.0/32'], ['192.168.0.0/32']]);
    }
  });
});
