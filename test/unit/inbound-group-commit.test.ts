/** Group commit (src/inbound/group-commit.ts): batching, per-item results, failures reach every caller of the batch. */
import { GroupCommit } from '../../src/inbound/group-commit';

describe('GroupCommit', () => {
  it('writes an idle item at once and the items that arrived meanwhile together, in order', async () => {
    const writes: number[][] = [];
    const g = new GroupCommit<number, string>({
      write: async (items) => {
        writes.push(items);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((i) => `r${i}`);
      },
    });
    const results = await Promise.all([1, 2, 3, 4].map((i) => g.submit(i)));
    expect(results).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(writes).toEqual([[1], [2, 3, 4]]);
    expect(g.stats).toEqual({ batches: 2, items: 4, largest: 3 });
  });

  it('a failed write rejects every caller of that batch, and the next batch is written', async () => {
    let fail = true;
    const g = new GroupCommit<number>({
      write: async () => {
        await new Promise((r) => setTimeout(r, 1));
        if (fail) throw new Error('store down');
      },
    });
    const first = [g.submit(1), g.submit(2), g.submit(3)];
    await expect(first[0]).rejects.toThrow('store down');
    await expect(first[1]).rejects.toThrow('store down');
    await expect(first[2]).rejects.toThrow('store down');
    fail = false;
    await expect(g.submit(4)).resolves.toBeUndefined();
  });

  it('caps a batch at maxBatch', async () => {
    const sizes: number[] = [];
    const g = new GroupCommit<number>({ maxBatch: 2, write: async (items) => void sizes.push(items.length) });
    await Promise.all([1, 2, 3, 4, 5].map((i) => g.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
  });
});
