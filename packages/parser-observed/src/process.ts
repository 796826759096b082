/*
 * The process that owns a socket, in one shape for every tool: `sshd (pid 812)`, several names
 * joined by commas, several pids of one name grouped: `nginx (pid 10, 11)`.
 */

export interface SocketOwner {
  name?: string;
  pid?: string;
}

export function describeOwners(owners: readonly SocketOwner[]): string | undefined {
  const byName = new Map<string, string[]>();
  for (const { name, pid } of owners) {
    const key = name ?? '';
    const pids = byName.get(key) ?? [];
    if (pid !== undefined && !pids.includes(pid)) pids.push(pid);
    byName.set(key, pids);
  }
  const parts: string[] = [];
  for (const [name, pids] of byName) {
    const pidText = pids.length > 0 ? `pid ${pids.join(', ')}` : '';
    if (name && pidText) parts.push(`${name} (${pidText})`);
    else if (name || pidText) parts.push(name || pidText);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * The owners in ss's process column: `users:(("sshd",pid=812,fd=3),("sshd",pid=900,fd=3))`, or
 * the old form without labels `users:(("sshd",812,3))`. A name is whatever stands between `("`
 * and the `",` that follows it (ss does not escape quotes in names). Linear in the text.
 */
export function readSsUsers(text: string): SocketOwner[] | undefined {
  const start = text.indexOf('users:(');
  if (start < 0) return undefined;
  const owners: SocketOwner[] = [];
  let i = start + 'users:('.length;
  for (;;) {
    const open = text.indexOf('("', i);
    if (open < 0) break;
    const close = text.indexOf('",', open + 2);
    if (close < 0) break;
    const owner: SocketOwner = { name: text.slice(open + 2, close) };
    let j = close + 2;
    if (text.startsWith('pid=', j)) j += 4;
    let k = j;
    while (k < text.length && k - j < 10 && text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39) k++;
    if (k > j) owner.pid = text.slice(j, k);
    owners.push(owner);
    i = k;
  }
  return owners;
}
