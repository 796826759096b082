import { describe, expect, it } from 'vitest';
import { AddressSet, IntervalSet, portSet } from '@portcullis/model';
import { exposureRows, exposureSummaries, type Exposure } from '@portcullis/engine';
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

  it('summaries are its rows without the source lists', () => {
    expect(exposures.length).toBeGreaterThan(10);
    // In the same order, but for rows that differ only in their sources: compared as lists of texts.
    const texts = (list: unknown[]): string[] => list.map((x) => JSON.stringify(x)).sort();
    const rows = exposureRows(exposures).map(({ from, ...rest }) => (void from, rest));
    expect(texts(exposureSummaries(exposures))).toEqual(texts(rows));
  });
});
