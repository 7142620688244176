/** Listening and closing HTTP servers, and the message of a port already taken. */
import http from 'node:http';
import { PortInUseError } from '../dev/temporal-dev-server';

export function listen(
  app: http.RequestListener,
  port: number,
  host: string,
  role: 'http' | 'metrics',
): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, role) : err),
    );
    server.listen(port, host, () => resolve(server));
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export function boundPort(server: http.Server): number {
  return (server.address() as { port: number }).port;
}

const PORT_VARIABLES: Record<PortInUseError['role'], string> = {
  temporal: 'TEMPORAL_DEV_PORT',
  'temporal-ui': 'TEMPORAL_UI_PORT',
  http: 'PORT',
  metrics: 'METRICS_PORT',
};

/** Names the variable to change: the usual cause is a second instance (or another program) on the port. */
export function explainStartError(err: unknown): unknown {
  if (!(err instanceof PortInUseError)) return err;
  return new Error(
    `${err.message} (another chatwoot-krayin-sync or another program listens there): ` +
      `stop it, or set ${PORT_VARIABLES[err.role]} to a free port`,
  );
}
