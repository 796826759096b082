import { readFileSync } from 'node:fs';
import type { FormatParser, ParseResult } from '@portcullis/model';
import { describe, expect, it } from 'vitest';
import { netstatListing, nmapXml, observedParsers, ssListing } from '../src/index.js';
import { FIXTURES, expectAccounted } from './helpers.js';

/** Input nobody should write: no parser may throw, and each must finish quickly. */
function timed(parser: FormatParser, text: string): { ms: number; result: ParseResult } {
  const start = performance.now();
  const result = parser.parse({ path: 'hostile.txt', text });
  for (const p of observedParsers) p.detect({ path: 'hostile.txt', text });
  return { ms: performance.now() - start, result };
}

function junk(length: number): string {
  let out = '';
  let seed = 7;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += String.fromCharCode(seed % 256);
  }
  return out;
}

const LINE_PARSERS = [ssListing, netstatListing];

describe('hostile input', () => {
  it('an empty file', () => {
    for (const parser of LINE_PARSERS) {
      const { result } = timed(parser, '');
      expect(result.lines).toEqual({ total: 1, recognised: 0, ignored: 1, reported: 0 });
      expect(result.diagnostics).toEqual([]);
      expect(result.observations).toEqual([]);
    }
    // An XML document needs a root element.
    const { result } = timed(nmapXml, '');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['parse-error']);
  });

  it('binary junk', () => {
    const text = junk(200_000);
    for (const parser of observedParsers) {
      const { ms, result } = timed(parser, text);
      expect(ms).toBeLessThan(5000);
      expectAccounted(result, result.lines.total);
      expect(result.observations).toEqual([]);
    }
  });

  it('1 MB lines of one word, of spaces, of half process columns', () => {
    for (const line of [
      'x'.repeat(1_000_000),
      `LISTEN 0 0 ${' '.repeat(1_000_000)}0.0.0.0:22 0.0.0.0:*`,
      `LISTEN 0 0 0.0.0.0:22 0.0.0.0:* users:(${'("'.repeat(500_000)}`,
      `LISTEN 0 0 0.0.0.0:22 0.0.0.0:* users:(${'("a",'.repeat(200_000)}`,
      `LISTEN 0 0 ${':'.repeat(1_000_000)} 0.0.0.0:*`,
      `LISTEN 0 0 [${'['.repeat(1_000_000)}:22 0.0.0.0:*`,
      `  TCP ${'0.0.0.0:0 '.repeat(100_000)}`,
      `tcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN ${'1/'.repeat(500_000)}`,
      `${'\t'.repeat(1_000_000)}x`,
    ]) {
      for (const parser of LINE_PARSERS) {
        const { ms, result } = timed(parser, `${line}\n`);
        expect(ms).toBeLessThan(5000);
        expectAccounted(result, 1);
        expect(result.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
      }
    }
  });

  it('a large listing: 200,000 sockets', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `tcp LISTEN 0 128 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${i % 65536} 0.0.0.0:*`);
    const { ms, result } = timed(ssListing, rows.join('\n'));
    expect(ms).toBeLessThan(10_000);
    expect(result.observations).toHaveLength(200_000);
    expect(result.lines.reported).toBe(0);
  });

  it('an nmap report of 20,000 hosts', () => {
    const hosts = Array.from({ length: 20_000 }, (_, i) => [
      `<host><status state="up"/><address addr="10.0.${i >> 8}.${i & 255}" addrtype="ipv4"/><ports>`,
      '<extraports state="closed" count="998"/>',
      '<port protocol="tcp" portid="22"><state state="open"/><service name="ssh"/></port>',
      '<port protocol="tcp" portid="443"><state state="filtered"/></port>',
      '</ports></host>',
    ].join('\n'));
    const text = `<?xml version="1.0"?>\n<nmaprun>\n${hosts.join('\n')}\n</nmaprun>\n`;
    const { ms, result } = timed(nmapXml, text);
    expect(ms).toBeLessThan(10_000);
    expect(result.observations).toHaveLength(40_000);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('XML nested 200,000 deep, and a 5 MB attribute', () => {
    const deep = `<nmaprun>${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}</nmaprun>`;
    const wide = `<nmaprun args="${'x'.repeat(5_000_000)}"><host><address addr="203.0.113.5" addrtype="ipv4"/></host></nmaprun>`;
    for (const text of [deep, wide]) {
      const { ms, result } = timed(nmapXml, text);
      expect(ms).toBeLessThan(10_000);
      expect(result.diagnostics).toEqual([]);
      expectAccounted(result, 1);
    }
  });

  it('entity bombs and external entities: never expanded, never fetched', () => {
    const levels = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    for (const text of [
      `<!DOCTYPE nmaprun [<!ENTITY l0 "lol">${levels}]>\n<nmaprun args="&l10;">&l10;</nmaprun>`,
      '<!DOCTYPE nmaprun [<!ENTITY x SYSTEM "http://203.0.113.99/x">]>\n<nmaprun>&x;</nmaprun>',
      '<!DOCTYPE nmaprun SYSTEM "http://203.0.113.99/nmap.dtd">\n<nmaprun>&x;</nmaprun>',
    ]) {
      const { ms, result } = timed(nmapXml, text);
      expect(ms).toBeLessThan(1000);
      expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['parse-error', 2]]);
    }
  });

  it('a report cut at any point: an error at most, never a throw', () => {
    const text = readFileSync(FIXTURES + 'nmap-several-hosts.xml', 'utf8');
    for (let cut = 0; cut < text.length; cut += 37) {
      const result = nmapXml.parse({ path: 'cut.xml', text: text.slice(0, cut) });
      expectAccounted(result, result.lines.total);
      expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['parse-error']);
    }
  });
});
