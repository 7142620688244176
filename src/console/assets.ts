/**
 * Static files of the console: our own stylesheet and scripts (src/console/public, copied next to the
 * compiled code by `npm run build`) and the two libraries, served from node_modules at the versions
 * package.json pins. Nothing is built at run time.
 */
import path from 'node:path';
import express, { type Router } from 'express';

/** File name served -> [package, file inside the package] (Chart.js's exports map hides dist/, so we go by its folder). */
const VENDOR: Record<string, [string, string]> = {
  'htmx.min.js': ['htmx.org', 'dist/htmx.min.js'],
  'chart.umd.min.js': ['chart.js', 'dist/chart.umd.min.js'],
};

/** The package's folder: the entry point's path cut at node_modules/<package>/. */
function packageDir(name: string): string {
  const entry = require.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length);
}

export const CONSOLE_PUBLIC_DIR = path.join(__dirname, 'public');

export function consoleAssets(): Router {
  const router = express.Router();
  for (const [name, [pkg, inside]] of Object.entries(VENDOR)) {
    const file = path.join(packageDir(pkg), inside);
    router.get(`/${name}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendFile(file);
    });
  }
  router.use(express.static(CONSOLE_PUBLIC_DIR, { index: false, fallthrough: false, maxAge: 0 }));
  return router;
}
