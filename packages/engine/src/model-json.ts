import { formatPorts, protocolName, type AddressSet, type Device, type Diagnostic, type FilterRule, type PortSet, type ProtocolSet } from '@portcullis/model';

const protocols = (p: ProtocolSet): string[] | 'any' =>
  p.isFull ? 'any' : [...p.ranges()].map(([a, b]) => (a === b ? protocolName(a) : `${a}-${b}`));
const addresses = (a: AddressSet): string[] => a.toCidrs();
const ports = (p: PortSet): string => formatPorts(p);

function rule(r: FilterRule): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id,
    action: r.action,
    ...(r.target ? { target: r.target } : {}),
    protocols: protocols(r.protocols),
    sources: addresses(r.sources),
    destinations: addresses(r.destinations),
    sourcePorts: ports(r.sourcePorts),
    destinationPorts: ports(r.destinationPorts),
  };
  if (r.inInterface) out['inInterface'] = r.inInterface;
  if (r.outInterface) out['outInterface'] = r.outInterface;
  out['matchesNew'] = r.matchesNew;
  out['exact'] = r.exact;
  if (r.symbolic.length) out['symbolic'] = r.symbolic;
  if (r.translation) {
    out['translation'] = {
      text: r.translation.text,
      ...(r.translation.addresses ? { addresses: r.translation.addresses.toCidrs() } : {}),
      ...(r.translation.ports ? { ports: ports(r.translation.ports) } : {}),
    };
  }
  out['enabled'] = r.enabled;
  if (r.description) out['description'] = r.description;
  out['text'] = r.text;
  out['origin'] = r.origin;
  return out;
}

/** The normalised model as plain JSON (`portcullis model`): sets become CIDR and port lists. */
export function modelJson(devices: Device[], diagnostics: Diagnostic[] = []): Record<string, unknown> {
  return {
    devices: devices.map((d) => ({
      name: d.name,
      vendor: d.vendor,
      format: d.format,
      file: d.file,
      family: d.family,
      externalInterfaces: d.externalInterfaces,
      pipeline: d.pipeline,
      rulesets: Object.values(d.rulesets).map((rs) => ({
        name: rs.name,
        semantics: rs.semantics,
        defaultAction: rs.defaultAction,
        builtin: rs.builtin,
        origin: rs.origin,
        rules: rs.rules.map(rule),
      })),
      forwards: d.forwards.map((f) => ({
        ...(f.ruleId ? { ruleId: f.ruleId } : {}),
        protocols: protocols(f.protocols),
        externalPorts: ports(f.externalPorts),
        externalAddresses: f.externalAddresses.toCidrs(),
        ...(f.inInterface ? { inInterface: f.inInterface } : {}),
        sources: f.sources.toCidrs(),
        ...(f.internalAddresses ? { internalAddresses: f.internalAddresses.toCidrs() } : {}),
        ...(f.internalPorts ? { internalPorts: ports(f.internalPorts) } : {}),
        enabled: f.enabled,
        text: f.text,
        origin: f.origin,
      })),
    })),
    diagnostics,
  };
}
