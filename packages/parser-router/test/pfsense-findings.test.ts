import { describe, expect, it } from 'vitest';
import { SPECIAL_RANGES } from '@portcullis/model';
import { exposureRows } from '@portcullis/engine';
import { OPNSENSE_FIXTURES, PFSENSE_FIXTURES, findingKeys, scanFiles } from './pfsense-helpers.js';

/*
 * pfSense and OPNsense semantics through the engine, as a user scans: each case is a fixture, the
 * findings (`rule@line`) it must produce, and rules it must not produce anywhere in that file.
 * Lines are the fixture's own.
 */

interface Case {
  file: string;
  must: string[];
  mustNot: string[];
  /** Error diagnostics the file must give (a hostile or broken file), by code and line. */
  errors?: string[];
}

const pfsenseCases: Case[] = [
  // The acceptance pair: a forward of 22 with the pass rule pfSense created for it, flagged at the
  // NAT rule; with that pass rule disabled, nothing else lets the forward in.
  { file: 'port-forward-ssh-pass-rule.config.xml', must: ['no-public-ssh@33'], mustNot: ['no-default-accept'] },
  { file: 'port-forward-ssh-pass-rule-disabled.config.xml', must: [], mustNot: ['no-public-ssh'] },
  // `associated-rule-id` `pass`: the forward passes its own traffic; a disabled one opens nothing;
  // a forward limited to a partner network is not "anywhere".
  { file: 'port-forward-rdr-pass.config.xml', must: ['no-public-rdp@23'], mustNot: ['no-public-vnc', 'no-wide-public-port-range'] },
  // A quick floating block decides before the interface's pass; among non-quick rules the last wins.
  { file: 'floating-rules.config.xml', must: ['no-public-vnc@40', 'no-public-ssh@72'], mustNot: ['no-telnet'] },
  // Nested aliases; a forward from a URL table may come from anywhere; a rule naming an alias that
  // does not exist is not loaded.
  { file: 'aliases-nested.config.xml', must: ['no-public-ssh@70'], mustNot: ['no-public-rdp'] },
  { file: 'one-to-one-rdp.config.xml', must: ['no-public-rdp@30'], mustNot: [] },
  // Suppressed in a description (SSH) and in an XML comment the line before (RDP).
  { file: 'suppressed.config.xml', must: ['no-public-database@41'], mustNot: ['no-public-ssh', 'no-public-rdp'] },
  { file: 'diagnostics-warn.config.xml', must: [], mustNot: ['no-public-ssh', 'no-public-all-ports'] },
  // Hostile and broken files: an error, no crash; a rule the file ends inside is not read.
  { file: 'entity-expansion.config.xml', must: [], mustNot: ['no-public-ssh'], errors: ['parse-error@32'] },
  { file: 'truncated.config.xml', must: ['no-public-rdp@14'], mustNot: ['no-public-all-ports', 'no-telnet'], errors: ['parse-error@28'] },
];

const opnsenseCases: Case[] = [
  // OPNsense's own rules come before the legacy ones: its block of 3389 hides the legacy pass.
  { file: 'mvc-rules-ssh.config.xml', must: ['no-shadowed-rule@27', 'no-public-ssh@65', 'no-public-vnc@98'], mustNot: ['no-public-rdp', 'no-telnet'] },
  // New-style port forward to a host alias with `<pass>rule</pass>`; a forward no rule passes opens nothing.
  { file: 'mvc-alias-port-forward.config.xml', must: ['no-public-rdp@22'], mustNot: [] },
];

function check(dir: string, c: Case): void {
  const result = scanFiles([`${dir}${c.file}`]);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.line}`);
  expect(errors).toEqual(c.errors ?? []);
  const keys = findingKeys(result);
  for (const m of c.must) expect(keys).toContain(m);
  for (const n of c.mustNot) expect(keys.filter((k) => k === n || k.startsWith(`${n}@`))).toEqual([]);
}

describe('pfsense findings', () => {
  for (const c of pfsenseCases) it(c.file, () => check(PFSENSE_FIXTURES, c));

  it('the forward of 22: exposure of the inside host at the NAT rule, through the WAN rules', () => {
    const file = `${PFSENSE_FIXTURES}port-forward-ssh-pass-rule.config.xml`;
    const rows = exposureRows(scanFiles([file]).exposures).filter((r) => r.target.address !== undefined);
    expect(rows).toEqual([
      {
        target: { host: 'edge-fw', address: '192.168.1.10' },
        protocol: 'tcp',
        ports: [[22, 22]],
        // Block private networks and bogons are on the WAN: every public IPv4 address, no other.
        from: SPECIAL_RANGES.publicIpv4.toCidrs(),
        anywhere: true,
        path: [
          { file, line: 33, summary: 'DNAT tcp 22 -> 192.168.1.10:22' },
          { file, line: 12, summary: 'filter jump rules:wan' },
          { file, line: 51, summary: 'rules:wan allow tcp 22' },
        ],
      },
    ]);
  });

  it('a port range forwarded onto a range of the same length, from a partner network only', () => {
    const rows = exposureRows(scanFiles([`${PFSENSE_FIXTURES}port-forward-rdr-pass.config.xml`]).exposures).filter((r) => r.target.address === '10.10.0.30');
    expect(rows.map((r) => [r.protocol, r.ports, r.from, r.anywhere])).toEqual([
      ['tcp', [[9000, 9010]], ['198.51.100.0/24'], false],
      ['udp', [[9000, 9010]], ['198.51.100.0/24'], false],
    ]);
  });

  it('non-quick floating rules: the later block of 5901 wins over the earlier pass of 5900-5901', () => {
    const rows = exposureRows(scanFiles([`${PFSENSE_FIXTURES}floating-rules.config.xml`]).exposures);
    expect(rows.map((r) => `${r.protocol} ${r.ports.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(',')}`).sort()).toEqual(['tcp 22', 'tcp 5900']);
  });
});

describe('opnsense findings', () => {
  for (const c of opnsenseCases) it(c.file, () => check(OPNSENSE_FIXTURES, c));

  it('a forward to a host alias reaches both hosts; the forward no rule passes reaches none', () => {
    const rows = exposureRows(scanFiles([`${OPNSENSE_FIXTURES}mvc-alias-port-forward.config.xml`]).exposures);
    expect(rows.map((r) => [r.target.address, r.protocol, r.ports])).toEqual([['10.0.5.21, 10.0.5.22', 'tcp', [[3389, 3389]]]]);
  });
});
