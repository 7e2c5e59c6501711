import { BatchedReads } from '../../src/revocation/batched-reads.js';

describe('BatchedReads: the reads of one event-loop turn leave as one multi-key read', () => {
  const store = new Map([
    ['a', '1'],
    ['b', 'revoked'],
  ]);

  it('sends each key once per turn and hands every caller its own keys, in its own order', async () => {
    const sent: string[][] = [];
    const reads = new BatchedReads(async (keys) => {
      sent.push(keys);
      return keys.map((k) => store.get(k) ?? null);
    });
    const answers = await Promise.all([reads.read(['a', 'b']), reads.read(['b', 'c', 'a']), reads.read(['a'])]);
    expect(sent).toEqual([['a', 'b', 'c']]);
    expect(answers).toEqual([['1', 'revoked'], ['revoked', null, '1'], ['1']]);
    // A later turn is a new read: nothing is remembered between turns.
    store.set('a', '2');
    expect(await reads.read(['a'])).toEqual(['2']);
    expect(sent).toEqual([['a', 'b', 'c'], ['a']]);
  });

  it('a failed read fails every caller of that turn, and the next turn tries again', async () => {
    let fail = true;
    const reads = new BatchedReads(async (keys) => {
      if (fail) throw new Error('connection lost');
      return keys.map(() => null);
    });
    const results = await Promise.allSettled([reads.read(['a']), reads.read(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await reads.read(['a'])).toEqual([null]);
  });
});
