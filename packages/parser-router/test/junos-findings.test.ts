import { describe, expect, it } from 'vitest';
import { exposureRows } from '@portcullis/engine';
import type { Device, FilterRule } from '@portcullis/model';
import { FIXTURE_DIR, findingKeys, protocolsText, scanFiles } from './junos-helpers.js';

/**
 * Each case: a fixture, the findings (`rule@line`) it must produce, and rules it must not produce
 * anywhere in that file. Lines are 1-based lines of the fixture. Suppressed findings do not count.
 */
const cases: { file: string; must: string[]; mustNot: string[] }[] = [
  // A destination NAT of 3389 with a permitting untrust -> trust policy: reported at the NAT rule.
  { file: 'nat-destination-rdp.set.conf', must: ['no-public-rdp@11'], mustNot: ['no-public-all-ports', 'no-default-accept'] },
  { file: 'nat-destination-rdp.conf', must: ['no-public-rdp@34'], mustNot: ['no-public-all-ports', 'no-default-accept'] },
  // The same forward with the policy denying RDP before a broader permit.
  { file: 'nat-destination-rdp-denied.set.conf', must: [], mustNot: ['no-public-rdp', 'no-public-all-ports'] },
  // default-policy permit-all: the default is reported at its line; what it lets through the forward at the NAT rule.
  {
    file: 'default-policy-permit-all.set.conf',
    must: ['no-default-accept@16', 'no-public-all-ports@10'],
    mustNot: ['no-public-rdp', 'no-telnet'],
  },
  // The rich estate: RDP forwarded and permitted; SQL on the static NAT denied first (the later permits
  // are shadowed), VNC on it permitted; SMB dropped by the input filter; the routing engine behind lo0.
  {
    file: 'estate-edge-srx.set.conf',
    must: ['no-public-rdp@57', 'no-public-vnc@61', 'no-shadowed-rule@81', 'no-shadowed-rule@86'],
    mustNot: ['no-public-database', 'no-public-admin-service', 'no-telnet', 'no-public-ssh', 'no-default-accept', 'no-public-all-ports'],
  },
  {
    file: 'estate-edge-srx.conf',
    must: ['no-public-rdp@188', 'no-public-vnc@208', 'no-shadowed-rule@279', 'no-shadowed-rule@289'],
    mustNot: ['no-public-database', 'no-public-admin-service', 'no-telnet', 'no-public-ssh', 'no-default-accept', 'no-public-all-ports'],
  },
  // The input filter discards RDP before NAT, and SSH from everywhere but the office.
  { file: 'firewall-filter-input.set.conf', must: [], mustNot: ['no-public-rdp', 'no-public-ssh'] },
  // untrust admits ssh/https/ping zone-wide; one interface has its own list: all, except telnet, ftp, snmp.
  {
    file: 'host-inbound-traffic.conf',
    must: ['no-public-ssh@42', 'no-public-ssh@52', 'no-plaintext-protocol@52', 'no-public-admin-service@52', 'no-wide-public-port-range@52'],
    mustNot: ['no-telnet', 'no-public-all-ports'],
  },
  // A router without zones: its services behind the loopback filter, or open without one.
  { file: 'packet-mode-lo0-filter.conf', must: [], mustNot: ['no-telnet', 'no-public-ssh'] },
  { file: 'packet-mode-system-services.set.conf', must: ['no-public-ssh@4', 'no-telnet@5'], mustNot: ['no-public-all-ports'] },
  // Excluding the internal range from the sources still leaves SQL open to the internet.
  { file: 'zone-address-books.conf', must: ['no-public-database@50'], mustNot: ['no-public-ssh', 'no-public-all-ports'] },
  // An unknown application opens nothing; a deny that may match (no protocol) hides nothing.
  { file: 'applications-warn.set.conf', must: ['no-public-database@11'], mustNot: ['no-public-all-ports'] },
  // Inline suppressions: both findings are suppressed.
  { file: 'suppressions.set.conf', must: [], mustNot: ['no-public-ssh', 'no-public-rdp'] },
  { file: 'hierarchical-syntax.conf', must: [], mustNot: ['no-public-vnc', 'no-telnet'] },
  // The telnet forward is deactivated and the permit-all policy deleted: only SSH remains.
  { file: 'deactivate.set.conf', must: ['no-public-ssh@13'], mustNot: ['no-telnet', 'no-public-all-ports'] },
  // The interface rule-set's `destination-nat off` for RDP beats the zone rule-set.
  { file: 'nat-rule-set-context.set.conf', must: ['no-public-ssh@10'], mustNot: ['no-public-rdp'] },
];

describe('junos findings', () => {
  for (const c of cases) {
    it(c.file, () => {
      const result = scanFiles([`${FIXTURE_DIR}/${c.file}`]);
      expect(result.files.map((f) => f.format)).toEqual(['junos']);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const keys = findingKeys(result);
      for (const m of c.must) expect(keys).toContain(m);
      for (const n of c.mustNot) expect(keys.filter((k) => k.startsWith(`${n}@`))).toEqual([]);
    });
  }

  it('the RDP forward: its path is the NAT rule, the zone pair and the policy', () => {
    const result = scanFiles([`${FIXTURE_DIR}/nat-destination-rdp.set.conf`]);
    expect(exposureRows(result.exposures)).toEqual([
      {
        target: { host: 'branch-srx', address: '10.20.0.25' },
        protocol: 'tcp',
        ports: [[3389, 3389]],
        from: ['0.0.0.0/0'],
        anywhere: true,
        path: [
          { file: `${FIXTURE_DIR}/nat-destination-rdp.set.conf`, line: 11, summary: 'DNAT tcp,udp 3389 -> 10.20.0.25/32:3389' },
          { file: `${FIXTURE_DIR}/nat-destination-rdp.set.conf`, line: 14, summary: 'security-policies jump policy:untrust>trust' },
          { file: `${FIXTURE_DIR}/nat-destination-rdp.set.conf`, line: 14, summary: 'policy:untrust>trust allow tcp 3389' },
        ],
      },
    ]);
  });

  it('the suppressed findings are there, suppressed', () => {
    const result = scanFiles([`${FIXTURE_DIR}/suppressions.set.conf`]);
    expect(result.findings.map((f) => `${f.ruleId}@${f.location.line}:${f.suppressed}`)).toEqual(['no-public-ssh@8:true', 'no-public-rdp@13:true']);
    const vnc = scanFiles([`${FIXTURE_DIR}/hierarchical-syntax.conf`]);
    expect(vnc.findings.map((f) => `${f.ruleId}@${f.location.line}:${f.suppressed}`)).toEqual(['no-public-vnc@60:true']);
  });
});

/** What a finding says, without where (lines differ between the syntaxes): the same estate must say the same things. */
function findingFacts(paths: string[]): string[] {
  return scanFiles(paths).findings.map((f) => `${f.ruleId} ${f.severity} ${f.suppressed} ${f.message.replace(/line \d+/g, 'line N')} ${JSON.stringify(f.exposure)}`);
}

/** A device's rulesets and rules without their lines. */
function modelFacts(d: Device): unknown {
  const rule = (r: FilterRule): unknown => ({
    id: r.id, action: r.action, target: r.target, protocols: protocolsText(r.protocols), sources: r.sources.toCidrs(),
    destinations: r.destinations.toCidrs(), ports: r.destinationPorts.key(), sourcePorts: r.sourcePorts.key(), inInterface: r.inInterface,
    outInterface: r.outInterface, exact: r.exact, enabled: r.enabled, symbolic: r.symbolic, text: r.text, translation: r.translation?.text,
  });
  return {
    name: d.name, family: d.family, pipeline: d.pipeline, externalInterfaces: d.externalInterfaces,
    rulesets: Object.values(d.rulesets).map((rs) => ({ name: rs.name, defaultAction: rs.defaultAction, builtin: rs.builtin, rules: rs.rules.map(rule) })),
    forwards: d.forwards.map((f) => ({ ruleId: f.ruleId, text: f.text, to: f.internalAddresses?.toCidrs(), ports: f.externalPorts.key() })),
  };
}

describe('the same estate in set and hierarchical syntax', () => {
  const pairs: [string, string][] = [
    ['estate-edge-srx.set.conf', 'estate-edge-srx.conf'],
    ['nat-destination-rdp.set.conf', 'nat-destination-rdp.conf'],
  ];
  for (const [set, hierarchical] of pairs) {
    it(`${set} and ${hierarchical} give the same findings and the same model`, () => {
      const a = findingFacts([`${FIXTURE_DIR}/${set}`]);
      expect(a.length).toBeGreaterThan(0);
      expect(findingFacts([`${FIXTURE_DIR}/${hierarchical}`])).toEqual(a);
      const da = scanFiles([`${FIXTURE_DIR}/${set}`]).devices[0]!;
      const db = scanFiles([`${FIXTURE_DIR}/${hierarchical}`]).devices[0]!;
      expect(modelFacts(db)).toEqual(modelFacts(da));
    });
  }
});
