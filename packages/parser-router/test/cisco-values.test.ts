import { describe, expect, it } from 'vitest';
import { AddressSet, protocolSet } from '@portcullis/model';
import { MAX_IPV4_BLOCKS, ipv4Number, ipv4Range, portNumber, readPortOperator, wildcardSet } from '../src/cisco-common/values.js';

/* Values as IOS and ASA write them: port names per protocol, dotted quads, wildcard masks. */

const TCP = protocolSet([6]);
const UDP = protocolSet([17]);

describe('port names', () => {
  const cases: { name: string; protocol: 'tcp' | 'udp'; port: number | undefined }[] = [
    { name: 'telnet', protocol: 'tcp', port: 23 },
    { name: 'www', protocol: 'tcp', port: 80 },
    { name: 'smtp', protocol: 'tcp', port: 25 },
    { name: 'ftp-data', protocol: 'tcp', port: 20 },
    { name: 'bgp', protocol: 'tcp', port: 179 },
    { name: 'pop3', protocol: 'tcp', port: 110 },
    { name: 'ident', protocol: 'tcp', port: 113 },
    { name: 'https', protocol: 'tcp', port: 443 },
    { name: 'sqlnet', protocol: 'tcp', port: 1521 },
    { name: 'netbios-ssn', protocol: 'tcp', port: 139 },
    { name: 'netbios-ss', protocol: 'udp', port: 139 },
    { name: 'netbios-ss', protocol: 'tcp', port: 139 },
    { name: 'netbios-ns', protocol: 'udp', port: 137 },
    { name: 'bootps', protocol: 'udp', port: 67 },
    { name: 'isakmp', protocol: 'udp', port: 500 },
    { name: 'non500-isakmp', protocol: 'udp', port: 4500 },
    { name: 'snmp', protocol: 'udp', port: 161 },
    { name: 'domain', protocol: 'udp', port: 53 },
    { name: 'exec', protocol: 'tcp', port: 512 },
    { name: 'biff', protocol: 'udp', port: 512 },
    { name: 'cmd', protocol: 'tcp', port: 514 },
    { name: 'syslog', protocol: 'udp', port: 514 },
    // Names bound to the other protocol's number are never read across.
    { name: 'syslog', protocol: 'tcp', port: undefined },
    { name: 'exec', protocol: 'udp', port: undefined },
    { name: 'WWW', protocol: 'tcp', port: 80 },
    { name: '65535', protocol: 'tcp', port: 65535 },
    { name: '65536', protocol: 'tcp', port: undefined },
    { name: 'nosuchport', protocol: 'tcp', port: undefined },
  ];
  for (const c of cases) {
    it(`${c.name}/${c.protocol}`, () => expect(portNumber(c.name, c.protocol === 'tcp' ? TCP : UDP)).toBe(c.port));
  }
});

describe('eq and neq', () => {
  // `eq P` followed by no second port takes a shortcut; `neq` always reads the port list, so its
  // complement is what the list reading makes of the same words.
  const cases: string[][] = [
    ['eq', '80'],
    ['eq', 'www', 'log'],
    ['eq', '80', 'established'],
    ['eq', '22', '443'],
    ['eq', '22', 'https', 'telnet', 'log'],
    ['eq', 'syslog', '514'],
    ['eq', 'nosuchport'],
    ['eq'],
  ];
  for (const words of cases) {
    it(words.join(' '), () => {
      const eq = readPortOperator(words, 0, TCP);
      const neq = readPortOperator(['neq', ...words.slice(1)], 0, TCP);
      expect(eq.used).toBe(neq.used);
      expect(eq.error).toBe(neq.error?.replace("'neq'", "'eq'"));
      expect(eq.set?.bounds).toEqual(neq.set?.complement().bounds);
    });
  }
});

describe('address ranges', () => {
  // Blocks come from a memo; every range must still be the set the plain construction makes.
  const made = (lo: number, hi: number): string => AddressSet.ranges([[BigInt(lo), BigInt(hi)]]).key();
  const cases: [number, number][] = [
    [0, 0],
    [0, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x0a000000, 0x0a0000ff],
    [0x0a000000, 0x0a0000fe],
    [0x0a000001, 0x0a000100],
    [0x0a000080, 0x0a0000ff],
    [0x0a000040, 0x0a0000bf],
    [0xc0a80101, 0xc0a80101],
    [0x80000000, 0xffffffff],
    [1, 0xffffffff],
  ];
  for (const [lo, hi] of cases) {
    it(`${lo}-${hi}`, () => {
      expect(ipv4Range(lo, hi).key()).toBe(made(lo, hi));
      expect(ipv4Range(lo, hi).key()).toBe(made(lo, hi));
    });
  }
  it('a block and the block of the same start and another length are different sets', () => {
    expect(ipv4Range(0x0a000000, 0x0a000000).key()).not.toBe(ipv4Range(0x0a000000, 0x0a000001).key());
    expect(ipv4Range(0x0a000000, 0x0a000001).key()).toBe(made(0x0a000000, 0x0a000001));
  });
  it('still right once the memo has filled and started over', () => {
    for (let i = 0; i <= MAX_IPV4_BLOCKS; i++) ipv4Range(i * 4, i * 4 + 3);
    for (const i of [0, 1, MAX_IPV4_BLOCKS - 1, MAX_IPV4_BLOCKS]) expect(ipv4Range(i * 4, i * 4 + 3).key()).toBe(made(i * 4, i * 4 + 3));
  });
});

describe('dotted quads', () => {
  const cases: { text: string; value: number | undefined }[] = [
    { text: '10.0.0.1', value: 0x0a000001 },
    { text: '255.255.255.255', value: 0xffffffff },
    { text: '0.0.0.0', value: 0 },
    { text: '256.0.0.1', value: undefined },
    { text: '10.0.0', value: undefined },
    { text: '10.0.0.1.2', value: undefined },
    { text: '10..0.1', value: undefined },
    { text: '1000.0.0.1', value: undefined },
    { text: 'a.b.c.d', value: undefined },
  ];
  for (const c of cases) it(c.text, () => expect(ipv4Number(c.text)).toBe(c.value));
});

describe('wildcard masks', () => {
  const cases: { address: string; wildcard: string; cidrs: string[]; exact: boolean }[] = [
    { address: '10.1.1.0', wildcard: '0.0.0.255', cidrs: ['10.1.1.0/24'], exact: true },
    { address: '10.1.1.77', wildcard: '0.0.0.255', cidrs: ['10.1.1.0/24'], exact: true },
    { address: '10.1.1.1', wildcard: '0.0.0.0', cidrs: ['10.1.1.1/32'], exact: true },
    { address: '0.0.0.0', wildcard: '255.255.255.255', cidrs: ['0.0.0.0/0'], exact: true },
    { address: '171.67.64.0', wildcard: '0.0.16.255', cidrs: ['171.67.64.0/24', '171.67.80.0/24'], exact: true },
    { address: '10.0.0.0', wildcard: '0.0.0.6', cidrs: ['10.0.0.0/32', '10.0.0.2/32', '10.0.0.4/32', '10.0.0.6/32'], exact: true },
    { address: '10.0.0.0', wildcard: '0.0.3.1', cidrs: ['10.0.0.0/31', '10.0.1.0/31', '10.0.2.0/31', '10.0.3.0/31'], exact: true },
  ];
  for (const c of cases) {
    it(`${c.address} ${c.wildcard}`, () => {
      const r = wildcardSet(ipv4Number(c.address)!, ipv4Number(c.wildcard)!);
      expect({ cidrs: r.set.toCidrs(), exact: r.exact }).toEqual({ cidrs: c.cidrs, exact: c.exact });
    });
  }
  it('a mask too scattered to expand is its smallest range, inexact', () => {
    const r = wildcardSet(ipv4Number('0.0.0.1')!, ipv4Number('255.255.255.254')!);
    expect(r.exact).toBe(false);
    expect(r.set.intervals.has(0x00000001n) && r.set.intervals.has(0xffffffffn)).toBe(true);
  });
});
