import { IntervalSet, PortBuckets, type FilterRule, type Ruleset } from '@portcullis/model';
import type { DeviceAnalysis } from './analysis.js';
import { FlowSet } from './flowset.js';
import { boxesIntersect, cutBox, subtractBox, type Box, type Owned } from './headerspace.js';

/** A rule no packet can reach, and the earlier rules that take every packet it would match. */
export interface ShadowedRule {
  ruleset: Ruleset;
  rule: FilterRule;
  /** The first of those rules, in order: all of them, or MAX_BLOCKERS when `moreBlockers` is set. */
  blockers: FilterRule[];
  /** More rules than `blockers` take part (a rule after a long blocklist is hidden by all of it). */
  moreBlockers: boolean;
  /** Some blocker listed does something else with the packets (a deny hiding an allow, or the reverse). */
  differentAction: boolean;
}

/**
 * The most blockers a shadowed rule lists. A rule behind a blocklist of thousands of entries is
 * hidden by every one of them; listing them all made each finding thousands of line numbers long,
 * and finding them was a walk over the whole blocklist for each shadowed rule.
 */
export const MAX_BLOCKERS = 32;

/**
 * Bounds on the walk over one ruleset (see MAX_ANALYSIS_WORK). Rules that differ in ports and
 * destinations at once (thousands of static NATs, some for one port of an address, some for every
 * port of another) leave the open packets in many pieces, each with a long list of holes, that each
 * later rule meets: an ASA with 8,000 of them spent a minute here. The work counts the open pieces
 * each rule meets and the ranges of the pieces its cut makes (a 20k-rule chain comes to about 170
 * million); the open pieces are also counted (that chain peaks at 14,000). Past either bound, the
 * rule where it happened and those after it are not checked, and the device gets a
 * `shadowing-limit` warning. (shadowedRules takes others, for tests.)
 */
export const MAX_SHADOWING_WORK = 300_000_000;
export const MAX_OPEN_PIECES = 100_000;

/** Actions after which a packet goes no further in the ruleset. */
const TERMINAL = new Set<FilterRule['action']>(['allow', 'deny', 'reject', 'return', 'goto', 'dnat', 'redirect', 'snat', 'masquerade']);

/**
 * A rule hides the ones after it only when it takes exactly the packets its sets say, in every
 * connection state (a rule for NEW packets leaves established ones to the rules below it).
 */
export function hides(rule: FilterRule): boolean {
  return rule.enabled && TERMINAL.has(rule.action) && rule.exact && rule.matchesNew && !rule.stateMatch && rule.sourcePorts.isFull && rule.symbolic.length === 0;
}

function verdict(rule: FilterRule): string {
  if (rule.action === 'reject') return 'deny';
  if (rule.action === 'goto') return `goto ${rule.target ?? ''}`;
  return rule.action;
}

/**
 * Finds the rules of every ruleset of a device that no packet can reach, because the rules before
 * them together take every packet they match: the union of earlier rules, not one rule at a time.
 * Each ruleset is evaluated over sets of packets once, so the cost grows with the rules, not with
 * their pairs.
 */
export function shadowedRules(analysis: DeviceAnalysis, limits: { work: number; pieces: number } = { work: MAX_SHADOWING_WORK, pieces: MAX_OPEN_PIECES }): ShadowedRule[] {
  const out: ShadowedRule[] = [];
  for (const ruleset of analysis.rulesets) {
    // In an allow-only union (AWS security groups) no rule comes first: a duplicate is redundant, not dead.
    if (ruleset.semantics === 'allow-union') continue;
    // Only a rule that hides what follows it can leave a later rule unreached: a ruleset without one
    // before its last rule (kube-proxy's tens of thousands of service and endpoint chains) has
    // nothing shadowed, and is not evaluated.
    if (!ruleset.rules.some((rule, index) => index < ruleset.rules.length - 1 && hides(rule))) continue;
    const open = new FlowSet<{ box: Box }>(analysis.byFamily(analysis.everything()).map((box) => ({ box })));
    // Sources taken by rules that name nothing but sources: kept aside rather than cut out of every
    // open piece at each such rule (a long chain of `-s … -j DROP` was cubic).
    const taken = new GrowingUnion();
    const meets = (f: { box: Box }, box: Box): boolean => {
      if (!boxesIntersect(f.box, box)) return false;
      return taken.isEmpty || !taken.covers(f.box.sources.intersect(box.sources));
    };
    // The rules that hide what follows them, indexed like the packets, to find blockers quickly.
    const hiders = new HiderIndex();
    const boxes = analysis.boxesOf(ruleset);
    // Port, source and destination sets that this walk made and that one open piece holds (see cutBox).
    const owned: Owned = { ports: undefined, sources: undefined, destinations: undefined };
    let work = 0;
    for (let index = 0; index < ruleset.rules.length; index++) {
      const rule = ruleset.rules[index]!;
      if (!rule.enabled) continue;
      const box = boxes[index]!;
      const hider = hides(rule);
      const global = hider && analysis.sourcesOnly(box);
      // Only a rule that cuts the open packets needs all it meets; the others, whether it meets any.
      const candidates = open.candidates(box);
      work += candidates.length;
      if (work > limits.work || open.size > limits.pieces) {
        analysis.warnShadowingLimit(ruleset, rule);
        break;
      }
      const touched = hider && !global ? candidates.filter((f) => meets(f, box)) : [];
      const reached = hider && !global ? touched.length > 0 : candidates.some((f) => meets(f, box));
      if (!reached) {
        const { blockers, more, walked } = blockersOf(hiders.before(box, index), analysis.byFamily(box), analysis.everything().sources);
        work += walked;
        // A rule whose own conditions cannot all hold (an empty set) has no blockers: it is not shadowing.
        if (blockers.length > 0) {
          out.push({ ruleset, rule, blockers, moreBlockers: more, differentAction: blockers.some((b) => verdict(b) !== verdict(rule)) });
        }
        continue;
      }
      if (!hider) continue;
      // Only a rule that takes some packets can be a blocker: what a rule no packet reaches would
      // take, the rules before it took (a generated list where most rules repeat earlier ones would
      // otherwise have each shadowed rule walk past every repeat before it).
      hiders.add({ box, rule, index, global });
      if (global) {
        taken.add(box.sources);
        continue;
      }
      for (const f of touched) {
        open.delete(f);
        for (const rest of cutBox(f.box, box, owned)) {
          open.add({ box: rest });
          work += 1 + rest.destinations.rangeCount + rest.sources.rangeCount + rest.ports.rangeCount;
        }
      }
    }
  }
  return out;
}

/**
 * A union of source sets that grows by one set at a time, and is asked whether it covers a set after
 * each. Kept as a few sets, each at least twice the size of the next, rather than as one: adding the
 * networks of an object-group, spread over the whole address space, to one set copied all of it at
 * each entry of a blocklist of them.
 */
export class GrowingUnion {
  /** Largest first. */
  private readonly levels: IntervalSet<bigint>[] = [];

  get isEmpty(): boolean {
    return this.levels.length === 0;
  }

  add(set: IntervalSet<bigint>): void {
    if (set.isEmpty) return;
    let joined = set;
    for (let last = this.levels[this.levels.length - 1]; last !== undefined && last.rangeCount <= 2 * joined.rangeCount; last = this.levels[this.levels.length - 1]) {
      joined = this.levels.pop()!.union(joined);
    }
    this.levels.push(joined);
  }

  /** Whether the union holds every member of `set`: each of its ranges is walked across the levels' ranges, nothing made. */
  covers(set: IntervalSet<bigint>): boolean {
    const b = set.bounds;
    for (let i = 0; i < b.length; i += 2) {
      let at = b[i]!;
      const hi = b[i + 1]!;
      for (;;) {
        // The furthest any level's range holding `at` reaches.
        let reach: bigint | undefined;
        for (const level of this.levels) {
          const k = IntervalSet.firstEndingAtOrAfter(level, at);
          const lb = level.bounds;
          if (k < lb.length && lb[k]! <= at && (reach === undefined || lb[k + 1]! > reach)) reach = lb[k + 1]!;
        }
        if (reach === undefined) return false;
        if (reach >= hi) break;
        at = reach + 1n;
      }
    }
    return true;
  }
}

interface Hider {
  box: Box;
  rule: FilterRule;
  index: number;
  /** It names nothing but sources (`-s 198.51.100.0/24 -j DROP`). */
  global: boolean;
}

/**
 * The rules that hide what follows them, by destination port bucket, each list in rule order: the
 * blockers of a shadowed rule are found by walking the lists near its ports together, from the top,
 * stopping as soon as the rule is covered (usually at the first one) instead of gathering and
 * sorting every earlier rule for each shadowed rule.
 */
class HiderIndex {
  private readonly all: Hider[] = [];
  private readonly byPort = new PortBuckets<Hider>();

  add(h: Hider): void {
    this.all.push(h);
    this.byPort.add(h, h.box.ports);
  }

  /** The hiders before rule `index` that may meet `box`, in rule order, each once. */
  *before(box: Box, index: number): Generator<Hider> {
    const lists = this.byPort.near(box.ports) ?? [this.all];
    const at = lists.map(() => 0);
    let last = -1;
    for (;;) {
      let pick = -1;
      for (let i = 0; i < lists.length; i++) {
        const h = lists[i]![at[i]!];
        if (h && (pick < 0 || h.index < lists[pick]![at[pick]!]!.index)) pick = i;
      }
      if (pick < 0) return;
      const h = lists[pick]![at[pick]!++]!;
      if (h.index >= index) return;
      if (h.index === last) continue;
      last = h.index;
      yield h;
    }
  }
}

/**
 * The earlier rules that take the packets of a rule (`pieces`: its box, by family), in order, until
 * nothing of it is left: each one that takes some of what the rules before it left. `universe`:
 * every source, the domain of the sets.
 *
 * Rules that name nothing but sources are not cut out of what is left (each cut copied a list that
 * grows by a network at every rule of a long blocklist, for every shadowed rule): their sources are
 * added to `taken`, which what is left is read without. A piece whose sources are all taken is gone.
 */
function blockersOf(earlier: Iterable<Hider>, pieces: Box[], universe: IntervalSet<bigint>): { blockers: FilterRule[]; more: boolean; walked: number } {
  let rest = pieces;
  let walked = 0;
  let taken = IntervalSet.empty(universe.domain);
  const blockers: FilterRule[] = [];
  // Whether `e` takes packets of piece `r` that no rule before it took.
  const takes = (r: Box, e: Box): boolean => boxesIntersect(r, e) && (taken.isEmpty || !taken.covers(r.sources.intersect(e.sources)));
  for (const e of earlier) {
    if (rest.length === 0) break;
    walked += rest.length;
    if (!rest.some((r) => takes(r, e.box))) continue;
    // What is left is taken by rules further down (the rule is shadowed): they are not looked for.
    if (blockers.length === MAX_BLOCKERS) return { blockers, more: true, walked };
    blockers.push(e.rule);
    if (e.global) {
      // taken is this call's own set, held by nothing else: it grows in place.
      taken = IntervalSet.unionOwned(taken, e.box.sources);
      rest = rest.filter((r) => !taken.covers(r.sources));
    } else {
      rest = rest.flatMap((r) => subtractBox(r, e.box)).filter((r) => taken.isEmpty || !taken.covers(r.sources));
    }
  }
  return { blockers, more: false, walked };
}
