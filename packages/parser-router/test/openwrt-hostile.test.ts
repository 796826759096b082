import { describe, expect, it } from 'vitest';
import { detectOpenwrt } from '../src/openwrt/index.js';
import { device, expectAccounted, parseText } from './openwrt-helpers.js';

/** Input nobody should write: the parser must not throw, and must finish quickly. */
function timed(text: string): { ms: number; result: ReturnType<typeof parseText> } {
  const start = performance.now();
  const result = parseText(text);
  detectOpenwrt({ path: 'firewall', text });
  return { ms: performance.now() - start, result };
}

function junk(n: number): string {
  let out = '';
  let seed = 11;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += String.fromCharCode(seed % 256);
  }
  return out;
}

describe('openwrt: hostile input', () => {
  const cases: { name: string; text: string; lines: number }[] = [
    { name: 'binary junk', text: junk(200_000), lines: -1 },
    { name: 'a 1 MB option value', text: `config zone\n\toption name '${'w'.repeat(1_000_000)}'\n`, lines: 2 },
    { name: '1 MB of quotes', text: `config rule\n\toption src ${"'".repeat(1_000_000)}\n`, lines: 2 },
    { name: '1 MB of double quotes and backslashes', text: `config rule\n\toption src "${'\\"'.repeat(500_000)}\n`, lines: 2 },
    { name: 'a 1 MB port list', text: `config zone\n\toption name wan\nconfig rule\n\toption src wan\n\toption dest_port '${'22 '.repeat(300_000)}'\n\toption target ACCEPT\n`, lines: 6 },
    { name: '1 MB of spaces after config', text: `config ${' '.repeat(1_000_000)}zone\n`, lines: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { ms, result } = timed(c.text);
      expect(ms).toBeLessThan(5000);
      expectAccounted(result, c.lines < 0 ? result.lines.total : c.lines);
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.devices).toHaveLength(1);
    });
  }

  it('10 000 redirects', () => {
    const sections = ['config zone', '\toption name wan', '\toption masq 1', 'config zone', '\toption name lan'];
    for (let i = 0; i < 10_000; i++) {
      sections.push('config redirect', '\toption src wan', `\toption src_dport ${1024 + i}`, '\toption dest lan', `\toption dest_ip 192.168.${(i >> 8) & 255}.${i & 255}`);
    }
    const { ms, result } = timed(`${sections.join('\n')}\n`);
    expect(ms).toBeLessThan(10_000);
    expect(device(result).forwards).toHaveLength(10_000);
    expect(result.lines.reported).toBe(0);
  });
});
