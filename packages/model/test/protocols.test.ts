import { describe, expect, it } from 'vitest';
import { protocolNumber } from '@portcullis/model';

describe('protocolNumber', () => {
  it('reads names and numbers, and nothing a plain object inherits', () => {
    expect(protocolNumber('TCP')).toBe(6);
    expect(protocolNumber(' udp ')).toBe(17);
    expect(protocolNumber('132')).toBe(132);
    expect(protocolNumber('256')).toBeUndefined();
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(protocolNumber(name)).toBeUndefined();
  });
});
