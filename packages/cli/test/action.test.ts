// The GitHub Action (action.yml and the script its scan step runs) and the CI docs' examples. The
// script test runs the BUILT program (`pnpm build` first), as the action would on a runner.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}
interface ActionStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Action {
  name?: string;
  description?: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs?: { using?: string; steps?: ActionStep[] };
}

const actionText = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
const action = yaml.load(actionText, { schema: yaml.CORE_SCHEMA }) as Action;
const steps = action.runs?.steps ?? [];

/** Every `${{ … }}` expression in a text. */
const expressions = (text: string): string[] => [...text.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1]!);

describe('action.yml', () => {
  it('has the metadata GitHub requires: name, description, runs', () => {
    expect(action.name).toBe('Portcullis');
    expect(typeof action.description).toBe('string');
    expect(action.description!.length).toBeGreaterThan(10);
    expect(action.runs?.using).toBe('composite');
    expect(steps.length).toBeGreaterThan(0);
  });

  it('has the inputs of the issue, each described', () => {
    const inputs = action.inputs ?? {};
    for (const name of ['paths', 'fail-on', 'format', 'config', 'baseline', 'upload-sarif']) expect(Object.keys(inputs)).toContain(name);
    for (const [name, input] of Object.entries(inputs)) {
      expect(input.description, name).toBeTruthy();
      expect(typeof input.default, name).toBe('string');
    }
    expect(inputs['fail-on']!.default).toBe('high');
  });

  it('every run step names its shell, and every step either runs or uses', () => {
    for (const s of steps) {
      expect(Boolean(s.run) !== Boolean(s.uses), s.name).toBe(true);
      if (s.run) expect(['bash', 'sh', 'pwsh'], s.name).toContain(s.shell);
    }
  });

  it('sets up Node, runs the CLI, and uploads SARIF only when asked', () => {
    expect(steps.map((s) => s.uses).filter(Boolean)).toEqual(['actions/setup-node@v5', 'github/codeql-action/upload-sarif@v4']);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.if).toContain("inputs.upload-sarif == 'true'");
    expect(upload.with).toMatchObject({ sarif_file: '${{ steps.scan.outputs.sarif-file }}' });
  });

  it('refers only to inputs it declares and steps that exist', () => {
    const declared = Object.keys(action.inputs ?? {});
    const ids = steps.map((s) => s.id).filter(Boolean);
    for (const e of expressions(actionText)) {
      for (const m of e.matchAll(/inputs\.([\w-]+)/g)) expect(declared, e).toContain(m[1]);
      for (const m of e.matchAll(/steps\.([\w-]+)\./g)) expect(ids, e).toContain(m[1]);
    }
  });

  // An input pasted into a script is script injection (a path named `$(curl …)`): inputs reach
  // scripts through the environment only.
  it('never pastes an expression into a script', () => {
    for (const s of steps) if (s.run) expect(expressions(s.run), s.name).toEqual([]);
  });

  it('the script of its scan step exists and passes every input it is given', () => {
    const scan = steps.find((s) => s.id === 'scan')!;
    expect(scan.run).toBe('bash "$GITHUB_ACTION_PATH/scripts/action-scan.sh"');
    const script = readFileSync(join(repoRoot, 'scripts/action-scan.sh'), 'utf8');
    for (const name of Object.keys(scan.env ?? {})) expect(script, name).toContain(name);
  });
});

describe('scripts/action-scan.sh, as a runner would run it', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  function workspace(): string {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-action-'));
    made.push(dir);
    const table = (...rules: string[]): string => ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n');
    mkdirSync(join(dir, 'infra'));
    writeFileSync(join(dir, 'infra/fw.iptables-save'), table('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 3389 -j ACCEPT'));
    writeFileSync(join(dir, 'infra/README.md'), 'not a firewall\n');
    return dir;
  }

  function runAction(dir: string, actionPath: string, inputs: Record<string, string>): { status: number | null; stdout: string; outputs: string; summary: string } {
    writeFileSync(join(dir, '.output'), '');
    writeFileSync(join(dir, '.summary'), '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_OUTPUT: join(dir, '.output'),
      GITHUB_STEP_SUMMARY: join(dir, '.summary'),
      GITHUB_SERVER_URL: 'https://github.com',
      ...inputs,
    };
    const r = spawnSync('bash', [join(actionPath, 'scripts/action-scan.sh')], { cwd: dir, encoding: 'utf8', env });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, outputs: readFileSync(join(dir, '.output'), 'utf8'), summary: readFileSync(join(dir, '.summary'), 'utf8') };
  }

  it('annotates, writes the summary and the SARIF file, and reports the exit code as an output', () => {
    const dir = workspace();
    const r = runAction(dir, repoRoot, { PORTCULLIS_PATHS: 'infra', PORTCULLIS_FAIL_ON: 'high', PORTCULLIS_FORMAT: 'github', PORTCULLIS_UPLOAD_SARIF: 'true', PORTCULLIS_SARIF_FILE: 'out.sarif' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::')).map((l) => l.split(' ')[0])).toEqual(['::warning', '::error']);
    expect(r.outputs).toBe(`sarif-file=${join(dir, 'out.sarif')}\nexit-code=1\n`);
    expect(r.summary.split('\n')[0]).toBe('## Portcullis: 2 findings');
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]!.results).toHaveLength(2);
  });

  it('passes with fail-on critical, and writes no SARIF unless asked', () => {
    const dir = workspace();
    const r = runAction(dir, repoRoot, { PORTCULLIS_PATHS: 'infra', PORTCULLIS_FAIL_ON: 'critical', PORTCULLIS_STEP_SUMMARY: 'false' });
    expect(r.outputs).toBe('exit-code=0\n');
    expect(r.summary).toBe('');
  });

  it('links rule docs to the action\'s own repository and ref', () => {
    const dir = workspace();
    // Where the runner checks out `uses: acme/portcullis@v1`.
    const actions = join(dir, '_actions', 'acme', 'portcullis');
    mkdirSync(actions, { recursive: true });
    symlinkSync(repoRoot, join(actions, 'v1'));
    const r = runAction(dir, join(actions, 'v1'), { PORTCULLIS_PATHS: 'infra', PORTCULLIS_FORMAT: 'markdown' });
    expect(r.stdout).toContain('](https://github.com/acme/portcullis/blob/v1/docs/rules/no-public-rdp.md)');
  });
});

describe('docs/ci.md', () => {
  const text = readFileSync(join(repoRoot, 'docs/ci.md'), 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has YAML examples that parse', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const b of blocks) expect(() => yaml.load(b, { schema: yaml.CORE_SCHEMA })).not.toThrow();
  });

  it('a GitHub workflow that uses the action with inputs it has', () => {
    const workflow = yaml.load(blocks[0]!, { schema: yaml.CORE_SCHEMA }) as { jobs: Record<string, { steps: ActionStep[] }>; permissions: Record<string, string> };
    const step = Object.values(workflow.jobs)[0]!.steps.find((s) => s.uses?.endsWith('/portcullis@v1'))!;
    for (const k of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs ?? {})).toContain(k);
    expect(workflow.permissions['security-events']).toBe('write');
  });

  it('a GitLab job with a JUnit report', () => {
    const gitlab = blocks.map((b) => yaml.load(b, { schema: yaml.CORE_SCHEMA }) as Record<string, { artifacts?: { reports?: Record<string, string> }; script?: string[] }>).find((doc) => 'portcullis' in doc)!;
    expect(gitlab['portcullis']!.artifacts!.reports).toEqual({ junit: 'portcullis-junit.xml' });
    expect(gitlab['portcullis']!.script!.some((l) => l.includes('--format junit --output portcullis-junit.xml'))).toBe(true);
  });

  it('documents every input of the action', () => {
    for (const name of Object.keys(action.inputs ?? {})) expect(text).toContain(`| \`${name}\` |`);
  });
});
