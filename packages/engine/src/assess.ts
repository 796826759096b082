import { AddressSet, append, type Device, type Diagnostic, type Service } from '@portcullis/model';
import { AnalysisLimitError, DeviceAnalysis, type Exposure } from './analysis.js';
import { composeExposures } from './compose.js';
import { evaluateRules, type Finding } from './evaluate.js';
import { observedServices, type ObservedState } from './observed.js';
import type { ActiveRule } from './rules.js';
import { sortDiagnostics, sortFindings } from './scan.js';

export interface AssessOptions {
  rules: ActiveRule[];
  services?: Service[];
  /** Device names and their addresses, from an inventory. */
  hosts?: Map<string, AddressSet>;
  observed?: ObservedState;
  /** Sources that count as private (the config's `trustedSources`). */
  trusted?: AddressSet;
}

export interface Assessment {
  findings: Finding[];
  exposures: Exposure[];
  diagnostics: Diagnostic[];
}

/**
 * Devices already read (by a policy pack, or any caller that is not a file scan) to findings, by the
 * steps a scan takes after parsing: each device's analysis, forwards joined across devices, the
 * rules. Findings and diagnostics come out sorted as a scan sorts them; nothing is suppressed.
 */
export function assessDevices(devices: Device[], options: AssessOptions): Assessment {
  const diagnostics: Diagnostic[] = [];
  const hosts = options.hosts ?? new Map<string, AddressSet>();
  const observed = options.observed ?? { observations: [], scans: [] };
  let exposures: Exposure[] = [];
  const analyses: DeviceAnalysis[] = [];
  for (const device of devices) {
    try {
      const analysis = new DeviceAnalysis(device);
      analyses.push(analysis);
      append(exposures, analysis.exposures());
      append(diagnostics, analysis.diagnostics);
    } catch (e) {
      if (e instanceof AnalysisLimitError) diagnostics.push({ file: device.file, severity: 'error', code: 'analysis-limit', message: e.message });
      else diagnostics.push({ file: device.file, severity: 'error', code: 'internal-error', message: `analysis of ${device.name} failed: ${(e as Error).message}` });
    }
  }
  try {
    exposures = composeExposures(analyses, exposures, hosts).exposures;
  } catch (e) {
    diagnostics.push({ file: '.', severity: 'error', code: 'internal-error', message: `joining devices by address failed: ${(e as Error).message}` });
  }
  const services = [...(options.services ?? []), ...observedServices(observed)];
  const findings = evaluateRules(options.rules, { devices, analyses, exposures, services, hosts, observed, trusted: options.trusted ?? AddressSet.empty() });
  sortFindings(findings);
  sortDiagnostics(diagnostics);
  return { findings, exposures, diagnostics };
}
