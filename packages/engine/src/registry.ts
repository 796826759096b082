import type { FormatInfo, FormatParser, InputFile } from '@portcullis/model';
import { cloudFormats } from '@portcullis/parser-cloud/formats';
import { netfilterFormats } from '@portcullis/parser-netfilter/formats';
import { observedFormats } from '@portcullis/parser-observed/formats';
import { routerFormats } from '@portcullis/parser-router/formats';

/**
 * Every input format Portcullis reads, as detection sees it. Adding a vendor is adding its parser
 * package, its formats here and its loader below.
 */
export const FORMATS: readonly FormatInfo[] = [...netfilterFormats, ...cloudFormats, ...routerFormats, ...observedFormats];
const OWNERS = FORMATS.filter((p) => p.owns && p.owns.length > 0);

/**
 * The readers, a package at a time, loaded when a file of one of its formats turns up: a scan of
 * one iptables file need not load the router readers, nor tree-sitter's WebAssembly grammar.
 */
const PACKAGES: { formats: readonly FormatInfo[]; load: () => Promise<readonly FormatParser[]> }[] = [
  {
    formats: netfilterFormats,
    load: async () => {
      const m = await import('@portcullis/parser-netfilter');
      return [m.iptablesSave, m.nftablesText, m.nftablesJson];
    },
  },
  { formats: cloudFormats, load: async () => (await import('@portcullis/parser-cloud')).cloudParsers },
  { formats: routerFormats, load: async () => (await import('@portcullis/parser-router')).routerParsers },
  { formats: observedFormats, load: async () => (await import('@portcullis/parser-observed')).observedParsers },
];

const loaded = new Map<string, FormatParser>();

/** Makes readers available to `parserFor` (and so to `scan`). */
export function registerParsers(parsers: readonly FormatParser[]): void {
  for (const p of parsers) loaded.set(p.format, p);
}

/** Loads the readers of the given formats (default: all of them); `scanAsync` calls it for what it finds. */
export async function loadParsers(formats: Iterable<string> = FORMATS.map((f) => f.format)): Promise<void> {
  const wanted = new Set<string>();
  for (const f of formats) {
    const info = formatInfo(f);
    if (info && !loaded.has(info.format)) wanted.add(info.format);
  }
  const packages = PACKAGES.filter((p) => p.formats.some((f) => wanted.has(f.format)));
  for (const parsers of await Promise.all(packages.map((p) => p.load()))) registerParsers(parsers);
}

/** Formats `--as` accepts, with the aliases people type. */
const ALIASES: Record<string, string> = {
  iptables: 'iptables-save',
  ip6tables: 'iptables-save',
  'ip6tables-save': 'iptables-save',
  nft: 'nftables',
};

/** A format by its name or an alias. */
export function formatInfo(format: string): FormatInfo | undefined {
  const name = ALIASES[format] ?? format;
  return FORMATS.find((p) => p.format === name);
}

/** The reader of a format, once loaded (`loadParsers`; importing `@portcullis/engine` loads them all). */
export function parserFor(format: string): FormatParser | undefined {
  const info = formatInfo(format);
  return info ? loaded.get(info.format) : undefined;
}

export function formatNames(): string[] {
  return [...FORMATS.map((p) => p.format), ...Object.keys(ALIASES)].sort();
}

/** The format most confident that it reads this file, if any is at least fairly sure. */
export function detectFormat(file: InputFile): FormatInfo | undefined {
  // A name only one format reads (a monorepo's thousands of `.tf` files) needs no other detector.
  const name = file.path.toLowerCase();
  for (const p of OWNERS) if (p.owns!.some((end) => name.endsWith(end))) return p;
  let best: FormatInfo | undefined;
  let score = 0.5;
  for (const p of FORMATS) {
    let s = 0;
    try {
      s = p.detect(file);
    } catch {
      s = 0;
    }
    if (s > score) {
      score = s;
      best = p;
      // Scores are at most 1 and an equal one later does not win: no need to ask the others.
      if (s >= 1) break;
    }
  }
  return best;
}
