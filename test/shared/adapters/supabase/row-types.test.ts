import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Json, Tables, TablesInsert, TablesUpdate } from '../../../../shared/adapters/supabase/database.types';
import { generatedVideoFromRow, videoJobFromRow } from '../../../../shared/adapters/supabase/row-mapping';
import { BUILTIN_JOB_DEFAULTS } from '../../../../shared/domain/job-options';
import type { GeneratedVideo, JobPatch, NewJob, VideoJob } from '../../../../shared/domain/video-job';

/**
 * The domain's row types against the ones generated from the migrations (database.types.ts). The
 * type assertions are checked by `tsc` (npm test runs it first): a migration that adds, drops or
 * changes a column fails here until the domain says what it makes of it.
 */
/** Columns that may be NULL. A jsonb column's `Json` includes the JSON value null, which is not SQL NULL: left out. */
type NullableKeys<T> = { [K in keyof T]-?: null extends T[K] ? (Json extends T[K] ? never : K) : never }[keyof T];
/** The keys where the domain's type is not one the database column can hold. */
type Mismatched<Domain, Row> = { [K in keyof Domain & keyof Row]-?: Domain[K] extends Row[K] ? never : K }[keyof Domain & keyof Row];

describe('the domain row types', () => {
  it('VideoJob has exactly the columns of video_jobs, with the same nullability, each narrower or equal', () => {
    expectTypeOf<keyof VideoJob>().toEqualTypeOf<keyof Tables<'video_jobs'>>();
    expectTypeOf<NullableKeys<VideoJob>>().toEqualTypeOf<NullableKeys<Tables<'video_jobs'>>>();
    expectTypeOf<Mismatched<VideoJob, Tables<'video_jobs'>>>().toBeNever();
  });

  it('NewJob and JobPatch are what video_jobs accepts as an insert and an update', () => {
    expectTypeOf<NewJob>().toExtend<TablesInsert<'video_jobs'>>();
    expectTypeOf<JobPatch>().toExtend<TablesUpdate<'video_jobs'>>();
  });

  it('GeneratedVideo has exactly the columns of generated_videos and is a valid insert', () => {
    expectTypeOf<keyof GeneratedVideo>().toEqualTypeOf<keyof Tables<'generated_videos'>>();
    expectTypeOf<GeneratedVideo>().toExtend<TablesInsert<'generated_videos'>>();
    expectTypeOf<Mismatched<Required<GeneratedVideo>, Tables<'generated_videos'>>>().toBeNever();
  });
});

describe('rows on the way out of the database', () => {
  const row: Tables<'video_jobs'> = {
    id: '0b8f3f3c-1111-4a2b-8c3d-123456789abc',
    user_id: '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f',
    status: 'queued',
    progress: 0,
    error: null,
    source_key: 'images/x.jpg',
    source_etag: null,
    ltx_key: null,
    video_key: null,
    thumbnail_key: null,
    options: { ...BUILTIN_JOB_DEFAULTS },
    origin: 'operator',
    attempts: 0,
    ltx_request_id: null,
    generated_video_id: null,
    generated_video_ids: null,
    ltx_cost_usd: null,
    render_cost_usd: null,
    created_at: '2025-06-01T12:00:00.123456+00:00',
    updated_at: '2025-06-01T12:00:00.123456+00:00',
  };

  it('become a VideoJob when every column holds what the domain allows', () => {
    expect(videoJobFromRow(row)).toEqual(row);
  });

  it('are refused, naming the column, when they do not', () => {
    expect(() => videoJobFromRow({ ...row, status: 'done' })).toThrow(`video_jobs row ${row.id}: status is not a job status (got "done")`);
    expect(() => videoJobFromRow({ ...row, origin: 'import' })).toThrow('origin must be upload or operator (got "import")');
    expect(() => videoJobFromRow({ ...row, options: { ...BUILTIN_JOB_DEFAULTS, duration: 7 } })).toThrow(/options are not a job's options: options\.duration: .* \(got 7\)/);
    expect(() => videoJobFromRow({ ...row, options: {} })).toThrow(/options\.title/);
    const video = { id: row.id, user_id: row.user_id, created_at: row.created_at, title: 't', subtitle: 's', video_url: null, thumbnail_url: 'u', filename: 'f', file_size_mb: 1, duration_seconds: 6, resolution: 'r', camera_prompt: 'c', music_file: 'm', status: 'completed', generation_time_seconds: 1 };
    expect(() => generatedVideoFromRow(video)).toThrow(`generated_videos row ${row.id}: video_url is empty`);
    expect(generatedVideoFromRow({ ...video, video_url: 'https://v' }) satisfies GeneratedVideo).toMatchObject({ video_url: 'https://v' });
  });
});
