import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ParseResult } from '@portcullis/model';
import { codes, parseText, ruleAt, view } from './helpers.js';

/*
 * One reader reads all the rules of a file, in turn, and keeps its working lists (the modules a
 * rule loaded, the ports waiting for its protocol) from one rule to the next. Nothing of a rule may
 * reach the next one: a rule reads the same after any other rule as alone in its file.
 */

function file(rules: string[]): string {
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':svc - [0:0]', ...rules, 'COMMIT'].join('\n');
}

/** Line of the `i`th rule (from 0) of `file`. */
const line = (i: number): number => 6 + i;

/** What a rule reads as and what is said about its line, without its place in the file. */
function reading(result: ParseResult, at: number): unknown {
  const rule = { ...view(ruleAt(result, at)), id: undefined };
  const said = result.diagnostics
    .filter((d) => d.line === at)
    .map((d) => `${d.severity} ${d.code} ${d.column ?? ''} ${d.message}`);
  return { rule, said };
}

describe('a rule reads the same after any other rule', () => {
  it('modules loaded by the rule before do not serve the next one', () => {
    const result = parseText(file([
      '-A INPUT -p tcp -m multiport --dports 80,443 -m conntrack --ctstate NEW -j ACCEPT',
      '-A INPUT --dport 22 --ctstate NEW -j ACCEPT',
    ]));
    expect(view(ruleAt(result, line(0))).destinationPorts).toBe('80,443');
    // Without `-p tcp` and `-m conntrack` of its own, the second rule's options need a module.
    const second = result.diagnostics.filter((d) => d.line === line(1)).map((d) => d.message);
    expect(second).toEqual([
      '--dport needs -m tcp (or a -p that loads it) before it',
      '--ctstate needs -m conntrack (or a -p that loads it) before it',
    ]);
    expect(view(ruleAt(result, line(1))).destinationPorts).toBe('22');
  });

  it('ports left over from a rule with many of them are not the next rule\'s', () => {
    const many = Array.from({ length: 100 }, (_, i) => `--dport ${1000 + i}`).join(' ');
    const result = parseText(file([
      `-A INPUT -p tcp -m tcp ${many} -j ACCEPT`,
      '-A INPUT -p udp -m udp --sport 53 -j ACCEPT',
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
    ]));
    // Every --dport of the first rule holds: together they match no port.
    expect(view(ruleAt(result, line(0))).destinationPorts).toBe('');
    expect(view(ruleAt(result, line(1)))).toMatchObject({ sourcePorts: '53', destinationPorts: 'all' });
    expect(view(ruleAt(result, line(2)))).toMatchObject({ sourcePorts: 'all', destinationPorts: '22' });
    expect(codes(result).map((c) => c.code)).not.toContain('internal-error');
  });

  // Pieces of rules, good and bad, that use what a reader keeps between rules.
  const PIECES = [
    '-p tcp', '-p udp', '! -p icmp', '-p sctp', '-m tcp', '-m udp', '-m multiport', '-m conntrack', '-m state',
    '-m comment --comment "a b"', '-m limit --limit 5/s', '-m frobnicate --frob 1', '--dport 22', '! --dport 1:1024',
    '--sport ssh', '--dports 80,443', '! --ports 53', '--dport nope', '--ctstate NEW', '--state ESTABLISHED,RELATED',
    '-s 10.0.0.0/8', '! -d 192.168.1.1', '-s 10.0.0.1 -s 10.0.0.2', '-i eth0', '! -o lo', '--tcp-flags SYN,ACK SYN',
    '-m set --match-set blocked src', '!', 'stray', '-m iprange --src-range 10.1.0.1-10.1.0.9', '-j ACCEPT',
    '-j DROP', '-j svc', '-j DNAT --to-destination 10.0.0.5:8080', '-j REJECT --reject-with tcp-reset', '-g svc',
  ];

  it('reads each rule of 200 generated files as it reads alone', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }), { minLength: 2, maxLength: 12 }), (rules) => {
        const lines = rules.map((pieces) => ['-A INPUT', ...pieces].join(' '));
        const together = parseText(file(lines));
        lines.forEach((rule, i) => {
          expect(reading(together, line(i))).toEqual(reading(parseText(file([rule])), line(0)));
        });
      }),
      { numRuns: 200, seed: 17 },
    );
  });
});

describe('a rule reads the same whatever ends the lines before it', () => {
  it('with \\n, \\r\\n or \\r line ends, a byte order mark and a counter prefix: same rules, same columns', () => {
    const lines = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -p tcp -m tcp --dport nope -j ACCEPT',
      '  [5:300] -A INPUT -s 10.0.0.300 -j "DROP"',
      '-A INPUT -m comment --comment "open \\"quote -j ACCEPT',
      'COMMIT',
    ];
    const seen = (result: ParseResult): unknown => ({
      rules: [3, 4, 5].map((at) => ({ ...view(ruleAt(result, at)), id: undefined })),
      said: result.diagnostics.map((d) => `${d.line}:${d.column ?? ''} ${d.code} ${d.message}`),
    });
    const plain = seen(parseText(lines.join('\n')));
    expect(plain).toMatchObject({ said: [
      "3:32 invalid-value invalid port or service name 'nope'",
      expect.stringMatching(/^4:23 invalid-value /),
      '5:31 unrecognised-line unterminated quote',
    ] });
    for (const end of ['\r\n', '\r']) expect(seen(parseText(lines.join(end) + end))).toEqual(plain);
    expect(seen(parseText(`\uFEFF${lines.join('\r\n')}`))).toEqual(plain);
  });
});
