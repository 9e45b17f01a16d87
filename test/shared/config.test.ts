import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config';

const base = { BUCKET_NAME: 'villa-bucket', SUPABASE_URL: 'https://abc.supabase.co/', SUPABASE_SERVICE_ROLE_KEY: 'service-key' };

describe('configuration', () => {
  it('fills defaults and derives the JWKS URL and the access tokens’ issuer', () => {
    const c = loadConfig(base);
    expect(c.region).toBe('us-east-1');
    expect(c.supabase.jwksUrl).toBe('https://abc.supabase.co/auth/v1/.well-known/jwks.json');
    expect(c.supabase.issuer).toBe('https://abc.supabase.co/auth/v1');
    expect(loadConfig({ ...base, SUPABASE_JWT_ISSUER: 'https://auth.villa.example/auth/v1' }).supabase.issuer).toBe('https://auth.villa.example/auth/v1');
    // Guests are refused and all users together are capped unless the deployment says otherwise.
    expect(c).toMatchObject({ anonymousJobsPerDay: 0, maxJobsPerDayTotal: 500, maxJobsPerDay: 50 });
    expect(c.jobDefaults).toMatchObject({ model: 'ltx-2-fast', resolution: '1920x1080', fps: 25, duration: 6 });
    expect(c.renderer).toMatchObject({ kind: 'local' });
    expect(c.allowedOrigins).toEqual(['*']);
  });

  it('takes secrets as SSM parameter names in the cloud', () => {
    const c = loadConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: undefined, SUPABASE_SERVICE_ROLE_KEY_PARAM: '/villa/supabase-service-role-key', LTX_API_KEY_PARAM: '/villa/ltx' });
    expect(c.supabase.serviceRoleKey).toEqual({ ssmParameter: '/villa/supabase-service-role-key' });
    expect(c.ltx.apiKey).toEqual({ ssmParameter: '/villa/ltx' });
  });

  it('reads the render webhook, Remotion options and the render limit; an empty optional setting is unset', () => {
    const config = loadConfig({
      ...base,
      REMOTION_WEBHOOK_URL: 'https://abc.lambda-url.us-east-1.on.aws/webhooks/remotion',
      REMOTION_WEBHOOK_SECRET_PARAM: '/villa-video/remotion-webhook-secret',
      REMOTION_DELETE_AFTER: '',
      REMOTION_LICENSE_KEY_PARAM: '',
    });
    expect(config.renderWebhook).toEqual({ url: 'https://abc.lambda-url.us-east-1.on.aws/webhooks/remotion', secret: { ssmParameter: '/villa-video/remotion-webhook-secret' } });
    expect(config.remotion).toEqual({ deleteAfter: undefined, licenseKey: undefined });
    expect(config.maxConcurrentRenders).toBe(30);
    expect(loadConfig({ ...base, REMOTION_DELETE_AFTER: '7-days', MAX_CONCURRENT_RENDERS: '4' })).toMatchObject({ remotion: { deleteAfter: '7-days' }, maxConcurrentRenders: 4 });
    expect(() => loadConfig({ ...base, REMOTION_DELETE_AFTER: '2-days' })).toThrow(/REMOTION_DELETE_AFTER/);
    expect(() => loadConfig({ ...base, REMOTION_WEBHOOK_SECRET: 'short' })).toThrow(/REMOTION_WEBHOOK_SECRET/);
  });

  it('prices LTX from the built-in table, with only the prices a deployment names overridden', () => {
    expect(loadConfig(base).ltxPrices['ltx-2-fast']['1920x1080']).toBe(0.04);
    const prices = loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '{"ltx-2-pro":{"3840x2160":0.2}}' }).ltxPrices;
    expect(prices['ltx-2-pro']).toEqual({ '1920x1080': 0.06, '2560x1440': 0.12, '3840x2160': 0.2 });
    expect(prices['ltx-2-fast']['1920x1080']).toBe(0.04);
    expect(loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '' }).ltxPrices['ltx-2-pro']['3840x2160']).toBe(0.24);
    expect(() => loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '0.04' })).toThrow(/LTX_PRICES_USD_PER_SECOND/);
    expect(() => loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '{"ltx-2-fst":{"1920x1080":0.04}}' })).toThrow(/ltx-2-fst/);
    expect(() => loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '{"ltx-2-fast":{"1920x1080":-1}}' })).toThrow(/ltx-2-fast\.1920x1080/);
    expect(() => loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: 'not json' })).toThrow(/not JSON/);
  });

  it('takes the portrait clip’s model from LTX_PORTRAIT_MODEL, only a model that makes portrait', () => {
    expect(loadConfig(base).jobDefaults.portraitModel).toBe('ltx-2-3-fast');
    expect(loadConfig({ ...base, LTX_PORTRAIT_MODEL: 'ltx-2-3-pro' }).jobDefaults.portraitModel).toBe('ltx-2-3-pro');
    expect(loadConfig({ ...base, LTX_PORTRAIT_MODEL: '' }).jobDefaults.portraitModel).toBe('ltx-2-3-fast');
    expect(() => loadConfig({ ...base, LTX_PORTRAIT_MODEL: 'ltx-2-pro' })).toThrow(/LTX_PORTRAIT_MODEL.*must be a model that makes portrait video: ltx-2-3-fast, ltx-2-3-pro/);
    // The landscape model may be an LTX-2.3 one too; its resolution stays landscape.
    expect(loadConfig({ ...base, LTX_MODEL: 'ltx-2-3-pro', LTX_RESOLUTION: '2560x1440' }).jobDefaults).toMatchObject({ model: 'ltx-2-3-pro', resolution: '2560x1440' });
    expect(() => loadConfig({ ...base, LTX_RESOLUTION: '1080x1920' })).toThrow(/LTX_RESOLUTION/);
    // A price for a size the model does not make is a typo, not a setting.
    expect(() => loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '{"ltx-2-fast":{"1080x1920":0.04}}' })).toThrow('ltx-2-fast makes no 1080x1920 video');
    expect(loadConfig({ ...base, LTX_PRICES_USD_PER_SECOND: '{"ltx-2-3-fast":{"1080x1920":0.04}}' }).ltxPrices['ltx-2-3-fast']['1080x1920']).toBe(0.04);
  });

  it('names what is wrong', () => {
    expect(() => loadConfig({ ...base, BUCKET_NAME: undefined })).toThrow(/BUCKET_NAME/);
    expect(() => loadConfig({ ...base, LTX_FPS: '30' })).toThrow(/LTX_FPS/);
    expect(() => loadConfig({ ...base, SUPABASE_SERVICE_ROLE_KEY: undefined })).toThrow('SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_SERVICE_ROLE_KEY_PARAM) is required');
    expect(() => loadConfig({ ...base, LTX_API_KEY: 'a', LTX_API_KEY_PARAM: 'b' })).toThrow('LTX_API_KEY and LTX_API_KEY_PARAM are both set: set only one');
    expect(() => loadConfig({ ...base, RENDERER: 'lambda' })).toThrow('RENDERER=lambda needs REMOTION_FUNCTION_NAME and REMOTION_SERVE_URL');
  });
});
