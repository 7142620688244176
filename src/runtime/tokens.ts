/** The bearer tokens a process serves with: the admin token and a worker's metrics token. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors';
import type { AppConfig } from '../config/schema';

export interface AdminToken {
  token: string;
  /** Where a generated token is kept (null when ADMIN_TOKEN is configured). */
  file: string | null;
}

/**
 * The admin token: ADMIN_TOKEN, else (embedded installs) one generated once per data dir and kept in
 * <dataDir>/admin-token (mode 0600), where the CLI finds it.
 */
export function adminTokenFor(config: AppConfig): AdminToken {
  if (config.adminToken) return { token: config.adminToken, file: null };
  const dataDir = path.resolve(config.dataDir);
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), file };
  fs.mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

/**
 * The token of a worker's metrics port (METRICS_PORT): METRICS_TOKEN, else ADMIN_TOKEN. A worker has
 * no data dir token to fall back on, and metrics are never served open, so a port without either is a
 * configuration error.
 */
export function workerMetricsTokenFor(config: AppConfig): string | undefined {
  if (!config.metrics.port) return undefined;
  const token = config.metrics.token ?? config.adminToken;
  if (!token) {
    throw new ConfigError([
      {
        field: 'METRICS_PORT',
        message: 'needs METRICS_TOKEN (or ADMIN_TOKEN): metrics are never served without a token',
      },
    ]);
  }
  return token;
}
