/*
 * The vendor representation of an nmap XML report (`nmap -oX`, DTD version 1.05): only the
 * elements Portcullis reads, each with the line it starts on. Attribute values stay as written.
 */

export interface NmapRun {
  line: number;
  /** The command line nmap was run with (`args`). */
  args?: string;
  version?: string;
  scanInfo: ScanInfo[];
  hosts: NmapHost[];
  /** `<runstats><hosts down="n">`: hosts found down, listed or not. */
  hostsDown?: { count: string; line: number };
  /** `<runstats><finished exit="error" errormsg="…">`. */
  failure?: { message: string; line: number };
}

export interface ScanInfo {
  line: number;
  type?: string;
  protocol?: string;
  services?: string;
}

export interface NmapHost {
  line: number;
  status?: { state: string; reason?: string; line: number };
  addresses: { addr: string; type: string; line: number }[];
  hostnames: { name: string; type?: string; line: number }[];
  ports: NmapPort[];
  extraPorts: ExtraPorts[];
}

export interface NmapPort {
  line: number;
  protocol?: string;
  portid?: string;
  state?: { state?: string; reason?: string; line: number };
  service?: NmapService;
}

export interface NmapService {
  line: number;
  name?: string;
  product?: string;
  version?: string;
  extrainfo?: string;
  /** `ssl` when nmap found the service inside TLS. */
  tunnel?: string;
}

/** `<extraports state="closed" count="995">`: ports in one state that nmap does not list one by one. */
export interface ExtraPorts {
  line: number;
  state?: string;
  count?: string;
  reasons: { reason?: string; count?: string; proto?: string; ports?: string; line: number }[];
}

/** The port states nmap reports (`man nmap`, "Port Scanning Basics"). */
export const PORT_STATES = ['open', 'closed', 'filtered', 'open|filtered', 'closed|filtered', 'unfiltered'] as const;
export type PortState = (typeof PORT_STATES)[number];
