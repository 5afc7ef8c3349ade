// The platform's public APIs as the console uses them: where the parts are (/api/v1/info), the
// signed-in user's tokens, JSON requests with clear errors, and Server-Sent Events read with fetch
// so that the token travels in the Authorization header, never in a URL.

/** An answer other than 2xx, with the platform's error code and message (and the wait on a 429). */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const REFRESH_KEY = 'ot.refreshToken';

/** Signs in, keeps the access token fresh (refreshed at 80 % of its life) and signs out. */
export class Platform extends EventTarget {
  constructor() {
    super();
    this.info = null;
    this.accessToken = null;
    this.user = null;
    this.refreshTimer = null;
    this.refreshing = null;
  }

  /** Reads /api/v1/info, then resumes a sign-in kept in this tab (sessionStorage), if any. */
  async start() {
    this.info = await this.json('GET', '/api/v1/info', undefined, {anonymous: true});
    const kept = sessionStorage.getItem(REFRESH_KEY);
    if (kept) {
      try {
        await this.refresh(kept);
      } catch (e) {
        sessionStorage.removeItem(REFRESH_KEY);
      }
    }
  }

  auth(path) { return this.info.authUrl + path; }
  logger(path) { return this.info.loggerUrl + path; }

  async login(username, password) {
    const tokens = await this.json('POST', this.auth('/api/v1/login'), {username, password}, {anonymous: true});
    await this.signedIn(tokens);
  }

  /**
   * Swaps the refresh token for new tokens — once at a time: a refresh token presented twice
   * revokes its whole family, so parallel callers share the one swap in flight.
   */
  refresh(refreshToken) {
    if (!this.refreshing) {
      this.refreshing = this.json('POST', this.auth('/api/v1/token/refresh'), {refreshToken}, {anonymous: true})
        .then((tokens) => this.signedIn(tokens))
        .finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  async signedIn(tokens) {
    this.accessToken = tokens.accessToken;
    sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    clearTimeout(this.refreshTimer);
    const inMs = Math.max(5, tokens.expiresIn * 0.8) * 1000;
    this.refreshTimer = setTimeout(() => this.refresh(sessionStorage.getItem(REFRESH_KEY))
      .catch((e) => this.signedOut(`Your sign-in ended: ${e.message}`)), inMs);
    this.user = await this.json('GET', this.auth('/api/v1/me'));
    this.dispatchEvent(new CustomEvent('signed-in', {detail: this.user}));
  }

  async logout() {
    try {
      await this.json('POST', this.auth('/api/v1/logout'));
    } finally {
      this.signedOut('');
    }
  }

  signedOut(reason) {
    clearTimeout(this.refreshTimer);
    this.accessToken = null;
    this.user = null;
    sessionStorage.removeItem(REFRESH_KEY);
    this.dispatchEvent(new CustomEvent('signed-out', {detail: reason}));
  }

  get isAdmin() {
    return !!this.user && (this.user.roles || []).includes('admin');
  }

  /**
   * A JSON request with the access token (unless {anonymous}); errors as ApiError with the server's
   * message. A token the server refuses (expired, revoked) is renewed once with the refresh token
   * and the request sent again; if that fails too the user is signed out, with the reason.
   */
  async json(method, url, body, {anonymous = false} = {}) {
    try {
      return await this.request(method, url, body, anonymous);
    } catch (e) {
      if (anonymous || !(e instanceof ApiError) || e.status !== 401 || !this.accessToken) {
        throw e;
      }
      try {
        await this.refresh(sessionStorage.getItem(REFRESH_KEY));
      } catch (refreshFailed) {
        this.signedOut('Your sign-in has expired: sign in again.');
        throw e;
      }
      return this.request(method, url, body, false);
    }
  }

  async request(method, url, body, anonymous) {
    const headers = {accept: 'application/json'};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (!anonymous && this.accessToken) {
      headers.authorization = `Bearer ${this.accessToken}`;
    }
    let response;
    try {
      response = await fetch(url, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      throw new ApiError(0, 'unreachable', `The platform cannot be reached (${url}): ${e.message}`);
    }
    const text = await response.text();
    const data = text ? safeJson(text) : null;
    if (!response.ok) {
      const retry = Number(response.headers.get('retry-after')) || undefined;
      throw new ApiError(response.status, data && data.error || `http_${response.status}`,
        data && data.message || `${method} ${url}: HTTP ${response.status}`, retry);
    }
    return data;
  }

  /**
   * Follows a Server-Sent Events stream (fetch, so the token goes in a header). onEvent gets
   * {type, id, data}; after a drop — or the server ending it at the token's expiry — it
   * reconnects with Last-Event-ID and the current token, so no entry is lost or repeated, until an
   * event for which isFinal is true. Returns a function that stops it.
   */
  follow(url, onEvent, {onState = () => {}, isFinal = () => false} = {}) {
    const controller = new AbortController();
    let lastId = null;
    let stopped = false;
    const run = async () => {
      let delay = 500;
      while (!stopped) {
        try {
          const headers = {accept: 'text/event-stream', authorization: `Bearer ${this.accessToken}`};
          if (lastId !== null) {
            headers['last-event-id'] = lastId;
          }
          const response = await fetch(url, {headers, signal: controller.signal});
          if (!response.ok) {
            const text = await response.text();
            const data = safeJson(text) || {};
            throw new ApiError(response.status, data.error, data.message || `HTTP ${response.status}`);
          }
          onState('live');
          delay = 500;
          let final = false;
          await readEvents(response.body, (event) => {
            if (event.id !== null) {
              lastId = event.id;
            }
            final = final || isFinal(event);
            onEvent(event);
          });
          if (final) {
            onState('ended');
            return;
          }
          onState('reconnecting', 'the stream ended early');
        } catch (e) {
          if (stopped || e.name === 'AbortError') {
            return;
          }
          if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429) {
            onState('failed', e.message);
            return;
          }
          onState('reconnecting', e.message);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    };
    run();
    return () => {
      stopped = true;
      controller.abort();
    };
  }
}

/** Reads SSE frames until the server ends the stream; a dropped connection throws. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = {type: 'message', id: null, data: ''};
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) {
          continue; // keepalive or comment
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.type = val;
        else if (field === 'id') event.id = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length > 0) {
        event.data = safeJson(data.join('\n'));
        onEvent(event);
      }
    }
  }
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}
