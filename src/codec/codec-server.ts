/**
 * Codec server for the Temporal Web UI and CLI (Temporal's remote codec protocol): POST <base>/encode and
 * POST <base>/decode with `{payloads: [{metadata: {k: base64}, data: base64}]}`.
 *
 * /decode turns ciphertext back into PII, so it is never open: every POST needs a bearer token (the
 * static admin token, or one accepted by `verifyToken`, e.g. the UI user's access token when the UI runs
 * with TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true). Browsers reach it cross-origin, so CORS is answered for the
 * configured UI origins only.
 *
 * The Temporal Web UI cannot add a bearer token of ours (it only forwards an OIDC user's access token),
 * so an optional second token may be carried in the path instead: `<base>/<uiPathToken>/decode`. The
 * operator opts in knowing that whoever can open that UI can then read decoded payloads.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { assertStrongToken, bearerTokenOf, tokensEqual } from './bearer-auth';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './errors';
import { codecRequestSchema, payloadFromJson, payloadToJson } from './json-payloads';

export interface CodecServerLogger {
  warn(fields: object, msg?: string): void;
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Static admin token (>= 16 characters) for `Authorization: Bearer <token>`. */
  token: string;
  /**
   * Optional token (>= 16 characters) accepted in the path, `<base>/<uiPathToken>/{encode,decode}`, without
   * an Authorization header: the codec endpoint to give a Temporal UI that has no OIDC.
   */
  uiPathToken?: string;
  /** Extra verifier for other bearer tokens (e.g. OIDC access tokens the Temporal UI passes through). */
  verifyToken?: (token: string, req: Request) => boolean | Promise<boolean>;
  /** Exact origins of Temporal UIs allowed to call from a browser, e.g. "http://localhost:8233". */
  allowedOrigins?: readonly string[];
  /** Mount point of the two endpoints; default "/codec". */
  basePath?: string;
  /** Max request body; the UI batches a page of history events. Default "8mb". */
  bodyLimit?: string;
  logger?: CodecServerLogger;
}

export const CODEC_ALLOWED_HEADERS = 'content-type, x-namespace, authorization';

type Operation = 'encode' | 'decode';

export function createCodecRouter(opts: CodecServerOptions): Router {
  assertStrongToken(opts.token, 'the codec server token');
  if (opts.uiPathToken !== undefined) assertStrongToken(opts.uiPathToken, 'the codec UI path token');
  const base = (opts.basePath ?? '/codec').replace(/\/+$/, '');
  const origins = new Set(opts.allowedOrigins ?? []);
  const router = express.Router();

  const cors = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next(); // CLI, curl, server-to-server
    if (!origins.has(origin)) {
      res.status(403).json({ error: 'forbidden', reason: 'origin_not_allowed' });
      return;
    }
    res.vary('Origin');
    res.setHeader('Access-Control-Allow-Origin', origin);
    // The UI may send cookies (TEMPORAL_CODEC_INCLUDE_CREDENTIALS); safe because the origin is exact.
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    next();
  };

  const preflight = (_req: Request, res: Response) => {
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', CODEC_ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerTokenOf(req.headers.authorization);
    let ok = token !== null && tokensEqual(token, opts.token);
    if (!ok && token !== null && opts.verifyToken) {
      try {
        ok = await opts.verifyToken(token, req);
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      opts.logger?.warn({ reason: token === null ? 'missing_token' : 'bad_token' }, 'codec server refused a request');
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: 'unauthorized', reason: token === null ? 'missing_token' : 'bad_token' });
      return;
    }
    next();
  };

  /** The path token stands in for the bearer header; a wrong one is answered like a wrong bearer token. */
  const authenticatePath = (req: Request, res: Response, next: NextFunction) => {
    const given = req.params.uiPathToken;
    if (typeof given === 'string' && opts.uiPathToken !== undefined && tokensEqual(given, opts.uiPathToken))
      return next();
    opts.logger?.warn({ reason: 'bad_token' }, 'codec server refused a request');
    res.status(401).json({ error: 'unauthorized', reason: 'bad_token' });
  };

  const handle = (op: Operation) => async (req: Request, res: Response) => {
    const parsed = codecRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', reason: 'invalid_payloads' });
      return;
    }
    const payloads: Payload[] = parsed.data.payloads.map(payloadFromJson);
    const out = op === 'encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
    res.json({ payloads: out.map(payloadToJson) });
  };

  const json = express.json({ limit: opts.bodyLimit ?? '8mb', type: ['application/json', 'application/*+json'] });
  for (const op of ['encode', 'decode'] as const) {
    const path = `${base}/${op}`;
    router.options(path, cors, preflight);
    router.post(path, cors, authenticate, json, handle(op));
    if (opts.uiPathToken !== undefined) {
      const tokenPath = `${base}/:uiPathToken/${op}`;
      router.options(tokenPath, cors, preflight);
      router.post(tokenPath, cors, authenticatePath, json, handle(op));
    }
  }
  router.use(base, codecErrorHandler(opts.logger));
  return router;
}

/** Answers in JSON with a reason; never echoes the body, a key, or an exception message with payload data. */
function codecErrorHandler(logger: CodecServerLogger | undefined) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser errors: size, JSON syntax, charset/content-encoding, aborted upload.
      if (status === 413) res.status(413).json({ error: 'payload_too_large', reason: 'body_too_large' });
      else if (status === 415)
        res.status(415).json({ error: 'unsupported_media_type', reason: 'unsupported_encoding' });
      else res.status(400).json({ error: 'bad_request', reason: 'invalid_json' });
    } else if (err instanceof UnknownEncryptionKeyError) {
      logger?.warn({ reason: 'unknown_key_id', keyId: err.keyId }, 'codec server could not decode');
      res.status(422).json({ error: 'decode_failed', reason: 'unknown_key_id', keyId: err.keyId });
    } else if (err instanceof PayloadDecryptionError) {
      logger?.warn({ reason: 'decryption_failed', keyId: err.keyId }, 'codec server could not decode');
      res.status(422).json({ error: 'decode_failed', reason: 'decryption_failed', keyId: err.keyId });
    } else {
      logger?.warn({ reason: 'internal_error', error: err instanceof Error ? err.name : typeof err }, 'codec error');
      res.status(500).json({ error: 'internal', reason: 'internal_error' });
    }
  };
}
