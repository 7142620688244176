// The console's accessibility audit, run inside the page (test/browser/console-accessibility.test.ts evaluates
// it through the DevTools protocol): findings of the structural checks (accessible names, header cells, one h1,
// landmarks, unique ids) and of WCAG 2.1 AA contrast (4.5:1, 3:1 for large text) for every element that
// directly holds visible text, against the first opaque background up the tree.
window.__consoleAudit = function audit() {
  const findings = [];
  const describe = (el) =>
    `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const accessibleName = (el) => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy)
      return labelledBy
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    const labels = el.labels;
    if (labels && labels.length)
      return [...labels]
        .map((l) => l.textContent ?? '')
        .join(' ')
        .trim();
    if (el.tagName === 'BUTTON' || el.tagName === 'A') return (el.textContent ?? '').trim();
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type)) return el.value;
    return el.getAttribute('title')?.trim() ?? '';
  };

  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')) {
    if (!visible(el)) continue;
    if (accessibleName(el) === '') findings.push({ what: 'no accessible name', where: describe(el) });
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) findings.push({ what: 'image without alt', where: describe(img) });
  }
  for (const canvas of document.querySelectorAll('canvas')) {
    if (!canvas.getAttribute('aria-label') && !canvas.getAttribute('role'))
      findings.push({ what: 'chart without a label', where: describe(canvas) });
  }
  for (const table of document.querySelectorAll('table')) {
    if (!table.querySelector('th')) findings.push({ what: 'table without header cells', where: describe(table) });
  }
  if (document.querySelectorAll('h1').length !== 1) findings.push({ what: 'not exactly one h1', where: 'page' });
  if (!document.querySelector('main')) findings.push({ what: 'no main landmark', where: 'page' });
  if (!document.documentElement.lang) findings.push({ what: 'no lang on html', where: 'page' });
  const nav = document.querySelector('nav');
  if (nav && !nav.getAttribute('aria-label')) findings.push({ what: 'navigation without a label', where: 'nav' });
  const ids = new Map();
  for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) findings.push({ what: `duplicate id (${n}x)`, where: id });

  // Contrast: each element that directly holds visible text, against the first opaque background up the tree.
  const rgba = (text) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(text);
    return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
  };
  const luminance = (c) => {
    const ch = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  for (const el of document.querySelectorAll('body *')) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
    if (!ownText || !visible(el) || el.closest('script, style, noscript')) continue;
    const s = getComputedStyle(el);
    const fg = rgba(s.color);
    if (!fg) continue;
    const bg = background(el);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) findings.push({ what: `contrast ${ratio.toFixed(2)}:1`, where: describe(el) });
  }
  return findings;
};
