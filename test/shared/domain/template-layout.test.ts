import { describe, expect, it } from 'vitest';
import { SAFE_AREAS, safeRect } from '../../../shared/domain/safe-areas';
import { checkFormatAndSize, templateLayout, titleScale } from '../../../shared/domain/template-layout';
import { VIDEO_FORMATS, VIDEO_FORMAT_SPECS, renderSizeFor } from '../../../shared/domain/video-formats';

describe('templateLayout', () => {
  it.each(VIDEO_FORMATS.map((f) => [f]))('%s: every length scales with the frame, so a 1/6 test render is the full picture, smaller', (format) => {
    const full = VIDEO_FORMAT_SPECS[format];
    const big = templateLayout(format, full.width, full.height);
    const small = templateLayout(format, full.width / 6, full.height / 6);
    for (const key of ['unit', 'titleFontSize', 'subtitleFontSize'] as const) expect(small[key] * 6).toBeCloseTo(big[key], 6);
    for (const side of ['top', 'right', 'bottom', 'left'] as const) expect(small.padding[side] * 6).toBeCloseTo(big.padding[side], 6);
    expect(small.maxWidth).toBe(big.maxWidth);
  });

  it.each(VIDEO_FORMATS.map((f) => [f]))('%s: the text box lies inside the safe rectangle, with a gutter on every side', (format) => {
    const { width, height } = VIDEO_FORMAT_SPECS[format];
    const { padding, unit } = templateLayout(format, width, height);
    const safe = safeRect(format, width, height);
    expect(padding.left).toBeGreaterThanOrEqual(safe.x0 + unit - 1e-9);
    expect(padding.top).toBeGreaterThanOrEqual(safe.y0 + unit - 1e-9);
    expect(width - padding.right).toBeLessThanOrEqual(safe.x1 - unit + 1e-9);
    // Below the text: the gutter plus room for the entrance, which starts the title 4 units lower.
    expect(height - padding.bottom).toBeLessThanOrEqual(safe.y1 - 4 * unit + 1e-9);
  });

  it('keeps 9:16 text clear of the top 14 % and the bottom 20 % (the issue\'s numbers) and of the right-hand action column', () => {
    expect(SAFE_AREAS['9:16']).toMatchObject({ top: 0.14, bottom: 0.2 });
    expect(SAFE_AREAS['9:16'].right).toBeGreaterThan(SAFE_AREAS['9:16'].left);
  });

  it('shrinks long titles down to 60 %, never below', () => {
    expect(titleScale('Villa Serena', 14)).toBe(1);
    expect(titleScale('x'.repeat(28), 14)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(titleScale('x'.repeat(80), 14)).toBe(0.6);
  });
});

describe('checkFormatAndSize', () => {
  it('accepts each format at any scale renderSizeFor gives', () => {
    for (const format of VIDEO_FORMATS) {
      for (const scale of [1, 0.75, 1 / 3, 1 / 6, 1 / 12, 2]) {
        const { width, height } = renderSizeFor(format, scale);
        expect(() => checkFormatAndSize(format, width, height), `${format} at ${scale}`).not.toThrow();
      }
    }
  });

  it('refuses another shape (naming width) and an unknown format (naming props.format)', () => {
    expect(() => checkFormatAndSize('16:9', 1080, 1920)).toThrow(expect.objectContaining({ field: 'width', code: 'invalid_input' }));
    expect(() => checkFormatAndSize('4:5', 1080, 1080)).toThrow(expect.objectContaining({ field: 'width' }));
    expect(() => checkFormatAndSize('1:1', 1080, 1350)).toThrow(expect.objectContaining({ field: 'width' }));
    expect(() => checkFormatAndSize('16:9', 1920, 1200)).toThrow(expect.objectContaining({ field: 'width' }));
    expect(() => checkFormatAndSize('3:2', 1920, 1280)).toThrow(expect.objectContaining({ field: 'props.format', message: 'props.format must be one of 16:9, 9:16, 4:5, 1:1, received "3:2"' }));
  });
});
