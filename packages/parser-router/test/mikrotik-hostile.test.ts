import { describe, expect, it } from 'vitest';
import { detectMikrotik } from '../src/mikrotik/index.js';
import { device, expectAccounted, parseText } from './mikrotik-helpers.js';

/** Input nobody should write: the parser must not throw, and must finish quickly. */
function timed(text: string): { ms: number; result: ReturnType<typeof parseText> } {
  const start = performance.now();
  const result = parseText(text);
  detectMikrotik({ path: 'router.rsc', text });
  return { ms: performance.now() - start, result };
}

function junk(n: number): string {
  let out = '';
  let seed = 5;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += String.fromCharCode(seed % 256);
  }
  return out;
}

describe('mikrotik: hostile input', () => {
  const cases: { name: string; text: string; lines: number }[] = [
    { name: 'binary junk', text: junk(200_000), lines: -1 },
    { name: 'a 1 MB comment value', text: `/ip firewall filter\nadd chain=input comment="${'x'.repeat(1_000_000)}"\n`, lines: 2 },
    { name: '1 MB of quotes', text: `/ip firewall filter\nadd chain=input comment=${'"'.repeat(1_000_000)}\n`, lines: 2 },
    { name: '1 MB of brackets', text: `/ip firewall filter\nset ${'['.repeat(1_000_000)}\n`, lines: 2 },
    { name: '1 MB of backslashes', text: `/ip firewall filter\nadd chain=input comment="${'\\'.repeat(1_000_000)}"\n`, lines: 2 },
    { name: '100 000 continuation lines', text: `/ip firewall filter\nadd chain=input \\\n${'    protocol=tcp \\\n'.repeat(100_000)}    action=drop\n`, lines: 100_003 },
    { name: 'a 1 MB port list', text: `/ip firewall filter\nadd chain=input protocol=tcp dst-port=${'22,'.repeat(300_000)}23\n`, lines: 2 },
    { name: '1 MB of slashes', text: `${'/'.repeat(1_000_000)}\n`, lines: 1 },
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

  it('5 000 dst-nat rules and a `connection-nat-state=dstnat` accept over them', () => {
    const lines = ['/ip firewall nat'];
    for (let i = 0; i < 5_000; i++) lines.push(`add action=dst-nat chain=dstnat dst-port=${10_000 + i} in-interface=ether1 protocol=tcp to-addresses=10.0.${(i >> 8) & 255}.${i & 255}`);
    lines.push('/ip firewall filter', 'add action=accept chain=forward connection-nat-state=dstnat', 'add action=drop chain=forward in-interface=ether1');
    const { ms, result } = timed(`${lines.join('\n')}\n`);
    expect(ms).toBeLessThan(10_000);
    expect(device(result).forwards).toHaveLength(5_000);
    expect(result.lines.reported).toBe(0);
  });
});
