import { fileURLToPath } from 'node:url';
import { scan, type ScanResult } from '@portcullis/engine';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Scans files under the repository as the CLI would from its root, without any config file. */
export function scanFiles(paths: string[], options: { inventory?: string } = {}): ScanResult {
  return scan({ paths, cwd: repoRoot, config: false, now: new Date('2026-11-26T00:00:00Z'), ...options });
}

/** `ruleId@line` for each unsuppressed finding, sorted: compact to compare against a literal list. */
export function findingKeys(result: ScanResult): string[] {
  return result.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId}@${f.location.line}`);
}
