import { readFileSync } from 'node:fs';
import { splitLines } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { detectNftablesJson, detectNftablesText } from '../src/nftables/index.js';
import { expectAccounted } from './helpers.js';
import { allRules, device, NFT_FIXTURES, parseNft, parseNftFile, parseNftJson, repoRoot } from './nft-helpers.js';

/** `{ code, line }` of every diagnostic, in file order. */
const codes = (r: { diagnostics: { code: string; line?: number }[] }): string[] => r.diagnostics.map((d) => `${d.code}@${d.line}`);

describe('nftables diagnostics', () => {
  it('a file with lines nft would refuse: each is reported, the rest is read', () => {
    const path = `${NFT_FIXTURES}unrecognised.nft`;
    const result = parseNftFile(path);
    expect(codes(result)).toEqual([
      'unrecognised-statement@6', 'invalid-value@8', 'unrecognised-line@10', 'unrecognised-line@12', 'policy-without-hook@12',
      'unsupported-include@15', 'unrecognised-line@16', 'unrecognised-statement@20',
    ]);
    expectAccounted({ ...result, diagnostics: result.diagnostics.map((d) => (/unrecognised|invalid|unsupported/.test(d.code) ? { ...d, code: 'unrecognised-line' } : d)) }, splitLines(readFileSync(repoRoot + path, 'utf8')).length);
    // The unreadable statement leaves a rule that may match; the rules around it are exact.
    expect(allRules(result).filter((r) => r.id.startsWith('inet filter/input#')).map((r) => [r.origin.line, r.action, r.exact])).toEqual([
      [5, 'allow', true], [6, 'allow', false], [7, 'allow', true], [8, 'allow', false],
    ]);
  });

  it('never throws on hostile input', () => {
    for (const text of ['', '{', '}', 'table', 'table inet', 'table inet x {', 'table inet x { chain c { jump {', '"', '\u0000\u0001', 'table ip t { set s { elements = { 1, ', 'a'.repeat(100_000)]) {
      const result = parseNft(text);
      expect(result.devices).toHaveLength(1);
      expect(result.lines.recognised + result.lines.ignored + result.lines.reported).toBe(result.lines.total);
    }
    for (const text of ['', '[]', '{"nftables": 3}', '{"nftables": [{"rule": {}}, {"chain": null}, 7, {"table": {"family": "inet"}}]}', '{"nftables": [', '{']) {
      const result = parseNftJson(text);
      expect(result.devices).toHaveLength(1);
    }
  });

  it('JSON: a broken file is an error; objects it cannot read are reported at their lines', () => {
    expect(codes(parseNftJson('{"nftables": [\n{"table": {"family": "inet", "name": "t"}},\n'))[0]).toMatch(/^parse-error@/);
    const text = '{"nftables": [\n{"table": {"family": "inet", "name": "t"}},\n{"chain": {"family": "inet", "table": "t", "name": "c", "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},\n{"bogus": {}},\n{"rule": {"family": "inet", "table": "t", "chain": "c", "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 23}}, {"frob": 1}, {"accept": null}]}}\n]}\n';
    const result = parseNftJson(text);
    expect(codes(result)).toEqual(['unrecognised-line@4', 'unrecognised-statement@5']);
    expect(allRules(result).map((r) => [r.origin.line, r.action, r.exact, r.text])).toEqual([[5, 'allow', false, 'tcp dport 23 frob accept']]);
  });

  it('JSON: statements nft prints as text (an anonymous chain) are read by the text reader', () => {
    const text = JSON.stringify({ nftables: [
      { table: { family: 'inet', name: 't' } },
      { chain: { family: 'inet', table: 't', name: 'c', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
      { rule: { family: 'inet', table: 't', chain: 'c', expr: [{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, 'jump {\n\t\t\tip saddr 10.0.0.0/8 accept\n\t\t\tdrop\n\t\t}'] } },
    ] }, null, 1);
    const d = device(parseNftJson(text));
    expect(d.rulesets['inet t/c{1}']!.rules.map((r) => [r.action, r.sources.toCidrs()])).toEqual([['allow', ['10.0.0.0/8']], ['deny', ['0.0.0.0/0', '::/0']]]);
  });

  it('suppressions in comments and in rule comments', () => {
    const text = 'table inet t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\t# portcullis-ignore no-public-ssh -- bastion\n\t\ttcp dport 22 accept\n\t\ttcp dport 23 accept comment "portcullis-ignore no-telnet until 2027-01-01 -- lab"\n\t}\n}\n';
    expect(parseNft(text).suppressions).toEqual([
      { rules: ['no-public-ssh'], reason: 'bastion', line: 4, file: 'test.nft' },
      { rules: ['no-telnet'], until: '2027-01-01', reason: 'lab', line: 6, file: 'test.nft' },
    ]);
  });

  it('tables of families that filter no IP traffic are read and ignored', () => {
    const result = parseNft('table bridge b {\n\tchain f {\n\t\ttype filter hook forward priority 0; policy drop;\n\t\tether type arp accept\n\t}\n}\n');
    expect(codes(result)).toEqual(['ignored-table@1']);
    expect(result.lines).toEqual({ total: 6, recognised: 0, ignored: 6, reported: 0 });
    expect(device(result).rulesets).toEqual({});
  });

  it('detection: by content, the file name only a hint', () => {
    const ruleset = 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n';
    expect(detectNftablesText({ path: 'x.txt', text: ruleset })).toBeGreaterThanOrEqual(0.9);
    expect(detectNftablesText({ path: 'nftables.conf', text: `#!/usr/sbin/nft -f\nflush ruleset\n${ruleset}` })).toBe(1);
    expect(detectNftablesText({ path: 'x.nft', text: '' })).toBeGreaterThan(0);
    expect(detectNftablesText({ path: 'rules.v4', text: '*filter\n:INPUT DROP [0:0]\nCOMMIT\n' })).toBe(0);
    expect(detectNftablesJson({ path: 'x.json', text: '{"nftables": [{"metainfo": {}}]}' })).toBe(1);
    expect(detectNftablesJson({ path: 'x.json', text: '{"SecurityGroups": []}' })).toBe(0);
  });
});
