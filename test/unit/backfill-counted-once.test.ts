import { CountedOnce, backfillRunKey } from '../../src/backfill/counted-once';

describe('CountedOnce', () => {
  it('counts an outcome once per connection, run and contact', () => {
    const c = new CountedOnce();
    expect(c.first('default', 'audit:7', 1)).toBe(true);
    expect(c.first('default', 'audit:7', 1)).toBe(false);
    expect(c.first('default', 'audit:7', 2)).toBe(true);
    expect(c.first('default', 'audit:9', 1)).toBe(true);
    expect(c.first('acme', 'audit:7', 1)).toBe(true);
  });

  it('forgets the oldest keys beyond its bound', () => {
    const c = new CountedOnce(2);
    expect(c.first('default', 'r', 1)).toBe(true);
    expect(c.first('default', 'r', 2)).toBe(true);
    expect(c.first('default', 'r', 3)).toBe(true); // 1 forgotten
    expect(c.first('default', 'r', 3)).toBe(false);
    expect(c.first('default', 'r', 1)).toBe(true);
  });

  it('keys a real run by its audit watermark (shared by page and settle), a dry run by its run key', () => {
    expect(backfillRunKey(false, 'run-a', 42)).toBe('audit:42');
    expect(backfillRunKey(false, 'run-b', 42)).toBe('audit:42');
    expect(backfillRunKey(true, 'run-a', undefined)).toBe('dry:run-a');
  });
});
