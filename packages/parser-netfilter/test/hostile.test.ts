import { describe, expect, it } from 'vitest';
import { iptablesSave } from '../src/index.js';
import { expectAccounted, parseText } from './helpers.js';

/** Input nobody should write: the parser must not throw, and must finish quickly. */
function timed(text: string, path = 'hostile.iptables-save'): { ms: number; result: ReturnType<typeof parseText> } {
  const start = performance.now();
  const result = parseText(text, path);
  iptablesSave.detect({ path, text });
  return { ms: performance.now() - start, result };
}

describe('hostile input', () => {
  it('an empty file', () => {
    const { result } = timed('');
    // An empty text is one empty line, as editors count it.
    expect(result.lines).toEqual({ total: 1, recognised: 0, ignored: 1, reported: 0 });
    expect(result.diagnostics).toEqual([]);
    expect(result.devices[0]!.rulesets).toEqual({});
  });

  it('only comments and blank lines', () => {
    const { result } = timed('# nothing here\n\n#   portcullis-ignore\n   \n');
    expect(result.lines).toEqual({ total: 4, recognised: 0, ignored: 4, reported: 0 });
    expect(result.diagnostics).toEqual([]);
  });

  it('binary junk', () => {
    let junk = '';
    let seed = 7;
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      junk += String.fromCharCode(seed % 256);
    }
    const { ms, result } = timed(junk);
    expect(ms).toBeLessThan(5000);
    expectAccounted(result, result.lines.total);
    expect(result.lines.recognised).toBe(0);
    expect(result.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
  });

  it('a 1 MB rule line', () => {
    const line = `-A INPUT ${'-s 10.0.0.1 '.repeat(95_000)}-j ACCEPT`;
    const { ms, result } = timed(`*filter\n${line}\nCOMMIT\n`);
    expect(line.length).toBeGreaterThan(1_000_000);
    expect(ms).toBeLessThan(5000);
    expectAccounted(result, 3);
    expect(result.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
  });

  it('a 1 MB address list', () => {
    const list = Array.from({ length: 80_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).join(',');
    const { ms, result } = timed(`*filter\n-A INPUT -s ${list} -j ACCEPT\nCOMMIT\n`);
    expect(list.length).toBeGreaterThan(900_000);
    expect(ms).toBeLessThan(5000);
    expect(result.lines.reported).toBe(0);
    expect(result.devices[0]!.rulesets['filter/INPUT']!.rules[0]!.sources.toCidrs()).toEqual(['10.0.0.0/16', '10.1.0.0/19', '10.1.32.0/20', '10.1.48.0/21', '10.1.56.0/25']);
  });

  it('1 MB of one word, of spaces, of quotes and of bangs', () => {
    for (const line of [
      'x'.repeat(1_000_000),
      `-A INPUT ${' '.repeat(1_000_000)}-j ACCEPT`,
      `-A INPUT -m comment --comment "${'\\"'.repeat(500_000)}`,
      `-A INPUT ${'! '.repeat(500_000)}-j DROP`,
      `:${'A'.repeat(1_000_000)} ACCEPT [0:0]`,
      `*${'f'.repeat(1_000_000)}`,
      `[${'1'.repeat(1_000_000)}:0] -A INPUT -j ACCEPT`,
    ]) {
      const { ms, result } = timed(`*filter\n${line}\nCOMMIT\n`);
      expect(ms).toBeLessThan(5000);
      expectAccounted(result, 3);
      expect(result.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
    }
  });

  it('many short junk lines', () => {
    const { ms, result } = timed('*filter\n' + '-A INPUT -p tcp --dport 99999 -j NOPE\n'.repeat(20_000) + 'COMMIT\n');
    expect(ms).toBeLessThan(5000);
    expectAccounted(result, 20_002);
    expect(result.lines.reported).toBe(20_000);
  });
});
