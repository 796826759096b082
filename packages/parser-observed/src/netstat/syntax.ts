/*
 * The vocabulary of netstat's connection tables: Windows (`netstat -ano`, `-an`, `-anob`) and
 * Linux net-tools (`netstat -tulpn`, `-atunp`, `-e`). The vendor representation is a list of rows.
 */

/**
 * Windows prints the state in the system's language. These words mean a listening socket: English,
 * German, Spanish, French, Portuguese, Italian. Best effort: any other word next to an unspecified
 * foreign address (`0.0.0.0:0`) is reported, since BOUND sockets look the same and listen to nothing.
 */
export const WINDOWS_LISTENING: ReadonlySet<string> = new Set(['LISTENING', 'ABHÖREN', 'ESCUCHANDO', 'ÉCOUTE', 'ECOUTE', 'OUVINDO', 'IN ASCOLTO']);

/** Windows states that are not listening (English, and German where it differs). */
export const WINDOWS_OTHER: ReadonlySet<string> = new Set([
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECEIVED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSE_WAIT',
  'CLOSING', 'LAST_ACK', 'CLOSED', 'BOUND', 'DELETE_TCB',
  'HERGESTELLT', 'WARTEND', 'SCHLIESSEN_WARTEN', 'SYN_GESENDET', 'SYN_EMPFANGEN', 'GESCHLOSSEN', 'GEBUNDEN',
  'ESTABLECIDO', 'ÉTABLI', 'ESTABELECIDA', 'STABILITO',
]);

/** Linux net-tools TCP states (`/proc/net/tcp` names). UDP rows show ESTABLISHED or nothing. */
export const LINUX_STATES: ReadonlySet<string> = new Set([
  'LISTEN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'UNKNOWN',
]);

/** Linux protocols; only TCP and UDP sockets can be reached on a port. */
export const LINUX_PROTOCOLS: ReadonlyMap<string, 'tcp' | 'udp' | 'other'> = new Map([
  ['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp'], ['udpl', 'other'], ['udpl6', 'other'],
  ['raw', 'other'], ['raw6', 'other'], ['unix', 'other'], ['sctp', 'other'], ['sctp6', 'other'],
]);

/** Section titles both netstats print above their tables. */
export const TITLES: readonly string[] = [
  'Active Connections', 'Aktive Verbindungen', 'Connexions actives', 'Conexiones activas', 'Conexões ativas',
  'Connessioni attive', 'Active Internet connections', 'Active UNIX domain sockets', 'Active Bluetooth connections',
];

/** What the Linux tool says on stderr when it cannot show every process (often captured with 2>&1). */
export const LINUX_NOTICES: readonly string[] = [
  '(Not all processes could be identified', 'will not be shown, you would have to be root', '(No info could be read for',
];

/** The Windows tool's line under a row, in `-b` output, when it may not see the owner. */
export const WINDOWS_NO_OWNER = 'Can not obtain ownership information';

export interface NetstatRow {
  line: number;
  dialect: 'windows' | 'linux';
  protocol: 'tcp' | 'udp';
  local: string;
  localColumn: number;
  foreign: string;
  /** As written (Windows states may be two words: `IN ASCOLTO`); absent on UDP rows. */
  state?: string;
  stateColumn?: number;
  pid?: string;
  /** Linux `PID/Program name`'s program, or the Windows `-b` executable under the row. */
  program?: string;
}
