// Live updates: the service's subscriptions over websocket (graphql-ws protocol), with
// the token in connection_init since browsers cannot set headers on a websocket.
import { createClient, type Client } from 'graphql-ws';
import { bearer } from './api';

const QUERIES = ['subscription { caseConfirmed { status } }', 'subscription { riskChanged { personIds } }', 'subscription { quarantineChanged { personIds } }'];

/** Calls onChange (at most once a second) when a case is confirmed, a tier or a quarantine changes. */
export function subscribeChanges(onChange: () => void, onState: (connected: boolean) => void): () => void {
  const url = new URL('../graphql', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client: Client = createClient({
    url: url.toString(),
    connectionParams: () => ({ Authorization: `Bearer ${bearer() ?? ''}` }),
    retryAttempts: 1000,
    on: { connected: () => onState(true), closed: () => onState(false) },
  });
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, 1000);
  };
  const stops = QUERIES.map((query) => client.subscribe({ query }, { next: fire, error: () => onState(false), complete: () => {} }));
  return () => {
    for (const s of stops) s();
    if (timer) clearTimeout(timer);
    void client.dispose();
  };
}
