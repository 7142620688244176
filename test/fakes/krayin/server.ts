/**
 * The HTTP side of the fake: node:http server, request log, fault injection and the /__fake
 * control endpoints. The Krayin behaviour itself lives in pipeline.ts and resources/.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendWebhookCall } from './automation';
import { handleControl } from './control';
import { FaultStore, type FaultSpec } from './faults';
import { runPipeline, type Outgoing } from './pipeline';
import { buildRequest } from './request';
import { seedState } from './seed';
import type { State } from './state';
import { RateLimiter } from './throttle';

export interface ServerOptions {
  port: number;
  host: string;
  appDebug: boolean;
  token: string;
  rateLimit: number;
  timezone: string;
}

export interface FakeRequestLogEntry {
  method: string;
  /** Path after /api/v1 (the full path for requests outside the API). */
  path: string;
  query: Record<string, string>;
  /** 0 when the connection was dropped by a down/reset fault. */
  status: number;
  time: string;
  at: number;
  /** Parsed JSON request body. */
  body?: unknown;
  /** Fault kinds applied ("latency", "status", "latency,empty_200", ...). */
  fault?: string;
}

const API_PREFIX = '/api/v1';
const MAX_LOG = 10_000;

export class FakeServer {
  state: State;
  appDebug: boolean;
  rateLimit: number;
  readonly faults = new FaultStore();
  readonly limiter = new RateLimiter();
  private log: FakeRequestLogEntry[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;

  constructor(readonly options: ServerOptions) {
    this.appDebug = options.appDebug;
    this.rateLimit = options.rateLimit;
    this.state = seedState(options.timezone, options.token);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        console.error('[fake-krayin] request failed', e);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.server.close(() => resolve());
    });
  }

  /** Fresh seeded state, throttle buckets, faults and log; modes back to the start options. */
  reset(overrides: { appDebug?: boolean; rateLimit?: number } = {}): void {
    this.state = seedState(this.options.timezone, this.options.token);
    this.limiter.reset();
    this.faults.clear();
    this.log = [];
    this.appDebug = overrides.appDebug ?? this.options.appDebug;
    this.rateLimit = overrides.rateLimit ?? this.options.rateLimit;
  }

  addFaults(specs: FaultSpec[]): void {
    this.faults.add(specs);
  }

  requests(): FakeRequestLogEntry[] {
    return this.log.map((e) => ({ ...e, query: { ...e.query } }));
  }

  clearRequests(): void {
    this.log = [];
  }

  private record(e: Omit<FakeRequestLogEntry, 'time' | 'at'>): FakeRequestLogEntry {
    const at = Date.now();
    const entry: FakeRequestLogEntry = { ...e, time: new Date(at).toISOString(), at };
    if (entry.body === undefined) delete entry.body;
    if (entry.fault === undefined) delete entry.fault;
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.shift();
    return entry;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/__fake' || url.pathname.startsWith('/__fake/')) {
      const body = await readBody(req);
      const out = handleControl(this, method, url.pathname.slice('/__fake'.length), body);
      send(res, out);
      return;
    }
    const isApi = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const apiPath = isApi ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
    const decision = this.faults.take(method, apiPath);
    const query = Object.fromEntries(url.searchParams);
    if (decision.fault?.kind === 'down') {
      this.record({ method, path: apiPath, query, status: 0, fault: decision.label });
      req.socket.destroy();
      return;
    }
    const rawBody = await readBody(req);
    const kreq = buildRequest(method, url, apiPath, req.headers, rawBody, req.socket.remoteAddress ?? '127.0.0.1');
    const entry = this.record({
      method,
      path: apiPath,
      query,
      status: 0,
      body: kreq.loggedBody,
      fault: decision.label,
    });
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const out = runPipeline(
      {
        state: this.state,
        limiter: this.limiter,
        appDebug: this.appDebug,
        rateLimit: this.rateLimit,
        tz: this.options.timezone,
      },
      kreq,
      isApi,
      decision.fault,
    );
    entry.status = out.status;
    // Krayin calls workflow webhooks synchronously, inside the request, one after the other.
    for (const call of this.state.outbox.splice(0)) {
      this.state.webhookCalls.push(call);
      await sendWebhookCall(call);
    }
    send(res, out);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, out: Outgoing): void {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache, private', ...out.headers };
  headers['Content-Length'] = String(Buffer.byteLength(out.body));
  res.writeHead(out.status, headers);
  res.end(out.body);
}
