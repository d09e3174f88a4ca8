import { checkBrandUri, isForbiddenAddress, isLoopbackAddress } from '../../lambdas/core/uri-policy';

const PUBLIC = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };
const PRIVATE = 'must not point at a private, loopback or link-local host';

describe('checkBrandUri', () => {
  it.each(['https://login.brand-a.example/jwks', 'https://8.8.8.8/jwks', 'https://[2606:4700::1]/jwks', 'https://login.example:8443/x?y=1'])(
    'allows the public https URI %s',
    (uri) => {
      expect(checkBrandUri(uri, PUBLIC)).toBeUndefined();
    },
  );

  it.each([
    'https://10.0.0.1/', 'https://172.16.5.4/', 'https://192.168.1.1/', 'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/', 'https://[fd00::1]/', 'https://[fe80::1]/', 'https://[::ffff:169.254.169.254]/',
    'https://[64:ff9b::a9fe:a9fe]/', 'https://0.0.0.0/', 'https://224.0.0.1/',
    'https://foo.internal/', 'https://metadata.google.internal/', 'https://printer.local/', 'https://router.home.arpa/', 'https://intranet/',
  ])('refuses the non-loopback private host %s, even when loopback http is allowed', (uri) => {
    expect(checkBrandUri(uri, PUBLIC)).toBe(PRIVATE);
    expect(checkBrandUri(uri, LOCAL)).toBe(PRIVATE);
  });

  it.each([
    // [uri, what the URL parser makes of the host]
    ['https://127.0.0.1/', '127.0.0.1'],
    ['https://[::1]/', '[::1]'],
    ['https://localhost/', 'localhost'],
    ['https://LOCALHOST/', 'localhost'],
    ['https://0x7f.1/', '127.0.0.1'],
    ['https://2130706433/', '127.0.0.1'],
    ['https://127.1/', '127.0.0.1'],
  ])('refuses the loopback host %s (normalised to %s) outside local mode', (uri, host) => {
    expect(new URL(uri).hostname).toBe(host);
    expect(checkBrandUri(uri, PUBLIC)).toBe(PRIVATE);
  });

  it.each(['http://127.0.0.1:9000/jwks', 'http://[::1]/', 'http://localhost:3000/', 'http://0x7f.1/', 'http://2130706433/', 'https://127.0.0.1/'])(
    'allows the loopback URI %s in local mode only',
    (uri) => {
      expect(checkBrandUri(uri, LOCAL)).toBeUndefined();
      expect(checkBrandUri(uri, PUBLIC)).toMatch(/^must be https$|^must not point at a private/);
    },
  );

  it('refuses http to a public host even in local mode', () => {
    expect(checkBrandUri('http://login.brand-a.example/', LOCAL)).toBe('must be https');
    expect(checkBrandUri('http://8.8.8.8/', LOCAL)).toBe('must be https');
  });

  it('refuses non-http schemes, also to loopback', () => {
    expect(checkBrandUri('ftp://127.0.0.1/', LOCAL)).toBe('must be http(s)');
    expect(checkBrandUri('file:///etc/passwd', PUBLIC)).toBe('must be https');
  });

  it.each([
    ['/relative/jwks', 'must be an absolute URI'],
    ['not a uri', 'must be an absolute URI'],
    ['https://user:pw@login.brand-a.example/', 'must not carry credentials'],
    ['https://login.brand-a.example/#frag', 'must not have a fragment'],
    [`https://login.brand-a.example/${'a'.repeat(2048)}`, 'must be at most 2048 characters'],
  ])('refuses %s: %s', (uri, problem) => {
    expect(checkBrandUri(uri, PUBLIC)).toBe(problem);
  });

  // A fully qualified name with its trailing root dot names the same host and must not escape the name rule.
  it('refuses internal names written with a trailing dot (localhost., *.internal., *.local.)', () => {
    const uris = ['https://localhost./', 'https://metadata.google.internal./', 'https://printer.local./', 'https://intranet./', 'https://localhost../'];
    expect(uris.map((uri) => checkBrandUri(uri, PUBLIC))).toEqual(uris.map(() => PRIVATE));
    expect(checkBrandUri('https://login.brand-a.example./jwks', PUBLIC)).toBeUndefined();
  });
});

describe('isForbiddenAddress', () => {
  it.each(['::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '169.254.169.254', '10.1.2.3', '::', '::1', 'fd12::1', 'ff02::1', '2001:db8::1', '::127.0.0.1', '::ffff:0:a9fe:a9fe', 'not-an-ip', ''])(
    'forbids %p',
    (address) => {
      expect(isForbiddenAddress(address)).toBe(true);
    },
  );

  it.each(['8.8.8.8', '::ffff:8.8.8.8', '2606:4700::1', '172.32.0.1', '100.128.0.1'])('allows the public address %p', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true], ['127.255.255.254', true], ['::1', true], ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false], ['::2', false], ['localhost', false],
  ])('%p → %p', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
