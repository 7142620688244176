/** The client registry follows the connections in force (settings changed without a restart). */
import { parseConfigObject } from '../../src/config/file';
import { UnknownConnectionError } from '../../src/sync/connections';
import { createConnectionRegistry } from '../../src/sync/create-registry';

const connection = (id: string, token = '1|tokenvalue1') => ({
  id,
  krayin: { url: `http://${id}.krayin.test/api/v1`, token },
  chatwoot: { url: 'https://chat.test', accountId: 1, apiToken: 'api', webhookSecret: 'secret' },
});

describe('ConnectionRegistry.sync', () => {
  it('adds, rebuilds changed, keeps unchanged and drops removed connections', () => {
    const config = parseConfigObject({ connections: [connection('a'), connection('b')] });
    const registry = createConnectionRegistry(config);
    const a = registry.get('a');
    const b = registry.get('b');
    const next = parseConfigObject({
      connections: [connection('a'), connection('b', '2|newtokenvalue'), connection('c')],
    });
    registry.sync(next.connections);
    expect(registry.get('a')).toBe(a);
    expect(registry.get('b')).not.toBe(b);
    expect(registry.get('b').krayin).not.toBe(b.krayin);
    expect(registry.get('b').config.krayin.token).toBe('2|newtokenvalue');
    expect(registry.get('c').config.krayin.url).toBe('http://c.krayin.test/api/v1');
    registry.sync([next.connections[2]!]);
    expect(registry.all().map((rt) => rt.config.id)).toEqual(['c']);
    expect(() => registry.get('a')).toThrow(UnknownConnectionError);
  });
});
