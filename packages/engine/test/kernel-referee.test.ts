import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIf } from '../../../test-support/conditions.js';
import { AddressSet, addresses } from '@portcullis/model';
import { DeviceAnalysis, scan } from '@portcullis/engine';

/**
 * The kernel as the referee of the analysis. Two network namespaces joined by a veth pair: an
 * "internet" client (203.0.113.1) and a server (203.0.113.2) with listeners on every tested port.
 * For each generated ruleset, the server loads it with iptables-restore, the client scans it with
 * nmap, and the ports nmap finds open must be exactly the ports Portcullis computes as reachable
 * from the client's address on the server's interface, and feeding nmap's report back to Portcullis
 * reports no drift. Traffic never leaves the namespaces.
 * Needs root, iproute2, iptables and nmap (CI installs them); elsewhere the suite says it is skipped.
 */

const CLIENT = '203.0.113.1';
const SERVER = '203.0.113.2';
const IFACE = 'pcref-s';
const PORTS = [21, 22, 23, 25, 80, 110, 143, 443, 445, 993, 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 27017];
const RULESETS = 40;
const suffix = String(process.pid % 100000);
const ns = { client: `pcref-c${suffix}`, server: `pcref-s${suffix}` };

const run = (cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};

function toolsAvailable(): boolean {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return false;
  return ['ip', 'iptables-restore', 'nmap'].every((t) => run('sh', ['-c', `command -v ${t}`]).status === 0);
}
const available = toolsAvailable();
if (!available && process.env['CI']) throw new Error('CI must run the kernel referee: run as root with iproute2, iptables and nmap installed');

/** A small deterministic generator (mulberry32), so a failing ruleset can be regenerated from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random INPUT ruleset over the tested ports: orderings, chains, policies, multiport, negation. */
function generate(seed: number): string {
  const r = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const port = (): number => pick(PORTS);
  const source = (): string =>
    pick(['', '', `-s ${CLIENT}/32 `, '-s 203.0.113.0/24 ', '-s 198.51.100.0/24 ', `! -s ${CLIENT}/32 `, '! -s 10.0.0.0/8 ', '-s 203.0.113.0/30 ']);
  const iface = (): string => pick(['', '', '', `-i ${IFACE} `, '-i pcref+ ', '-i eth9 ', '! -i lo ', `! -i ${IFACE} `]);
  const dest = (): string => pick(['', '', '', `-d ${SERVER}/32 `, '-d 192.0.2.1/32 ', `! -d ${SERVER}/32 `]);
  const match = (): string => {
    const kind = r();
    if (kind < 0.45) return `-p tcp -m tcp --dport ${port()} `;
    if (kind < 0.6) {
      const a = port();
      const b = port();
      return `-p tcp -m tcp --dport ${Math.min(a, b)}:${Math.max(a, b)} `;
    }
    if (kind < 0.75) return `-p tcp -m multiport --dports ${[port(), port(), port()].join(',')} `;
    if (kind < 0.85) return `-p tcp -m tcp ! --dport ${port()} `;
    if (kind < 0.92) return '-p tcp ';
    return '';
  };
  const verdict = (): string => pick(['ACCEPT', 'ACCEPT', 'DROP', 'DROP', 'REJECT --reject-with tcp-reset', 'RETURN']);
  const policy = pick(['DROP', 'DROP', 'ACCEPT']);
  const lines = ['*filter', `:INPUT ${policy} [0:0]`, ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':svc - [0:0]', ':more - [0:0]'];
  const rules = (chain: string, n: number, canJump: boolean): void => {
    for (let i = 0; i < n; i++) {
      let target = verdict();
      if (target === 'RETURN' && chain === 'INPUT') target = 'DROP';
      if (canJump && r() < 0.2) target = pick(['svc', 'more']);
      const m = match();
      // The kernel accepts a TCP reset only for rules that match TCP.
      if (target.includes('tcp-reset') && !m.startsWith('-p tcp')) target = 'REJECT';
      lines.push(`-A ${chain} ${source()}${dest()}${iface()}${m}-j ${target}`.replace(/ {2,}/g, ' '));
    }
  };
  if (r() < 0.5) lines.push('-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  if (r() < 0.5) lines.push('-A INPUT -i lo -j ACCEPT');
  rules('INPUT', 3 + Math.floor(r() * 6), true);
  rules('svc', 2 + Math.floor(r() * 4), false);
  rules('more', 1 + Math.floor(r() * 3), false);
  if (r() < 0.3) lines.push(`-A svc -p tcp -m tcp --dport ${port()} -g more`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Ports Portcullis says the client reaches on the server's interface. */
function predicted(dump: string, dir: string): number[] {
  const file = join(dir, 'server.iptables-save');
  writeFileSync(file, dump);
  const result = scan({ paths: [file], cwd: dir, config: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const device = result.devices[0]!;
  const analysis = new DeviceAnalysis(device);
  const client = addresses(CLIENT);
  const server = addresses(SERVER);
  const iface = analysis.atoms.match({ names: [IFACE], negated: false });
  const open = new Set<number>();
  for (const e of analysis.exposures()) {
    if (e.protocol !== 'tcp' && e.protocol !== 'any') continue;
    if (!AddressSet.fromIntervals(e.box.sources).covers(client)) continue;
    if (!AddressSet.fromIntervals(e.box.destinations).covers(server)) continue;
    if (!e.box.inInterfaces.covers(iface)) continue;
    for (const p of PORTS) if (e.box.ports.has(p)) open.add(p);
  }
  return [...open].sort((a, b) => a - b);
}

/** Ports nmap finds open from the client, read from its XML report (returned too). */
function observed(dump: string): { open: number[]; xml: string } {
  const restore = run('ip', ['netns', 'exec', ns.server, 'iptables-restore'], dump);
  expect(restore.stderr, dump).toBe('');
  const scanRun = run('ip', [
    'netns', 'exec', ns.client,
    'nmap', '-n', '-Pn', '-sT', '-S', CLIENT, '-e', 'pcref-c', '--max-retries', '0', '--host-timeout', '20s', '--initial-rtt-timeout', '50ms', '--max-rtt-timeout', '200ms',
    '-p', PORTS.join(','), '-oX', '-', SERVER,
  ]);
  expect(scanRun.status).toBe(0);
  const open: number[] = [];
  for (const m of scanRun.stdout.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="([a-z|]+)"/g)) {
    if (m[2] === 'open') open.push(Number(m[1]));
  }
  return { open: open.sort((a, b) => a - b), xml: scanRun.stdout };
}

/** The drift findings Portcullis reports when the scan is scanned with the configuration. */
function drift(dump: string, xml: string, dir: string): string[] {
  // A device named after its address is tied to scans of that address.
  writeFileSync(join(dir, `${SERVER}.iptables-save`), dump);
  writeFileSync(join(dir, 'scan.xml'), xml);
  const result = scan({ paths: [`${SERVER}.iptables-save`, 'scan.xml'], cwd: dir, config: false });
  expect(result.observed.observations.length).toBe(PORTS.length);
  return result.findings.filter((f) => f.ruleId === 'exposure-drift').map((f) => f.message);
}

describeIf(available, 'needs root, unshare, ip (iproute2), iptables and nmap')('the kernel referees the analysis (iptables-restore + nmap in network namespaces)', () => {
  let listeners: ChildProcess | undefined;
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-referee-'));
    const sh = (cmd: string): void => {
      const r = run('sh', ['-c', cmd]);
      if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
    };
    sh(`ip netns add ${ns.client} && ip netns add ${ns.server}`);
    sh(`ip link add pcref-c type veth peer name ${IFACE} && ip link set pcref-c netns ${ns.client} && ip link set ${IFACE} netns ${ns.server}`);
    sh(`ip -n ${ns.client} addr add ${CLIENT}/24 dev pcref-c && ip -n ${ns.client} link set pcref-c up && ip -n ${ns.client} link set lo up`);
    sh(`ip -n ${ns.server} addr add ${SERVER}/24 dev ${IFACE} && ip -n ${ns.server} link set ${IFACE} up && ip -n ${ns.server} link set lo up`);
    // Listeners on every tested port, for the life of the suite at most.
    const script = `const net=require('net');for(const p of ${JSON.stringify(PORTS)})net.createServer(s=>s.destroy()).listen(p,'0.0.0.0');setTimeout(()=>process.exit(0),600000);process.stdout.write('ready\\n');`;
    listeners = spawn('ip', ['netns', 'exec', ns.server, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      listeners!.stdout!.once('data', () => resolve());
      listeners!.once('exit', (code) => reject(new Error(`listeners exited with ${code}`)));
    });
  });

  afterAll(() => {
    listeners?.kill('SIGKILL');
    run('ip', ['netns', 'del', ns.client]);
    run('ip', ['netns', 'del', ns.server]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`agrees with nmap on ${RULESETS} generated rulesets`, () => {
    const disagreements: string[] = [];
    let opened = 0;
    for (let seed = 1; seed <= RULESETS; seed++) {
      const dump = generate(seed);
      const { open: want, xml } = observed(dump);
      const got = predicted(dump, dir);
      opened += want.length;
      if (want.join(',') !== got.join(',')) disagreements.push(`seed ${seed}: nmap open [${want.join(',')}], Portcullis [${got.join(',')}]\n${dump}`);
      // The same nmap report fed back to Portcullis shows no drift.
      for (const d of drift(dump, xml, dir)) disagreements.push(`seed ${seed}: ${d}\n${dump}`);
    }
    expect(disagreements).toEqual([]);
    // The generator must produce both open and closed ports for the comparison to mean something.
    expect(opened).toBeGreaterThan(RULESETS);
    expect(opened).toBeLessThan(RULESETS * PORTS.length);
  }, 300_000);
});
