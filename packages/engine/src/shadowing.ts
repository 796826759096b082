import type { FilterRule, Ruleset } from '@portcullis/model';
import type { DeviceAnalysis } from './analysis.js';
import { FlowSet } from './flowset.js';
import { boxesIntersect, subtractBox, type Box } from './headerspace.js';

/** A rule no packet can reach, and the earlier rules that take every packet it would match. */
export interface ShadowedRule {
  ruleset: Ruleset;
  rule: FilterRule;
  blockers: FilterRule[];
  /** Some blocker does something else with the packets (a deny hiding an allow, or the reverse). */
  differentAction: boolean;
}

/** Actions after which a packet goes no further in the ruleset. */
const TERMINAL = new Set<FilterRule['action']>(['allow', 'deny', 'reject', 'return', 'goto', 'dnat', 'redirect', 'snat', 'masquerade']);

/**
 * A rule hides the ones after it only when it takes exactly the packets its sets say, in every
 * connection state (a rule for NEW packets leaves established ones to the rules below it).
 */
function hides(rule: FilterRule): boolean {
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
export function shadowedRules(analysis: DeviceAnalysis): ShadowedRule[] {
  const out: ShadowedRule[] = [];
  for (const ruleset of Object.values(analysis.device.rulesets)) {
    // In an allow-only union (AWS security groups) no rule comes first: a duplicate is redundant, not dead.
    if (ruleset.semantics === 'allow-union') continue;
    const open = new FlowSet<{ box: Box }>([{ box: analysis.everything() }]);
    // The rules that hide what follows them, indexed like the packets, to find blockers quickly.
    const hiders = new FlowSet<Hider>();
    ruleset.rules.forEach((rule, index) => {
      if (!rule.enabled) return;
      const box = analysis.boxOf(rule);
      const touched = open.candidates(box).filter((f) => boxesIntersect(f.box, box));
      if (hides(rule)) hiders.add({ box, rule, index });
      if (touched.length === 0) {
        const blockers = blockersOf(hiders.candidates(box).filter((h) => h.index < index), box);
        // A rule whose own conditions cannot all hold (an empty set) has no blockers: it is not shadowing.
        if (blockers.length > 0) {
          out.push({ ruleset, rule, blockers, differentAction: blockers.some((b) => verdict(b) !== verdict(rule)) });
        }
        return;
      }
      if (!hides(rule)) return;
      for (const f of touched) {
        open.delete(f);
        for (const rest of subtractBox(f.box, box)) open.add({ box: rest });
      }
    });
  }
  return out;
}

interface Hider {
  box: Box;
  rule: FilterRule;
  index: number;
}

/** The earlier rules that take the packets of `box`, in order, until nothing of it is left. */
function blockersOf(earlier: Hider[], box: Box): FilterRule[] {
  let rest: Box[] = [box];
  const blockers: FilterRule[] = [];
  for (const e of earlier.sort((a, b) => a.index - b.index)) {
    if (rest.length === 0) break;
    if (!rest.some((r) => boxesIntersect(r, e.box))) continue;
    blockers.push(e.rule);
    rest = rest.flatMap((r) => subtractBox(r, e.box));
  }
  return blockers;
}
