import { describe, expect, it } from 'vitest';
import { formatPorts, parsePortList, portSet, ALL_PORTS } from '@portcullis/model';

describe('port sets', () => {
  it.each([
    ['22', '22'],
    ['80,443', '80,443'],
    ['3380:3390', '3380-3390'],
    ['1-5,3-9,10', '1-10'],
    ['0-65535', 'all'],
  ])('parses %s', (text, shown) => {
    expect(formatPorts(parsePortList(text)!)).toBe(shown);
  });

  it.each(['', 'ssh', '70000', '9-1', '1,,2'])('rejects %j', (text) => {
    expect(parsePortList(text)).toBeUndefined();
  });

  it('set operations', () => {
    const a = portSet([[1, 100]]);
    const b = portSet([[50, 60], [90, 200]]);
    expect(formatPorts(a.intersect(b))).toBe('50-60,90-100');
    expect(formatPorts(a.subtract(b))).toBe('1-49,61-89');
    expect(formatPorts(a.union(b))).toBe('1-200');
    expect(formatPorts(ALL_PORTS.subtract(portSet([[22, 22]])).complement())).toBe('22');
    expect(a.size()).toBe(100n);
    expect(b.has(95)).toBe(true);
    expect(b.has(70)).toBe(false);
    expect(a.covers(portSet([[10, 20]]))).toBe(true);
    expect(a.covers(b)).toBe(false);
  });
});
