// The GraphQL IDE served at `/`: GraphiQL 5 and its explorer plugin, bundled from npm
// by Vite and embedded in the binary, so the page loads nothing from outside the
// service (a command centre's network may have no internet). Monaco's workers are
// bundled too (graphiql/setup-workers/vite). In development mode config.json hands it
// the development token, which it puts in the Authorization header.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { explorerPlugin } from '@graphiql/plugin-explorer';

const DEFAULT_QUERY = `# tracegraph: SPEC queries over the contact graph. Try:
{
  summary(asOf: "2020-02-01T12:00:00+08:00") {
    areaName
    confirmedTotal
    activeCases
    peopleByTier { red yellow green }
  }
}
`;

async function start() {
  let devToken = '';
  try {
    const res = await fetch('/app/config.json');
    if (res.ok) devToken = ((await res.json()) as { devToken?: string }).devToken ?? '';
  } catch {
    // Without config.json the IDE still works: the user pastes a token in Headers.
  }
  const url = new URL('/graphql', location.href);
  const ws = new URL(url);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const headers: Record<string, string> = devToken ? { Authorization: `Bearer ${devToken}` } : {};
  const fetcher = createGraphiQLFetcher({
    url: url.toString(),
    // Sent with every request, the schema's introspection included (the service answers
    // nothing without a token); the Headers tab can still override it.
    headers,
    subscriptionUrl: ws.toString(),
    // Browsers cannot set headers on a websocket: the token goes in connection_init.
    wsConnectionParams: devToken ? { Authorization: `Bearer ${devToken}` } : undefined,
  });
  const root = createRoot(document.getElementById('ide')!);
  root.render(
    createElement(GraphiQL, {
      fetcher,
      plugins: [explorerPlugin()],
      defaultQuery: DEFAULT_QUERY,
      initialHeaders: JSON.stringify(devToken ? headers : { Authorization: 'Bearer <token>' }, null, 2),
      defaultEditorToolsVisibility: 'headers',
    }),
  );
}

void start();
