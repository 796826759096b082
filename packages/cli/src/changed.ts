import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { detectFormat, displayPath, formatInfo } from '@portcullis/engine/core';
import type { FormatInfo } from '@portcullis/model';

/** The files `--changed-since` hands to the scan, or why it could not tell. */
export type ChangedFiles = { ok: true; files: string[]; top: string } | { ok: false; error: string };

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}

const nulList = (out: string): string[] => out.split('\0').filter(Boolean);

/**
 * Files changed relative to a git ref: committed on this branch since it left the ref
 * (`git diff REF...`), changed in the work tree and not yet committed (`git diff HEAD`), and new
 * files git does not ignore (`git ls-files --others --exclude-standard`). Deleted files are left
 * out: there is nothing left to scan. Absolute paths, sorted.
 */
export function changedSince(ref: string, cwd: string): ChangedFiles {
  // A ref that starts with "-" would be read as an option by git.
  if (ref === '' || ref.startsWith('-')) return { ok: false, error: `--changed-since ${JSON.stringify(ref)}: not a git ref` };
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  } catch (e) {
    return { ok: false, error: `--changed-since needs a git work tree: ${gitMessage(e)}` };
  }
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  } catch {
    return { ok: false, error: `--changed-since ${ref}: git knows no such commit (fetch it first, e.g. \`git fetch origin ${ref}\`)` };
  }
  const names = new Set<string>();
  try {
    for (const n of nulList(git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', `${ref}...`, '--'], top))) names.add(n);
    for (const n of nulList(git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', 'HEAD', '--'], top))) names.add(n);
    for (const n of nulList(git(['ls-files', '--others', '--exclude-standard', '-z'], top))) names.add(n);
  } catch (e) {
    return { ok: false, error: `--changed-since ${ref}: ${gitMessage(e)}` };
  }
  // git names files under the real path of the work tree; give them back under the working folder
  // as the user wrote it (it may lead through a symbolic link), so reports show them relative to it.
  let realCwd = cwd;
  try {
    realCwd = realpathSync(cwd);
  } catch {
    // keep cwd
  }
  const files = [...names]
    .map((n) => resolve(top, n))
    .map((abs) => (isWithin(abs, realCwd) ? resolve(cwd, relative(realCwd, abs)) : abs))
    .filter(isFile)
    .sort();
  return { ok: true, files, top };
}

function gitMessage(e: unknown): string {
  const err = e as { stderr?: string; message: string };
  return (err.stderr?.trim() || err.message).split('\n')[0]!;
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

/** Whether `abs` is `root` or inside it. */
export function isWithin(abs: string, root: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}

function head(abs: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, n);
    return bytes.includes(0) ? undefined : bytes.toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Of the changed files, the ones under the scanned paths that a parser reads: named to the scan one
 * by one, a file that is no configuration (a README) would be reported as an unknown format. For a
 * format read a folder at a time (a Terraform module), the whole folder goes in, since one changed
 * file can change what its neighbours mean.
 */
export function scannableChanges(changed: string[], paths: string[], cwd: string, as: string | undefined): string[] {
  const roots = (paths.length ? paths : ['.']).map((p) => resolve(cwd, p));
  const forced = as ? formatInfo(as) : undefined;
  const out = new Set<string>();
  const detect = (abs: string): FormatInfo | undefined => {
    if (forced) return forced;
    const text = head(abs);
    return text === undefined ? undefined : detectFormat({ path: displayPath(abs, cwd), text });
  };
  for (const abs of changed) {
    if (!roots.some((r) => isWithin(abs, r))) continue;
    const format = detect(abs);
    if (!format) continue;
    out.add(abs);
    if (!format.folder) continue;
    const dir = dirname(abs);
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const sibling = join(dir, n);
      if (!out.has(sibling) && isFile(sibling) && detect(sibling)?.format === format.format) out.add(sibling);
    }
  }
  return [...out].sort();
}
