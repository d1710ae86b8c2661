// The page talks to the service only through the public GraphQL API, with a bearer
// token like any other client (docs/security.md).

export interface AppConfig {
  timeZone: string;
  devToken?: string;
}

const TOKEN_KEY = 'tracegraph.token';

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('config.json');
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return (await res.json()) as AppConfig;
}

/** The token: one pasted by the user (kept for the tab), else the development one. */
export function currentToken(cfg: AppConfig): string | null {
  return sessionStorage.getItem(TOKEN_KEY) || cfg.devToken || null;
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class GraphQLError extends Error {
  constructor(
    message: string,
    public code?: string,
    public status?: number,
  ) {
    super(message);
  }
}

let token: string | null = null;
export function useToken(t: string | null): void {
  token = t;
}
export function bearer(): string | null {
  return token;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('../graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await res.json();
  } catch {
    throw new GraphQLError(`HTTP ${res.status}`, undefined, res.status);
  }
  if (body.errors && body.errors.length > 0) {
    const e = body.errors[0];
    throw new GraphQLError(e.message, e.extensions?.code, res.status);
  }
  if (!res.ok || !body.data) throw new GraphQLError(`HTTP ${res.status}`, undefined, res.status);
  return body.data;
}
