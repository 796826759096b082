import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exposureRows, modelJson } from '@portcullis/engine';
import { compileSchema, loadSchema } from '@portcullis/model';
import type { Device, FilterRule } from '@portcullis/model';
import { FIXTURE_DIR, findingKeys, repoRoot, protocolsText, scanFiles } from './mikrotik-helpers.js';

/*
 * RouterOS semantics through the engine, as a user scans: each case is a fixture, the findings
 * (`rule@line`) it must produce, and rules it must not produce anywhere in that file (or not at
 * one line, `rule@line`). Suppressed findings do not count.
 */

interface Case {
  file: string;
  must: string[];
  mustNot: string[];
}

const cases: Case[] = [
  // The acceptance cases: a dst-nat of 3389 with nothing in the forward chain to stop it…
  { file: 'dstnat-rdp-open.rsc', must: ['no-public-rdp@16'], mustNot: ['no-public-all-ports', 'no-telnet'] },
  // …and with a later `chain=forward action=drop` for it.
  { file: 'dstnat-rdp-dropped.rsc', must: [], mustNot: ['no-public-rdp', 'no-public-all-ports'] },
  // The same export in one-line (terse) style.
  { file: 'dstnat-rdp-open-terse.rsc', must: ['no-public-rdp@12'], mustNot: ['no-public-all-ports'] },
  // RouterOS's default configuration opens nothing: established/related, ICMP, loopback, IPsec only.
  { file: 'defconf.rsc', must: [], mustNot: ['no-public-all-ports', 'no-default-accept', 'no-public-ssh', 'no-shadowed-rule'] },
  // The default configuration with a port forward: `connection-nat-state=!dstnat` lets it through; the disabled one is not.
  { file: 'defconf-dstnat-rdp.rsc', must: ['no-public-rdp@36', 'no-default-accept@28'], mustNot: ['no-public-all-ports', 'no-public-admin-service'] },
  // A custom chain for the internet: Telnet open, SSH only from the office, everything else dropped.
  { file: 'custom-chains.rsc', must: ['no-telnet@15'], mustNot: ['no-public-ssh', 'no-public-all-ports', 'no-default-accept'] },
  // Address lists: VNC for everyone but the office is everyone; the office's SSH and the partners' Winbox are not.
  { file: 'address-lists.rsc', must: ['no-public-vnc@21'], mustNot: ['no-public-ssh', 'no-public-admin-service', 'no-public-all-ports'] },
  // Only translated connections are accepted: the SSH forward is open, the SQL one only from one address.
  { file: 'connection-nat-state.rsc', must: ['no-public-ssh@11'], mustNot: ['no-public-database', 'no-default-accept'] },
  // raw drops RDP before NAT; the IPv6 firewall opens SSH.
  { file: 'raw-and-ipv6.rsc', must: ['no-public-ssh@15'], mustNot: ['no-public-rdp'] },
  { file: 'suppressions.rsc', must: ['no-telnet@8'], mustNot: ['no-public-rdp', 'no-public-ssh'] },
  // An unreadable port list leaves the accept on every TCP port: it may match them all.
  { file: 'unrecognised-lines-warn.rsc', must: ['no-public-all-ports@5'], mustNot: ['no-public-all-ports@4'] },
];

describe('mikrotik findings', () => {
  for (const c of cases) {
    it(c.file, () => {
      const result = scanFiles([`${FIXTURE_DIR}/${c.file}`]);
      expect(result.files.map((f) => f.format)).toEqual(['mikrotik']);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const keys = findingKeys(result);
      for (const m of c.must) expect(keys).toContain(m);
      for (const n of c.mustNot) expect(keys.filter((k) => k === n || k.startsWith(`${n}@`))).toEqual([]);
    });
  }

  it('the RDP forward of the default configuration: the dst-nat, the !dstnat drop that lets it pass, the default accept', () => {
    const file = `${FIXTURE_DIR}/defconf-dstnat-rdp.rsc`;
    expect(exposureRows(scanFiles([file]).exposures)).toEqual([
      // defconf accepts ICMP to the router.
      { target: { host: 'home-gw' }, protocol: 'icmp', ports: [[0, 65535]], from: ['0.0.0.0/0'], anywhere: true, path: [{ file, line: 25, summary: 'filter:input allow icmp' }] },
      {
        target: { host: 'home-gw', address: '192.168.88.20' },
        protocol: 'tcp',
        ports: [[3389, 3389]],
        from: ['0.0.0.0/0'],
        anywhere: true,
        path: [
          { file, line: 36, summary: 'DNAT tcp 3389 -> 192.168.88.20' },
          { file, line: 28, summary: 'filter:forward policy allow' },
        ],
      },
    ]);
  });

  it('the suppressed findings are there, suppressed (a comment line, and a comment= on the entry)', () => {
    const result = scanFiles([`${FIXTURE_DIR}/suppressions.rsc`]);
    expect(result.findings.filter((f) => f.ruleId !== 'no-default-accept').map((f) => `${f.ruleId}@${f.location.line}:${f.suppressed}`)).toEqual([
      'no-public-rdp@6:true', 'no-public-ssh@7:true', 'no-telnet@8:false',
    ]);
  });
});

/** What a finding says, without where: the same export in both styles must say the same things. */
function findingFacts(path: string): string[] {
  return scanFiles([path]).findings.map((f) => `${f.ruleId} ${f.severity} ${f.message.replace(/line \d+/g, 'line N')} ${JSON.stringify(f.exposure)}`);
}

/** A device's rulesets and rules without their lines. */
function modelFacts(d: Device): unknown {
  const rule = (r: FilterRule): unknown => ({
    id: r.id, action: r.action, target: r.target, protocols: protocolsText(r.protocols), sources: r.sources.toCidrs(),
    destinations: r.destinations.toCidrs(), ports: r.destinationPorts.key(), inInterface: r.inInterface, exact: r.exact,
    enabled: r.enabled, text: r.text, translation: r.translation?.text,
  });
  return {
    name: d.name, family: d.family, pipeline: d.pipeline, externalInterfaces: d.externalInterfaces,
    rulesets: Object.values(d.rulesets).map((rs) => ({ name: rs.name, defaultAction: rs.defaultAction, rules: rs.rules.map(rule) })),
    forwards: d.forwards.map((f) => ({ ruleId: f.ruleId, text: f.text, to: f.internalAddresses?.toCidrs() })),
  };
}

describe('the sectioned and the one-line style', () => {
  it('give the same findings and the same model', () => {
    const a = `${FIXTURE_DIR}/dstnat-rdp-open.rsc`;
    const b = `${FIXTURE_DIR}/dstnat-rdp-open-terse.rsc`;
    expect(findingFacts(a).length).toBeGreaterThan(0);
    expect(findingFacts(b)).toEqual(findingFacts(a));
    expect(modelFacts(scanFiles([b]).devices[0]!)).toEqual(modelFacts(scanFiles([a]).devices[0]!));
  });
});

describe('the mikrotik model as JSON', () => {
  const validate = compileSchema<unknown>(loadSchema('model'));
  const corpus = existsSync(`${repoRoot}../shared/corpus/router/mikrotik`) ? ['../shared/corpus/router/mikrotik'] : [];
  it.each([FIXTURE_DIR, ...corpus])('%s matches model.schema.json', (path) => {
    const result = scanFiles([path]);
    expect(result.devices.length).toBeGreaterThan(0);
    const json = JSON.parse(JSON.stringify(modelJson(result.devices, result.diagnostics))) as unknown;
    const check = validate(json);
    expect(check.ok ? [] : check.problems.slice(0, 5)).toEqual([]);
  });
});
