/**
 * Code comments cite this repository's own docs, never `../shared` (which is not part of the repository,
 * issue 10): a fact a comment relies on lives in src/krayin/README.md, src/chatwoot/README.md or docs/.
 *
 * In src/, workflows/ and activities/, a comment may not name a `.md` file that is not in the repository
 * (`krayin-api.md`, `../shared/design.md`), a path that leaves the repository, the ../shared corpora, or
 * a `§` section without the document it belongs to. Everywhere (test/ and bench/ too), a cited section
 * (`src/krayin/README.md §4`) must exist as a heading of that document, so renumbering a doc cannot
 * silently strand its citations. Tests may still name the corpora they read (../shared/krayin-contract).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const STRICT_DIRS = ['src', 'workflows', 'activities'];
const CITING_DIRS = [...STRICT_DIRS, 'test', 'bench'];

/** Files allowed to cite ../shared: none (issue 10 moved every cited fact into the repository's docs). */
const ALLOWED_UNTIL_MOVED = new Set<string>([]);

/** Files that may hold a violation or a citation; parsing every file would cost seconds, most cite nothing. */
const MAY_VIOLATE = /§|\.md\b|\.\.\/(?![\w./-]*['"])|krayin-contract|krayin-samples|krayin-real|chatwoot-fixtures/;
const MAY_CITE_SECTION = /§/;
/** The ../shared corpora, by name: tests read them, product code never cites them. */
const CORPORA = /\b(krayin-contract|krayin-samples|krayin-real|chatwoot-fixtures)\b/;
/** `some/doc.md §4`, `doc.md §4, §7, §9-§13`, `doc.md §1-2`. */
const CITATION = /([\w./-]+\.md)\s+§\s?(\d+(?:\.\d+)?(?:\s*(?:,|-|–|and)\s*§?\s?\d+(?:\.\d+)?)*)/g;
const MD_PATH = /(?:^|[^\w./-])((?:\.{1,2}\/)*[\w./-]*?[\w-]+\.md)\b/g;
const RELATIVE_PATH = /(?:^|[^\w.])((?:\.\.\/)+[\w./-]+)/g;

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.split(path.sep).includes('node_modules'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'));
}

/** Every comment of a TypeScript source: each is leading trivia of a token or trailing trivia of one. */
export function commentsOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const seen = new Map<number, string>();
  const visit = (node: ts.Node) => {
    const leading = ts.getLeadingCommentRanges(text, node.pos) ?? [];
    const trailing = ts.getTrailingCommentRanges(text, node.end) ?? [];
    for (const range of [...leading, ...trailing]) seen.set(range.pos, text.slice(range.pos, range.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return [...seen.entries()].sort(([a], [b]) => a - b).map(([, comment]) => comment);
}

/** A path named in a comment of `file`: repository-root relative, or relative to the file's folder. */
function resolveInRepo(file: string, named: string): string | null {
  const candidates = named.startsWith('.')
    ? [path.resolve(ROOT, path.dirname(file), named)]
    : [path.resolve(ROOT, named), path.resolve(ROOT, path.dirname(file), named)];
  for (const abs of candidates) {
    const rel = path.relative(ROOT, abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel) && existsSync(abs)) return abs;
  }
  return null;
}

function leavesRepo(file: string, named: string): boolean {
  return path.relative(ROOT, path.resolve(ROOT, path.dirname(file), named)).startsWith('..');
}

const headingsCache = new Map<string, string[]>();
function headingsOf(doc: string): string[] {
  let headings = headingsCache.get(doc);
  if (!headings) {
    headings = readFileSync(doc, 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6}\s/.test(line));
    headingsCache.set(doc, headings);
  }
  return headings;
}

/** One line of text: a block comment's line breaks and leading `*` become single spaces. */
function flatten(comment: string): string {
  return comment.replace(/\n\s*\*?(?!\/)\s*/g, ' ');
}

/** Section numbers of one citation's tail: "4, §7, §9-§13" -> 4, 7, 9, 13 (ranges by their ends). */
function sectionNumbers(tail: string): string[] {
  return [...tail.matchAll(/\d+(?:\.\d+)?/g)].map((m) => m[0]);
}

/** Cited sections that do not exist as `## §N ...` / `## N. ...` headings of the cited repository doc. */
export function missingSections(file: string, comment: string): string[] {
  const problems: string[] = [];
  for (const m of flatten(comment).matchAll(CITATION)) {
    const doc = resolveInRepo(file, m[1] ?? '');
    if (!doc) continue; // not a repository doc: strict files are checked by citationViolations
    for (const n of sectionNumbers(m[2] ?? '')) {
      const heading = new RegExp(`^#{1,6}\\s+§?${n.replace('.', '\\.')}(?![\\d.]\\d)[.:\\s]`);
      if (!headingsOf(doc).some((h) => heading.test(h))) problems.push(`${m[1]} §${n}: no such section`);
    }
  }
  return problems;
}

/** Why a comment of a product file points outside the repository (empty when it does not). */
export function citationViolations(file: string, raw: string): string[] {
  const comment = flatten(raw);
  const problems: string[] = [];
  for (const m of comment.matchAll(MD_PATH)) {
    const named = m[1] ?? '';
    if (!resolveInRepo(file, named)) problems.push(`${named}: not a document of this repository`);
  }
  for (const m of comment.matchAll(RELATIVE_PATH)) {
    if (leavesRepo(file, m[1] ?? '')) problems.push(`${m[1]}: leaves the repository`);
  }
  const corpus = CORPORA.exec(comment);
  if (corpus) problems.push(`${corpus[1]}: a ../shared corpus`);
  if (comment.replace(CITATION, '').includes('§')) problems.push('§ without the document it belongs to');
  return problems;
}

function scan(dirs: string[], prefilter: RegExp, check: (file: string, comment: string) => string[]) {
  const found = new Map<string, string[]>();
  for (const file of dirs.flatMap(tsFiles)) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    if (!prefilter.test(text)) continue;
    const problems = commentsOf(file, text).flatMap((c) => check(file, c));
    if (problems.length > 0) found.set(file, problems);
  }
  return found;
}

describe('comments cite the repository, not ../shared', () => {
  const strict = scan(STRICT_DIRS, MAY_VIOLATE, citationViolations);

  it('no comment in src/, workflows/ or activities/ cites ../shared (apart from the TODO list)', () => {
    const offending = [...strict].filter(([file]) => !ALLOWED_UNTIL_MOVED.has(file));
    expect(Object.fromEntries(offending)).toEqual({});
  });

  it('every file on the TODO list still needs to be there', () => {
    const stale = [...ALLOWED_UNTIL_MOVED].filter((file) => !strict.has(file));
    expect(stale).toEqual([]);
  });

  it('every cited section exists in its document', () => {
    expect(Object.fromEntries(scan(CITING_DIRS, MAY_CITE_SECTION, missingSections))).toEqual({});
  });
});

describe('the checks themselves', () => {
  const file = 'src/krayin/example.ts';

  it('finds comments of every kind, and nothing in strings or templates', () => {
    const text = [
      '/** doc */',
      "const a = 'not // a comment'; // line",
      'const b = `${a}https://example.com/* x */`; /* block */',
      'function f() {',
      '  // inside a body',
      '}',
      '// at the end',
    ].join('\n');
    expect(commentsOf('x.ts', text)).toEqual([
      '/** doc */',
      '// line',
      '/* block */',
      '// inside a body',
      '// at the end',
    ]);
  });

  it('flags ../shared documents, corpora, paths leaving the repository and bare sections', () => {
    expect(citationViolations(file, '// krayin-api.md §3.4')).toEqual([
      'krayin-api.md: not a document of this repository',
    ]);
    expect(citationViolations(file, '/* see ../shared/design.md */')).toContain(
      '../shared/design.md: not a document of this repository',
    );
    expect(citationViolations(file, '// ../../../shared/x')).toContain('../../../shared/x: leaves the repository');
    expect(citationViolations(file, '// recorded in krayin-contract')).toEqual(['krayin-contract: a ../shared corpus']);
    expect(citationViolations(file, '// (§1.2)')).toEqual(['§ without the document it belongs to']);
  });

  it('accepts repository docs, relative or from the root, and checks their sections', () => {
    expect(citationViolations(file, '// src/krayin/README.md §4, §7, §9-§13; README.md §2')).toEqual([]);
    expect(citationViolations('src/ingest/x.ts', '// ../shared/retry-policies.ts')).toEqual([]);
    expect(missingSections(file, '// src/krayin/README.md §2, §13')).toEqual([]);
    expect(missingSections(file, '// src/krayin/README.md §1-§99')).toEqual([
      'src/krayin/README.md §99: no such section',
    ]);
  });
});
