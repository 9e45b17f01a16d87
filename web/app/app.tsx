import { useCallback, useEffect, useState } from 'react';
import type { FormatVideo } from '../client/job-outputs';
import type { Session } from './connect';
import { CreateForm } from './create-form';
import { JobPanel } from './job-panel';
import { Library } from './library';

export interface Upload {
  jobId: string | null;
  fraction: number;
  done: boolean;
  fileName: string;
}

/** The studio: the form on one side, the job (progress, then the video) on the other, earlier videos below. */
export function App({ session }: { session: Session }) {
  const [upload, setUpload] = useState<Upload | null>(null);
  const [shown, setShown] = useState<FormatVideo | null>(null);
  const [videos, setVideos] = useState<FormatVideo[] | null>(null);
  const [libraryError, setLibraryError] = useState<string | null>(null);

  const refreshLibrary = useCallback(() => {
    session.client.listVideos().then(
      (list) => {
        setVideos(list);
        setLibraryError(null);
      },
      (err: unknown) => setLibraryError((err as Error).message),
    );
  }, [session]);
  useEffect(refreshLibrary, [refreshLibrary]);

  return (
    <>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span>
          <span className="brand-name">Villa Reels</span>
        </div>
        <p className="account" title={`User id ${session.userId}`}>
          <span className="dot" aria-hidden="true" /> {session.isAnonymous ? 'Guest' : 'Signed in'} · <span className="mono">{session.userId.slice(0, 8)}</span>
        </p>
      </header>
      <main>
        <section className="hero">
          <h1>Turn one villa photo into a cinematic video</h1>
          <p>Pick a photo, give it a title, and we film a slow camera move through it, add your titles and music, and hand you an MP4 in every shape you post in: landscape, vertical, 4:5 and square.</p>
        </section>
        <div className="studio">
          <CreateForm
            client={session.client}
            busy={Boolean(upload && !upload.done)}
            onStart={(fileName) => {
              setShown(null);
              setUpload({ jobId: null, fraction: 0, done: false, fileName });
            }}
            onProgress={(patch) => setUpload((u) => (u ? { ...u, ...patch } : u))}
            onCancel={() => setUpload(null)}
          />
          <JobPanel client={session.client} upload={upload} shown={shown} onFinished={refreshLibrary} />
        </div>
        <Library videos={videos} error={libraryError} onPlay={(v) => { setUpload(null); setShown(v); }} />
      </main>
      <footer className="footer">
        <p>Runs on the local stack: photos go to S3, LTX-2 films the move, Remotion adds titles and music, Supabase Realtime reports each step.</p>
      </footer>
    </>
  );
}
