import { AddressSet, append, type Device, type Diagnostic, type Service } from '@portcullis/model';
import { AnalysisLimitError, DeviceAnalysis, type Exposure } from './analysis.js';
import { composeExposures, type BlockedForward } from './compose.js';
import { SEVERITY_RANK, evaluateRules, type Finding } from './evaluate.js';
import { observedServices, type ObservedState } from './observed.js';
import type { ActiveRule } from './rules.js';

export interface AssessOptions {
  rules: ActiveRule[];
  services?: Service[];
  /** Device names and their addresses, from an inventory. */
  hosts?: Map<string, AddressSet>;
  observed?: ObservedState;
  /** Sources that count as private (the config's `trustedSources`). */
  trusted?: AddressSet;
  /** Told when each step ends (see phaseTimer). */
  timer?: (phase: string) => void;
}

export interface Assessment {
  findings: Finding[];
  exposures: Exposure[];
  diagnostics: Diagnostic[];
  /** The services the rules saw: the given ones and those the observed state shows. */
  services: Service[];
  /** Forwards that the receiving device's own firewall drops. */
  blocked: BlockedForward[];
  /** How many rules the devices' rulesets hold. */
  ruleCount: number;
}

/**
 * Devices already read (by a policy pack, or any caller that is not a file scan) to findings, by the
 * steps a scan takes after parsing: each device's analysis, forwards joined across devices, the
 * rules. Findings and diagnostics come out sorted as a scan sorts them; nothing is suppressed.
 */
export function assessDevices(devices: Device[], options: AssessOptions): Assessment {
  const timer = options.timer ?? ((): void => {});
  const diagnostics: Diagnostic[] = [];
  const hosts = options.hosts ?? new Map<string, AddressSet>();
  const observed = options.observed ?? { observations: [], scans: [] };
  let exposures: Exposure[] = [];
  const analyses: DeviceAnalysis[] = [];
  let ruleCount = 0;
  for (const device of devices) {
    let analysis: DeviceAnalysis | undefined;
    try {
      analysis = new DeviceAnalysis(device);
      analyses.push(analysis);
      for (const rs of analysis.rulesets) ruleCount += rs.rules.length;
      append(exposures, analysis.exposures());
    } catch (e) {
      if (!analysis) for (const rs of Object.values(device.rulesets)) ruleCount += rs.rules.length;
      if (e instanceof AnalysisLimitError) diagnostics.push({ file: device.file, severity: 'error', code: 'analysis-limit', message: e.message });
      else diagnostics.push({ file: device.file, severity: 'error', code: 'internal-error', message: `analysis of ${device.name} failed: ${(e as Error).message}` });
    }
  }
  timer('analysis');
  let blocked: BlockedForward[] = [];
  try {
    const composed = composeExposures(analyses, exposures, hosts);
    exposures = composed.exposures;
    blocked = composed.blocked;
  } catch (e) {
    diagnostics.push({ file: '.', severity: 'error', code: 'internal-error', message: `joining devices by address failed: ${(e as Error).message}` });
  }
  timer('joining devices');
  const services = [...(options.services ?? [])];
  append(services, observedServices(observed));
  const findings = evaluateRules(options.rules, { devices, analyses, exposures, services, hosts, observed, trusted: options.trusted ?? AddressSet.empty() });
  // Taken after the rules, which add to them (the shadowing check's `shadowing-limit`); a device whose
  // analysis stopped at the limit keeps the warnings found before it.
  for (const analysis of analyses) append(diagnostics, analysis.diagnostics);
  timer('rules');
  sortFindings(findings);
  sortDiagnostics(diagnostics);
  return { findings, exposures, diagnostics, services, blocked, ruleCount };
}

/**
 * With PORTCULLIS_TIMING set, each phase of a scan writes its wall time to standard error
 * (`pnpm bench` and docs/performance.md use it to say where time goes). `PORTCULLIS_TIMING=memory`
 * adds the heap in use and the resident set size when each phase ends.
 */
export function phaseTimer(): (phase: string) => void {
  const setting = process.env['PORTCULLIS_TIMING'];
  if (!setting) return () => {};
  const memory = setting === 'memory';
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    let line = `timing: ${phase.padEnd(26)} ${(now - last).toFixed(0).padStart(6)} ms`;
    if (memory) {
      const { heapUsed, rss } = process.memoryUsage();
      line += `  heap ${(heapUsed / 2 ** 20).toFixed(0).padStart(5)} MiB  rss ${(rss / 2 ** 20).toFixed(0).padStart(5)} MiB`;
    }
    process.stderr.write(`${line}\n`);
    last = now;
  };
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortFindings(findings: Finding[]): void {
  findings.sort(
    (a, b) =>
      cmp(a.location.file, b.location.file) ||
      cmp(a.location.line, b.location.line) ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(SEVERITY_RANK[a.severity], SEVERITY_RANK[b.severity]) ||
      cmp(a.exposure?.target ?? '', b.exposure?.target ?? '') ||
      cmp(a.exposure?.protocol ?? '', b.exposure?.protocol ?? '') ||
      cmp(a.fingerprint, b.fingerprint),
  );
}

export function sortDiagnostics(diagnostics: Diagnostic[]): void {
  diagnostics.sort((a, b) => cmp(a.file, b.file) || cmp(a.line ?? 0, b.line ?? 0) || cmp(a.code, b.code) || cmp(a.message, b.message));
}

