// Typed messaging with the host: acquireVsCodeApi once, typed postMessage, persisted UI state.
// `connect` listens for host messages before it sends `ready`, so nothing the host posts is lost.
import type { PanelState } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;
function vscodeApi(): VsCodeApi {
  return (api ??= acquireVsCodeApi());
}

export interface Messenger<ToHost, S> {
  post(message: ToHost): void;
  /** The persisted UI state (defaults merged with what getState() returned). */
  readonly state: Readonly<S>;
  /** Merges `patch` into the state and persists it with setState. */
  update(patch: Partial<S>): void;
}

/** Wires a panel to its host: `onMessage` gets every typed message; sends `{type:'ready'}` last. */
export function connect<ToHost extends { type: string }, ToWebview extends { type: string }, S extends PanelState>(
  defaults: S, onMessage: (message: ToWebview) => void,
): Messenger<ToHost, S> {
  const vscode = vscodeApi();
  const saved = vscode.getState();
  let state: S = { ...defaults, ...(saved && typeof saved === 'object' ? saved as Partial<S> : {}) };
  window.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as { type?: unknown } | null;
    if (data && typeof data === 'object' && typeof data.type === 'string') onMessage(data as ToWebview);
  });
  const messenger: Messenger<ToHost, S> = {
    post: message => vscode.postMessage(message),
    get state() { return state; },
    update(patch) {
      state = { ...state, ...patch };
      vscode.setState(state);
    },
  };
  messenger.post({ type: 'ready' } as ToHost);
  return messenger;
}
