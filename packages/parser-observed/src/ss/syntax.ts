/*
 * The vocabulary of `ss` (iproute2) socket tables: the Netid column's socket types and the
 * State column's TCP states. The vendor representation of a listing is a list of rows.
 */

/** Socket types `ss` prints in the Netid column (`ss -a` and any mix of `-t`, `-u`, `-x`, `-w`…). */
export const SS_NETIDS: ReadonlySet<string> = new Set([
  'tcp', 'udp', 'raw', 'mptcp', 'sctp', 'dccp', 'tipc', 'xdp', 'nl', 'p_raw', 'p_dgr',
  'u_str', 'u_dgr', 'u_seq', 'v_str', 'v_dgr', 'icmp6', '???',
]);

/** States ss prints; `UNCONN` is an unconnected (bound) socket, UDP's "listening". */
export const SS_STATES: ReadonlySet<string> = new Set([
  'LISTEN', 'UNCONN', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT',
  'CLOSE-WAIT', 'LAST-ACK', 'CLOSING', 'CLOSED', 'UNKNOWN',
]);

/** States only a TCP socket can be in: a listing without a Netid column that shows one is `-t`. */
export const TCP_ONLY_STATES: ReadonlySet<string> = new Set([
  'LISTEN', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING',
]);

export interface SsRow {
  line: number;
  /** Absent when the listing has no Netid column (a single socket type was asked for). */
  netid?: string;
  state: string;
  local: string;
  localColumn: number;
  peer: string;
  /** What follows the peer: `users:((…))`, `-e` details (`uid:0 ino:… sk:…`). */
  details: string;
}
