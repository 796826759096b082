import { describe, expect, it } from 'vitest';
import { codes, device, expectAccounted, parseLines, parseText } from './junos-helpers.js';

interface DiagnosticCase {
  name: string;
  lines: string[];
  diagnostics: { code: string; line: number }[];
  /** recognised / ignored / reported */
  accounting: [number, number, number];
}

const cases: DiagnosticCase[] = [
  {
    name: 'a clean set file has none; comments, blank lines and unrelated sections are ignored',
    lines: ['# edge', '', 'set system host-name a', 'set system syslog host 10.0.0.1 any any', 'set snmp community x', 'set security zones security-zone trust interfaces ge-0/0/1.0'],
    diagnostics: [],
    accounting: [2, 4, 0],
  },
  {
    name: 'unrelated top-level blocks are ignored whole, braces included',
    lines: ['protocols {', '    ospf {', '        area 0.0.0.0 {', '            interface ge-0/0/0.0;', '        }', '    }', '}', 'system { host-name a; }'],
    diagnostics: [],
    accounting: [1, 7, 0],
  },
  {
    name: 'a block header is recognised when something in it is',
    lines: ['security {', '    zones {', '        security-zone trust {', '            interfaces ge-0/0/1.0;', '            screen trust-screen;', '        }', '    }', '}'],
    diagnostics: [],
    accounting: [7, 1, 0],
  },
  {
    name: 'an unknown section is reported, with what is inside it',
    lines: ['frobnicate {', '    a b;', '    c;', '}'],
    diagnostics: [{ code: 'unrecognised-line', line: 1 }, { code: 'unrecognised-line', line: 2 }, { code: 'unrecognised-line', line: 3 }],
    accounting: [0, 1, 3],
  },
  {
    name: 'bad values: an address, a port, a protocol, a unit',
    lines: [
      'set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.300/24',
      'set firewall filter f term t from destination-port nonsense-port',
      'set firewall filter f term t from protocol tcpp',
      'set interfaces ge-0/0/0 unit zero',
      'set security address-book global address a 10.0.0.0/33',
    ],
    diagnostics: [{ code: 'invalid-value', line: 1 }, { code: 'invalid-value', line: 2 }, { code: 'invalid-value', line: 3 }, { code: 'invalid-value', line: 4 }, { code: 'invalid-value', line: 5 }],
    accounting: [0, 0, 5],
  },
  {
    name: 'policy statements that are not Junos',
    lines: [
      'set security policies from-zone a to-zone b policy p match source-address any',
      'set security policies from-zone a to-zone b policy p match destination-address any',
      'set security policies from-zone a to-zone b policy p match application any',
      'set security policies from-zone a to-zone b policy p then accept',
      'set security policies from-zone a policy p then permit',
      'set security policies default-policy allow-all',
      'set security policies from-zone a to-zone b policy p match from-zone a',
    ],
    diagnostics: [
      { code: 'incomplete-policy', line: 1 }, { code: 'unresolved-reference', line: 1 }, { code: 'unresolved-reference', line: 1 },
      { code: 'unrecognised-line', line: 4 }, { code: 'unrecognised-line', line: 5 }, { code: 'unrecognised-line', line: 6 }, { code: 'unrecognised-line', line: 7 },
    ],
    accounting: [3, 0, 4],
  },
  {
    name: 'policy conditions the model does not capture are noted, the lines recognised',
    lines: [
      'set security zones security-zone a interfaces ge-0/0/0.0',
      'set security policies from-zone a to-zone a policy p match source-address any',
      'set security policies from-zone a to-zone a policy p match destination-address any',
      'set security policies from-zone a to-zone a policy p match application any',
      'set security policies from-zone a to-zone a policy p match source-identity staff',
      'set security policies from-zone a to-zone a policy p match dynamic-application any',
      'set security policies from-zone a to-zone a policy p scheduler-name office-hours',
      'set security policies from-zone a to-zone a policy p then permit application-services idp',
      'set security policies from-zone a to-zone a policy p then log session-close',
      'set security policies from-zone a to-zone a policy p then count',
      'set security policies from-zone a to-zone a policy p description "x"',
    ],
    diagnostics: [{ code: 'partial-match', line: 5 }, { code: 'partial-match', line: 7 }],
    accounting: [10, 1, 0],
  },
  {
    name: 'NAT statements that are not Junos',
    lines: [
      'set security nat destination pool p address 10.0.0.1/32 port',
      'set security nat destination pool q address 10.0.0.1/32 to 10.0.0.0/32',
      'set security nat destination rule-set r from vlan 10',
      'set security nat destination rule-set r rule x then destination-nat redirect',
      'set security nat destination rule-set r rule x match destination-port 90 to 80',
      'set security nat static rule-set s rule y then static-nat inet',
      'set security nat source pool out address 192.0.2.1/32',
    ],
    // Rule-sets without `from` and rules without a `then` Junos would refuse are noted as well.
    diagnostics: [
      { code: 'unrecognised-line', line: 1 }, { code: 'invalid-value', line: 2 }, { code: 'unrecognised-line', line: 3 }, { code: 'incomplete-nat', line: 3 },
      { code: 'unrecognised-line', line: 4 }, { code: 'incomplete-nat', line: 4 }, { code: 'invalid-value', line: 5 }, { code: 'unsupported-nat', line: 6 },
      { code: 'incomplete-nat', line: 6 },
    ],
    accounting: [1, 1, 5],
  },
  {
    name: 'configuration groups and logical systems are noted once, their lines ignored',
    lines: [
      'set groups g security policies default-policy permit-all',
      'set groups g system host-name x',
      'set apply-groups g',
      'set logical-systems ls1 security zones security-zone a interfaces ge-0/0/5.0',
      'set logical-systems ls1 interfaces ge-0/0/5 unit 0',
    ],
    diagnostics: [{ code: 'unsupported-groups', line: 1 }, { code: 'unsupported-groups', line: 3 }, { code: 'unsupported-section', line: 4 }],
    accounting: [0, 5, 0],
  },
  {
    name: 'deactivate, activate and delete are recognised; annotate and protect ignored',
    lines: [
      'set system host-name a',
      'set system services telnet',
      'delete system services telnet',
      'deactivate system host-name',
      'activate system host-name',
      'annotate system "edge"',
      'protect system',
    ],
    diagnostics: [],
    accounting: [4, 3, 0],
  },
  {
    name: 'a filter term with an unknown condition and an unknown action',
    lines: ['set firewall filter f term t from colour red', 'set firewall filter f term t then teleport', 'set firewall filter f term t then count c'],
    diagnostics: [{ code: 'unrecognised-line', line: 1 }, { code: 'unrecognised-line', line: 2 }],
    accounting: [1, 0, 2],
  },
  {
    name: 'a brace, a semicolon or a list end on a line of its own',
    lines: ['system', '{', '    host-name a', '    ;', '    services {', '        ssh;', '    }', '}', 'security { zones { security-zone z { interfaces [ ge-0/0/0.0', '    ge-0/0/1.0', ']; } } }'],
    diagnostics: [],
    accounting: [11, 0, 0],
  },
  {
    name: 'a string that spans lines belongs to its statement',
    lines: ['system {', '    login {', '        message "first', 'second";', '    }', '    host-name a;', '}'],
    diagnostics: [],
    accounting: [3, 4, 0],
  },
];

describe('junos diagnostics', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = parseLines(c.lines);
      expect(codes(result)).toEqual(c.diagnostics);
      expectAccounted(result, c.lines.length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.accounting);
    });
  }

  it('reports a line with the column of the word it did not understand', () => {
    const result = parseLines(['set security policies from-zone a to-zone b policy p then accept']);
    expect(result.diagnostics[0]).toMatchObject({ line: 1, column: 59, code: 'unrecognised-line' });
    expect(result.diagnostics[0]!.message).toBe("expected 'permit', 'deny', 'reject', 'count' or 'log' after '… to-zone b policy p then', found 'accept'");
  });

  it('never throws and accounts for every line of hostile input', () => {
    const inputs = [
      '',
      '\n\n\n',
      '{'.repeat(3000),
      '}'.repeat(50),
      'security { policies { from-zone a to-zone b { policy p { then permit; } } } }\n'.repeat(200),
      'set security policies from-zone a to-zone b policy p match application ' + 'x'.repeat(100000),
      '"' + 'a'.repeat(1000),
      '/*',
      'set [ a b',
      'set security zones security-zone z interfaces [ ' + Array.from({ length: 5000 }, (_, i) => `ge-0/0/${i}.0`).join(' ') + ' ]',
      '\u0000binary\u0001\u0002 {;}[]',
      'inactive: inactive: delete: ;',
    ];
    for (const text of inputs) {
      const result = parseText(text);
      expect(result.devices).toHaveLength(1);
      expect(result.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
      const { total, recognised, ignored, reported } = result.lines;
      expect(recognised + ignored + reported).toBe(total);
    }
  });

  it('reads a large configuration in linear time', () => {
    const lines: string[] = ['set security zones security-zone untrust interfaces ge-0/0/0.0', 'set security zones security-zone trust interfaces ge-0/0/1.0'];
    for (let i = 0; i < 5000; i++) {
      lines.push(`set security address-book global address h${i} 10.${(i >> 8) & 255}.${i & 255}.1/32`);
      lines.push(`set security policies from-zone untrust to-zone trust policy p${i} match source-address any`);
      lines.push(`set security policies from-zone untrust to-zone trust policy p${i} match destination-address h${i}`);
      lines.push(`set security policies from-zone untrust to-zone trust policy p${i} match application junos-https`);
      lines.push(`set security policies from-zone untrust to-zone trust policy p${i} then permit`);
    }
    const started = Date.now();
    const result = parseLines(lines);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(device(result).rulesets['policy:untrust>trust']!.rules).toHaveLength(5000);
    expect(result.diagnostics).toEqual([]);
  });
});
