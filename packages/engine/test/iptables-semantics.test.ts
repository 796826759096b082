import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposureRows, scan } from '@portcullis/engine';
import { findingKeys, scanFiles } from './helpers.js';

const dir = 'fixtures/netfilter/semantics';

/**
 * Each case: a fixture, findings (`rule@line`) it must produce, and rules it must not produce
 * anywhere in that file. Lines are 1-based lines of the fixture.
 */
const cases: { file: string; must: string[]; mustNot: string[] }[] = [
  { file: 'telnet-after-established.iptables-save', must: ['no-telnet@6'], mustNot: ['no-default-accept', 'no-public-all-ports'] },
  { file: 'rdp-private-only.iptables-save', must: [], mustNot: ['no-public-rdp'] },
  { file: 'rdp-drop-before-accept.iptables-save', must: ['no-wide-public-port-range@6', 'no-telnet@6'], mustNot: ['no-public-rdp', 'no-public-all-ports'] },
  { file: 'rdp-accept-before-drop.iptables-save', must: ['no-public-all-ports@5'], mustNot: [] },
  { file: 'user-chain-return.iptables-save', must: ['no-public-vnc@7'], mustNot: [] },
  { file: 'user-chain-drop.iptables-save', must: [], mustNot: ['no-public-vnc'] },
  { file: 'policy-accept-no-catch-all.iptables-save', must: ['no-default-accept@2', 'no-public-all-ports@2'], mustNot: ['no-telnet'] },
  { file: 'policy-accept-catch-all-reject.iptables-save', must: [], mustNot: ['no-default-accept', 'no-public-all-ports'] },
  { file: 'loopback-only.iptables-save', must: [], mustNot: ['no-public-all-ports', 'no-default-accept'] },
  { file: 'multiport-range-covers-rdp.iptables-save', must: ['no-public-rdp@5'], mustNot: [] },
  { file: 'ipv6-any.ip6tables-save', must: ['no-public-rdp@6'], mustNot: ['no-public-ssh'] },
  { file: 'dnat-rdp-forwarded.iptables-save', must: ['no-public-rdp@6'], mustNot: [] },
  { file: 'inexact-drop-does-not-hide.iptables-save', must: ['no-telnet@6'], mustNot: [] },
  { file: 'negated-source-drop.iptables-save', must: [], mustNot: ['no-public-rdp'] },
  { file: 'redirect-to-local.iptables-save', must: ['no-telnet@6', 'no-telnet@12'], mustNot: [] },
  { file: 'mangle-drop-before-filter.iptables-save', must: [], mustNot: ['no-public-rdp', 'no-public-all-ports'] },
  { file: 'goto-chain.iptables-save', must: [], mustNot: ['no-public-ssh'] },
  { file: 'source-port-accept.iptables-save', must: ['no-public-all-ports@5'], mustNot: [] },
];

describe('iptables semantics', () => {
  for (const c of cases) {
    it(c.file, () => {
      const result = scanFiles([`${dir}/${c.file}`]);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const keys = findingKeys(result);
      for (const m of c.must) expect(keys).toContain(m);
      for (const n of c.mustNot) expect(keys.filter((k) => k.startsWith(`${n}@`))).toEqual([]);
    });
  }

  it('a loopback-only accept exposes nothing', () => {
    expect(scanFiles([`${dir}/loopback-only.iptables-save`]).exposures).toEqual([]);
  });

  it('a DNAT that FORWARD allows exposes the inside host, reported at the DNAT line', () => {
    const result = scanFiles([`${dir}/dnat-forward-allowed.iptables-save`]);
    const rows = exposureRows(result.exposures);
    expect(rows).toEqual([
      {
        target: { host: 'dnat-forward-allowed', address: '192.168.1.100' },
        protocol: 'tcp',
        ports: [[443, 443]],
        from: ['0.0.0.0/0'],
        anywhere: true,
        path: [
          { file: `${dir}/dnat-forward-allowed.iptables-save`, line: 6, summary: 'DNAT tcp 8443 -> 192.168.1.100:443' },
          { file: `${dir}/dnat-forward-allowed.iptables-save`, line: 14, summary: 'FORWARD allow tcp 443' },
        ],
      },
    ]);
    expect(result.exposures[0]!.location.line).toBe(6);
  });

  it('the same DNAT with FORWARD dropping it exposes nothing', () => {
    expect(scanFiles([`${dir}/dnat-forward-dropped.iptables-save`]).exposures).toEqual([]);
  });

  it('a chain that jumps back into itself is followed once, and the loop is reported at the chain with its way round', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'portcullis-loop-'));
    try {
      const file = join(tmp, 'loop.iptables-save');
      const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]'];
      lines.push('-A INPUT -p tcp --dport 22 -j A', '-A A -j B', '-A B -p tcp --dport 22 -j A', '-A B -p tcp --dport 80 -j ACCEPT', '-A INPUT -p tcp --dport 80 -j A', 'COMMIT', '');
      writeFileSync(file, lines.join('\n'));
      const result = scanFiles([file]);
      const loops = result.diagnostics.filter((d) => d.code === 'chain-loop');
      expect(loops.map((d) => [d.line, d.severity, d.message])).toEqual([
        [5, 'warning', 'ruleset filter/A is entered again from itself (filter/INPUT -> filter/A -> filter/B -> filter/A); that path is not followed'],
      ]);
      // Port 80 goes INPUT -> A -> B and is accepted there; the loop only concerns port 22.
      expect(exposureRows(result.exposures).map((r) => `${r.protocol} ${r.ports.map((p) => p.join('-')).join(',')}`)).toEqual(['tcp 80-80']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a chain of jumps deeper than the analysis follows is reported as too deep, not as a loop', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'portcullis-depth-'));
    try {
      const file = join(tmp, 'deep.iptables-save');
      // INPUT -> c1 -> c2 -> … -> c80, each jump taking port 22 on; the last chain accepts it.
      const chains = Array.from({ length: 80 }, (_, i) => `c${i + 1}`);
      const lines = ['*filter', ':INPUT DROP [0:0]', ...chains.map((c) => `:${c} - [0:0]`), '-A INPUT -p tcp --dport 22 -j c1'];
      chains.forEach((c, i) => lines.push(i + 1 < chains.length ? `-A ${c} -j ${chains[i + 1]}` : `-A ${c} -j ACCEPT`));
      lines.push('COMMIT', '');
      writeFileSync(file, lines.join('\n'));
      const result = scanFiles([file]);
      expect(result.diagnostics.filter((d) => d.code === 'chain-loop')).toEqual([]);
      const deep = result.diagnostics.filter((d) => d.code === 'chain-depth');
      expect(deep.map((d) => [d.line, d.severity, d.message])).toEqual([
        [67, 'warning', 'ruleset filter/c65 is reached through more than 64 nested jumps (from filter/INPUT); that path is not followed further'],
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a user chain that returns hands the packet back to the next rule', () => {
    const rows = exposureRows(scanFiles([`${dir}/user-chain-return.iptables-save`]).exposures);
    expect(rows.map((r) => `${r.protocol} ${r.ports.map((p) => p.join('-')).join(',')} @${r.path.at(-1)!.line}`)).toEqual([
      'tcp 443-443 @9',
      'tcp 5900-5900 @7',
    ]);
  });
});

describe('subsumed findings', () => {
  it('with no-public-all-ports turned off, the port rules report what it covered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-subsumed-'));
    try {
      writeFileSync(join(dir, 'host.iptables-save'), ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -j ACCEPT', 'COMMIT', ''].join('\n'));
      const on = scan({ paths: ['host.iptables-save'], cwd: dir, config: false });
      expect(on.findings.map((f) => f.ruleId)).toEqual(['no-public-all-ports']);
      writeFileSync(join(dir, 'portcullis.yaml'), 'rules:\n  no-public-all-ports: off\n');
      const off = scan({ paths: ['host.iptables-save'], cwd: dir });
      expect(off.findings.map((f) => f.ruleId).sort()).toEqual([
        'no-plaintext-protocol',
        'no-public-admin-service',
        'no-public-database',
        'no-public-rdp',
        'no-public-ssh',
        'no-public-vnc',
        'no-telnet',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
