// Sign-in: checks the token against the daemon and keeps it in sessionStorage.
import {ApiError, getJson, moveToOwner, setToken, token} from './api.js';

function destination() {
  const next = new URLSearchParams(location.search).get('next');
  // Only pages of the console itself.
  return ['wallboard', 'configuration'].includes(next) ? `/console/${next}` : '/console/messages';
}

async function trySignIn(value) {
  const session = await getJson('/console/api/session', {bearer: value});
  // Cluster mode: another instance routes this tenant; sign in there.
  if (session.routed_here === false) {
    if (session.owner) return moveToOwner(session.owner);
    throw new ApiError(503, 'no_owner', 'this tenant is being taken over by another instance: try again shortly');
  }
  setToken(value);
  location.assign(session.permissions.includes('query') || !session.wallboard ? destination()
                                                                              : '/console/wallboard');
}

function init() {
  const form = document.getElementById('signin-form');
  const input = document.getElementById('token');
  const error = document.getElementById('signin-error');
  const button = document.getElementById('signin-button');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const value = input.value.trim();
    if (!value) {
      error.textContent = 'Enter a token.';
      error.hidden = false;
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      await trySignIn(value);
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 401 ? 'This token is not valid.'
                          : e instanceof ApiError ? e.describe() : `Cannot reach routerd: ${e.message}`;
      error.hidden = false;
      input.select();
      button.disabled = false;
    }
  });
  // Already signed in in this tab: straight on.
  const stored = token();
  if (stored) trySignIn(stored).catch(() => sessionStorage.clear());
  input.focus();
}

init();
