/**
 * A loopback HTTP proxy in front of the real Krayin that logs every request the service sends it
 * (method, path after /api/v1, answer status, when), the way the fake Krayin's request log does, so the
 * two can be compared call for call. Bodies pass through untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  method: string;
  /** Path after /api/v1, without the query (as the fake logs it). */
  path: string;
  query: Record<string, string>;
  status: number;
  /** ISO time of arrival (as the fake logs it). */
  time: string;
  /** When the request arrived and when its answer was complete (epoch ms). */
  at: number;
  answeredAt: number;
  /** Retry-After of a 429, in seconds. */
  retryAfter?: number;
}

export interface CountingProxy {
  apiBase: string;
  calls(): ProxiedCall[];
  clear(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetApiBase: string): Promise<CountingProxy> {
  const target = new URL(targetApiBase);
  const prefix = target.pathname.replace(/\/$/, '');
  const log: ProxiedCall[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  const server = http.createServer((req, res) => {
    const at = Date.now();
    const url = req.url ?? '/';
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: url,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          const parsed = new URL(url, 'http://proxy');
          const entry: ProxiedCall = {
            method: req.method ?? 'GET',
            path: parsed.pathname.slice(prefix.length) || '/',
            query: Object.fromEntries(parsed.searchParams),
            status: answer.statusCode ?? 0,
            time: new Date(at).toISOString(),
            at,
            answeredAt: Date.now(),
          };
          const retryAfter = Number(answer.headers['retry-after']);
          if (answer.statusCode === 429 && Number.isFinite(retryAfter)) entry.retryAfter = retryAfter;
          log.push(entry);
        });
      },
    );
    upstream.on('error', () => {
      const time = new Date(at).toISOString();
      log.push({ method: req.method ?? 'GET', path: url, query: {}, status: 0, time, at, answeredAt: Date.now() });
      res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}${prefix}`,
    calls: () => [...log].sort((a, b) => a.at - b.at),
    clear: () => void log.splice(0),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
