/**
 * Fails a connection's Krayin calls at once while its token is known to be refused (see
 * connection-health.ts): the sync parks with the auth reason without another 401 round trip. `blocked`
 * may read the block shared by every replica (a cached store read).
 */
import type { KrayinApi } from '../krayin/api';
import { KrayinAuthError } from '../krayin/errors';

export function guardKrayin(api: KrayinApi, blocked: () => boolean | Promise<boolean>): KrayinApi {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (await blocked()) {
          throw new KrayinAuthError(
            'any Krayin call',
            401,
            'Krayin refused the API token earlier; calls of this connection wait until it works again',
          );
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
