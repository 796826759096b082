import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exposureRows, modelJson } from '@portcullis/engine';
import { compileSchema, loadSchema } from '@portcullis/model';
import { FIXTURE_DIR, findingKeys, repoRoot, scanFiles } from './openwrt-helpers.js';

/*
 * OpenWrt semantics through the engine, as a user scans: each case is a fixture, the findings
 * (`rule@line`) it must produce, and rules it must not produce anywhere in that file (or not at
 * one line, `rule@line`). Suppressed findings do not count.
 */

interface Case {
  file: string;
  must: string[];
  mustNot: string[];
}

const cases: Case[] = [
  // The acceptance case: WAN 3389 forwarded to a LAN host, reported at the redirect.
  { file: 'redirect-rdp.uci', must: ['no-public-rdp@27'], mustNot: ['no-public-all-ports', 'no-default-accept'] },
  // The same redirect with `enabled 0`.
  { file: 'redirect-rdp-disabled.uci', must: [], mustNot: ['no-public-rdp', 'no-public-all-ports'] },
  // A rule before the forward drops RDP from the WAN to the LAN; the forward is dead (and says so).
  { file: 'redirect-rdp-dropped.uci', must: ['no-shadowed-rule@23'], mustNot: ['no-public-rdp'] },
  // No `dest` zone: the source zone still accepts the forwarded connection. Inside port 5432 is PostgreSQL.
  { file: 'redirect-no-dest.uci', must: ['no-public-database@16'], mustNot: ['no-public-all-ports'] },
  // No `dest_ip`: WAN 2222 reaches the router's own SSH.
  { file: 'redirect-to-router.uci', must: ['no-public-ssh@14'], mustNot: ['no-default-accept'] },
  // The WAN zone accepts input: every port of the router, reported at the zone's input policy.
  { file: 'zone-input-accept.uci', must: ['no-default-accept@13', 'no-public-all-ports@13'], mustNot: ['no-public-ssh', 'no-telnet'] },
  {
    file: 'rules-ports-and-families.uci',
    must: ['no-telnet@15', 'no-public-vnc@41', 'no-public-database@32', 'no-shadowed-rule@56'],
    // SSH only from the office; MySQL rejected before it is accepted.
    mustNot: ['no-public-ssh', 'no-public-database@50', 'no-public-database@56', 'no-public-all-ports'],
  },
  // `proto all` with a port forwards everything.
  { file: 'redirect-proto-all.uci', must: ['no-public-all-ports@13'], mustNot: ['no-public-rdp'] },
  // fw3 style: quoted names, `_name`, a zone without `network`; WAN 23 is SSH inside, not Telnet.
  { file: 'fw3-style.uci', must: ['no-public-ssh@32', 'no-wide-public-port-range@42'], mustNot: ['no-telnet', 'no-public-all-ports'] },
  // Two suppressed redirects, one not.
  { file: 'suppressions.uci', must: ['no-telnet@29'], mustNot: ['no-public-rdp', 'no-public-ssh'] },
  // The default forward policy accepts: the DMZ host is open on every port, reported at that policy.
  { file: 'forwarding-dmz.uci', must: ['no-default-accept@5', 'no-telnet@5', 'no-public-database@20'], mustNot: [] },
  // Sections the firewall skips open nothing: the rule with '80,443', the one naming an unknown zone.
  { file: 'unrecognised-lines-warn.uci', must: [], mustNot: ['no-public-ssh', 'no-plaintext-protocol', 'no-public-all-ports'] },
];

describe('openwrt findings', () => {
  for (const c of cases) {
    it(c.file, () => {
      const result = scanFiles([`${FIXTURE_DIR}/${c.file}`]);
      expect(result.files.map((f) => f.format)).toEqual(['openwrt']);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const keys = findingKeys(result);
      for (const m of c.must) expect(keys).toContain(m);
      for (const n of c.mustNot) expect(keys.filter((k) => k === n || k.startsWith(`${n}@`))).toEqual([]);
    });
  }

  it('the RDP forward: its path is the redirect, the zone jump and the accepted port forward', () => {
    const file = `${FIXTURE_DIR}/redirect-rdp.uci`;
    expect(exposureRows(scanFiles([file]).exposures)).toEqual([
      {
        target: { host: 'redirect-rdp', address: '192.168.1.20' },
        protocol: 'tcp',
        ports: [[3389, 3389]],
        from: ['0.0.0.0/0'],
        anywhere: true,
        path: [
          { file, line: 27, summary: 'DNAT tcp 3389 -> 192.168.1.20:3389' },
          { file, line: 14, summary: 'forward jump forward:wan' },
          { file, line: 27, summary: 'forward:wan allow tcp 3389' },
        ],
      },
    ]);
  });

  it('the suppressed findings are there, suppressed', () => {
    const result = scanFiles([`${FIXTURE_DIR}/suppressions.uci`]);
    expect(result.findings.map((f) => `${f.ruleId}@${f.location.line}:${f.suppressed}`)).toEqual([
      'no-public-rdp@13:true', 'no-public-ssh@21:true', 'no-telnet@29:false',
    ]);
  });
});

describe('the openwrt model as JSON', () => {
  const validate = compileSchema<unknown>(loadSchema('model'));
  const corpus = existsSync(`${repoRoot}../shared/corpus/router/openwrt`) ? ['../shared/corpus/router/openwrt'] : [];
  it.each([FIXTURE_DIR, ...corpus])('%s matches model.schema.json', (path) => {
    const result = scanFiles([path]);
    expect(result.devices.length).toBeGreaterThan(0);
    const json = JSON.parse(JSON.stringify(modelJson(result.devices, result.diagnostics))) as unknown;
    const check = validate(json);
    expect(check.ok ? [] : check.problems.slice(0, 5)).toEqual([]);
  });
});
