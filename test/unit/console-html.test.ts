/** The console's html`` template: every interpolated value is escaped unless it is SafeHtml. */
import { escapeHtml, html, raw, SafeHtml } from '../../src/console/html';

describe('html``', () => {
  it('escapes values so a contact name cannot become markup', () => {
    const name = `<script>alert("x")</script> & 'quotes'`;
    expect(html`<td>${name}</td>`.value).toBe(
      '<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</td>',
    );
  });

  it('escapes inside attributes', () => {
    expect(html`<a href="${'" onmouseover="x'}">`.value).toBe('<a href="&quot; onmouseover=&quot;x">');
  });

  it('passes nested html`` and raw() through, joins arrays, drops null, undefined and false', () => {
    const rows = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${rows}</ul>${null}${undefined}${false}${raw('<hr>')}${0}`.value).toBe(
      '<ul><li>a&lt;</li><li>b</li></ul><hr>0',
    );
    expect(html`x` instanceof SafeHtml).toBe(true);
  });

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
