/** The connection label follows a changing list (the catalog's): added ids pass, removed ones become "other". */
import { connectionLabeler, OTHER } from '../../src/metrics';

describe('connectionLabeler with the connections in force', () => {
  it('follows the list handed back at each call', () => {
    let list: readonly string[] = ['default'];
    const label = connectionLabeler(() => list);
    expect(label('default')).toBe('default');
    expect(label('added')).toBe(OTHER);
    list = ['default', 'added'];
    expect(label('added')).toBe('added');
    list = ['added'];
    expect(label('default')).toBe(OTHER);
    expect(label('added')).toBe('added');
    // Still no free text or over-long values.
    expect(label('someone@example.com')).toBe(OTHER);
  });
});
