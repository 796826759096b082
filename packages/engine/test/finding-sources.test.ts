// A finding lists the sources that reach what it is about as CIDR blocks. Everyone but the networks
// of a long blocklist is tens of thousands of blocks: a finding lists the first MAX_FINDING_SOURCES
// of them and says how many there are (`fromBlocks`), while the exposure keeps the whole set.
import { describe, expect, it } from 'vitest';
import { AddressSet, addresses } from '@portcullis/model';
import { iptablesSave } from '@portcullis/parser-netfilter';
import { DeviceAnalysis, MAX_FINDING_SOURCES, activateRules, evaluateRules, loadBuiltinRules, type Exposure, type Finding } from '@portcullis/engine';

/** `count` scattered /24 networks: a blocklist. */
function blocklist(count: number): string[] {
  const nets: string[] = [];
  for (let i = 0; i < count; i++) nets.push(`${20 + (i % 180)}.${(i * 37) % 256}.${(i * 11) % 256}.0/24`);
  return nets;
}

/** `more`: exposures to add to the device's own before the rules run. */
function findings(text: string, more: (own: Exposure[]) => Exposure[] = () => []): Finding[] {
  const device = iptablesSave.parse({ path: 'rules.v4', text }).devices[0]!;
  const analysis = new DeviceAnalysis(device);
  const rules = activateRules(loadBuiltinRules().map((rule) => ({ rule, source: 'builtin' })), {}, 'portcullis.yaml', []);
  const exposures = analysis.exposures();
  return evaluateRules(rules, { devices: [device], analyses: [analysis], exposures: [...exposures, ...more(exposures)], services: [], hosts: new Map(), observed: { observations: [], scans: [] }, trusted: AddressSet.empty() });
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

  it('of two findings at one place that merge are the first blocks of both sets together, and their number', () => {
    // Two paths to one rule (two decisions at one line), each from everyone but its own blocklist:
    // the merged finding is about everyone but the networks both lists hold, more blocks than it lists.
    const nets = blocklist(500);
    const first = nets.slice(0, 400);
    const second = nets.slice(100);
    const list = findings(chain([], first, ['-A INPUT -p udp -m udp --dport 50000 -j ACCEPT']), (own) => {
      const e = own.find((x) => x.protocol === 'udp')!;
      const from = AddressSet.all('ipv4').subtract(addresses(...second));
      return [{ ...e, anchor: `${e.anchor}|another path`, from, anywhere: false, box: { ...e.box, sources: from.intervals } }];
    });
    const udp = list.filter((f) => f.ruleId === 'no-ephemeral-port-listener');
    expect(udp).toHaveLength(1);
    const both = AddressSet.all('ipv4').subtract(addresses(...first.filter((n) => second.includes(n))));
    const blocks = both.toCidrs();
    expect(blocks.length).toBeGreaterThan(MAX_FINDING_SOURCES);
    // Each path alone is cut short too, so the union comes from the sets kept aside, not from the lists.
    expect(AddressSet.all('ipv4').subtract(addresses(...second)).cidrCount()).toBeGreaterThan(MAX_FINDING_SOURCES);
    expect(udp[0]!.exposure!.from).toEqual(blocks.slice(0, MAX_FINDING_SOURCES));
    expect(udp[0]!.exposure!.fromBlocks).toBe(blocks.length);
  });
});
