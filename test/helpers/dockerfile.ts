/**
 * Reads the final stage of the Dockerfile (the image that runs), so tests follow the file instead of
 * repeating it: its COPY --from lines, ENV, WORKDIR, USER, VOLUME, RUN, ENTRYPOINT and CMD.
 * One instruction per line; no line continuations in the final stage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ImageStage {
  workdir: string;
  user: string | null;
  env: Record<string, string>;
  volumes: string[];
  run: string[];
  /** COPY --from=<stage> <source> <dest>: source in the build stage, dest in the image. */
  copies: { from: string; source: string; dest: string }[];
  entrypoint: string[];
  cmd: string[];
  /** WORKDIR of the stage the files are copied from. */
  buildWorkdir: string;
}

export function readImageStage(file: string): ImageStage {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const froms = lines.flatMap((l, i) => (/^FROM\s/i.test(l) ? [i] : []));
  const last = froms[froms.length - 1];
  if (last === undefined) throw new Error(`${file} has no FROM`);
  const build = lines.slice(froms[froms.length - 2] ?? 0, last);
  const final = lines.slice(last + 1);
  const stage: ImageStage = {
    workdir: '/',
    user: null,
    env: {},
    volumes: [],
    run: [],
    copies: [],
    entrypoint: [],
    cmd: [],
    buildWorkdir: build.flatMap((l) => /^WORKDIR\s+(\S+)/i.exec(l)?.[1] ?? []).pop() ?? '/',
  };
  for (const line of final) {
    const [, op = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (op.toUpperCase()) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, rest);
        break;
      case 'USER':
        stage.user = rest;
        break;
      case 'ENV':
        for (const m of rest.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1]!] = m[2]!;
        break;
      case 'VOLUME':
        stage.volumes.push(...(rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/)));
        break;
      case 'RUN':
        stage.run.push(rest);
        break;
      case 'COPY': {
        const m = /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(rest);
        if (!m) throw new Error(`the final stage copies only from the build stage: ${line}`);
        stage.copies.push({ from: m[1]!, source: m[2]!, dest: m[3]! });
        break;
      }
      case 'ENTRYPOINT':
        stage.entrypoint = JSON.parse(rest) as string[];
        break;
      case 'CMD':
        stage.cmd = JSON.parse(rest) as string[];
        break;
    }
  }
  return stage;
}
