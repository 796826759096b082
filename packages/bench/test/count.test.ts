import { describe, expect, it } from 'vitest';
import { countCommand, readCountSummary } from '../src/count.js';

// What cachegrind 3.19 writes to standard error at the end of `node -e 0` with --cache-sim=yes.
const SUMMARY = `==3475== Cachegrind, a cache and branch-prediction profiler
==3475== I   refs:      501,817,558
==3475== I1  misses:      1,240,628
==3475== LLi misses:         31,415
==3475== I1  miss rate:        0.25%
==3475== LLi miss rate:        0.01%
==3475==
==3475== D   refs:      186,709,488  (123,658,128 rd   + 63,051,360 wr)
==3475== D1  misses:      2,181,270  (  1,838,083 rd   +    343,187 wr)
==3475== LLd misses:        140,760  (     45,704 rd   +     95,056 wr)
==3475== D1  miss rate:         1.2% (        1.5%     +        0.5%  )
==3475== LLd miss rate:         0.1% (        0.0%     +        0.2%  )
==3475==
==3475== LL refs:         3,421,898  (  3,078,711 rd   +    343,187 wr)
==3475== LL misses:         172,175  (     77,119 rd   +     95,056 wr)
==3475== LL miss rate:          0.0% (        0.0%     +        0.2%  )
`;

describe('counting a case under cachegrind', () => {
  it('reads instructions, first-level data misses and last-level misses from the summary', () => {
    expect(readCountSummary(SUMMARY)).toEqual({
      instructions: 501_817_558,
      d1Misses: 2_181_270,
      llMisses: 172_175,
      estimate: 501_817_558 + 10 * 2_181_270 + 100 * 172_175,
    });
  });

  it('gives nothing when the run wrote no summary (valgrind stopped, or the tool was another)', () => {
    expect(readCountSummary('valgrind: failed to start tool for platform')).toBeUndefined();
    expect(readCountSummary(SUMMARY.replace(/^.*LL misses.*$/m, ''))).toBeUndefined();
  });

  it('runs Node single-threaded and predictable, with its arguments after the flags', () => {
    const { cmd, args } = countCommand('/usr/bin/node', ['cli.js', 'scan', 'x']);
    expect(cmd).toBe('valgrind');
    expect(args.slice(args.indexOf('/usr/bin/node'))).toEqual(['/usr/bin/node', '--single-threaded', '--predictable', 'cli.js', 'scan', 'x']);
    expect(args).toContain('--smc-check=all-non-file');
  });
});
