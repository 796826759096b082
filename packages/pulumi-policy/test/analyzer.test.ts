import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as grpcTypes from '@grpc/grpc-js';
import type * as analyzerGrpc from '@pulumi/pulumi/proto/analyzer_grpc_pb.js';
import type * as analyzerPb from '@pulumi/pulumi/proto/analyzer_pb.js';
import type * as structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import type * as emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The pack as the Pulumi engine sees it: started as the CLI starts a Node.js policy pack, in its
 * folder, from its built `main`; it prints the port of its analyzer; the engine speaks gRPC to it on
 * 127.0.0.1. Here the engine's side is played with the stubs that ship in @pulumi/pulumi.
 */

const packDir = fileURLToPath(new URL('..', import.meta.url));
// The stubs and gRPC as the pack itself resolves them (one copy of each, as the engine's peer).
const requireFromPack = createRequire(`${packDir}package.json`);
const grpc = requireFromPack('@grpc/grpc-js') as typeof grpcTypes;
const services = requireFromPack('@pulumi/pulumi/proto/analyzer_grpc_pb.js') as typeof analyzerGrpc;
const pb = requireFromPack('@pulumi/pulumi/proto/analyzer_pb.js') as typeof analyzerPb;
const { Struct } = requireFromPack('google-protobuf/google/protobuf/struct_pb.js') as typeof structPb;
const { Empty } = requireFromPack('google-protobuf/google/protobuf/empty_pb.js') as typeof emptyPb;

const SG = 'aws:ec2/securityGroup:SecurityGroup';
const SG_RULE = 'aws:ec2/securityGroupRule:SecurityGroupRule';
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const urn = (type: string, name: string): string => `urn:pulumi:dev::shop::${type}::${name}`;

let pack: ChildProcessWithoutNullStreams | undefined;
let client: analyzerGrpc.AnalyzerClient;
let stderr = '';

function call<Req, Res>(method: (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(req, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function resourceOptions(): analyzerPb.AnalyzerResourceOptions {
  return new pb.AnalyzerResourceOptions().setProtect(false);
}

beforeAll(async () => {
  if (!existsSync(`${packDir}dist/load.cjs`)) throw new Error('packages/pulumi-policy is not built: run `pnpm build` (pnpm test does)');
  // Any engine address will do: the pack only connects to it to log, which this test does not ask for.
  pack = spawn(process.execPath, ['node_modules/@pulumi/pulumi/cmd/run-policy-pack', '127.0.0.1:1', '.'], { cwd: packDir });
  pack.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    pack!.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    pack!.on('exit', (code) => reject(new Error(`the pack exited (${code}) before printing its port: ${stderr}`)));
  });
  expect(firstLine).toMatch(/^\d+$/);
  client = new services.AnalyzerClient(`127.0.0.1:${firstLine}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  if (pack?.pid !== undefined) process.kill(pack.pid);
});

describe('the policy pack over gRPC, as the Pulumi engine runs it', () => {
  it('does not implement Handshake (1.21), which the engine falls back from', async () => {
    const req = new pb.AnalyzerHandshakeRequest().setEngineAddress('127.0.0.1:1').setRootDirectory(packDir).setProgramDirectory(packDir);
    await expect(call(client.handshake.bind(client), req)).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  it('describes itself: one policy per rule, with enforcement levels and config schemas', async () => {
    const info = await call<emptyPb.Empty, analyzerPb.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    expect(info.getName()).toBe('portcullis');
    expect(info.getVersion()).toBe('0.1.0');
    expect(info.getSupportsconfig()).toBe(true);
    const byName = new Map(info.getPoliciesList().map((p) => [p.getName(), p]));
    expect([...byName.keys()]).toContain('no-public-rdp');
    expect(byName.get('no-public-rdp')!.getEnforcementlevel()).toBe(pb.EnforcementLevel.MANDATORY);
    expect(byName.get('no-public-ssh')!.getEnforcementlevel()).toBe(pb.EnforcementLevel.ADVISORY);
    expect(byName.get('no-wide-public-port-range')!.getConfigschema()?.getProperties()?.toJavaScript()).toHaveProperty('portCountAbove');
  });

  it('Analyze: a security group that opens 3389 to the world is a mandatory violation', async () => {
    const req = new pb.AnalyzeRequest()
      .setType(SG)
      .setName('web')
      .setUrn(urn(SG, 'web'))
      .setProperties(Struct.fromJavaScript({ name: 'web', ingress: [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: ['0.0.0.0/0'] }] }))
      .setOptions(resourceOptions());
    const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze.bind(client), req);
    const diagnostics = res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getMessage()]);
    expect(diagnostics).toEqual([
      ['no-public-rdp', pb.EnforcementLevel.MANDATORY, 'Remote Desktop is reachable from anywhere\nRDP (3389/tcp) on web is reachable from anywhere (0.0.0.0/0)'],
    ]);
  });

  it('Analyze: an unknown CIDR during preview becomes the advisory "can\'t run policy" diagnostic', async () => {
    const req = new pb.AnalyzeRequest()
      .setType(SG)
      .setName('web')
      .setUrn(urn(SG, 'web'))
      .setProperties(Struct.fromJavaScript({ ingress: [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: [UNKNOWN] }] }))
      .setOptions(resourceOptions());
    const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(client.analyze.bind(client), req);
    const rdp = res.getDiagnosticsList().filter((d) => d.getPolicyname() === 'no-public-rdp');
    expect(rdp.map((d) => d.getEnforcementlevel())).toEqual([pb.EnforcementLevel.ADVISORY]);
    expect(rdp[0]!.getMessage()).toMatch(/^can't run policy 'no-public-rdp' from policy pack 'portcullis@v0\.1\.0' during preview: .*web\.ingress\[0\]\.cidrBlocks\[0\]/);
  });

  it('AnalyzeStack: a separate rule opening 3389 on a group with no inline rules is caught on the rule', async () => {
    const group = new pb.AnalyzerResource()
      .setType(SG)
      .setName('win')
      .setUrn(urn(SG, 'win'))
      .setProperties(Struct.fromJavaScript({ name: 'win', ingress: [] }))
      .setOptions(resourceOptions());
    const rule = new pb.AnalyzerResource()
      .setType(SG_RULE)
      .setName('rdp')
      .setUrn(urn(SG_RULE, 'rdp'))
      .setProperties(Struct.fromJavaScript({ type: 'ingress', securityGroupId: UNKNOWN, protocol: 'tcp', fromPort: 3389, toPort: 3389, cidrBlocks: ['0.0.0.0/0'] }))
      .setOptions(resourceOptions())
      .setDependenciesList([urn(SG, 'win')]);
    rule.getPropertydependenciesMap().set('securityGroupId', new pb.AnalyzerPropertyDependencies().setUrnsList([urn(SG, 'win')]));
    const res = await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(client.analyzeStack.bind(client), new pb.AnalyzeStackRequest().setResourcesList([group, rule]));
    const diagnostics = res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getUrn()]);
    expect(diagnostics).toEqual([['no-public-rdp', pb.EnforcementLevel.MANDATORY, urn(SG_RULE, 'rdp')]]);
  });

  it('printed nothing but its port, and nothing to standard error', () => {
    expect(stderr).toBe('');
  });
});
