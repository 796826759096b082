import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARSERS, detectFormat } from '@portcullis/engine';
import type { FormatParser } from '@portcullis/model';

/*
 * The inputs the fuzzers start from: every file of the shared corpus (read in place from
 * `../shared/corpus` beside the repository, never copied into it) and every fixture, each with the
 * parser format detection gives it. Files no parser claims (inventories, configs, READMEs) are left out.
 */

/** The repository root, found from this file whether it runs as source or compiled for `pnpm fuzz`. */
export function findRepoRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = resolve(from, '..');
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = resolve(dir, '..');
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = up;
  }
}

export const repoRoot = findRepoRoot();
export const corpusRoot = resolve(repoRoot, '../shared/corpus');
export const fixturesRoot = join(repoRoot, 'fixtures');

export interface SeedFile {
  /** Where it is shown: `corpus/…` or `fixtures/…`. */
  name: string;
  /** The absolute path. */
  path: string;
  text: string;
  format: string;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

let cache: SeedFile[] | undefined;

/** Every corpus and fixture file a parser claims, sorted by name. */
export function seedFiles(): SeedFile[] {
  if (cache) return cache;
  const out: SeedFile[] = [];
  for (const [root, label] of [
    [corpusRoot, 'corpus'],
    [fixturesRoot, 'fixtures'],
  ] as const) {
    for (const path of walk(root)) {
      // Hostile fixtures are read by their own tests, with their own expectations.
      if (path.includes(`${join(fixturesRoot, 'hostile')}`)) continue;
      const text = readFileSync(path, 'utf8');
      const name = `${label}/${relative(root, path).split('\\').join('/')}`;
      const parser = detectFormat({ path: name, text: text.slice(0, 65536) });
      if (parser) out.push({ name, path, text, format: parser.format });
    }
  }
  cache = out;
  return out;
}

/** The seed files of one format. */
export function seedFilesFor(format: string): SeedFile[] {
  return seedFiles().filter((f) => f.format === format);
}

export function parserNamed(format: string): FormatParser {
  const p = PARSERS.find((x) => x.format === format);
  if (!p) throw new Error(`no parser ${format}`);
  return p;
}

/** A file name the parser's detection accepts, for inputs that are not mutations of a seed file. */
export const CANONICAL_NAMES: Record<string, string> = {
  'iptables-save': 'host.iptables-save',
  nftables: 'ruleset.nft',
  'nftables-json': 'ruleset.nft.json',
  terraform: 'main.tf',
  'terraform-plan': 'plan.json',
  cloudformation: 'template.yaml',
  'arm-template': 'azuredeploy.json',
  'aws-cli': 'security-groups.json',
  'azure-cli': 'nsg.json',
  gcloud: 'firewall-rules.json',
  'cisco-ios': 'router.cfg',
  'cisco-asa': 'asa.cfg',
  junos: 'srx.conf',
  openwrt: 'firewall.uci',
  pfsense: 'config.xml',
  opnsense: 'config.xml',
  mikrotik: 'export.rsc',
  'nmap-xml': 'scan.xml',
  ss: 'ss-tlnp.txt',
  netstat: 'netstat-ano.txt',
};

/** The file name to give an input of this format: the seed file's base name, or the canonical one. */
export function fileNameFor(format: string, seed?: SeedFile): string {
  if (seed) return seed.name.slice(seed.name.lastIndexOf('/') + 1);
  return CANONICAL_NAMES[format] ?? `input.${format}`;
}
