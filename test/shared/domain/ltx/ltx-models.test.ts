import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { assertClipsPossible, BUILTIN_JOB_DEFAULTS, DURATIONS, parseStoredOptions, resolveJobOptions, type JobOptions } from '../../../../shared/domain/job-options';
import { ltxClipPlans } from '../../../../shared/domain/ltx/ltx-clip-plan';
import { durationsEveryModelMakes, LTX_MODEL_SPECS, LTX_MODELS, LTX_PORTRAIT_MODELS, modelCombinationProblem } from '../../../../shared/domain/ltx/ltx-models';

describe('the LTX model table', () => {
  it('prices every size each model makes, and nothing else', () => {
    for (const model of LTX_MODELS) {
      const spec = LTX_MODEL_SPECS[model];
      expect(Object.keys(spec.pricesUsdPerSecond).sort(), model).toEqual([...spec.resolutions].sort());
    }
  });

  it('makes portrait only on the LTX-2.3 models', () => {
    expect(LTX_PORTRAIT_MODELS).toEqual(['ltx-2-3-fast', 'ltx-2-3-pro']);
  });

  it('lets users pick exactly the durations every model makes at every setting', () => {
    expect([...DURATIONS]).toEqual(durationsEveryModelMakes());
    for (const model of LTX_MODELS) {
      for (const resolution of LTX_MODEL_SPECS[model].resolutions) {
        for (const fps of LTX_MODEL_SPECS[model].fps) {
          for (const duration of DURATIONS) expect(modelCombinationProblem({ model, resolution, fps, duration })).toBeNull();
        }
      }
    }
  });
});

describe('job options and their clips', () => {
  it('plans one clip per orientation: landscape from LTX_MODEL, portrait from the portrait model at 1080x1920', () => {
    const options = resolveJobOptions({ formats: ['1:1', '16:9', '4:5'], duration: 10 }, BUILTIN_JOB_DEFAULTS);
    expect(ltxClipPlans(options)).toEqual([
      { orientation: 'landscape', model: 'ltx-2-fast', resolution: '1920x1080', fps: 25, duration: 10, formats: ['16:9'] },
      { orientation: 'portrait', model: 'ltx-2-3-fast', resolution: '1080x1920', fps: 25, duration: 10, formats: ['4:5', '1:1'] },
    ]);
  });

  it('refuses a job its portrait clip cannot be made for, naming the field', () => {
    // A deployment default that config.ts refuses at start-up, here to prove the upload check itself.
    const noPortrait = { ...BUILTIN_JOB_DEFAULTS, portraitModel: 'ltx-2-pro' as const };
    expect(resolveJobOptions({ formats: ['16:9'] }, noPortrait).formats).toEqual(['16:9']);
    const err = (() => {
      try {
        resolveJobOptions({ formats: ['16:9', '9:16'] }, noPortrait);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'formats', message: expect.stringMatching(/^formats: 9:16 cannot be made by this deployment: resolution .*ltx-2-pro makes no portrait video/) });

    // A length the portrait model lacks (a stored row asking 12 s of ltx-2-3-pro) names `duration`.
    const long = { ...BUILTIN_JOB_DEFAULTS, portraitModel: 'ltx-2-3-pro', formats: ['9:16'], duration: 12 } as unknown as JobOptions;
    expect(() => assertClipsPossible(long)).toThrow(expect.objectContaining({ field: 'duration', message: 'duration: 12 s cannot be made for 9:16: duration must be one of 6, 8, 10 for ltx-2-3-pro, got 12' }));
  });

  it('reads an old stored row without a portrait model as the built-in one, and refuses one that makes no portrait', () => {
    const { portraitModel: _omitted, ...old } = BUILTIN_JOB_DEFAULTS;
    expect(parseStoredOptions(old).portraitModel).toBe('ltx-2-3-fast');
    expect(parseStoredOptions({ ...old, portraitModel: 'ltx-2-3-pro' }).portraitModel).toBe('ltx-2-3-pro');
    expect(() => parseStoredOptions({ ...old, portraitModel: 'ltx-2-fast' })).toThrow(/portraitModel/);
    // The landscape resolution stays landscape.
    expect(() => parseStoredOptions({ ...old, resolution: '1080x1920' })).toThrow(/resolution/);
  });
});
