import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, createBaseline } from '@portcullis/engine';
import { junitReport } from '@portcullis/report';
import { RDP, SSH, TELNET, estate, filterTable, scanAt } from './helpers.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses XML with a strict, well-formedness-checking parser (saxes); throws on any error. */
function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

const child = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);

/** `suite/case: outcome` for every test case, outcome being pass, failure(type), skipped or error(type). */
function outcomes(root: XmlElement): string[] {
  const out: string[] = [];
  for (const suite of root.children) {
    for (const tc of suite.children) {
      const failure = child(tc, 'failure');
      const error = child(tc, 'error');
      const outcome = failure ? `failure(${failure.attributes['type']})` : error ? `error(${error.attributes['type']})` : child(tc, 'skipped') ? 'skipped' : 'pass';
      out.push(`${suite.attributes['name']}/${tc.attributes['name']}: ${outcome}`);
    }
  }
  return out;
}

describe('JUnit XML', () => {
  const dir = estate({
    'a.iptables-save': filterTable(SSH, '# portcullis-ignore no-telnet -- lab console <isolated> & "quoted"', TELNET),
    'b.iptables-save': filterTable(RDP, '-A INPUT -p udp -m udp --dport 3389 -j ACCEPT'),
  });
  const result = scanAt(dir, ['.']);
  const xml = junitReport(result);
  const root = parseXml(xml);

  it('parses back as well-formed XML with a declaration', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(root.name).toBe('testsuites');
  });

  it('has a test case per rule and scanned file', () => {
    expect(root.children.map((s) => s.attributes['name'])).toEqual(result.rules.map((r) => r.definition.id));
    for (const suite of root.children) expect(suite.children.map((c) => c.attributes['name'])).toEqual(['a.iptables-save', 'b.iptables-save']);
    expect(outcomes(root).filter((o) => !o.endsWith(': pass'))).toEqual([
      'no-public-rdp/b.iptables-save: failure(high)',
      'no-public-ssh/a.iptables-save: failure(medium)',
      'no-telnet/a.iptables-save: skipped',
    ]);
  });

  it('counts tests, failures, errors and skipped on every level', () => {
    const cases = result.rules.length * 2;
    expect(root.attributes).toMatchObject({ name: 'portcullis', tests: String(cases), failures: '2', errors: '0', skipped: '1' });
    const rdp = root.children.find((s) => s.attributes['name'] === 'no-public-rdp')!;
    expect(rdp.attributes).toMatchObject({ tests: '2', failures: '1', errors: '0', skipped: '0' });
  });

  it('a failure carries every finding of its rule in its file', () => {
    const rdp = root.children.find((s) => s.attributes['name'] === 'no-public-rdp')!.children[1]!;
    expect(rdp.attributes).toMatchObject({ classname: 'no-public-rdp', file: 'b.iptables-save' });
    const failure = child(rdp, 'failure')!;
    expect(failure.attributes['message']).toBe('2 findings; the first: RDP (3389/tcp) on b is reachable from anywhere (0.0.0.0/0)');
    expect(failure.text.split('\n').map((l) => l.replace(/ \[[0-9a-f]+\]$/, ''))).toEqual([
      'b.iptables-save:5: high: RDP (3389/tcp) on b is reachable from anywhere (0.0.0.0/0)',
      'b.iptables-save:6: high: RDP (3389/udp) on b is reachable from anywhere (0.0.0.0/0)',
    ]);
  });

  it('a suppressed finding skips its case, with the reason (escaped and read back intact)', () => {
    const telnet = root.children.find((s) => s.attributes['name'] === 'no-telnet')!.children[0]!;
    expect(child(telnet, 'skipped')!.attributes['message']).toBe('suppressed: lab console <isolated> & "quoted"');
  });

  it('a baselined finding passes, noted in system-out', () => {
    const baseline = compareWithBaseline(result.findings, createBaseline(result.findings), 'baseline.json');
    const again = parseXml(junitReport(result, { baseline }));
    expect(outcomes(again).filter((o) => !o.endsWith(': pass'))).toEqual(['no-telnet/a.iptables-save: skipped']);
    expect(again.attributes).toMatchObject({ failures: '0', skipped: '1' });
    const rdp = again.children.find((s) => s.attributes['name'] === 'no-public-rdp')!.children[1]!;
    expect(child(rdp, 'system-out')!.text).toMatch(/^in the baseline: b\.iptables-save:5: high: /);
  });

  it('a file that could not be read is an error case', () => {
    const broken = scanAt(dir, ['a.iptables-save', 'missing.iptables-save']);
    const parsed = parseXml(junitReport(broken));
    expect(outcomes(parsed).filter((o) => o.startsWith('portcullis/'))).toEqual(['portcullis/missing.iptables-save: error(unreadable-path)']);
    expect(parsed.attributes).toMatchObject({ errors: '1' });
  });

  it('characters XML cannot hold are replaced, not written', () => {
    const odd = estate({ 'fw.iptables-save': filterTable('# portcullis-ignore no-telnet -- bell\u0007 and escape\u001b in a reason', TELNET) });
    const parsed = parseXml(junitReport(scanAt(odd, ['.'])));
    const telnet = parsed.children.find((s) => s.attributes['name'] === 'no-telnet')!.children[0]!;
    expect(child(telnet, 'skipped')!.attributes['message']).toBe('suppressed: bell\uFFFD and escape\uFFFD in a reason');
  });
});
