// The console's talk with routerd: the bearer token (sessionStorage only, so
// it dies with the tab), JSON requests with the server's reasons kept for the
// user, and the signed-in session (who the token is, what it may do).

const TOKEN_KEY = 'routerd.console.token';

export class ApiError extends Error {
  constructor(status, error, detail) {
    super(detail || error || `HTTP ${status}`);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }

  // What to show the user: the server's own reason, with the status.
  describe() {
    const kinds = {400: 'Invalid request', 401: 'Not signed in', 403: 'Not allowed', 404: 'Not found',
                   409: 'Conflict', 503: 'Busy, try again'};
    const kind = kinds[this.status] || `Error ${this.status}`;
    return this.detail ? `${kind}: ${this.detail}` : kind;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  location.assign('/console/');
}

async function errorOf(response) {
  let error = '', detail = '';
  try {
    const body = await response.json();
    error = body.error || '';
    detail = body.detail || '';
  } catch {
    // Not JSON: the status says enough.
  }
  return new ApiError(response.status, error, detail);
}

// Cluster mode: another instance of this deployment routes the tenant, and
// the API answers 307 to it. The page cannot follow that itself: its CSP
// allows requests to this origin only, and a browser drops the token on a
// redirect to another origin. So the whole page goes to the owner's console
// (the wallboard stays the wallboard). The token stays behind: it lives in
// this origin's session storage only and is never put in a URL, so the
// console there asks for it again.
export function moveToOwner(owner) {
  const url = new URL('/console/', owner);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`not a console address: ${owner}`);
  const next = location.pathname.startsWith('/console/wallboard') ? 'wallboard'
                                                                   : new URLSearchParams(location.search).get('next');
  if (next === 'wallboard') url.search = '?next=wallboard';
  location.replace(url.href);
}

// A request was answered with a redirect, which only the owner sends (fetch
// hides where it points): ask where the tenant is routed and go there.
async function followOwner() {
  const session = await getJson('/console/api/session');
  if (session.routed_here === false && session.owner) {
    moveToOwner(session.owner);
    return new Promise(() => {});  // the page is being replaced
  }
  throw new ApiError(503, 'no_owner', 'this tenant is being taken over by another instance: try again shortly');
}

// fetch() with the token. Resolves to the Response when it is 2xx, rejects
// with an ApiError otherwise. `bearer` overrides the stored token. A redirect
// is never followed (see moveToOwner).
export async function request(path, {method = 'GET', body, bearer} = {}) {
  const headers = {'Authorization': `Bearer ${bearer ?? token() ?? ''}`};
  const init = {method, headers, cache: 'no-store', redirect: 'manual'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.type === 'opaqueredirect') return followOwner();
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function getJson(path, options) {
  return (await request(path, options)).json();
}

export async function postJson(path, body) {
  return (await request(path, {method: 'POST', body: body ?? {}})).json();
}

// Who the stored token is ({tenant, role, employee_id, name, permissions,
// wallboard, channel_types}). Without a valid token it goes back to sign-in;
// when another instance routes the tenant, to that instance's console (and
// while none does, during a takeover, it asks again with backoff).
export async function requireSession() {
  if (!token()) {
    location.replace('/console/');
    return new Promise(() => {});
  }
  try {
    for (let wait = 1000; ; wait = Math.min(wait * 2, 30000)) {
      const session = await getJson('/console/api/session');
      if (session.routed_here !== false) return session;
      if (session.owner) {
        moveToOwner(session.owner);
        return new Promise(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      location.replace('/console/');
      return new Promise(() => {});
    }
    throw e;
  }
}

// The header's "who" line, the wallboard and configuration links (admins),
// the personal settings link (agents) and sign-out.
export function fillHeader(session) {
  const who = document.getElementById('who');
  if (who) {
    who.textContent = `${session.name} · ${session.tenant}`;
  }
  const wallboard = document.getElementById('nav-wallboard');
  if (wallboard) wallboard.hidden = !session.wallboard;
  const configuration = document.getElementById('nav-configuration');
  if (configuration) configuration.hidden = session.role !== 'tenant_admin';
  const settings = document.getElementById('nav-settings');
  if (settings) settings.hidden = session.role !== 'agent';
  const out = document.getElementById('sign-out');
  if (out) out.addEventListener('click', signOut);
}

// The caps of a configured agent or OU (as GET /api/v1/config gives it), as
// body keys of its PUT: a form that does not show them sends them back as they
// are, so that an edit changes only what was edited. {} for a new one.
export function keptCaps(configured) {
  const kept = {};
  if (configured && configured.max_concurrent_sessions !== null && configured.max_concurrent_sessions !== undefined) {
    kept.max_concurrent_sessions = configured.max_concurrent_sessions;
  }
  const kinds = configured?.max_concurrent_sessions_by_channel_kind;
  if (kinds && Object.keys(kinds).length) kept.max_concurrent_sessions_by_channel_kind = kinds;
  return kept;
}
