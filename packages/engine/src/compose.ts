import { AddressSet, describeAddresses, parseAddressSet } from '@portcullis/model';
import type { DeviceAnalysis, Exposure, PathStep } from './analysis.js';

/** A forward that reaches a device whose own firewall drops it: reachable on paper, not in fact. */
export interface BlockedForward {
  /** The forward as the forwarding device sees it. */
  exposure: Exposure;
  /** The device that drops it. */
  device: string;
  /** The rule (or default policy) of that device that drops it. */
  blockedBy: PathStep;
}

/** The addresses of each scanned device: from the inventory's `hosts`, or its name when that is an address. */
export function deviceAddresses(analyses: DeviceAnalysis[], hosts: Map<string, AddressSet>): Map<DeviceAnalysis, AddressSet> {
  const out = new Map<DeviceAnalysis, AddressSet>();
  for (const a of analyses) {
    const name = a.device.name;
    const set = hosts.get(name) ?? (mayBeAddress(name) ? parseAddressSet(name) : undefined);
    if (set && !set.isEmpty) out.set(a, set);
  }
  return out;
}

/**
 * False for a name that cannot be an address: IPv4 forms (`1.2.3.4`, `/24`, `/255.255.255.0`,
 * `a-b`) use only digits, dots, slashes and dashes, and every IPv6 form has a colon. Saying no
 * is slow for the address parser, and an AWS account's devices are 50,000 named groups.
 */
export function mayBeAddress(name: string): boolean {
  return name.includes(':') || /^[\s\d./-]*$/.test(name);
}

/**
 * Joins devices by address: a forward (or routed path) to an address that belongs to another
 * scanned device continues into that device's own rulesets. What that device accepts becomes the
 * exposure (target: that device, reported at the forward); what it drops is listed as blocked.
 */
export function composeExposures(
  analyses: DeviceAnalysis[],
  exposures: Exposure[],
  hosts: Map<string, AddressSet>,
): { exposures: Exposure[]; blocked: BlockedForward[] } {
  const addresses = deviceAddresses(analyses, hosts);
  if (addresses.size === 0) return { exposures, blocked: [] };
  const out: Exposure[] = [];
  const blocked: BlockedForward[] = [];
  for (const e of exposures) {
    if (e.target.address === undefined || e.transit) {
      out.push(e);
      continue;
    }
    let rest = AddressSet.fromIntervals(e.box.destinations);
    for (const [host, own] of addresses) {
      if (host.device.name === e.device) continue;
      const meet = rest.intersect(own);
      if (meet.isEmpty) continue;
      rest = rest.subtract(meet);
      const received = host.receive({ ...e.box, destinations: meet.intervals }, e.path);
      for (const x of received.exposures) {
        const composed: Exposure = { ...x, location: e.location, anchor: `${e.anchor}|${x.anchor}` };
        if (e.forward) composed.forward = e.forward;
        out.push(composed);
      }
      const seen = new Set<string>();
      for (const d of received.denied) {
        const step = host.denialStep(d);
        const key = `${step.file}:${step.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        blocked.push({ exposure: e, device: host.device.name, blockedBy: step });
      }
    }
    if (!rest.isEmpty) {
      const cidrs = rest.toCidrs(4);
      const address = cidrs.length <= 3 ? cidrs.map((c) => c.replace(/\/(32|128)$/, '')).join(', ') : describeAddresses(rest);
      out.push({ ...e, target: { ...e.target, address }, box: { ...e.box, destinations: rest.intervals } });
    }
  }
  return { exposures: out, blocked };
}
