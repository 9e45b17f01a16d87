import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connect } from './connect';

/** The demo page's entry: reads the stack's public settings, signs in, then shows the app. */
const root = createRoot(document.getElementById('root')!);
root.render(<p className="boot">Connecting…</p>);
connect().then(
  (session) => root.render(<App session={session} />),
  (err: unknown) =>
    root.render(
      <div className="boot boot-error" role="alert">
        <h1>The studio is unreachable</h1>
        <p>{(err as Error).message}</p>
        <p>Is the local stack running? Start it with <code>npm start</code>, then reload this page.</p>
      </div>,
    ),
);
