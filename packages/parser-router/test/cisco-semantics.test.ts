import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addresses, formatPorts } from '@portcullis/model';
import { exposureRows, scan } from '@portcullis/engine';
import { findingKeys, scanFiles } from './cisco-helpers.js';

/*
 * Cisco semantics through the engine, as a user scans: each case is a fixture, the findings
 * (`rule@line`) it must produce, and rules it must not produce anywhere in that file. Lines are the
 * fixture's own.
 */

interface Case {
  file: string;
  must: string[];
  mustNot: string[];
}

const ios: Case[] = [
  // The acceptance case: a forward of 3389 from an outside interface without an inbound ACL.
  { file: 'nat-static-rdp-no-acl.cfg', must: ['no-public-rdp@12', 'no-default-accept@3'], mustNot: [] },
  { file: 'nat-static-rdp-acl-denies-first.cfg', must: [], mustNot: ['no-public-rdp', 'no-default-accept'] },
  { file: 'nat-static-rdp-acl-permits.cfg', must: ['no-public-rdp@12'], mustNot: ['no-default-accept'] },
  // `deny ip any any` first: neither the routed host nor the forwarded one is reachable by Telnet.
  { file: 'telnet-after-deny-any.cfg', must: [], mustNot: ['no-telnet'] },
  // The same permit without the deny before it, to a host behind the router; `established` opens nothing.
  { file: 'telnet-permitted-routed.cfg', must: ['no-telnet@13'], mustNot: ['no-plaintext-protocol'] },
  { file: 'nat-shutdown-outside.cfg', must: [], mustNot: ['no-public-rdp'] },
  { file: 'outbound-acl-blocks.cfg', must: ['no-public-ssh@13'], mustNot: ['no-public-rdp', 'no-telnet'] },
  { file: 'standard-acl-inbound.cfg', must: [], mustNot: ['no-public-rdp'] },
  { file: 'undefined-acl.cfg', must: ['no-public-rdp@12'], mustNot: [] },
  { file: 'object-group-service.cfg', must: ['no-public-rdp@20', 'no-public-ssh@20'], mustNot: [] },
  { file: 'suppressed.cfg', must: ['no-public-rdp@13'], mustNot: ['no-public-rdp@12'] },
  { file: 'noncontiguous-wildcard.cfg', must: ['no-public-ssh@13'], mustNot: [] },
];

const asa: Case[] = [
  { file: 'object-nat-ssh-permitted.cfg', must: ['no-public-ssh@19'], mustNot: [] },
  // Security levels: outside (0) to inside (100) is denied without an access list…
  { file: 'object-nat-ssh-no-acl.cfg', must: [], mustNot: ['no-public-ssh'] },
  // …while outside (50) to lab (10) is allowed by default, and outside (50) to inside (100) is not.
  { file: 'security-level-higher-to-lower.cfg', must: ['no-public-rdp@22'], mustNot: ['no-public-rdp@25'] },
  { file: 'twice-nat-rdp.cfg', must: ['no-public-rdp@24'], mustNot: [] },
  { file: 'acl-deny-before-permit.cfg', must: [], mustNot: ['no-public-ssh', 'no-public-all-ports', 'no-telnet'] },
  { file: 'management-ssh-anywhere.cfg', must: ['no-public-ssh@16'], mustNot: ['no-public-ssh@17', 'no-telnet'] },
  { file: 'global-acl.cfg', must: ['no-public-rdp@22'], mustNot: ['no-telnet'] },
];

function check(dir: string, c: Case): void {
  const result = scanFiles([`${dir}/${c.file}`]);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const keys = findingKeys(result);
  for (const m of c.must) expect(keys).toContain(m);
  for (const n of c.mustNot) expect(keys.filter((k) => k === n || k.startsWith(`${n}@`))).toEqual([]);
}

describe('cisco-ios semantics', () => {
  for (const c of ios) it(c.file, () => check('fixtures/router/cisco-ios/semantics', c));

  it('a forward from an outside interface without an ACL: exposure at the NAT line, path DNAT then the pass rule', () => {
    const dir = 'fixtures/router/cisco-ios/semantics';
    const rows = exposureRows(scanFiles([`${dir}/nat-static-rdp-no-acl.cfg`]).exposures).filter((r) => r.target.address === '192.168.10.20');
    expect(rows).toEqual([
      {
        target: { host: 'rdp-no-acl', address: '192.168.10.20' },
        protocol: 'tcp',
        ports: [[3389, 3389]],
        from: ['0.0.0.0/0'],
        anywhere: true,
        path: [
          { file: `${dir}/nat-static-rdp-no-acl.cfg`, line: 12, summary: 'DNAT tcp 3389 -> 192.168.10.20:3389' },
          { file: `${dir}/nat-static-rdp-no-acl.cfg`, line: 12, summary: 'routed allow tcp 3389' },
        ],
      },
    ]);
  });

  it('a standard ACL narrows who reaches the forward', () => {
    const rows = exposureRows(scanFiles(['fixtures/router/cisco-ios/semantics/standard-acl-inbound.cfg']).exposures).filter((r) => r.target.address === '192.168.1.10');
    expect(rows.map((r) => [r.target.address, r.protocol, r.ports, r.from])).toEqual([['192.168.1.10', 'tcp', [[3389, 3389]], ['198.51.100.0/24']]]);
  });

  it('a finding over several forwarded ports names each, in order, whichever the analysis met first', () => {
    const result = scanFiles(['fixtures/router/cisco-ios/semantics/nat-static-two-ports.cfg']);
    expect(result.findings.map((f) => [f.ruleId, f.location.line, f.message])).toEqual([
      [
        'no-public-database',
        14,
        'Database or cache port 1433,3306/tcp (several services) on 10.0.0.10 (via two-ports) is reachable from anywhere (0.0.0.0/0) through the forwards of ports 1433,3306',
      ],
    ]);
  });

  it('a non-contiguous wildcard deny leaves exactly the odd addresses open', () => {
    const result = scanFiles(['fixtures/router/cisco-ios/semantics/noncontiguous-wildcard.cfg']);
    const finding = result.findings.find((f) => f.ruleId === 'no-public-ssh')!;
    // 203.0.113.0/24 minus the 128 even addresses: the 128 odd ones, each its own block.
    expect(finding.exposure!.target).toBe('203.0.113.1/32, 203.0.113.3/32, 203.0.113.5/32, … (128 blocks) (via noncontiguous)');
  });
});

describe('cisco-asa semantics', () => {
  for (const c of asa) it(c.file, () => check('fixtures/router/cisco-asa/semantics', c));

  it('object NAT with an ACL permitting it: exposure of the real host at the NAT line', () => {
    const dir = 'fixtures/router/cisco-asa/semantics';
    const rows = exposureRows(scanFiles([`${dir}/object-nat-ssh-permitted.cfg`]).exposures);
    expect(rows).toEqual([
      {
        target: { host: 'asa-ssh-permitted', address: '192.168.1.22' },
        protocol: 'tcp',
        ports: [[22, 22]],
        from: ['0.0.0.0/0'],
        anywhere: true,
        path: [
          { file: `${dir}/object-nat-ssh-permitted.cfg`, line: 19, summary: 'DNAT tcp 22 -> 192.168.1.22:22' },
          { file: `${dir}/object-nat-ssh-permitted.cfg`, line: 22, summary: 'ingress goto acl:OUTSIDE_IN' },
          { file: `${dir}/object-nat-ssh-permitted.cfg`, line: 21, summary: 'acl:OUTSIDE_IN allow tcp 22' },
        ],
      },
    ]);
  });
});

describe('a long inbound ACL', () => {
  // An edge router's list: a blocklist of 1,500 small networks, then 1,500 permits for one server and
  // service each. IOS checks it on the way in, and the routed traffic meets it again so that each
  // exposure is reported at the entry that lets it in; that second pass must not look for the
  // blocklist's networks in each of the 1,500 pieces the first pass let through.
  it('is analysed in full, with the blocklist taken out of every permit', () => {
    const ports = [80, 443, 22, 3389, 8080, 1433, 25, 53];
    const lines = [
      'hostname edge',
      'interface GigabitEthernet0/0',
      ' ip address 198.51.100.2 255.255.255.0',
      ' ip access-group WAN_IN in',
      ' ip nat outside',
      'interface GigabitEthernet0/1',
      ' ip address 10.0.0.1 255.0.0.0',
      ' ip nat inside',
      'ip access-list extended WAN_IN',
    ];
    for (let i = 0; i < 1_500; i++) lines.push(` deny ip ${(i % 200) + 1}.${i >> 3}.${(i * 7) & 255}.0 0.0.0.15 any`);
    for (let i = 0; i < 1_500; i++) lines.push(` permit tcp any host 203.0.${i >> 8}.${i & 255} eq ${ports[i % ports.length]}`);
    lines.push(' deny ip any any', 'end', '');
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-ios-'));
    try {
      writeFileSync(join(dir, 'edge.cfg'), lines.join('\n'));
      const result = scan({ paths: [join(dir, 'edge.cfg')], cwd: dir, config: false });
      expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      // Every permit lets its server's port in, from everywhere but the blocklist.
      const rdp = result.findings.filter((f) => f.ruleId === 'no-public-rdp');
      expect(rdp).toHaveLength(188);
      const third = 9 + 1_500 + 4; // the fourth permit, to 203.0.0.3 port 3389
      expect(rdp.find((f) => f.location.line === third)!.exposure!.target).toBe('203.0.0.3 (via edge)');
      const exposure = result.exposures.find((e) => e.target.address === '203.0.0.3' && e.location.line === third)!;
      expect(formatPorts(exposure.ports)).toBe('3389');
      expect(exposure.from.intersects(addresses('1.0.0.0/28'))).toBe(false);
      expect(exposure.from.covers(addresses('1.0.0.16/28', '8.8.8.8'))).toBe(true);
      expect(exposure.from.cidrCount()).toBeGreaterThan(1_500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
