import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Device, FilterRule, ParseResult } from '@portcullis/model';
import { scan, type ScanResult } from '@portcullis/engine';
import { nftablesJson, nftablesText } from '../src/index.js';

/** The repository root, the project's nftables fixtures and the shared corpus (beside the checkout). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const NFT_FIXTURES = 'fixtures/netfilter/nftables/';
export const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/netfilter/', import.meta.url));

export function parseNft(text: string, path = 'test.nft'): ParseResult {
  return nftablesText.parse({ path, text });
}

export function parseNftJson(text: string, path = 'test.nft.json'): ParseResult {
  return nftablesJson.parse({ path, text });
}

/** Parses a file of the repository (path relative to its root) or an absolute path. */
export function parseNftFile(path: string): ParseResult {
  const text = readFileSync(path.startsWith('/') ? path : repoRoot + path, 'utf8');
  return path.endsWith('.json') ? parseNftJson(text, path) : parseNft(text, path);
}

export function device(result: ParseResult): Device {
  expect(result.devices).toHaveLength(1);
  return result.devices[0]!;
}

export function allRules(result: ParseResult): FilterRule[] {
  return Object.values(device(result).rulesets).flatMap((r) => r.rules);
}

/** Scans files of the repository as the CLI would from its root, without a config file. */
export function scanFiles(paths: string[]): ScanResult {
  return scan({ paths, cwd: repoRoot, config: false, now: new Date('2026-11-26T00:00:00Z') });
}

/** Scans a text under a file name of its own in a fresh folder (the device is named after the file). */
export function scanText(name: string, text: string): ScanResult {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-nft-'));
  try {
    writeFileSync(join(dir, name), text);
    return scan({ paths: [name], cwd: dir, config: false, now: new Date('2026-11-26T00:00:00Z') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `ruleId@line` for each unsuppressed finding. */
export function findingKeys(result: ScanResult): string[] {
  return result.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId}@${f.location.line}`);
}

/**
 * What a finding says, without where it is: a JSON listing puts the same rules on other lines (and
 * the shadowing message names those lines).
 */
export function comparable(result: ScanResult): string[] {
  return result.findings
    .map((f) => {
      const message = f.message.replace(/\blines? [\d, ]+\d/g, 'line(s) …');
      return `${f.ruleId} ${f.severity} ${f.exposure?.target ?? ''} ${f.exposure?.protocol ?? ''} ${f.exposure?.ports ?? ''} ${(f.exposure?.from ?? []).join(',')} | ${message}`;
    })
    .sort();
}
