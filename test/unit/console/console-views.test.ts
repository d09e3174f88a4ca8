import { brandDetail, brandForm, brandsList, page } from '../../../lib/console/console-views';

/** Values an attacker can put in a brand config (the display name, a claim name, an audit actor…), each only ever text. */
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "' autofocus onfocus='alert(1)",
  '</textarea><script>alert(1)</script>',
  'javascript:alert(1)',
  '{{constructor.constructor("alert(1)")()}}',
  'line\r\nSet-Cookie: x=1',
  '\u202eevil\u0000',
];

/**
 * The markup with every hostile value removed, as text (escaped) or in a link (URL-encoded): what is left must be
 * the page's own tags and attributes.
 */
function withoutHostile(html: string): string {
  const forms = HOSTILE.flatMap((value) => [value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'), encodeURIComponent(value)]);
  return forms.reduce((text, form) => text.split(form).join(''), html);
}

it.each(HOSTILE)('renders %j as text on every page', (value) => {
  const pages = [
    page('Brands', brandsList([{ brandId: 'shop', displayName: value, status: value, provider: value, tier: value, health: value }])),
    page('Edit', brandForm({
      values: { brandId: 'shop', displayName: value, provider: value, issuer: value, fieldMappings: value },
      problems: { issuer: [value], '': [value] },
      version: value,
      check: { ok: false, steps: [{ label: value, ok: false, detail: value }] },
      diff: { rows: [{ field: value, before: value, after: value }], against: value },
    }, value)),
    page('shop', brandDetail({
      brandId: 'shop', config: { displayName: value, status: value, issuer: value },
      audit: [{ at: value, actor: value, what: value }], nextCursor: value,
      activity: { minutes: [{ at: 0, allowed: 1, denied: { [value]: 2 }, deniedTotal: 2 }] },
    }, value), { kind: 'error', text: value }),
  ];
  for (const html of pages) {
    const rest = withoutHostile(html);
    expect(rest).not.toMatch(/<script>|onerror|onfocus|<img|autofocus|Set-Cookie/i);
    expect(rest.match(/<script\b/g)).toHaveLength(2);
    // Escaped, not dropped: each value is still shown.
    expect(html.length).toBeGreaterThan(rest.length);
  }
});

it('labels every field, and marks a field with problems invalid and describes it by them', () => {
  const html = page('Edit', brandForm({ values: { brandId: 'shop' }, problems: { issuer: ['discovery says another issuer'] } }, 'token'));
  const ids = [...html.matchAll(/<(?:input|textarea|select)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  expect(ids.length).toBeGreaterThan(20);
  for (const id of ids) expect(html).toContain(`<label for="${id}">`);
  expect(html).toMatch(/<input type="text" id="field-issuer" name="issuer" aria-describedby="field-issuer-help field-issuer-problems" aria-invalid="true"/);
  expect(html).toContain('<ul class="problems" id="field-issuer-problems"><li>discovery says another issuer</li></ul>');
  expect(html).toContain('<input type="hidden" name="csrf" value="token"/>');
});

it('never shows a sample token again', () => {
  const html = page('Edit', brandForm({ values: { brandId: 'shop', sampleToken: 'eyJhbGciOi.secret.sig' }, problems: {} }, 'token'));
  expect(html).not.toContain('eyJhbGciOi');
});
