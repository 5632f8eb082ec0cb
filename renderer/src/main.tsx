// Entry point: connect to the core (Electron bridge or WebSocket), then mount the workstation.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './app/app.css';
import { createClient } from './client/index.ts';
import { LiveStore } from './state/live-store.ts';
import { installTestHook } from './test-hook.ts';
import { App } from './app/App.tsx';

const store = new LiveStore();
installTestHook(store);

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
const root = createRoot(container);

function Connecting({ message }: { message: string }) {
  return (
    <div className="connecting" data-testid="connecting">
      <div className="brand-name">AIM Workstation</div>
      <div className="muted">{message}</div>
    </div>
  );
}

root.render(<Connecting message="Connecting to the workstation…" />);
createClient({ onWaiting: (message) => root.render(<Connecting message={message} />) }).then(
  (client) =>
    root.render(
      <StrictMode>
        <App client={client} store={store} />
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <Connecting
        message={`Cannot connect to the workstation: ${error instanceof Error ? error.message : String(error)}`}
      />,
    ),
);
