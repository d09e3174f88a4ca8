import { draftFromForm, formFromConfig, formFromPreset, mergeProblems, presetOf, problemsByField } from '../../../lib/console/brand-form';
import { PRESETS } from '../../../lambdas/core/provider-presets';

describe('the form built from a preset', () => {
  it('shows the derived fields as editable text: lists comma-separated, objects as JSON, the operator\'s own fields merged in', () => {
    const built = formFromPreset(PRESETS.cognito, { region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123xyz', appClientId: '1example' }, { brandId: 'shop', displayName: '' });
    expect(built).toEqual({ values: expect.objectContaining({ brandId: 'shop', displayName: 'shop', provider: 'cognito', clientId: '1example', applicationId: 'eu-west-1_AbC123xyz' }) });
    const values = 'values' in built ? built.values : {};
    expect(values.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz');
    expect(values.algorithms).toBe('RS256');
    expect(JSON.parse(values.fieldMappings ?? '')).toMatchObject({ email: 'email' });
  });

  it('places each input problem at its input, and an empty input counts as missing', () => {
    const built = formFromPreset(PRESETS.cognito, { region: 'nowhere', userPoolId: '', appClientId: '1example' }, { brandId: 'shop', displayName: 'Shop' });
    expect(built).toEqual({ problems: { 'input.region': [expect.stringContaining('AWS region')], 'input.userPoolId': [expect.stringContaining('required')] } });
  });

  it('puts a problem naming several inputs under no field', () => {
    const built = formFromPreset(PRESETS['generic-oidc'], { clientId: 'c', audience: 'a' }, { brandId: 'shop', displayName: 'Shop' });
    expect(built).toEqual({ problems: { '': ['issuer or discoveryUrl: one is required'] } });
  });

  it('knows only the presets there are', () => {
    expect(presetOf('keycloak')?.provider).toBe('keycloak');
    expect(presetOf('toString')).toBeUndefined();
    expect(presetOf(undefined)).toBeUndefined();
  });
});

describe('the draft a submitted form stands for', () => {
  it('leaves empty fields to discovery, splits lists, parses integers and JSON, and keeps the rest as text', () => {
    const { draft, problems } = draftFromForm({
      brandId: 'shop', provider: 'generic-oidc', issuer: ' https://id.example ', jwksUri: '  ', audiences: 'a, b,\nc,', clockToleranceSeconds: '30',
      maxTokenAgeSeconds: 'soon', fieldMappings: '{"email":"mail"}', csrf: 'not a field',
    });
    expect(problems).toEqual({});
    expect(draft).toEqual({
      brandId: 'shop', provider: 'generic-oidc', issuer: 'https://id.example', audiences: ['a', 'b', 'c'], clockToleranceSeconds: 30,
      maxTokenAgeSeconds: 'soon', fieldMappings: { email: 'mail' },
    });
  });

  it('names a field whose JSON does not parse', () => {
    expect(draftFromForm({ introspection: '{endpoint:' }).problems).toEqual({ introspection: ['is not valid JSON'] });
  });

  it('round-trips a stored config through the form, its tier included (a save replaces the whole config)', () => {
    const config = { brandId: 'shop', provider: 'auth0', status: 'disabled', tier: 'premium', tokenFormat: 'auto', audiences: ['x', 'y'], clockToleranceSeconds: 60, fieldMappings: { email: 'email' } };
    expect(draftFromForm(formFromConfig(config)).draft).toEqual(config);
  });
});

describe('problems placed at their fields', () => {
  it('takes the top-level field of a nested or indexed problem, and keeps the rest under no field', () => {
    expect(problemsByField([
      'issuer: discovery says https://a/, not https://a',
      'fieldMappings.email: must be a claim name or dot path',
      'audiences[0]: empty',
      'brand config must be a JSON object',
      'secret: unknown field',
    ])).toEqual({
      issuer: ['discovery says https://a/, not https://a'],
      fieldMappings: ['must be a claim name or dot path'],
      audiences: ['empty'],
      '': ['brand config must be a JSON object', 'secret: unknown field'],
    });
  });

  it('merges lists field by field', () => {
    expect(mergeProblems({ issuer: ['a'] }, { issuer: ['b'], '': ['c'] })).toEqual({ issuer: ['a', 'b'], '': ['c'] });
  });
});
