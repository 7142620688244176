/**
 * Test-only TLS front ends for the plain Temporal dev server, standing in for a production cluster or
 * Temporal Cloud:
 *  - tlsPassThrough: terminates TLS (optionally requiring a client certificate) and pipes the bytes to
 *    the dev server;
 *  - apiKeyGateway: terminates TLS and HTTP/2, records each call's `authorization` header, refuses a
 *    wrong one with gRPC UNAUTHENTICATED, and forwards the others as HTTP/2 to the dev server.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';

export interface RunningProxy {
  address: string;
  close(): Promise<void>;
}

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

function listening(server: net.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as net.AddressInfo).port}`)),
  );
}

export async function tlsPassThrough(
  upstream: string,
  opts: { cert: string; key: string; requireClientCertFrom?: string },
): Promise<RunningProxy> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: opts.cert,
      key: opts.key,
      ALPNProtocols: ['h2'],
      ...(opts.requireClientCertFrom
        ? { requestCert: true, rejectUnauthorized: true, ca: opts.requireClientCertFrom }
        : {}),
    },
    (client) => {
      const server = net.connect(hostPort(upstream));
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      const end = () => {
        client.destroy();
        server.destroy();
      };
      client.on('error', end).on('close', end);
      server.on('error', end).on('close', end);
    },
  );
  server.on('tlsClientError', () => undefined);
  const address = await listening(server);
  return {
    address,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const HOP_HEADERS = new Set([':method', ':path', ':scheme', ':authority', ':status', 'connection', 'host']);

function forwardable(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_HEADERS.has(k)));
}

export async function apiKeyGateway(
  upstream: string,
  opts: { cert: string; key: string; apiKey: string },
): Promise<RunningProxy & { authorizations: string[] }> {
  const authorizations: string[] = [];
  const up = http2.connect(`http://${upstream}`);
  up.on('error', () => undefined);
  const server = http2.createSecureServer({ cert: opts.cert, key: opts.key });
  server.on('stream', (stream, headers) => {
    const authorization = String(headers.authorization ?? '');
    authorizations.push(authorization);
    if (authorization !== `Bearer ${opts.apiKey}`) {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'invalid API key' },
        { endStream: true },
      );
      return;
    }
    const call = up.request({ ':method': 'POST', ':path': headers[':path'], ...forwardable(headers) });
    let trailers: http2.OutgoingHttpHeaders = {};
    call.on('response', (h) => stream.respond({ ':status': 200, ...forwardable(h) }, { waitForTrailers: true }));
    call.on('trailers', (t) => (trailers = forwardable(t)));
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(call);
    call.pipe(stream);
    call.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('error', () => call.close(http2.constants.NGHTTP2_CANCEL));
  });
  server.on('sessionError', () => undefined);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => sessions.add(s));
  const address = await listening(server);
  return {
    address,
    authorizations,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        up.destroy();
        server.close(() => resolve());
      }),
  };
}
