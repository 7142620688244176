import { renderTitle, unknownPlaceholders } from '../../src/mapping/template';

const all = { name: 'Jane Doe', email: 'jane@example.com', company: 'Acme', contact_id: 1042 };

describe('renderTitle', () => {
  it('replaces every placeholder, spaces inside the braces allowed', () => {
    expect(renderTitle('{{name}} <{{email}}> at {{ company }} #{{contact_id}}', all)).toBe(
      'Jane Doe <jane@example.com> at Acme #1042',
    );
  });

  it('renders the default template', () => {
    expect(renderTitle('{{name}} (Chatwoot)', all)).toBe('Jane Doe (Chatwoot)');
  });

  it.each([
    ['{{name}} - {{company}}', 'Jane Doe'],
    ['{{company}}: {{name}}', 'Jane Doe'],
    ['{{name}} ({{company}})', 'Jane Doe'],
    ['{{name}} [{{company}}]', 'Jane Doe'],
    ['{{name}} | {{company}} | {{email}}', 'Jane Doe | jane@example.com'],
    ['{{name}} ({{company}}, {{email}})', 'Jane Doe (jane@example.com)'],
    ['{{name}} ({{company}}) - {{email}}', 'Jane Doe - jane@example.com'],
    ['{{name}}-{{company}}', 'Jane Doe'],
    ['{{company}}{{name}}', 'Jane Doe'],
    ['Lead: {{company}} / {{name}}', 'Lead: Jane Doe'],
  ])('drops the separators of a missing company: %p -> %p', (template, expected) => {
    expect(renderTitle(template, { ...all, company: null })).toBe(expected);
  });

  it('drops brackets and separators around several missing values', () => {
    expect(renderTitle('{{name}} ({{company}}, {{email}}) - {{company}}', { name: 'Jane', contact_id: 1 })).toBe(
      'Jane',
    );
  });

  it('leaves literal text of the template alone', () => {
    expect(renderTitle('Chatwoot: {{name}}', all)).toBe('Chatwoot: Jane Doe');
    expect(renderTitle('https://crm/{{company}}', all)).toBe('https://crm/Acme');
    expect(renderTitle('{{name}} -- {{company}}', all)).toBe('Jane Doe -- Acme');
  });

  it('collapses whitespace and line breaks in values', () => {
    expect(renderTitle('{{name}}', { name: '  Jane \n  Doe ', contact_id: 1 })).toBe('Jane Doe');
  });

  it('falls back to "Chatwoot contact #<id>" when nothing is left', () => {
    expect(renderTitle('{{name}} - {{company}}', { contact_id: 77 })).toBe('Chatwoot contact #77');
    expect(renderTitle('({{email}})', { email: '', contact_id: 77 })).toBe('Chatwoot contact #77');
  });

  it('renders unknown placeholders as empty', () => {
    expect(renderTitle('{{name}} ({{nope}})', all)).toBe('Jane Doe');
  });

  it('truncates to 255 characters', () => {
    const title = renderTitle('{{name}} (Chatwoot)', { name: 'x'.repeat(300), contact_id: 1 });
    expect(title).toBe('x'.repeat(255));
  });
});

describe('unknownPlaceholders', () => {
  it('lists placeholders renderTitle does not know, once each', () => {
    expect(unknownPlaceholders('{{name}} {{nam}} {{ phone }} {{nam}}')).toEqual(['nam', 'phone']);
    expect(unknownPlaceholders('{{name}} {{email}} {{company}} {{contact_id}}')).toEqual([]);
  });
});
