import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { AddressSet, addresses, classifySources, describeAddresses, parseAddressSet } from '@portcullis/model';

/** Where IPv6 addresses start on the address sets' number line (IPv4 is 0 to 2^32 - 1). */
const V6 = 1n << 128n;

const cidrs = (text: string): string[] | undefined => parseAddressSet(text)?.toCidrs();

describe('parseAddressSet', () => {
  it.each([
    ['1.2.3.4', ['1.2.3.4/32']],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['10.1.2.3/8', ['10.0.0.0/8']],
    ['1.2.3.4/0', ['0.0.0.0/0']],
    ['192.168.1.0/255.255.255.0', ['192.168.1.0/24']],
    ['10.0.0.1-10.0.0.6', ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']],
    ['::/0', ['::/0']],
    ['2001:db8::1/64', ['2001:db8::/64']],
    ['::1', ['::1/128']],
  ])('%s', (text, expected) => {
    expect(cidrs(text)).toEqual(expected);
  });

  it.each(['', 'any', '1.2.3', '1.2.3.4/33', '256.1.1.1', '10.0.0.0/255.0.255.0', '1.2.3.4-::1', '10.0.0.9-10.0.0.1', '0x7f.1', 'VirtualNetwork', 'AzureLoadBalancer', '10.0.0.1-Internet', '10.0.0.0/abc'])(
    'rejects %j',
    (text) => {
      expect(parseAddressSet(text)).toBeUndefined();
    },
  );

  it('reads dotted IPv4 blocks as ipaddr.js does, leading zeros, parts over 255 and lengths over 32 included', () => {
    // The reader has a fast path for `a.b.c.d[/len]`; ipaddr.js is the reference it must agree with.
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '010', '255', '256', '1000'));
    const length = fc.option(fc.oneof(fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom('032', '008', '255.255.0.0')), { nil: undefined });
    fc.assert(
      fc.property(fc.tuple(part, part, part, part), length, (parts, len) => {
        const address = parts.join('.');
        const text = len === undefined ? address : `${address}/${len}`;
        let expected: string[] | undefined;
        if (ipaddr.IPv4.isValidFourPartDecimal(address)) {
          const bits = len === undefined ? 32 : /^\d{1,3}$/.test(len) ? Number(len) : ipaddr.IPv4.parse(len).prefixLengthFromSubnetMask();
          if (bits !== null && bits <= 32) {
            const bytes = ipaddr.IPv4.parse(address).toByteArray();
            const n = ((bytes[0]! * 256 + bytes[1]!) * 256 + bytes[2]!) * 256 + bytes[3]!;
            const start = n - (n % 2 ** (32 - bits));
            expected = [`${ipaddr.fromByteArray([start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255]).toString()}/${bits}`];
          }
        }
        expect(cidrs(text)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('AddressSet', () => {
  it('prints an IPv4 range as the same blocks as the same range of IPv6 (the general bigint path)', () => {
    // IPv4 ranges print in plain numbers; the IPv6 path is the reference: the range placed at the
    // start of IPv6 space must give the same block starts and prefix lengths (less 96).
    const blocks = (set: AddressSet, base: bigint, drop: number): [bigint, number][] =>
      set.toCidrs().map((c) => {
        const block = parseAddressSet(c)!.intervals.bounds;
        return [block[0]! - base, Number(c.slice(c.indexOf('/') + 1)) - drop];
      });
    const address = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.constantFrom(0n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n));
    fc.assert(
      fc.property(address, address, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const v4 = blocks(AddressSet.ranges([[lo, hi]]), 0n, 0);
        expect(v4).toEqual(blocks(AddressSet.ranges([[V6 + lo, V6 + hi]]), V6, 96));
      }),
      { numRuns: 2000 },
    );
  });

  it('counts its blocks, and gives the first of them, without making them all', () => {
    // Sets of a few ranges on either side of the family boundary, some of them huge: the count is
    // the length of the full list, and a limited list is the full one cut short.
    const bound = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.bigInt({ min: V6, max: V6 + 2n ** 128n - 1n }), fc.constantFrom(0n, 2n ** 32n - 1n, V6, V6 + 2n ** 128n - 1n));
    fc.assert(
      fc.property(fc.array(fc.tuple(bound, bound), { maxLength: 4 }), fc.integer({ min: 0, max: 40 }), (pairs, limit) => {
        const set = pairs.reduce((acc, [a, b]) => acc.union(AddressSet.ranges([a <= b ? [a, b] : [b, a]])), AddressSet.empty());
        const all = set.toCidrs();
        expect(set.cidrCount()).toBe(all.length);
        expect(set.toCidrs(limit)).toEqual(all.slice(0, limit));
      }),
      { numRuns: 500 },
    );
  });

  it('counts the blocks of ranges that start or end near aligned boundaries', () => {
    // Near a multiple of 2^k: where a range is one block, two halves, or a staircase of blocks.
    const near = fc
      .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: -3, max: 3 }))
      .map(([k, m, d]) => {
        const v = BigInt(m) * 2n ** BigInt(k) + BigInt(d);
        return v < 0n ? 0n : v > 2n ** 32n - 1n ? 2n ** 32n - 1n : v;
      });
    fc.assert(
      fc.property(near, near, fc.boolean(), (a, b, v6) => {
        // The same ranges at the start of IPv6 space, and moved up by a large power of two.
        const base = v6 ? V6 + (1n << 100n) : 0n;
        const set = AddressSet.ranges([a <= b ? [base + a, base + b] : [base + b, base + a]]);
        expect(set.cidrCount()).toBe(set.toCidrs().length);
      }),
      { numRuns: 3000 },
    );
  });

  it('describes a set of many blocks by a few and their number', () => {
    // Everyone but 300 scattered /24s: neither its blocks nor what it lacks fit in three.
    let holes = AddressSet.empty();
    for (let i = 0; i < 300; i++) holes = holes.union(addresses(`${20 + (i % 200)}.${i % 250}.${(i * 7) % 256}.0/24`));
    const set = AddressSet.all('ipv4').subtract(holes);
    expect(describeAddresses(set)).toBe(`${set.toCidrs().slice(0, 3).join(', ')}, … (${set.toCidrs().length} blocks)`);
    expect(describeAddresses(addresses('10.0.0.0/8', '192.168.0.0/16'))).toBe('10.0.0.0/8, 192.168.0.0/16');
    expect(describeAddresses(AddressSet.all('ipv4').subtract(addresses('10.0.0.0/8')))).toBe('0.0.0.0/0 except 10.0.0.0/8');
  });

  it('unions two halves into the whole IPv4 space', () => {
    expect(addresses('0.0.0.0/1', '128.0.0.0/1').toCidrs()).toEqual(['0.0.0.0/0']);
  });

  it('keeps the families apart', () => {
    const both = addresses('0.0.0.0/0', '::/0');
    expect(both.toCidrs()).toEqual(['0.0.0.0/0', '::/0']);
    expect(both.only('ipv6').toCidrs()).toEqual(['::/0']);
    expect(addresses('10.0.0.0/8').complement('ipv4').family()).toBe('ipv4');
  });

  it('subtracts and complements within a family', () => {
    expect(addresses('10.0.0.0/8').subtract(addresses('10.128.0.0/9')).toCidrs()).toEqual(['10.0.0.0/9']);
    const notTen = addresses('10.0.0.0/8').complement('ipv4');
    expect(notTen.intersects(addresses('10.1.1.1'))).toBe(false);
    expect(notTen.covers(addresses('11.0.0.0/8', '9.0.0.0/8'))).toBe(true);
  });

  it('intersects', () => {
    expect(addresses('10.0.0.0/8').intersect(addresses('10.1.0.0/16', '192.168.0.0/16')).toCidrs()).toEqual(['10.1.0.0/16']);
    expect(AddressSet.empty().isEmpty).toBe(true);
  });
});

describe('classifySources', () => {
  it.each([
    ['0.0.0.0/0', 'anywhere'],
    ['::/0', 'anywhere'],
    ['2000::/3', 'anywhere'],
    ['1.2.3.4/0', 'anywhere'],
    ['203.0.113.0/29', 'public'],
    ['10.0.0.0/8', 'private'],
    ['fd00::/8', 'private'],
    ['100.64.0.0/10', 'private'],
  ])('%s is %s', (cidr, cls) => {
    expect(classifySources(addresses(cidr))).toBe(cls);
  });

  it('all but private space is still anywhere', () => {
    const set = addresses('0.0.0.0/0').subtract(addresses('10.0.0.0/8', '192.168.0.0/16'));
    expect(classifySources(set)).toBe('anywhere');
  });

  it('trusted sources count as private', () => {
    expect(classifySources(addresses('198.51.100.0/24'), addresses('198.51.100.0/24'))).toBe('private');
    expect(classifySources(addresses('198.51.100.0/24', '203.0.113.7'), addresses('198.51.100.0/24'))).toBe('public');
  });
});

describe('classifySources with trusted ranges', () => {
  it('the whole internet stays anywhere when an office range is trusted', () => {
    expect(classifySources(addresses('0.0.0.0/0'), addresses('198.51.100.0/24'))).toBe('anywhere');
    expect(classifySources(addresses('0.0.0.0/0').subtract(addresses('198.51.100.0/24')), addresses('198.51.100.0/24'))).toBe('anywhere');
  });
});

describe('anywhere allows for a few networks carved out by earlier rules', () => {
  it.each([
    ['0.0.0.0/0 but a /28', addresses('0.0.0.0/0').subtract(addresses('203.0.113.0/28')), 'anywhere'],
    ['0.0.0.0/0 but a /16', addresses('0.0.0.0/0').subtract(addresses('198.51.0.0/16')), 'anywhere'],
    ['0.0.0.0/0 but a /15', addresses('0.0.0.0/0').subtract(addresses('198.50.0.0/15')), 'public'],
    ['::/0 but a /48', addresses('::/0').subtract(addresses('2001:db8:1::/48')), 'anywhere'],
    ['one half of the internet', addresses('0.0.0.0/1'), 'public'],
  ] as const)('%s', (_name, set, cls) => {
    expect(classifySources(set)).toBe(cls);
  });
});

describe('CIDR blocks of a set', () => {
  it('are aligned, disjoint, in order, and add up to the set (IPv4 and IPv6)', () => {
    const v4 = fc.tuple(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.bigInt({ min: 0n, max: 0xffffn }));
    const v6 = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.bigInt({ min: 0n, max: 1n << 70n }));
    fc.assert(
      fc.property(fc.array(v4, { maxLength: 6 }), fc.array(v6, { maxLength: 3 }), (fours, sixes) => {
        const ranges: [bigint, bigint][] = [
          ...fours.map(([lo, n]): [bigint, bigint] => [lo, lo + n > 0xffffffffn ? 0xffffffffn : lo + n]),
          ...sixes.map(([lo, n]): [bigint, bigint] => [V6 + lo, V6 + (lo + n > (1n << 128n) - 1n ? (1n << 128n) - 1n : lo + n)]),
        ];
        const set = AddressSet.ranges(ranges);
        const blocks = set.toCidrs();
        let back = AddressSet.empty();
        for (const b of blocks) {
          const one = parseAddressSet(b)!;
          expect(one.toCidrs()).toEqual([b]); // aligned: the block prints as itself
          expect(back.intersects(one)).toBe(false);
          back = back.union(one);
        }
        expect(back.equals(set)).toBe(true);
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});
