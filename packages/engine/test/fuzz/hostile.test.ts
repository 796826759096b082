// Hostile inputs: each runs in a process of its own against the BUILT packages (`pnpm build` first,
// as `pnpm test` does), which measures its time and its peak memory (max RSS, the whole process);
// the bounds are in the test names. Each must end in a clear diagnostic or error: never a crash, a
// hang, or memory without bound. Large inputs are made here, in a temp dir, never committed.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '@portcullis/engine';
import { formats } from './campaign.js';
import { seedFilesFor } from './corpus.js';
import { SPECIAL_CHARS } from './mutate.js';

const child = fileURLToPath(new URL('./hostile-child.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'portcullis-hostile-'));
/** What each case measured; written to PORTCULLIS_HOSTILE_REPORT when set (for docs/robustness.md). */
const measured: { test: string; ms: number; peakMB: number }[] = [];
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  const out = process.env['PORTCULLIS_HOSTILE_REPORT'];
  if (out) writeFileSync(out, `${JSON.stringify(measured, null, 2)}\n`);
});

interface ChildDiagnostic {
  file: string;
  line?: number;
  code: string;
  severity: string;
  message: string;
}
interface ChildResult {
  ms: number;
  peakMB: number;
  baselineMB: number;
  error?: string;
  diagnostics: ChildDiagnostic[];
  diagnosticCount: number;
  texts: string;
  polluted: boolean;
  devices: number;
  rules: number;
}

/** Writes files under a fresh folder of the temp dir; returns the folder. */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Scans in a child process; a child that does not finish in `killMs` fails the test. */
function isolated(job: Record<string, unknown>, killMs = 120_000): ChildResult {
  const r = spawnSync(process.execPath, [child, JSON.stringify({ mode: 'scan', ...job })], { encoding: 'utf8', timeout: killMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as ChildResult;
  measured.push({ test: `${expect.getState().currentTestName ?? ''}${typeof job['as'] === 'string' ? ` [${job['as']}]` : ''}`, ms: out.ms, peakMB: out.peakMB });
  expect(out.error, out.error).toBeUndefined();
  expect(out.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
  return out;
}

const codes = (r: ChildResult): string[] => [...new Set(r.diagnostics.map((d) => d.code))].sort();

const IPTABLES = '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n';

function laughs(levels = 10): string {
  const out = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < levels; i++) out.push(`a${i}: &a${i} [${Array<string>(10).fill(`*a${i - 1}`).join(', ')}]`);
  return out.join('\n');
}

describe('YAML alias bombs (billion laughs: 10 levels of 10 aliases)', () => {
  it('a CloudFormation template: parse-error, under 10 s and 400 MB (it ran out of memory before)', () => {
    const bomb = laughs().replace(/\n/g, '\n  ');
    const dir = folder('laughs-cfn', {
      'template.yaml': `AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  ${bomb}\nResources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n      SecurityGroupIngress: *a9\n`,
    });
    const r = isolated({ paths: ['.'], cwd: dir });
    expect(r.diagnostics.map((d) => [d.line, d.code, d.message])).toEqual([[1, 'parse-error', expect.stringMatching(/alias bomb/)]]);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.peakMB).toBeLessThan(400);
  });

  for (const [which, option] of [['config', 'config'], ['inventory', 'inventory']] as const) {
    it(`the ${which} file: a diagnostic, under 10 s and 400 MB`, () => {
      const dir = folder(`laughs-${which}`, { 'x.iptables-save': IPTABLES, 'bomb.yaml': `${laughs()}\nrules: *a9\nservices: *a9\nhosts: *a9\n` });
      const r = isolated({ paths: ['x.iptables-save'], cwd: dir, [option]: 'bomb.yaml' });
      expect(codes(r)).toContain(which === 'config' ? 'invalid-config' : 'invalid-inventory');
      expect(r.ms).toBeLessThan(10_000);
      expect(r.peakMB).toBeLessThan(400);
    });
  }
});

describe('100,000-deep nesting', () => {
  const D = 100_000;
  const deep = `${'['.repeat(D)}${']'.repeat(D)}`;
  const cases: [string, string, string][] = [
    ['nftables-json', 'x.nft.json', `{"nftables": ${deep}}`],
    ['terraform-plan', 'plan.json', `{"format_version": "1.2", "planned_values": ${deep}}`],
    ['aws-cli', 'sg.json', `{"SecurityGroups": ${deep}}`],
    ['azure-cli', 'nsg.json', deep],
    ['gcloud', 'fw.json', deep],
    ['arm-template', 'azuredeploy.json', `{"$schema": "deploymentTemplate.json#", "resources": ${deep}}`],
    ['cloudformation', 'template.json', `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": ${'{"a":'.repeat(D)}1${'}'.repeat(D)}}`],
    ['cloudformation', 'template.yaml', `AWSTemplateFormatVersion: "2010-09-09"\nResources: ${deep}\n`],
    ['cloudformation', 'block.yaml', `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  X: ${'- '.repeat(D)}x\n`],
    ['terraform', 'main.tf', `resource "aws_security_group" "a" {\n  x = ${deep}\n}\n`],
    ['terraform', 'blocks.tf', `resource "aws_security_group" "a" {\n${'b {\n'.repeat(D)}${'}\n'.repeat(D)}}\n`],
    ['junos', 'deep.conf', `system {\n${'a {\n'.repeat(D)}${'}\n'.repeat(D)}}\n`],
    ['nftables', 'deep.nft', `table inet f {\n${'chain c {\n'.repeat(D)}${'}\n'.repeat(D)}}\n`],
    ['pfsense', 'config.xml', `<?xml version="1.0"?>\n<pfsense><version>21.7</version>${'<a>'.repeat(D)}${'</a>'.repeat(D)}</pfsense>\n`],
    ['nmap-xml', 'scan.xml', `<?xml version="1.0"?>\n<nmaprun scanner="nmap">${'<a>'.repeat(D)}${'</a>'.repeat(D)}</nmaprun>\n`],
  ];
  for (const [format, name, text] of cases) {
    it(`${format} (${name}): a diagnostic or the document read, under 15 s and 700 MB`, () => {
      const dir = folder(`deep-${format}-${name}`, { [name]: text });
      const r = isolated({ paths: [name], cwd: dir, as: format });
      // nmap's reader skips elements that are not nmap's: the deep <a> is read and left out, no diagnostic.
      if (format !== 'nmap-xml') expect(r.diagnosticCount, format).toBeGreaterThan(0);
      expect(r.ms).toBeLessThan(15_000);
      expect(r.peakMB).toBeLessThan(700);
    });
  }

  for (const which of ['config', 'inventory'] as const) {
    it(`the ${which} file nested 100,000 deep: a diagnostic, under 10 s and 400 MB`, () => {
      const dir = folder(`deep-${which}`, { 'x.iptables-save': IPTABLES, 'deep.yaml': which === 'config' ? `rules: ${deep}\n` : `services:\n  - ${'- '.repeat(D)}x\n` });
      const r = isolated({ paths: ['x.iptables-save'], cwd: dir, [which]: 'deep.yaml' });
      expect(r.diagnostics.some((d) => d.code === `invalid-${which}` && /nested too deep/.test(d.message))).toBe(true);
      expect(r.ms).toBeLessThan(10_000);
      expect(r.peakMB).toBeLessThan(400);
    });
  }
});

describe('size', () => {
  it('a 200 MB file: file-too-large (the limit is 32 MiB), without reading it: under 10 s and 300 MB', () => {
    const dir = folder('big', {});
    const fd = openSync(join(dir, 'big.iptables-save'), 'w');
    const chunk = Buffer.from(`*filter\n${'-A INPUT -s 192.0.2.1 -p tcp -m tcp --dport 22 -j ACCEPT\n'.repeat(18_000)}COMMIT\n`);
    for (let written = 0; written < 200 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
    const r = isolated({ paths: ['.'], cwd: dir });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.peakMB).toBeLessThan(300);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 100 MB describe-security-groups file (CLI JSON may be up to 256 MiB): read, one group, under 30 s and 1 GB', () => {
    const dir = folder('big-json', {});
    const fd = openSync(join(dir, 'sgs.json'), 'w');
    writeSync(fd, '{\n    "SecurityGroups": [\n        {\n            "GroupId": "sg-0123456789abcdef0",\n            "IpPermissions": [\n                {\n                    "IpProtocol": "tcp",\n                    "FromPort": 22,\n                    "ToPort": 22,\n                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]\n                }\n            ],\n            "Tags": [\n');
    const tag = (i: number): string => `                {\n                    "Key": "owner-${i}",\n                    "Value": "team-${i % 97}"\n                },\n`;
    const chunk = Buffer.from(Array.from({ length: 1000 }, (_, i) => tag(i)).join(''));
    for (let written = 0; written < 100 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
    writeSync(fd, '                {"Key": "last", "Value": "x"}\n            ]\n        }\n    ]\n}\n');
    closeSync(fd);
    const r = isolated({ paths: ['.'], cwd: dir });
    expect(codes(r)).not.toContain('file-too-large');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.devices).toBe(1);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.peakMB).toBeLessThan(1024);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 40 MB describe-security-groups file that is not strict JSON (a comment): parse-error at its line, under 10 s and 600 MB', () => {
    const group = (i: number): string => `        {\n            "GroupId": "sg-${String(i).padStart(17, '0')}",\n            "IpPermissions": []\n        },\n`;
    const groups = Array.from({ length: 1000 }, (_, i) => group(i)).join('');
    const body = groups.repeat(Math.ceil((40 * 1024 * 1024) / groups.length));
    const dir = folder('big-jsonc', { 'sgs.json': `{\n    "SecurityGroups": [\n        // exported by hand\n${body}        {"GroupId": "sg-last", "IpPermissions": []}\n    ]\n}\n` });
    const r = isolated({ paths: ['.'], cwd: dir });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.line])).toEqual([['parse-error', 3]]);
    expect(errors[0]!.message).toMatch(/strict JSON/);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.peakMB).toBeLessThan(600);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 10 MB single line, given to every parser: a diagnostic each, under 45 s and 1 GB each', () => {
    const line = '-A INPUT -s 10.0.0.1 -p tcp --dport 22 -j ACCEPT '.repeat(220_000).slice(0, 10 * 1024 * 1024);
    const dir = folder('long-line', { 'line.txt': `${line}\n` });
    const slow: string[] = [];
    for (const format of formats()) {
      const r = isolated({ paths: ['line.txt'], cwd: dir, as: format });
      if (format !== 'cloudformation') expect(r.diagnosticCount, format).toBeGreaterThan(0);
      if (r.ms > 45_000 || r.peakMB > 1024) slow.push(`${format}: ${r.ms} ms, ${r.peakMB} MB`);
    }
    expect(slow).toEqual([]);
  }, 600_000);
});

describe('content that is not what its name says', () => {
  it('binary files named .tf, .json, .xml, .iptables-save, .nft, .cfg, .rsc: skipped in a folder, a warning when named, under 10 s', () => {
    const names = ['main.tf', 'sg.json', 'config.xml', 'scan.xml', 'host.iptables-save', 'r.nft', 'edge.cfg', 'export.rsc', 'srx.conf'];
    let seed = 7;
    const random = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) & 255));
    const files = Object.fromEntries(names.map((n) => [n, Buffer.concat([random(5000), Buffer.from([0]), random(5000)])]));
    const dir = folder('binary', files);
    const inFolder = isolated({ paths: ['.'], cwd: dir });
    expect(inFolder.diagnostics).toEqual([]);
    const named = isolated({ paths: names, cwd: dir });
    expect(named.diagnostics.map((d) => [d.file, d.code, /binary content/.test(d.message)])).toEqual(names.sort().map((n) => [n, 'unknown-format', true]));
    expect(inFolder.ms + named.ms).toBeLessThan(10_000);
    // Forced through each parser with --as: read as text, reported, never a crash.
    for (const format of formats()) {
      const forced = isolated({ paths: ['main.tf'], cwd: dir, as: format });
      expect(forced.diagnosticCount, format).toBeGreaterThan(0);
    }
  }, 300_000);

  it('invalid UTF-8: read with U+FFFD, an invalid-utf8 warning on the line, the line itself reported', () => {
    const bytes = Buffer.concat([Buffer.from('*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' -j ACCEPT\nCOMMIT\n')]);
    const dir = folder('utf8', { 'bad.iptables-save': bytes });
    const r = isolated({ paths: ['.'], cwd: dir });
    expect(r.diagnostics.filter((d) => d.line === 3).map((d) => d.code).sort()).toEqual(['invalid-utf8', 'invalid-value']);
  });
});

describe('prototype pollution and tags', () => {
  const proto = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}';
  const files: Record<string, string> = {
    'sg.json': `{"SecurityGroups": [${proto}, "GroupId": "sg-1", "IpPermissions": [${proto}}]}]}`,
    'template.json': `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"__proto__": {"Type": "AWS::EC2::SecurityGroup", "Properties": ${proto}}}, "SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": ${proto}, "SecurityGroupIngress": [${proto}}]}}}}`,
    'template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  __proto__:\n    polluted: yes\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      constructor:\n        prototype:\n          polluted: yes\n      __proto__:\n        polluted: yes\n',
    'azuredeploy.json': `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [${proto}, "type": "Microsoft.Network/networkSecurityGroups", "name": "n", "properties": ${proto}}}]}`,
    'plan.json': `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [${proto}}]}}, ${proto.slice(1)}`,
    'x.nft.json': `{"nftables": [{"table": ${proto}, "family": "inet", "name": "__proto__"}}]}`,
    'portcullis.yaml': '__proto__:\n  polluted: yes\nrules:\n  __proto__:\n    polluted: yes\n',
    'services.yaml': '__proto__:\n  polluted: yes\nservices:\n  - name: a\n    host: h\n    port: 22\n    __proto__:\n      polluted: yes\nhosts:\n  - name: __proto__\n    addresses: [10.0.0.1]\n',
  };

  it('__proto__ and constructor keys in JSON and YAML pollute nothing (this process and a child)', () => {
    const dir = folder('proto', files);
    const inputs = Object.keys(files).filter((f) => !f.endsWith('.yaml') || f === 'template.yaml');
    scan({ paths: inputs, cwd: dir, config: 'portcullis.yaml', inventory: 'services.yaml', now: new Date('2026-01-01T00:00:00Z') });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    const r = isolated({ paths: inputs, cwd: dir, config: 'portcullis.yaml', inventory: 'services.yaml' });
    expect(r.polluted).toBe(false);
  });

  it('!!js/function and other unknown tags are rejected with a diagnostic, and run nothing', () => {
    const fn = '!!js/function "function () { globalThis.pwned = true; return 1 }"';
    const dir = folder('tags', {
      'template.yaml': `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ${fn}\n`,
      'portcullis.yaml': `rules: ${fn}\n`,
      'services.yaml': `services: !!js/undefined ''\n`,
      'x.iptables-save': IPTABLES,
    });
    const cfn = isolated({ paths: ['template.yaml'], cwd: dir, as: 'cloudformation' });
    expect(cfn.diagnostics.some((d) => d.code === 'parse-error' && /unknown tag/.test(d.message))).toBe(true);
    const cfg = isolated({ paths: ['x.iptables-save'], cwd: dir, config: 'portcullis.yaml', inventory: 'services.yaml' });
    expect(cfg.diagnostics.filter((d) => /unknown tag/.test(d.message)).map((d) => d.code).sort()).toEqual(['invalid-config', 'invalid-inventory']);
    expect((globalThis as Record<string, unknown>)['pwned']).toBeUndefined();
  });
});

describe('ReDoS-shaped lines: runs of what the readers\' patterns look at', () => {
  for (const format of formats()) {
    it(`${format}: 40 runs of 100,000 characters, each inside the head of a real file, each parse under 3 s`, async () => {
      const { parserFor } = await import('@portcullis/engine');
      const parser = parserFor(format)!;
      const seed = seedFilesFor(format)[0]!;
      const head = `${seed.text.split('\n').slice(0, 15).join('\n')}\n`;
      const slow: string[] = [];
      for (const pattern of [...SPECIAL_CHARS, 'a ', '0.', '0,', '0-', '" ', '\\"', '<a>', '&a;', '${', 'x=']) {
        const text = `${head}${pattern.repeat(Math.ceil(100_000 / pattern.length)).slice(0, 100_000)}x\n${head}`;
        const start = performance.now();
        parser.parse({ path: seed.name.slice(seed.name.lastIndexOf('/') + 1), text });
        const ms = performance.now() - start;
        if (ms > 3_000) slow.push(`${JSON.stringify(pattern)}: ${Math.round(ms)} ms`);
      }
      expect(slow).toEqual([]);
    });
  }
});

describe('the file system', () => {
  it('symlink loops, dangling links, a FIFO, a link to /dev/zero and a chmod 000 file: the scan ends, under 10 s', () => {
    const dir = folder('fs', { 'a/host.iptables-save': IPTABLES, 'secret.iptables-save': IPTABLES });
    symlinkSync('..', join(dir, 'a/loop'));
    symlinkSync(dir, join(dir, 'a/root'));
    symlinkSync('self.iptables-save', join(dir, 'self.iptables-save'));
    symlinkSync('missing.iptables-save', join(dir, 'dangling.iptables-save'));
    symlinkSync('/dev/zero', join(dir, 'zero.iptables-save'));
    spawnSync('mkfifo', [join(dir, 'pipe.iptables-save')]);
    chmodSync(join(dir, 'secret.iptables-save'), 0o000);
    const r = isolated({ paths: ['.'], cwd: dir }, 30_000);
    expect(r.ms).toBeLessThan(10_000);
    // Each real file once; the self-link and the dangling link are reported, the loops not followed.
    const unreadable = r.diagnostics.filter((d) => d.code === 'unreadable-path').map((d) => d.file).sort();
    expect(unreadable).toEqual(['dangling.iptables-save', 'self.iptables-save']);
    // As root a chmod 000 file is still readable (it is scanned); as anyone else it is reported.
    const root = process.getuid?.() === 0;
    const secret = r.diagnostics.filter((d) => d.file === 'secret.iptables-save' && d.code === 'internal-error');
    expect(secret.length).toBe(0);
    expect(r.devices).toBe(root ? 2 : 1);
  });
});

describe('XML entities', () => {
  const laughsDtd = `<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n')}\n]>\n`;
  const xxe = '<!DOCTYPE x [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n';
  const nmap = (dtd: string, ent: string): string =>
    `<?xml version="1.0"?>\n${dtd}<nmaprun scanner="nmap" args="${ent}"><host><address addr="10.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="22"><state state="open"/><service name="${ent}" product="${ent}"/></port></ports></host></nmaprun>\n`;
  const pf = (root: string, dtd: string, ent: string): string =>
    `<?xml version="1.0"?>\n${dtd}<${root}><version>21.7</version><filter><rule><type>pass</type><descr>${ent}</descr><interface>wan</interface><protocol>tcp</protocol><source><any/></source><destination><any/><port>22</port></destination></rule></filter></${root}>\n`;
  for (const [label, dtd, ent] of [['billion laughs', laughsDtd, '&lol9;'], ['an external entity', xxe, '&xxe;']] as const) {
    for (const [format, name, text] of [
      ['nmap-xml', 'scan.xml', nmap(dtd, ent)],
      ['pfsense', 'config.xml', pf('pfsense', dtd, ent)],
      ['opnsense', 'config.xml', pf('opnsense', dtd, ent)],
    ] as const) {
      it(`${format}, ${label}: not expanded, a parse-error, under 5 s and 300 MB`, () => {
        const dir = folder(`xml-${format}-${label.replace(/ /g, '-')}`, { [name]: text });
        const r = isolated({ paths: [name], cwd: dir, as: format });
        expect(r.diagnostics.some((d) => d.code === 'parse-error' && /undefined entity/.test(d.message))).toBe(true);
        expect(r.texts).not.toMatch(/root:|lollollol/);
        expect(r.ms).toBeLessThan(5_000);
        expect(r.peakMB).toBeLessThan(300);
      });
    }
  }
});
