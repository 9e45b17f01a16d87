import { describe, expect, it } from 'vitest';
import { functionError, toFunctionUrlAnswer } from '../../../local/function-url/function-url-answer';
import documented from './fixtures/documented-responses.json';

describe('the HTTP answer the local Function URL sends for a function’s result', () => {
  it.each(documented.map((example) => [example.name, example] as const))('is AWS’s documented answer for %s', (_name, example) => {
    const answer = toFunctionUrlAnswer(example.output);
    expect(answer.statusCode).toBe(example.http.status);
    expect(answer.headers.filter(([name]) => name !== 'set-cookie')).toEqual(Object.entries(example.http.headers));
    expect(answer.headers.filter(([name]) => name === 'set-cookie').map(([, v]) => v)).toEqual(example.http.setCookies ?? []);
    expect(answer.body.toString()).toBe(example.http.body);
  });

  it('wraps a result of nothing as JSON null, as Lambda serialises it', () => {
    expect(toFunctionUrlAnswer(undefined)).toEqual({ statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from('null') });
  });

  it('decodes a base64 body', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const answer = toFunctionUrlAnswer({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true });
    expect(answer.body).toEqual(png);
  });

  it('ignores multiValueHeaders, which payload format 2.0 does not have', () => {
    const answer = toFunctionUrlAnswer({ statusCode: 200, headers: { 'Content-Type': 'text/plain' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: '' });
    expect(answer.headers).toEqual([['content-type', 'text/plain']]);
  });

  it('sends a status without a body as an empty body', () => {
    expect(toFunctionUrlAnswer({ statusCode: 204 })).toEqual({ statusCode: 204, headers: [], body: Buffer.alloc(0) });
  });

  it.each([[{ statusCode: '200' }], [{ statusCode: 99 }], [{ statusCode: 600 }], [{ statusCode: 201.5 }]])('answers 502 to a malformed response %j', (result) => {
    expect(toFunctionUrlAnswer(result)).toEqual(functionError());
    expect(functionError().statusCode).toBe(502);
  });
});
