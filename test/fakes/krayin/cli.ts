/**
 * Standalone fake Krayin:
 *   npm run fake:krayin -- --port 4010 [--host 127.0.0.1] [--app-debug true|false] [--token <id|secret>]
 *                          [--rate-limit 60] [--timezone UTC]
 * Prints "listening on http://<host>:<port>" then "token <token>" when ready; the API is under
 * /api/v1 and the control endpoints under /__fake. Exits cleanly on SIGINT/SIGTERM.
 */
import { startFakeKrayin, type FakeKrayinOptions } from './index';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: fake-krayin [--port <n>] [--host <addr>] [--app-debug true|false] [--token <id|secret>] [--rate-limit <n>] [--timezone <tz>]\n`,
  );
  process.exit(2);
}

export function parseArgs(argv: string[]): FakeKrayinOptions {
  const opts: FakeKrayinOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`missing value for ${flag}`);
      return v;
    };
    const int = (v: string) => {
      if (!/^\d+$/.test(v)) usage(`${flag} needs a non-negative integer, got ${v}`);
      return Number(v);
    };
    switch (flag) {
      case '--port':
        opts.port = int(value());
        break;
      case '--host':
        opts.host = value();
        break;
      case '--app-debug': {
        const v = value();
        if (v !== 'true' && v !== 'false') usage('--app-debug takes true or false');
        opts.appDebug = v === 'true';
        break;
      }
      case '--token':
        opts.token = value();
        break;
      case '--rate-limit':
        opts.rateLimit = int(value());
        break;
      case '--timezone':
        opts.timezone = value();
        break;
      case '--help':
        usage('fake Krayin 2.1.2 (krayin/rest-api 2.1.1)');
        break;
      default:
        usage(`unknown option ${arg}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const fake = await startFakeKrayin(parseArgs(process.argv.slice(2)));
  process.stdout.write(`listening on ${fake.url}\ntoken ${fake.token}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`fake Krayin failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
