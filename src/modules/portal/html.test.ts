import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from './html.ts';

describe('HTML templates', () => {
  it('UX-2 escapes every interpolated text, in content and in quoted attributes', () => {
    const hostile = `"><script>alert('x')</script>&`;
    const page = html`<p title="${hostile}">${hostile}</p>`;
    expect(page.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('keeps nested templates as markup, joins lists, and renders nothing for null, undefined and false', () => {
    // Called through another name, so the formatter leaves the exact whitespace of the expectation alone.
    const tag = html;
    const items = ['a<b', 'c'].map((item) => tag`<li>${item}</li>`);
    const hidden = false as boolean;
    expect(tag`<ul>${items}</ul>${null}${undefined}${hidden && tag`<b>no</b>`}${3}`.value).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>3',
    );
  });

  it('treats a plain string that looks like markup as text: only html`` makes markup', () => {
    const notSafe = new SafeHtml('<em>ok</em>').value;
    expect(html`${notSafe}`.value).toBe('&lt;em&gt;ok&lt;/em&gt;');
    expect(escapeHtml('plain')).toBe('plain');
  });
});
