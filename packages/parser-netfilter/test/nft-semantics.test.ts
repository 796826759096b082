import { describe, expect, it } from 'vitest';
import { exposureRows } from '@portcullis/engine';
import { findingKeys, NFT_FIXTURES, scanFiles } from './nft-helpers.js';

/*
 * nftables semantics through the engine, as a user scans: each case is a fixture, the findings
 * (`rule@line`) it must produce, and rules it must not produce anywhere in that file.
 */

const dir = `${NFT_FIXTURES}semantics`;

const cases: { file: string; must: string[]; mustNot: string[] }[] = [
  // The case: an inet table with `tcp dport { 22, 23 } accept`.
  { file: 'telnet-inet.nft', must: ['no-telnet@7', 'no-public-ssh@7'], mustNot: ['no-default-accept', 'no-public-all-ports'] },
  { file: 'established-only.nft', must: [], mustNot: ['no-telnet'] },
  { file: 'vmap-interfaces.nft', must: ['no-public-rdp@16', 'no-public-ssh@21'], mustNot: ['no-default-accept'] },
  { file: 'dnat-forward-allowed.nft', must: ['no-public-rdp@5'], mustNot: ['no-default-accept'] },
  { file: 'dnat-forward-dropped.nft', must: [], mustNot: ['no-public-rdp'] },
  { file: 'dnat-map.nft', must: ['no-public-ssh@5', 'no-public-rdp@5', 'no-public-vnc@6'], mustNot: [] },
  // The earlier base chain drops Telnet; its accept of SSH passes the packet on to the later chain.
  { file: 'priorities.nft', must: ['no-public-ssh@13'], mustNot: ['no-telnet'] },
  { file: 'mixed-families.nft', must: ['no-public-ssh@6', 'no-public-rdp@12'], mustNot: ['no-public-all-ports'] },
  { file: 'named-sets.nft', must: ['no-public-vnc@24'], mustNot: ['no-public-ssh', 'no-public-database'] },
  { file: 'anonymous-chain.nft', must: [], mustNot: ['no-public-ssh'] },
  { file: 'netdev-ingress.nft', must: ['no-public-ssh@11'], mustNot: [] },
  { file: 'hand-written.nft', must: ['no-telnet@11', 'no-public-ssh@11'], mustNot: [] },
];

describe('nftables semantics', () => {
  for (const c of cases) {
    it(c.file, () => {
      const result = scanFiles([`${dir}/${c.file}`]);
      expect(result.files.map((f) => f.format)).toEqual(['nftables']);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const keys = findingKeys(result);
      for (const m of c.must) expect(keys).toContain(m);
      for (const n of c.mustNot) expect(keys.filter((k) => k.startsWith(`${n}@`))).toEqual([]);
    });
  }

  it('an ip table sees only IPv4 and an ip6 table only IPv6: each finding names its own family and rule', () => {
    const rows = exposureRows(scanFiles([`${dir}/mixed-families.nft`]).exposures);
    expect(rows.map((r) => `${r.protocol} ${r.ports.map((p) => p.join('-')).join(',')} ${r.from.join(',')} @${r.path.at(-1)!.line}`)).toEqual([
      'tcp 22-22 0.0.0.0/0 @6',
      'tcp 3389-3389 ::/0 @12',
    ]);
  });

  it('a DNAT that the forward chain lets through exposes the inside host, reported at the DNAT', () => {
    const result = scanFiles([`${dir}/dnat-forward-allowed.nft`]);
    const rows = exposureRows(result.exposures).filter((r) => r.target.address !== undefined);
    expect(rows.map((r) => ({ target: r.target, protocol: r.protocol, ports: r.ports, path: r.path.map((p) => `${p.line} ${p.summary}`) }))).toEqual([
      { target: { host: 'dnat-forward-allowed', address: '192.168.1.10' }, protocol: 'tcp', ports: [[3389, 3389]], path: ['5 DNAT tcp 3389 -> 192.168.1.10', '18 inet filter/forward allow'] },
      { target: { host: 'dnat-forward-allowed', address: '192.168.1.20' }, protocol: 'tcp', ports: [[443, 443]], path: ['6 DNAT tcp 8443 -> 192.168.1.20:443', '18 inet filter/forward allow'] },
    ]);
  });

  it('a redirect delivers to the device itself', () => {
    const rows = exposureRows(scanFiles([`${dir}/dnat-map.nft`]).exposures).filter((r) => r.target.address === undefined);
    expect(rows.map((r) => `${r.protocol} ${r.ports.map((p) => p.join('-')).join(',')} ${r.path.map((p) => p.summary).join(' / ')}`)).toEqual([
      'tcp 3128-3128 ip filter/input allow tcp 3128',
      'tcp 3128-3128 REDIRECT tcp 8080 -> :3128 / ip filter/input allow tcp 3128',
    ]);
  });
});
