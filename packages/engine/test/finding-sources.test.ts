// A finding lists the sources that reach what it is about as CIDR blocks. Everyone but the networks
// of a long blocklist is tens of thousands of blocks: a finding lists the first MAX_FINDING_SOURCES
// of them and says how many there are (`fromBlocks`), while the exposure keeps the whole set.
import { describe, expect, it } from 'vitest';
import { AddressSet, addresses } from '@portcullis/model';
import { iptablesSave } from '@portcullis/parser-netfilter';
import { DeviceAnalysis, MAX_FINDING_SOURCES, activateRules, evaluateRules, loadBuiltinRules, type Finding } from '@portcullis/engine';

/** `count` scattered /24 networks: a blocklist. */
function blocklist(count: number): string[] {
  const nets: string[] = [];
  for (let i = 0; i < count; i++) nets.push(`${20 + (i % 180)}.${(i * 37) % 256}.${(i * 11) % 256}.0/24`);
  return nets;
}

function findings(text: string): Finding[] {
  const device = iptablesSave.parse({ path: 'rules.v4', text }).devices[0]!;
  const analysis = new DeviceAnalysis(device);
  const rules = activateRules(loadBuiltinRules().map((rule) => ({ rule, source: 'builtin' })), {}, 'portcullis.yaml', []);
  return evaluateRules(rules, { devices: [device], analyses: [analysis], exposures: analysis.exposures(), services: [], hosts: new Map(), observed: { observations: [], scans: [] }, trusted: AddressSet.empty() });
}

const chain = (before: string[], nets: string[], after: string[]): string =>
  ['*filter', ':INPUT DROP [0:0]', ...before, ...nets.map((n) => `-A INPUT -s ${n} -j DROP`), ...after, 'COMMIT', ''].join('\n');

describe('the sources a finding lists', () => {
  it('are the first blocks and their number when everyone but a long blocklist reaches a port', () => {
    const nets = blocklist(400);
    const list = findings(chain(['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'], nets, ['-A INPUT -p udp -m udp --dport 50000 -j ACCEPT']));
    const udp = list.find((f) => f.exposure?.protocol === 'udp')!;
    const all = AddressSet.all('ipv4').subtract(addresses(...nets)).toCidrs();
    expect(all.length).toBeGreaterThan(MAX_FINDING_SOURCES);
    expect(udp.exposure!.from).toEqual(all.slice(0, MAX_FINDING_SOURCES));
    expect(udp.exposure!.fromBlocks).toBe(all.length);
    expect(udp.message).toContain(`(${all.length} blocks)`);
    // SSH comes before the blocklist: open to everyone, one block, listed whole and without a count.
    const ssh = list.find((f) => f.exposure?.ports === '22')!;
    expect(ssh.exposure).toEqual({ target: 'rules', protocol: 'tcp', ports: '22', from: ['0.0.0.0/0'] });
    expect(Object.keys(ssh.exposure!)).not.toContain('fromBlocks');
  });

  it('are all listed up to the limit, and cut short past it', () => {
    // The longest blocklist whose complement still fits the limit, and one network more.
    const blocks = (count: number): number => AddressSet.all('ipv4').subtract(addresses(...blocklist(count))).cidrCount();
    let fits = 1;
    while (blocks(fits + 1) <= MAX_FINDING_SOURCES) fits++;
    const udp = (count: number): Finding => findings(chain([], blocklist(count), ['-A INPUT -p udp -m udp --dport 50000 -j ACCEPT'])).find((f) => f.exposure?.protocol === 'udp')!;
    const whole = udp(fits);
    expect(whole.exposure!.from).toHaveLength(blocks(fits));
    expect(whole.exposure!.fromBlocks).toBeUndefined();
    const cut = udp(fits + 1);
    expect(cut.exposure!.from).toHaveLength(MAX_FINDING_SOURCES);
    expect(cut.exposure!.fromBlocks).toBe(blocks(fits + 1));
  });
});
