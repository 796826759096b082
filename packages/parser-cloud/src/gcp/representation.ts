import type { Origin } from '@portcullis/model';
import type { Maybe } from '../common/unresolved.js';

/*
 * GCP VPC firewall rules as Terraform (`google_compute_firewall`) and `gcloud compute
 * firewall-rules list --format=json` state them.
 */

export interface GcpProtocolEntry {
  /** `tcp`, `udp`, `icmp`, `all`, a number… */
  protocol: Maybe<string>;
  /** Absent or empty: every port. */
  ports: Maybe<string>[];
}

export interface GcpFirewallRule {
  origin: Origin;
  name: string;
  format: string;
  /** The network's name (the last part of a URL), or the reference to it. */
  network: Maybe<string>;
  direction: Maybe<string>;
  priority: Maybe<number>;
  action: 'allow' | 'deny';
  entries: GcpProtocolEntry[];
  /** Undefined when not given (then the default source applies if no tags or accounts are given). */
  sourceRanges?: Maybe<string>[];
  sourceTags: Maybe<string>[];
  sourceServiceAccounts: Maybe<string>[];
  destinationRanges?: Maybe<string>[];
  targetTags: Maybe<string>[];
  targetServiceAccounts: Maybe<string>[];
  disabled: Maybe<boolean>;
  description?: string;
}
